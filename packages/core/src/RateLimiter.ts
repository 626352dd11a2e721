/**
 * A per-action rate limiter over a sliding window: never more than `rps` starts of one action
 * in any window of one second, shared by every fiber that uses the layer.
 *
 * TRTC enforces 20 requests per second per API. A token bucket that starts full lets a burst
 * of `rps` through at the end of one second and another at the start of the next, which a
 * strict sliding-window server rejects; this limiter keeps the last `rps` uses and lets a
 * start through only once the oldest of them has left the window. A use wrapped by `limit`
 * leaves the window a full window after it *ended*: the server counts arrivals, which fall
 * between our start and the response, and a request that waited for a fresh connection would
 * otherwise land in the same server window as one sent a second later on a warm connection.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeSlidingWindow } from "./internal/slidingWindow.js"
import * as Constants from "./internal/models/constants.js"

/**
 * The limiter: `acquire(key)` waits until one more start of `key` fits in the window and
 * records it; `limit(key)` runs an effect in such a slot and counts the slot until the effect
 * ends, so that a server counting arrivals never sees more than `rps` in a window.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Waits (interruptibly) for a slot of `key` and records the start. */
  readonly acquire: (key: string) => Effect.Effect<void>
  /**
   * Runs `self` once a slot of `key` is free; the slot counts from when `self` ends, and the
   * next start it allows comes a full window later.
   */
  readonly limit: (key: string) => <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/**
 * The limiter service. Build it once (the layer does) so that every fiber shares the same
 * window: a limiter made per call limits nothing.
 *
 * @since 0.1.0
 * @category tags
 */
export class RateLimiter extends Context.Tag("@effect-trtc/core/RateLimiter")<RateLimiter, Service>() {}

/**
 * Limiter settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Starts allowed per key in any window; TRTC's documented limit is 20. */
  readonly rps: number
  /** The window length; default one second. */
  readonly window?: Duration.DurationInput | undefined
  /**
   * Extra spacing added to the window, for a server whose clock sees arrivals shifted by
   * network jitter; default none.
   */
  readonly margin?: Duration.DurationInput | undefined
  /**
   * Whether a use wrapped by `limit` counts from when it ends (default `true`: safe whatever
   * the network delay, at the price of `rps / (1 s + latency)`) or from when it starts (`false`:
   * the full rate; pair it with a `margin` that covers the spread of network delay).
   */
  readonly holdUntilDone?: boolean | undefined
}

/**
 * TRTC's documented limit for each call-quality action (`Models.requestsPerSecond`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRps: number = Constants.requestsPerSecond

/**
 * Builds a limiter whose windows live as long as the returned service. `rps <= 0` (or not
 * finite) disables limiting.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service> =>
  Effect.sync(() => {
    if (!Number.isFinite(options.rps) || options.rps <= 0) return unlimited
    const limit = Math.floor(options.rps)
    const windowMillis = Duration.toMillis(Duration.decode(options.window ?? "1 second")) +
      Duration.toMillis(Duration.decode(options.margin ?? 0))
    const windows = new Map<string, ReturnType<typeof makeSlidingWindow>>()
    const windowOf = (key: string) => {
      let window = windows.get(key)
      if (window === undefined) {
        window = makeSlidingWindow(limit, windowMillis)
        windows.set(key, window)
      }
      return window
    }
    return {
      acquire: (key) => Effect.suspend(() => windowOf(key).acquire),
      limit: options.holdUntilDone === false
        ? (key) => (self) => Effect.zipRight(Effect.suspend(() => windowOf(key).acquire), self)
        : (key) => (self) => Effect.suspend(() => windowOf(key).limit(self))
    }
  })

const unlimited: Service = {
  acquire: () => Effect.void,
  limit: () => (self) => self
}

/**
 * A limiter of `rps` starts per action per second (default 20).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Partial<Options> = {}): Layer.Layer<RateLimiter> =>
  Layer.effect(RateLimiter, make({ ...options, rps: options.rps ?? defaultRps }))

/**
 * No limiting at all: for benchmarks and for servers that limit nothing.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNone: Layer.Layer<RateLimiter> = Layer.succeed(RateLimiter, unlimited)
