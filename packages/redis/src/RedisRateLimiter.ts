/**
 * Core's `RateLimiter`, shared through Redis by every process on one account: together they
 * never start more than `rps` requests of one action in any 1-second sliding window, the promise
 * one process keeps with the in-process limiter.
 *
 * The TRTC limit is per account (20 requests per second per action, whoever sends them), so two
 * replicas with their own in-process limiters send up to 40 and get `RequestLimitExceeded`. Here
 * each (account, action) is one sorted set in Redis holding the uses of the last window, checked
 * and extended by one Lua script on Redis's clock (`TIME`): atomic, and blind to the workers'
 * clocks. A fixed window or a token bucket (such as `@effect/experimental`'s `RateLimiter`) lets
 * up to twice the limit through within one sliding second, which the API refuses. As in core, a
 * use counts until a full window after it *ends*, which makes the promise hold whatever the
 * network delay between worker, Redis and API.
 *
 * When Redis is unreachable or slower than `commandTimeout`, the limiter falls back to an
 * in-process window at `floor(rps / workers)` (one warning), probes Redis every
 * `probeInterval`, and goes back when it answers (a second warning, "answers again"). The promise holds through an outage
 * when: at most `workers` processes share the account; Redis fails for all of them alike (down
 * or slow, not cut off from some while others still reach it); and a request in flight at a
 * switch ends within `probeInterval`. Around each switch the limiter is careful rather than
 * fast: on falling back it starts nothing locally until a window after its last shared use ended,
 * and on return it keeps the local share *as well* for `probeInterval + 2 windows`, until every
 * worker has seen Redis again (a restarted Redis remembers no uses).
 *
 * @since 0.1.0
 */
import * as RateLimiter from "@effect-trtc/core/RateLimiter"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { createHash, randomBytes } from "node:crypto"
import * as RedisWindow from "./internal/redisWindow.js"
import * as RedisUrl from "./RedisUrl.js"

/**
 * Limiter settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `redis://host:port[/db]` (or parsed); a password in it stays redacted. */
  readonly url: string | RedisUrl.RedisUrl
  /**
   * The account the limit belongs to: its SecretId. Only a hash of it goes into Redis keys.
   */
  readonly account: string | Redacted.Redacted<string>
  /** Starts allowed per action in any window, all processes together; default {@link defaultRps}. */
  readonly rps?: number | undefined
  /** The window length; default one second. */
  readonly window?: Duration.DurationInput | undefined
  /** Extra spacing added to the window; default none. */
  readonly margin?: Duration.DurationInput | undefined
  /**
   * Whether a use counts from when it ends (default `true`: safe whatever the network delay, at
   * the price of `rps / (1 s + latency)`, latency counting the two Redis round trips) or from when
   * Redis admitted it (`false`: the full rate; pair it with a `margin` that covers the spread of
   * the delay from Redis to the API, see bench/results/redis.md).
   */
  readonly holdUntilDone?: boolean | undefined
  /**
   * How many processes at most share the account: while Redis is down each one limits itself to
   * `floor(rps / workers)`; default {@link defaultWorkers}. Must be from 1 to `rps`.
   */
  readonly workers?: number | undefined
  /** Past this a Redis command counts as failed; default 1 second. */
  readonly commandTimeout?: Duration.DurationInput | undefined
  /** How often Redis is tried again while down; default 1 second. */
  readonly probeInterval?: Duration.DurationInput | undefined
  /**
   * How long a running use holds its slot at most, should its worker die before it ends; default
   * 60 seconds (longer than a request's attempt timeout, 30 s by default).
   */
  readonly lease?: Duration.DurationInput | undefined
  /** Prefix of the Redis keys; default `trtc:rate:`. */
  readonly keyPrefix?: string | undefined
}

/**
 * The default limit for all processes together: TRTC's documented 20 per action, no margin.
 * Measured against the emulator's strict 20/s sliding window with three worker processes on one
 * Redis (bench/results/redis.md, 2 cores at load 16–23): 0 refusals at 20 with uses held until they
 * end (the default), so no margin below it is needed; counting uses from admission instead, 47
 * of 864 requests were refused at 20 with no margin (that jitter is what holding covers).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRps = RateLimiter.defaultRps

/**
 * The default number of processes assumed to share an account while Redis is down: the fallback
 * share is `floor(20 / 4) = 5` requests per second per action and process.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultWorkers = 4

/**
 * Settings that cannot work, named by field with the value's problem and the fix.
 *
 * @since 0.1.0
 * @category errors
 */
export class RedisRateLimiterError extends Schema.TaggedError<RedisRateLimiterError>()("RedisRateLimiterError", {
  field: Schema.String,
  problem: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `Redis rate limiter: ${this.field} ${this.problem}`
  }
}

/**
 * The Redis key of one account's window of one action: the SecretId is hashed (SHA-256, first
 * 128 bits), so that nothing reading Redis learns it.
 *
 * @since 0.1.0
 * @category keys
 */
export const keyOf = (prefix: string, account: string | Redacted.Redacted<string>, action: string): string => {
  const id = typeof account === "string" ? account : Redacted.value(account)
  const hash = createHash("sha256").update("effect-trtc rate limit\u0000").update(id).digest("hex").slice(0, 32)
  return `${prefix}${hash}:${action}`
}

const millis = (input: Duration.DurationInput | undefined, fallback: Duration.DurationInput) =>
  Duration.toMillis(Duration.decode(input ?? fallback))

type Mode =
  | { readonly _tag: "Shared" }
  /** Local only; `quietFrom` is when it began after shared uses (0 when none may be recent). */
  | { readonly _tag: "Local"; readonly quietFrom: number }
  /** Back on Redis, and on the local share too until `until`. */
  | { readonly _tag: "Both"; readonly until: number }

/**
 * Builds the limiter for the life of the scope: connects to Redis (starting on the local share
 * when it does not answer within `commandTimeout`) and probes it while it is down.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<RateLimiter.Service, RedisRateLimiterError | RedisUrl.RedisUrlError, Scope.Scope> =>
  Effect.gen(function*() {
    const url = typeof options.url === "string" ? yield* RedisUrl.parse(options.url) : options.url
    const shown = RedisUrl.display(url)
    const rps = options.rps ?? defaultRps
    if (!Number.isInteger(rps) || rps < 1) {
      return yield* new RedisRateLimiterError({ field: "rps", problem: `is ${rps}: give a whole number of at least 1 (TRTC allows 20)` })
    }
    const workers = options.workers ?? defaultWorkers
    if (!Number.isInteger(workers) || workers < 1 || workers > rps) {
      return yield* new RedisRateLimiterError({
        field: "workers",
        problem: `is ${workers}: give a whole number from 1 to rps (${rps}), the most processes that share the account`
      })
    }
    const account = typeof options.account === "string" ? options.account : Redacted.value(options.account)
    if (account === "") {
      return yield* new RedisRateLimiterError({ field: "account", problem: "is empty: give the SecretId whose limit the processes share" })
    }
    const windowMs = millis(options.window, "1 second") + millis(options.margin, 0)
    const commandTimeoutMs = millis(options.commandTimeout, "1 second")
    const probeMs = millis(options.probeInterval, "1 second")
    const leaseMs = millis(options.lease, "60 seconds")
    const prefix = options.keyPrefix ?? "trtc:rate:"
    const share = Math.floor(rps / workers)
    const hold = options.holdUntilDone ?? true

    const redis = yield* RedisWindow.make({ url, limit: rps, windowMs, leaseMs, commandTimeoutMs, reconnectMs: Math.max(50, Math.min(probeMs, 500)) })
    const local = yield* RateLimiter.make({ rps: share, window: Duration.millis(windowMs) })
    const instance = randomBytes(6).toString("hex")
    let sequence = 0
    const keys = new Map<string, string>()
    const keyFor = (action: string) => {
      let key = keys.get(action)
      if (key === undefined) {
        key = keyOf(prefix, account, action)
        keys.set(action, key)
      }
      return key
    }
    // One fiber per action asks Redis at a time: waiters of this process go in order and Redis
    // is not polled by every one of them.
    const gates = new Map<string, Effect.Semaphore>()
    const gateOf = (action: string) => {
      let gate = gates.get(action)
      if (gate === undefined) {
        gate = Effect.unsafeMakeSemaphore(1)
        gates.set(action, gate)
      }
      return gate
    }

    let mode: Mode = { _tag: "Shared" }
    let sharedInFlight = 0
    let sharedLastEnd = 0
    const fallBack = (reason: string) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (mode._tag === "Local") return Effect.void
        const from = mode._tag === "Shared" ? now : 0
        mode = { _tag: "Local", quietFrom: from }
        return Effect.logWarning(
          `Redis rate limiter: ${shown} is unavailable (${reason}); limiting this process to ${share} requests per second per action ` +
            `(${rps} / ${workers} workers) until it answers again`
        )
      })

    // Records the use in Redis and runs `self` in it. `Left` when `self` did not start: Redis
    // failed, or (with `sharedOnly`) the limiter left shared mode while this use waited, so that
    // it must go the way of the new mode (a use admitted by Redis alone while another process is
    // on its local share could take the local share's part of the limit a second time).
    const shared = <A, E, R>(
      action: string,
      self: Effect.Effect<A, E, R>,
      sharedOnly: boolean
    ): Effect.Effect<Either.Either<A, RedisWindow.RedisUnavailable | "switched">, E, R> =>
      Effect.uninterruptibleMask((restore) => {
        const key = keyFor(action)
        const member = `${instance}:${sequence++}`
        // The Redis call runs uninterruptibly (an interrupted acquire could still land and hold
        // a slot for a whole lease); only the waits between calls can be interrupted.
        const admit: Effect.Effect<void, RedisWindow.RedisUnavailable | "switched"> = Effect.suspend(() =>
          sharedOnly && mode._tag !== "Shared" ? Effect.fail("switched" as const) : Effect.flatMap(
            redis.acquire(key, member, hold),
            (wait) => wait === 0 ? Effect.void : Effect.zipRight(restore(Effect.sleep(Duration.millis(wait))), admit)
          ))
        const gate = gateOf(action)
        return Effect.zipRight(
          restore(gate.take(1)),
          Effect.either(Effect.ensuring(admit, gate.release(1)))
        ).pipe(Effect.flatMap((admitted): Effect.Effect<Either.Either<A, RedisWindow.RedisUnavailable | "switched">, E, R> => {
          if (Either.isLeft(admitted)) return Effect.succeed(Either.left(admitted.left))
          sharedInFlight++
          const release = Effect.zipRight(
            hold ? Effect.ignore(redis.release(key, member)) : Effect.void,
            Effect.map(Clock.currentTimeMillis, (now) => {
              sharedInFlight--
              sharedLastEnd = Math.max(sharedLastEnd, now)
            })
          )
          return Effect.map(Effect.ensuring(restore(self), release), (a) => Either.right(a))
        }))
      })

    // After shared uses, nothing starts locally until every one of them has ended and a window
    // has passed: the last window may hold up to `rps` shared uses of all processes.
    const quiet: Effect.Effect<void> = Effect.suspend(() => {
      if (mode._tag !== "Local" || mode.quietFrom === 0) return Effect.void
      if (sharedInFlight > 0) return Effect.zipRight(Effect.sleep(Duration.millis(20)), quiet)
      const from = Math.max(mode.quietFrom, sharedLastEnd)
      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const wait = from + windowMs - now
        if (wait > 0) return Effect.zipRight(Effect.sleep(Duration.millis(wait)), quiet)
        if (mode._tag === "Local") mode = { _tag: "Local", quietFrom: 0 }
        return Effect.void
      })
    })

    // Decided once the local slot is granted, not when the use arrived: a use that queued for a
    // local slot while Redis was down may start after it returned, and must then be recorded there.
    const afterLocalSlot = <A, E, R>(action: string, self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.suspend(() =>
        mode._tag === "Local" ? self : Effect.flatMap(shared(action, self, false), (result) =>
          Either.isRight(result)
            ? Effect.succeed(result.right)
            // Inside the local slot: if Redis fails now, the use still runs on the local share.
            : Effect.zipRight(result.left === "switched" ? Effect.void : fallBack(result.left.reason), self)))

    const limit = (action: string) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<A, E, R> => {
        if (mode._tag === "Both" && now >= mode.until) mode = { _tag: "Shared" }
        if (mode._tag !== "Shared") return Effect.zipRight(quiet, local.limit(action)(afterLocalSlot(action, self)))
        return Effect.flatMap(shared(action, self, true), (result) =>
          Either.isRight(result)
            ? Effect.succeed(result.right)
            : Effect.zipRight(result.left === "switched" ? Effect.void : fallBack(result.left.reason), limit(action)(self)))
      })

    const probe = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      mode._tag !== "Local" ? Effect.void : Effect.matchEffect(redis.ping, {
        onFailure: () => Effect.void,
        onSuccess: () => {
          if (mode._tag !== "Local") return Effect.void
          const overlap = probeMs + 2 * windowMs
          mode = { _tag: "Both", until: now + overlap }
          // A warning as well: whoever saw the fallback (a CLI shows warnings only) must see it end.
          return Effect.logWarning(
            `Redis rate limiter: ${shown} answers again; sharing the limit through it, keeping the local share for another ${overlap} ms`
          )
        }
      }))
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(Duration.millis(probeMs)), probe)))

    if (!(yield* RedisWindow.awaitReady(redis, commandTimeoutMs))) {
      // A process starting while Redis is down cannot know what the others started.
      yield* fallBack(`no answer within ${commandTimeoutMs} ms of starting`)
    }

    return RateLimiter.RateLimiter.of({
      acquire: (action) => limit(action)(Effect.void),
      limit
    })
  })

/**
 * Core's `RateLimiter` service on Redis: provide it in place of `RateLimiter.layer` (e.g. to
 * `Trtc.layerFromContext`).
 *
 * @example
 * ```ts
 * import * as RedisRateLimiter from "@effect-trtc/redis/RedisRateLimiter"
 *
 * // Every process started with this layer shares the account's 20 requests per second per action.
 * const SharedLimit = RedisRateLimiter.layer({
 *   url: "redis://127.0.0.1:6379/0",
 *   account: "AKIDexample",
 *   workers: 3 // while Redis is down each process keeps to floor(20 / 3) = 6 per second
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<RateLimiter.RateLimiter, RedisRateLimiterError | RedisUrl.RedisUrlError> => Layer.scoped(RateLimiter.RateLimiter, make(options))
