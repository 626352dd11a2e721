/**
 * The retry policy of the TRTC client: exponential backoff with jitter, a cap on each delay, a
 * budget on the total time, and one clock-skew correction on `AuthFailure.SignatureExpire`.
 *
 * Tencent reports API errors inside an HTTP 200 envelope, so a transport-level retry (such as
 * `HttpClient.retryTransient`) cannot tell a throttled call from a bad parameter; this policy
 * works on the decoded, tagged errors instead. Every attempt runs the whole wrapped effect
 * again, so every attempt is signed afresh with a new timestamp.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import { describeError } from "./internal/retryable.js"
import * as TrtcError from "./TrtcError.js"

/**
 * Retry settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Retries after the first attempt; default 4 (five attempts in all). */
  readonly maxRetries?: number | undefined
  /** The delay before the first retry, before jitter; default 200 ms. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** Growth of the delay per retry; default 2. */
  readonly factor?: number | undefined
  /** The cap on any one delay; default 5 s. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /**
   * The total time from the first attempt beyond which no retry starts; default 30 s. A retry
   * whose delay would end past the budget is not taken: the last error surfaces at once.
   */
  readonly budget?: Duration.DurationInput | undefined
  /**
   * The share of each delay that is random, from 0 (none) to 1 (full jitter); default 0.5:
   * a delay `d` becomes uniform in `[d * (1 - jitter), d]`, so the cap still holds and
   * fibers throttled together do not retry together.
   */
  readonly jitter?: number | undefined
  /** Which errors are worth another attempt; default `TrtcError.isRetryable`. */
  readonly isRetryable?: ((error: unknown) => boolean) | undefined
}

/**
 * Settings with every default filled in.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  readonly maxRetries: number
  readonly baseDelayMillis: number
  readonly factor: number
  readonly maxDelayMillis: number
  readonly budgetMillis: number
  readonly jitter: number
  readonly isRetryable: (error: unknown) => boolean
}

/**
 * What the policy needs to know about one call.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryContext<E> {
  /** The API action, for the logs. */
  readonly action: string
  /**
   * Called once per call when an attempt fails with `AuthFailure.SignatureExpire`: corrects
   * the signer's clock offset from the server's `Date` and answers whether it did. If so the
   * call is attempted again at once (this is not counted as a retry).
   */
  readonly correctClock?: ((error: E) => Effect.Effect<boolean>) | undefined
}

/**
 * The policy: `retry(self, context)` runs `self` and runs it again as the settings allow.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly options: Resolved
  readonly retry: <A, E, R>(self: Effect.Effect<A, E, R>, context: RetryContext<E>) => Effect.Effect<A, E, R>
}

/**
 * The retry policy service.
 *
 * @since 0.1.0
 * @category tags
 */
export class RetryPolicy extends Context.Tag("@effect-trtc/core/RetryPolicy")<RetryPolicy, Service>() {}

/**
 * The defaults: 4 retries, 200 ms doubling to at most 5 s, half jitter, a 30 s budget.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults: Resolved = {
  maxRetries: 4,
  baseDelayMillis: 200,
  factor: 2,
  maxDelayMillis: 5_000,
  budgetMillis: 30_000,
  jitter: 0.5,
  isRetryable: TrtcError.isRetryable
}

const millis = (input: Duration.DurationInput | undefined, fallback: number): number =>
  input === undefined ? fallback : Duration.toMillis(Duration.decode(input))

/**
 * Fills in the defaults.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve = (options: Options = {}): Resolved => ({
  maxRetries: Math.max(0, Math.floor(options.maxRetries ?? defaults.maxRetries)),
  baseDelayMillis: millis(options.baseDelay, defaults.baseDelayMillis),
  factor: options.factor ?? defaults.factor,
  maxDelayMillis: millis(options.maxDelay, defaults.maxDelayMillis),
  budgetMillis: millis(options.budget, defaults.budgetMillis),
  jitter: Math.min(1, Math.max(0, options.jitter ?? defaults.jitter)),
  isRetryable: options.isRetryable ?? defaults.isRetryable
})

/**
 * The delay before retry number `retry` (1 for the first), given a uniform random number in
 * `[0, 1)`: `min(maxDelay, base * factor^(retry - 1))`, less up to `jitter` of it.
 *
 * @since 0.1.0
 * @category scheduling
 */
export const delayMillis = (options: Resolved, retry: number, random: number): number => {
  const exponential = options.baseDelayMillis * Math.pow(options.factor, retry - 1)
  const capped = Math.min(options.maxDelayMillis, exponential)
  return Math.round(capped * (1 - options.jitter * random))
}

/**
 * Builds a policy from settings.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Service => {
  const resolved = resolve(options)
  const retry = <A, E, R>(self: Effect.Effect<A, E, R>, context: RetryContext<E>): Effect.Effect<A, E, R> =>
    Effect.clockWith((clock) => {
      const startedAt = clock.unsafeCurrentTimeMillis()
      const loop = (retries: number, corrected: boolean): Effect.Effect<A, E, R> =>
        Effect.catchAll(self, (error) => {
          if (!corrected && context.correctClock !== undefined && TrtcError.isClockSkew(error)) {
            return Effect.flatMap(context.correctClock(error), (didCorrect) =>
              didCorrect
                ? Effect.zipRight(
                    Effect.logDebug("TRTC clock skew corrected from the server's Date; attempting again").pipe(
                      Effect.annotateLogs({ action: context.action, ...describeError(error) })
                    ),
                    loop(retries, true)
                  )
                : Effect.fail(error))
          }
          if (retries >= resolved.maxRetries || !resolved.isRetryable(error)) return Effect.fail(error)
          return Effect.flatMap(Effect.zip(Random.next, Clock.currentTimeMillis), ([random, now]) => {
            const attempt = retries + 1
            const delay = delayMillis(resolved, attempt, random)
            if (now + delay - startedAt > resolved.budgetMillis) return Effect.fail(error)
            return Effect.logDebug("TRTC request failed; retrying").pipe(
              Effect.annotateLogs({ action: context.action, attempt, delayMillis: delay, ...describeError(error) }),
              Effect.zipRight(Effect.sleep(delay)),
              Effect.zipRight(loop(attempt, corrected))
            )
          })
        })
      return loop(0, false)
    })
  return { options: resolved, retry }
}

/**
 * The policy with the given settings (defaults when omitted).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<RetryPolicy> => Layer.succeed(RetryPolicy, make(options))

/**
 * No retries. The one clock-skew correction still happens: it repairs the request rather than
 * repeating a failure.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNone: Layer.Layer<RetryPolicy> = layer({ maxRetries: 0 })
