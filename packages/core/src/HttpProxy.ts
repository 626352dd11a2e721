/**
 * Outbound HTTP proxies: `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (and their lowercase forms),
 * or one proxy given explicitly, as an `HttpClient` layer for `Trtc.layer` /
 * `TencentCloudClient.layer`.
 *
 * Why undici and not a CONNECT path in core's own node:http client: proxying is more than a
 * CONNECT (proxy authentication, `NO_PROXY` matching with ports and subdomains, https proxies,
 * keep-alive of tunnels), and undici's `EnvHttpProxyAgent`/`ProxyAgent` are the agents Node's own
 * fetch is built on, maintained with it. So when a proxy applies, requests go through
 * `FetchHttpClient` on undici's `fetch` with that dispatcher; when none does, nothing changes
 * (core's node:http transport stays the default).
 *
 * A proxy URL may hold credentials (`http://user:pass@proxy:3128`): it is kept `Redacted`, and
 * every message here shows it without them.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Undici from "undici"

/**
 * A proxy setting that cannot be used; `field` names where it came from (`HTTPS_PROXY`,
 * `--proxy`, …) and `problem` never contains the URL's credentials.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProxyError extends Schema.TaggedError<ProxyError>()("ProxyError", {
  field: Schema.String,
  problem: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return `${this.field}: ${this.problem} (${this.fix})`
  }
}

/**
 * Which proxies to use. `proxy` (a flag or a layer option) stands for both schemes and beats
 * the environment's; `noProxy` is a comma-separated list of hosts (`host`, `.domain`,
 * `host:port`, `*`) reached directly.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly proxy?: Redacted.Redacted<string> | undefined
  readonly httpProxy?: Redacted.Redacted<string> | undefined
  readonly httpsProxy?: Redacted.Redacted<string> | undefined
  readonly noProxy?: string | undefined
  /** Where `proxy` came from, for messages (default `proxy`). */
  readonly proxyField?: string | undefined
}

const nonEmpty = (value: string | undefined) => value === undefined || value.trim() === "" ? undefined : value.trim()

/**
 * The proxy settings of an environment, as curl and the SDKs read them: the lowercase name
 * first, then the uppercase one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const optionsFromEnv = (env: Readonly<Record<string, string | undefined>>): Options => {
  const secret = (value: string | undefined) => value === undefined ? undefined : Redacted.make(value)
  return {
    httpProxy: secret(nonEmpty(env.http_proxy) ?? nonEmpty(env.HTTP_PROXY)),
    httpsProxy: secret(nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY)),
    noProxy: nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY)
  }
}

/**
 * A proxy URL fit to print: scheme, host and port, credentials replaced by `***`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const display = (url: string): string => {
  try {
    const parsed = new URL(url)
    const auth = parsed.username !== "" || parsed.password !== "" ? "***@" : ""
    return `${parsed.protocol}//${auth}${parsed.host}`
  } catch {
    // Unparsable: any part of it may be a credential (a password pasted alone, say).
    return "(a value that is not a URL)"
  }
}

const check = (field: string, value: Redacted.Redacted<string>): Either.Either<string, ProxyError> => {
  const raw = Redacted.value(value)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return Either.left(
      new ProxyError({ field, problem: "the value is not a URL (not shown: it may hold a password)", fix: "write it as http://host:port (or http://user:password@host:port)" })
    )
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return Either.left(
      new ProxyError({ field, problem: `${display(raw)}: unsupported scheme ${url.protocol}`, fix: "use an http:// or https:// proxy" })
    )
  }
  if (url.hostname === "") {
    return Either.left(new ProxyError({ field, problem: `${display(raw)} names no host`, fix: "write it as http://host:port" }))
  }
  return Either.right(raw)
}

/**
 * The secrets a proxy setting holds (user and password, as written and decoded, and the
 * `user:password` pair Basic authentication encodes), for scrubbing output.
 *
 * @since 0.1.0
 * @category formatting
 */
export const secretsOf = (options: Options): ReadonlyArray<string> =>
  [options.proxy, options.httpProxy, options.httpsProxy].flatMap((value) => {
    if (value === undefined) return []
    try {
      const url = new URL(Redacted.value(value))
      if (url.password === "") return []
      const decode = (s: string) => {
        try {
          return decodeURIComponent(s)
        } catch {
          return s
        }
      }
      return [url.password, decode(url.password), `${decode(url.username)}:${decode(url.password)}`]
    } catch {
      return []
    }
  })

/**
 * The proxy URLs that apply per scheme, checked (an explicit `proxy` stands for both), or
 * `undefined` when none is set.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (
  options: Options
): Either.Either<{ readonly http: string | undefined; readonly https: string | undefined } | undefined, ProxyError> =>
  Either.gen(function*() {
    const explicit = options.proxy === undefined ? undefined : yield* check(options.proxyField ?? "proxy", options.proxy)
    const http = explicit ?? (options.httpProxy === undefined ? undefined : yield* check("HTTP_PROXY", options.httpProxy))
    const https = explicit ?? (options.httpsProxy === undefined ? undefined : yield* check("HTTPS_PROXY", options.httpsProxy))
    return http === undefined && https === undefined ? undefined : { http, https }
  })

// Bundled (the CLI's esbuild output), a dynamically imported CommonJS module may have its
// exports under `default`.
const loadUndici: Effect.Effect<typeof Undici> = Effect.map(
  Effect.promise(() => import("undici")),
  (m) => "EnvHttpProxyAgent" in m ? m : (m as unknown as { readonly default: typeof Undici }).default
)

/**
 * The undici dispatcher for these settings, or `undefined` when no proxy is set (requests then
 * go out directly). undici is loaded only here, when a proxy applies: a run without one does not
 * pay for loading it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const dispatcher = (options: Options): Effect.Effect<Undici.Dispatcher | undefined, ProxyError> =>
  Effect.flatMap(resolve(options), (urls) =>
    urls === undefined
      ? Effect.succeed(undefined)
      : Effect.map(loadUndici, (undici) =>
        // Empty strings, not undefined: undici would otherwise read process.env itself, and the
        // settings are exactly those given here. An https target without HTTPS_PROXY uses
        // HTTP_PROXY, as undici and curl do.
          new undici.EnvHttpProxyAgent({ httpProxy: urls.http ?? "", httpsProxy: urls.https ?? urls.http ?? "", noProxy: options.noProxy ?? "" })))

/**
 * An `HttpClient` sending through the configured proxy (undici's fetch), or `orElse` (e.g. core's
 * `TencentCloudClient.layerNodeHttpClient`, or `FetchHttpClient.layer`) when no proxy is set. The
 * dispatcher is closed with the layer.
 *
 * @example
 * import * as HttpProxy from "@effect-trtc/core/HttpProxy"
 * import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
 *
 * // HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment:
 * export const transport = HttpProxy.layer(HttpProxy.optionsFromEnv(process.env), TencentCloudClient.layerNodeHttpClient)
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options,
  orElse: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
): Layer.Layer<HttpClient.HttpClient, ProxyError> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const agent = yield* dispatcher(options)
    if (agent === undefined) return orElse
    yield* Effect.addFinalizer(() => Effect.promise(() => agent.close().catch(() => undefined)))
    const undici = yield* loadUndici
    const proxiedFetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) =>
      undici.fetch(input as Parameters<typeof Undici.fetch>[0], { ...(init as Parameters<typeof Undici.fetch>[1]), dispatcher: agent })) as unknown as typeof fetch
    return FetchHttpClient.layer.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, proxiedFetch)))
  }))
