import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { Redis } from "ioredis"
import type * as RedisUrl from "../RedisUrl.js"
import { acquireLua, releaseLua } from "./slidingWindowScript.js"

/**
 * Redis did not answer in time, refused, or is not connected. `reason` is ioredis's message
 * (it names the host and port, never the password).
 *
 * @internal
 */
export class RedisUnavailable extends Data.TaggedError("RedisUnavailable")<{ readonly reason: string }> {}

/**
 * The shared window's commands over one ioredis connection.
 *
 * @internal
 */
export interface RedisWindow {
  /**
   * 0 when the use was recorded, else the milliseconds to wait before asking again. `hold`: the
   * use stays pending until `release`d; otherwise it counts from now.
   */
  readonly acquire: (key: string, member: string, hold: boolean) => Effect.Effect<number, RedisUnavailable>
  readonly release: (key: string, member: string) => Effect.Effect<void, RedisUnavailable>
  readonly ping: Effect.Effect<void, RedisUnavailable>
}

interface WindowCommands {
  trtcAcquire(key: string, limit: number, windowMs: number, leaseMs: number, member: string, hold: number): Promise<number>
  trtcRelease(key: string, windowMs: number, member: string): Promise<number>
}

const unavailable = (error: unknown) => new RedisUnavailable({ reason: error instanceof Error ? error.message : String(error) })

/**
 * Connects for the life of the scope. Commands never wait in an offline queue and are never
 * re-sent after a reconnect (a re-sent acquire would record a use twice, late): while the
 * connection is down each fails at once, which is what lets the limiter fall back at once.
 *
 * @internal
 */
export const make = (options: {
  readonly url: RedisUrl.RedisUrl
  readonly limit: number
  readonly windowMs: number
  readonly leaseMs: number
  readonly commandTimeoutMs: number
  readonly reconnectMs: number
}): Effect.Effect<RedisWindow, never, Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const redis = new Redis({
          host: options.url.host,
          port: options.url.port,
          db: options.url.db,
          username: options.url.username,
          password: options.url.password === undefined ? undefined : Redacted.value(options.url.password),
          ...(options.url.tls ? { tls: {} } : {}),
          lazyConnect: false,
          connectTimeout: options.commandTimeoutMs,
          commandTimeout: options.commandTimeoutMs,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          autoResendUnfulfilledCommands: false,
          // Keep trying to reconnect at a steady pace: the limiter probes on its own schedule
          // and needs a live connection as soon as Redis is back.
          retryStrategy: () => options.reconnectMs
        })
        // Without a listener ioredis prints every connection error to the console; the
        // limiter reports the outage itself, once.
        redis.on("error", () => {})
        redis.defineCommand("trtcAcquire", { numberOfKeys: 1, lua: acquireLua })
        redis.defineCommand("trtcRelease", { numberOfKeys: 1, lua: releaseLua })
        return redis
      }),
      (redis) => Effect.sync(() => redis.disconnect(false))
    )
    const commands = client as unknown as WindowCommands
    return {
      acquire: (key, member, hold) =>
        Effect.tryPromise({
          try: () => commands.trtcAcquire(key, options.limit, options.windowMs, options.leaseMs, member, hold ? 1 : 0),
          catch: unavailable
        }).pipe(Effect.map(Number)),
      release: (key, member) =>
        Effect.asVoid(Effect.tryPromise({ try: () => commands.trtcRelease(key, options.windowMs, member), catch: unavailable })),
      ping: Effect.asVoid(Effect.tryPromise({ try: () => client.ping(), catch: unavailable }))
    } satisfies RedisWindow
  })

/**
 * Waits until the connection is ready or `timeoutMs` passed; answers whether it is.
 *
 * @internal
 */
export const awaitReady = (window: RedisWindow, timeoutMs: number, stepMs = 25): Effect.Effect<boolean> =>
  Effect.flatMap(Clock.currentTimeMillis, (start) => {
    const loop: Effect.Effect<boolean> = Effect.flatMap(Effect.either(window.ping), (result) =>
      result._tag === "Right"
        ? Effect.succeed(true)
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
            now - start >= timeoutMs ? Effect.succeed(false) : Effect.zipRight(Effect.sleep(stepMs), loop)))
    return loop
  })
