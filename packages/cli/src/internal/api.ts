import * as HttpProxy from "@effect-trtc/core/HttpProxy"
import * as RateLimiter from "@effect-trtc/core/RateLimiter"
import * as RetryPolicy from "@effect-trtc/core/RetryPolicy"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as RoleCredentials from "@effect-trtc/signer/RoleCredentials"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as CliError from "../CliError.js"
import type { Globals } from "./globals.js"
import { Terminal } from "./io.js"
import { knownSecrets, remember } from "./secrets.js"

/**
 * The STS endpoint for an API endpoint: Tencent Cloud's own hosts (`trtc.tencentcloudapi.com`,
 * `trtc.<region>.tencentcloudapi.com`, `trtc.internal.tencentcloudapi.com`) have STS beside
 * them under `sts.`; any other endpoint (the emulator, a gateway) is asked itself, since
 * the action header tells the services apart. `undefined` (no `--endpoint`): STS's default host.
 */
export const stsEndpointFor = (endpoint: string | undefined): string | undefined => {
  if (endpoint === undefined) return undefined
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`)
  } catch {
    return endpoint
  }
  if (/^trtc\.(?:[a-z0-9-]+\.)?tencentcloudapi\.com$/i.test(url.hostname)) {
    url.hostname = url.hostname.replace(/^trtc\./i, "sts.")
    return url.toString().replace(/\/$/, "")
  }
  return endpoint
}

/** Where the CLI's credentials may come from, as the global flags set it. */
export interface CredentialSettings {
  /** The profile (`--profile`, else TENCENTCLOUD_PROFILE / TCCLI_PROFILE). */
  readonly profile: string | undefined
  /** `--profile` was given: only that profile's files count, as in tccli. */
  readonly explicit?: boolean | undefined
  /** The API endpoint (`--endpoint` / TRTC_ENDPOINT); STS follows it (see {@link stsEndpointFor}). */
  readonly endpoint?: string | undefined
  /** Also ask the instance metadata service for the CVM/TKE node's role (tccli's `--use-cvm-role`). */
  readonly useCvmRole?: boolean | undefined
  /** The metadata root (tests point it at the emulator). */
  readonly metadataUrl?: string | undefined
}

const noCredentialsFix =
  "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (with TENCENTCLOUD_ROLE_ARN to assume a role), run trtc configure, or pass --profile"

/**
 * The chain the CLI signs with. Without an explicit `--profile`, the signer's default chain with
 * roles (`RoleCredentials.defaultChain`): TENCENTCLOUD_ROLE_ARN, the environment's keys, the
 * profile file (its `role_arn` first), tccli's file (its `role-arn` first), TKE OIDC; the CVM
 * role only when asked, as tccli asks the metadata service only with `--use-cvm-role` (off
 * Tencent Cloud it would cost every run a timeout before the "no credentials" error). With an
 * explicit `--profile` only that profile's files (and their roles), as tccli has it, so a stray
 * TENCENTCLOUD_SECRET_ID in the environment cannot override the account asked for.
 */
const chainFor = (settings: CredentialSettings): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const sts: RoleCredentials.StsOptions = { endpoint: stsEndpointFor(settings.endpoint) }
    const useCvmRole = settings.useCvmRole === true
    if (settings.explicit !== true || settings.profile === undefined) {
      return yield* RoleCredentials.defaultChain({ ...sts, profile: settings.profile, useCvmRole, metadataUrl: settings.metadataUrl })
    }
    const profile = settings.profile
    return Credentials.chain([
      yield* RoleCredentials.profileRole(profile, sts),
      Credentials.fromProfile(profile),
      yield* RoleCredentials.tccliRole(profile, { ...sts, metadataUrl: settings.metadataUrl }),
      Credentials.fromTccli(profile),
      ...(useCvmRole ? [yield* RoleCredentials.cvmRole({ metadataUrl: settings.metadataUrl })] : [])
    ])
  })

/**
 * The chain's "nothing found" in one line: every source tried, each with why it did not count,
 * and the fix (the full problem texts stay in `tried`).
 */
const noCredentials = (useCvmRole: boolean) => (error: Credentials.CredentialsError): Credentials.CredentialsError => {
  if (error.source !== "credential chain" || error.reason !== "NotFound" || error.tried === undefined) return error
  // A file's role and its keys are two providers that fail alike ("the file does not exist"): said once.
  const tried = [...new Set(error.tried)]
  if (!useCvmRole) tried.push("CVM role: not asked without --use-cvm-role")
  return new Credentials.CredentialsError({
    source: "credential chain",
    reason: "NotFound",
    problem: `no credentials found (tried ${tried.join("; ")})`,
    fix: noCredentialsFix,
    tried
  })
}

/**
 * Credentials from the signer's chain with roles (see `chainFor`), remembered for scrubbing.
 * A role's temporary credential is refreshed before its `ExpiredTime` by one STS call, through
 * the same HTTP client (and proxy) as the API requests.
 */
export const credentialsLayer = (settings: CredentialSettings): Layer.Layer<Credentials.Credentials, never, HttpClient.HttpClient> =>
  Layer.effect(
    Credentials.Credentials,
    Effect.gen(function*() {
      const base = yield* Credentials.Credentials
      return Credentials.Credentials.of({
        get: Effect.tap(Effect.mapError(base.get, noCredentials(settings.useCvmRole === true)), (credential) =>
          Effect.sync(() => {
            // Only to cut them out of any printed text; they are never printed.
            remember(Redacted.value(credential.secretKey))
            if (Option.isSome(credential.token)) remember(Redacted.value(credential.token.value))
          }))
      })
    })
  ).pipe(Layer.provide(Layer.unwrapEffect(Effect.map(chainFor(settings), Credentials.layerFromProvider))))

/** The HTTP client: fetch (through the proxy when one applies), with each request and its status on stderr under `--verbose`. */
export const httpLayer = (
  verbose: boolean,
  proxy: HttpProxy.Options = {}
): Layer.Layer<HttpClient.HttpClient, HttpProxy.ProxyError, Terminal> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.gen(function*() {
      const terminal = yield* Terminal
      const client = yield* HttpClient.HttpClient
      const say = (text: string) => verbose ? terminal.stderr(CliError.scrub(text, knownSecrets()) + "\n") : Effect.void
      return HttpClient.transform(client, (effect, request) => {
        if (!verbose) return effect
        const action = request.headers["x-tc-action"] ?? ""
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
        return Effect.flatMap(Clock.currentTimeMillis, (started) => {
          const took = Effect.map(Clock.currentTimeMillis, (now) => now - started)
          return say(`→ ${request.method} ${request.url} ${action} ${body}`).pipe(
            Effect.zipRight(effect),
            Effect.tap((response) => Effect.flatMap(took, (ms) => say(`← ${action} HTTP ${response.status} in ${ms} ms`))),
            Effect.tapError((error) => Effect.flatMap(took, (ms) => say(`← ${action} failed in ${ms} ms: ${error._tag}`)))
          )
        })
      })
    })
  ).pipe(Layer.provide(HttpProxy.layer(proxy, FetchHttpClient.layer)))

/** Diagnostics (the retry policy's log lines) as single lines on stderr, secrets cut out. */
export const loggerLayer = (verbose: boolean): Layer.Layer<never, never, Terminal> =>
  Layer.unwrapEffect(Effect.map(Terminal, (terminal) =>
    Layer.merge(
      Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ annotations, logLevel, message }) => {
          const parts = (Array.isArray(message) ? message : [message]).map((m) =>
            typeof m === "string" ? m : JSON.stringify(m))
          for (const [key, value] of HashMap.toEntries(annotations)) {
            parts.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
          }
          const text = parts.join(" ")
          terminal.stderrSync(CliError.scrub(`${logLevel.label.toLowerCase()}: ${text}`.replace(/\s*\n\s*/g, " "), knownSecrets()) + "\n")
        })
      ),
      Layer.merge(
        Logger.minimumLogLevel(verbose ? LogLevel.Debug : LogLevel.Warning),
        // Effect's own "Fiber terminated with an unhandled error" (a fiber of a layer or race that
        // lost to the failure): noise next to the one error line the command prints.
        Layer.setUnhandledErrorLogLevel(Option.none())
      )
    )))

/**
 * The rate limiter the global flags choose: this process's own (`--rps` per action), or the
 * account's limit shared through Redis by every process given the same `--rate-limit`, keyed by
 * the SecretId (hashed).
 */
const rateLimiterLayer = (globals: Globals): Layer.Layer<RateLimiter.RateLimiter, unknown, Credentials.Credentials> => {
  const url = globals.rateLimit
  if (url === undefined) return RateLimiter.layer({ rps: globals.rps })
  // Loaded only when asked for: ioredis is not worth its start-up time to every other command.
  return Layer.unwrapEffect(Effect.gen(function*() {
    const RedisRateLimiter = yield* Effect.promise(() => import("@effect-trtc/redis/RedisRateLimiter"))
    const credential = yield* Credentials.get
    return RedisRateLimiter.layer({
      url,
      account: credential.secretId,
      rps: globals.rps,
      // The fallback share while Redis is down: floor(rps / workers) each (must be ≤ rps).
      workers: Math.min(RedisRateLimiter.defaultWorkers, globals.rps)
    })
  }))
}

/** The TRTC service as the global flags configure it. */
export const trtcLayer = (globals: Globals): Layer.Layer<Trtc.Trtc, unknown, Terminal> =>
  Trtc.layerFromContext.pipe(
    Layer.provide(Layer.mergeAll(
      TencentCloudClient.layer({ endpoint: globals.endpoint, region: globals.region, timeout: globals.timeoutMillis }),
      rateLimiterLayer(globals),
      RetryPolicy.layer({})
    )),
    Layer.provide(Layer.provideMerge(
      credentialsLayer({
        profile: globals.profile,
        explicit: globals.profileExplicit,
        endpoint: globals.endpoint,
        useCvmRole: globals.useCvmRole,
        metadataUrl: globals.metadataUrl
      }),
      httpLayer(globals.verbose, globals.proxy)
    )),
    Layer.provideMerge(loggerLayer(globals.verbose))
  )
