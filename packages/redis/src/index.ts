/**
 * A rate limiter shared through Redis by every process on one TRTC account.
 *
 * @since 0.1.0
 */

/**
 * Core's `RateLimiter` shared through Redis: never more than the limit started in any 1-second
 * window by all processes on an account together; a local share while Redis is down.
 *
 * @since 0.1.0
 */
export * as RedisRateLimiter from "./RedisRateLimiter.js"

/**
 * Redis URLs parsed and displayed with the password redacted.
 *
 * @since 0.1.0
 */
export * as RedisUrl from "./RedisUrl.js"
