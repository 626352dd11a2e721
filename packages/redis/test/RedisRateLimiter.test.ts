import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type * as RateLimiter from "@effect-trtc/core/RateLimiter"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import { Redis } from "ioredis"
import * as RedisRateLimiter from "../src/RedisRateLimiter.js"
import { type RedisServer, startRedis } from "./redisServer.js"

let server: RedisServer
beforeAll(async () => {
  server = await startRedis()
})
afterAll(() => server.stop())

const secretId = "AKIDREDISTEST0000000000000000000000000"
const now = () => performance.timeOrigin + performance.now()

/** The most starts found in any window of `windowMs` (a start at t counts in [t, t + window)). */
const busiestWindow = (starts: ReadonlyArray<number>, windowMs: number): number => {
  const sorted = [...starts].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

/** Runs `uses` limited uses of `action` on `limiter`, 8 at a time, answering their start times. */
const hammer = (limiter: RateLimiter.Service, action: string, uses: number, starts: Array<number>) =>
  Effect.forEach(
    Array.from({ length: uses }, (_, i) => i),
    () => limiter.limit(action)(Effect.sync(() => void starts.push(now()))),
    { concurrency: 8, discard: true }
  )

describe("RedisRateLimiter", () => {
  it.scopedLive("three limiters on one account together never start more than rps in any window", () =>
    Effect.gen(function*() {
      const options = { url: server.url, account: secretId, rps: 5, workers: 1, keyPrefix: `t1:${Date.now()}:` }
      const limiters = yield* Effect.all([RedisRateLimiter.make(options), RedisRateLimiter.make(options), RedisRateLimiter.make(options)])
      const starts: Array<number> = []
      yield* Effect.forEach(limiters, (limiter) => hammer(limiter, "DescribeUserEvent", 8, starts), { concurrency: "unbounded", discard: true })
      assert.strictEqual(starts.length, 24)
      // Each limiter alone would allow 5 per window; sharing, all three together do.
      assert.strictEqual(busiestWindow(starts, 1000), 5)
    }))

  it.scopedLive("actions and accounts have windows of their own", () =>
    Effect.gen(function*() {
      const prefix = `t2:${Date.now()}:`
      const a = yield* RedisRateLimiter.make({ url: server.url, account: secretId, rps: 3, workers: 1, keyPrefix: prefix })
      const b = yield* RedisRateLimiter.make({ url: server.url, account: Redacted.make("AKIDOTHERACCOUNT"), rps: 3, workers: 1, keyPrefix: prefix })
      const starts: Array<number> = []
      yield* Effect.all([
        hammer(a, "DescribeUserEvent", 3, starts),
        hammer(a, "DescribeUserInfo", 3, starts),
        hammer(b, "DescribeUserEvent", 3, starts)
      ], { concurrency: "unbounded" })
      // 9 starts at once: three windows of 3, none waited for another.
      assert.strictEqual(busiestWindow(starts, 1000), 9)
    }))

  it.live("keys hash the SecretId: Redis never holds it", () =>
    Effect.promise(async () => {
      const prefix = `t3:${Date.now()}:`
      await Effect.runPromise(Effect.scoped(Effect.flatMap(
        RedisRateLimiter.make({ url: server.url, account: secretId, rps: 2, workers: 1, keyPrefix: prefix }),
        (limiter) => limiter.acquire("DescribeRoomInfo")
      )))
      const redis = new Redis({ host: "127.0.0.1", port: server.port, lazyConnect: true })
      await redis.connect()
      const keys = await redis.keys(`${prefix}*`)
      const members = await redis.zrange(keys[0]!, 0, -1)
      await redis.quit()
      assert.deepStrictEqual(keys, [RedisRateLimiter.keyOf(prefix, secretId, "DescribeRoomInfo")])
      assert.match(keys[0]!, /^t3:\d+:[0-9a-f]{32}:DescribeRoomInfo$/)
      assert.notInclude(keys[0]!, secretId)
      assert.notInclude(keys[0]!, secretId.slice(4, 20))
      assert.strictEqual(members.length, 1)
    }))

  it.scopedLive("the hold lasts until the use ends: a long use keeps its slot", () =>
    Effect.gen(function*() {
      const limiter = yield* RedisRateLimiter.make({ url: server.url, account: secretId, rps: 1, workers: 1, keyPrefix: `t4:${Date.now()}:` })
      const events: Array<[string, number]> = []
      yield* Effect.all([
        limiter.limit("DescribeUserEvent")(Effect.zipRight(Effect.sleep("600 millis"), Effect.sync(() => void events.push(["first ended", now()])))),
        Effect.zipRight(Effect.sleep("50 millis"), limiter.limit("DescribeUserEvent")(Effect.sync(() => void events.push(["second started", now()]))))
      ], { concurrency: "unbounded" })
      assert.deepStrictEqual(events.map(([what]) => what), ["first ended", "second started"])
      // A full window after the first ended, not after it started.
      assert.isAtLeast(events[1]![1] - events[0]![1], 999)
    }))

  it.effect("bad settings are typed errors naming the field; a URL's password is masked", () =>
    Effect.gen(function*() {
      const workers = yield* Effect.flip(Effect.scoped(RedisRateLimiter.make({ url: "redis://127.0.0.1:1/0", account: secretId, workers: 30 })))
      assert.strictEqual(workers._tag, "RedisRateLimiterError")
      assert.include(workers.message, "workers is 30: give a whole number from 1 to rps (20)")
      const url = yield* Effect.flip(Effect.scoped(RedisRateLimiter.make({ url: "http://user:hunter2secret@host:1", account: secretId })))
      assert.strictEqual(url._tag, "RedisUrlError")
      assert.include(url.message, "\"http://user:***@host:1\"")
      assert.notInclude(url.message, "hunter2secret")
      const account = yield* Effect.flip(Effect.scoped(RedisRateLimiter.make({ url: "redis://127.0.0.1:1", account: "" })))
      assert.include(account.message, "account is empty")
    }))

  it.live("Redis stopped mid-run: the local share with one warning, then back to Redis with another", () =>
    Effect.promise(async () => {
      const logs: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => void logs.push(`${logLevel.label} ${String(message)}`))
      const starts: Array<{ readonly at: number; readonly phase: string }> = []
      let phase = "up"
      const program = Effect.gen(function*() {
        const limiter = yield* RedisRateLimiter.make({
          url: server.url,
          account: secretId,
          rps: 6,
          workers: 3,
          probeInterval: "200 millis",
          keyPrefix: `t5:${Date.now()}:`
        })
        const use = limiter.limit("DescribeUserEvent")(Effect.sync(() => void starts.push({ at: now(), phase })))
        const run = (n: number) => Effect.forEach(Array.from({ length: n }), () => use, { concurrency: 4, discard: true })
        yield* run(12)
        phase = "down"
        yield* Effect.promise(() => server.stop())
        yield* run(8)
        phase = "back"
        yield* Effect.promise(() => server.start())
        // Past the probe and the overlap: shared again.
        yield* run(6)
        yield* Effect.sleep("1500 millis")
        phase = "shared"
        yield* run(12)
      })
      await Effect.runPromise(Effect.scoped(program).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger))))
      // One warning per outage (a second only if a loaded machine made Redis miss the timeout).
      const warnings = logs.filter((l) => l.startsWith("WARN") && l.includes("is unavailable"))
      assert.isTrue(warnings.some((w) => w.includes(`${server.url} is unavailable (`)), logs.join("\n"))
      assert.include(warnings[0]!, "limiting this process to 2 requests per second per action (6 / 3 workers)")
      assert.isTrue(logs.some((l) => l.startsWith("WARN") && l.includes(`${server.url} answers again`)), logs.join("\n"))
      const at = (p: string) => starts.filter((s) => s.phase === p).map((s) => s.at)
      assert.strictEqual(starts.length, 38)
      // Down: the local share (2 per window), and never more than the limit across the switch.
      assert.strictEqual(busiestWindow(at("down"), 1000), 2)
      assert.isAtMost(busiestWindow(starts.map((s) => s.at), 1000), 6)
      // Shared again: the full limit for this one process.
      assert.strictEqual(busiestWindow(at("shared"), 1000), 6)
    }))
})
