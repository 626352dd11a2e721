import * as HttpProxy from "@effect-trtc/core/HttpProxy"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
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
 * Credentials from the signer's chain (environment, profile file, tccli), remembered for
 * scrubbing. With an explicit `--profile` only that profile's files count, as in tccli, so a
 * stray TENCENTCLOUD_SECRET_ID in the environment cannot override the account asked for.
 */
export const credentialsLayer = (profile: string | undefined, explicit = false): Layer.Layer<Credentials.Credentials> =>
  Layer.effect(
    Credentials.Credentials,
    Effect.gen(function*() {
      const base = yield* Credentials.Credentials
      return Credentials.Credentials.of({
        get: Effect.tap(base.get, (credential) =>
          Effect.sync(() => {
            // Only to cut them out of any printed text; they are never printed.
            remember(Redacted.value(credential.secretKey))
            if (Option.isSome(credential.token)) remember(Redacted.value(credential.token.value))
          }))
      })
    })
  ).pipe(Layer.provide(
    profile === undefined
      ? Credentials.layerDefault
      : explicit
        ? Credentials.layerChain([Credentials.fromProfile(profile), Credentials.fromTccli(profile)])
        : Credentials.layerDefaultProfile(profile)
  ))

let requests = 0

/** Requests sent by this process so far (every attempt, retries included), for progress. */
export const requestCount = (): number => requests

/** The HTTP client: fetch, counting requests, with each one and its status on stderr under `--verbose`. */
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
        requests++
        if (!verbose) return effect
        const action = request.headers["x-tc-action"] ?? ""
        const started = Date.now()
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
        return say(`→ ${request.method} ${request.url} ${action} ${body}`).pipe(
          Effect.zipRight(effect),
          Effect.tap((response) => say(`← ${action} HTTP ${response.status} in ${Date.now() - started} ms`)),
          Effect.tapError((error) => say(`← ${action} failed in ${Date.now() - started} ms: ${error._tag}`))
        )
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

/** The TRTC service as the global flags configure it. */
export const trtcLayer = (globals: Globals): Layer.Layer<Trtc.Trtc, unknown, Terminal> =>
  Trtc.layer({
    endpoint: globals.endpoint,
    region: globals.region,
    timeout: globals.timeoutMillis,
    rps: globals.rps
  }).pipe(
    Layer.provide(Layer.merge(httpLayer(globals.verbose, globals.proxy), credentialsLayer(globals.profile, globals.profileExplicit))),
    Layer.provideMerge(loggerLayer(globals.verbose))
  )
