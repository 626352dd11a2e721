// The span of one API call when a tracer is installed (OpenTelemetry via @effect/opentelemetry,
// or any Effect tracer): what happened inside it (attempts, retries, time queued by the rate
// limiter, the last RequestId) as attributes. Never the request body or a credential: the
// attributes are the action, the region and these counters only.
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/** What the attempts of one call report to its span. */
export interface CallStats {
  attempts: number
  rateLimitWaitMillis: number
  requestId: string | undefined
}

const requestIdOf = (value: unknown): string | undefined => {
  const id = typeof value === "object" && value !== null ? (value as { readonly requestId?: unknown }).requestId : undefined
  return typeof id === "string" && id !== "" ? id : undefined
}

/**
 * One attempt, counted, with the time it waited for the rate limiter measured on the Effect
 * Clock (the limiter's own clock) and its RequestId, answer or error, kept.
 */
export const observedAttempt = <A, E, R>(
  stats: CallStats,
  limit: <A1, E1, R1>(self: Effect.Effect<A1, E1, R1>) => Effect.Effect<A1, E1, R1>,
  send: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (queuedAt) => {
    stats.attempts += 1
    return limit(Effect.flatMap(Clock.currentTimeMillis, (grantedAt) => {
      stats.rateLimitWaitMillis += grantedAt - queuedAt
      return send
    })).pipe(
      Effect.tap((answer) => void (stats.requestId = requestIdOf(answer) ?? stats.requestId)),
      Effect.tapError((error) => Effect.sync(() => void (stats.requestId = requestIdOf(error) ?? stats.requestId)))
    )
  })

/** Runs a call in its span, the stats set as attributes when it ends (success or failure). */
export const withCallSpan = <A, E, R>(
  name: string,
  base: { readonly action: string; readonly region: string },
  run: (stats: CallStats) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    const stats: CallStats = { attempts: 0, rateLimitWaitMillis: 0, requestId: undefined }
    return run(stats).pipe(
      Effect.onExit(() =>
        Effect.annotateCurrentSpan({
          "trtc.attempts": stats.attempts,
          "trtc.retries": Math.max(0, stats.attempts - 1),
          "trtc.rate_limit_wait_ms": stats.rateLimitWaitMillis,
          ...(stats.requestId === undefined ? {} : { "trtc.request_id": stats.requestId })
        })),
      Effect.withSpan(name, {
        captureStackTrace: false,
        kind: "client",
        attributes: { "trtc.action": base.action, "trtc.region": base.region, "rpc.system": "tencentcloud", "rpc.method": base.action }
      })
    )
  })

// Effect's default tracer, which keeps spans in memory only: under it no span is made (each
// costs 30–40 µs for nothing; see Trtc.ts).
const builtInTracer = Effect.runSync(Effect.tracer)

/**
 * A stream window's fetch (all its pages, its bisection halves as child windows) in a
 * `TrtcStream.window` span with the window's bounds, when a tracer is installed: the calls it
 * makes become its children.
 */
export const withWindowSpan = <A, E, R>(
  window: { readonly start: number; readonly end: number },
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.tracerWith((tracer) =>
    tracer === builtInTracer
      ? effect
      : Effect.withSpan(effect, "TrtcStream.window", {
          captureStackTrace: false,
          attributes: { "trtc.window.start": window.start, "trtc.window.end": window.end, "trtc.window.seconds": window.end - window.start }
        }))
