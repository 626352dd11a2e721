import * as HttpProxy from "@effect-trtc/core/HttpProxy"
import * as RateLimiter from "@effect-trtc/core/RateLimiter"
import * as RetryPolicy from "@effect-trtc/core/RetryPolicy"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Credentials from "@effect-trtc/signer/Credentials"
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
    Layer.provide(Layer.merge(httpLayer(globals.verbose, globals.proxy), credentialsLayer(globals.profile, globals.profileExplicit))),
    Layer.provideMerge(loggerLayer(globals.verbose))
  )
