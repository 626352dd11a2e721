import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as RateLimiter from "../src/RateLimiter.js"

// The largest number of starts inside any half-open window [t, t + windowMillis).
const maxInAnyWindow = (starts: ReadonlyArray<number>, windowMillis: number): number => {
  const sorted = [...starts].sort((a, b) => a - b)
  let best = 0
  let lo = 0
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMillis) lo++
    best = Math.max(best, hi - lo + 1)
  }
  return best
}

const recordStarts = (limiter: RateLimiter.Service, key: string, fibers: number, each: number, starts: Array<number>) =>
  Effect.forEach(
    Array.from({ length: fibers }, (_, i) => i),
    () => Effect.repeatN(Effect.flatMap(limiter.acquire(key), () => Effect.map(Clock.currentTimeMillis, (t) => { starts.push(t) })), each - 1),
    { concurrency: "unbounded", discard: true }
  )

describe("RateLimiter", () => {
  it.effect("never lets more than N starts into any 1-second window, with many concurrent fibers", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 20 })
      const starts: Array<number> = []
      const fiber = yield* Effect.fork(recordStarts(limiter, "DescribeUserEvent", 50, 4, starts))
      // Odd steps so that wake-ups fall between window edges as well as on them.
      for (let i = 0; i < 100; i++) yield* TestClock.adjust(97)
      yield* Fiber.join(fiber)
      assert.strictEqual(starts.length, 200)
      assert.isAtMost(maxInAnyWindow(starts, 1000), 20)
      // An exhaustive check of every window start in range, not only the recorded ones.
      const last = Math.max(...starts)
      for (let t = -1000; t <= last; t++) {
        const inWindow = starts.filter((s) => s >= t && s < t + 1000).length
        if (inWindow > 20) assert.fail(`window at ${t} holds ${inWindow} starts`)
      }
    }))

  it.effect("reaches N starts per second under sustained demand", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 20 })
      const starts: Array<number> = []
      const fiber = yield* Effect.fork(recordStarts(limiter, "DescribeRoomInfo", 40, 10, starts))
      yield* TestClock.adjust("30 seconds")
      yield* Fiber.join(fiber)
      // 400 starts at 20 per second: the first 20 at once, then 20 more each second.
      for (let second = 1; second <= 20; second++) {
        assert.strictEqual(starts.filter((s) => s < second * 1000).length, second * 20)
      }
      assert.strictEqual(Math.max(...starts), 19_000)
      assert.isAtMost(maxInAnyWindow(starts, 1000), 20)
    }))

  it.effect("keeps a separate window per action", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 5 })
      const a: Array<number> = []
      const b: Array<number> = []
      const fiber = yield* Effect.fork(Effect.zip(recordStarts(limiter, "A", 5, 2, a), recordStarts(limiter, "B", 5, 2, b), { concurrent: true }))
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual([...a].sort((x, y) => x - y), [0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000])
      assert.deepStrictEqual([...b].sort((x, y) => x - y), [0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000])
    }))

  it.effect("spaces starts by the margin as well as the window", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 2, margin: "50 millis" })
      const starts: Array<number> = []
      const fiber = yield* Effect.fork(recordStarts(limiter, "A", 1, 6, starts))
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(starts, [0, 0, 1050, 1050, 2100, 2100])
    }))

  it.effect("an interrupted waiter ends promptly and takes no slot", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 1 })
      yield* limiter.acquire("A")
      const waiter = yield* Effect.fork(limiter.acquire("A"))
      yield* TestClock.adjust("100 millis")
      yield* Fiber.interrupt(waiter)
      const starts: Array<number> = []
      const next = yield* Effect.fork(Effect.flatMap(limiter.acquire("A"), () => Effect.map(Clock.currentTimeMillis, (t) => { starts.push(t) })))
      yield* TestClock.adjust("900 millis")
      yield* Fiber.join(next)
      assert.deepStrictEqual(starts, [1000])
    }))

  it.effect("the layer shares one limiter between all its users; layerNone limits nothing", () =>
    Effect.gen(function*() {
      const shared = yield* Effect.provide(
        Effect.gen(function*() {
          const one = yield* RateLimiter.RateLimiter
          const two = yield* RateLimiter.RateLimiter
          return one === two
        }),
        RateLimiter.layer({ rps: 3 })
      )
      assert.isTrue(shared)
      const none = yield* Effect.provide(RateLimiter.RateLimiter, RateLimiter.layerNone)
      const starts: Array<number> = []
      yield* recordStarts(none, "A", 10, 10, starts)
      assert.strictEqual(starts.length, 100)
      assert.isTrue(starts.every((s) => s === 0))
    }))

  it.effect("limit runs the effect after the wait", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 1 })
      const first = yield* limiter.limit("A")(Clock.currentTimeMillis)
      const fiber = yield* Effect.fork(limiter.limit("A")(Clock.currentTimeMillis))
      yield* TestClock.adjust("1 second")
      const second = yield* Fiber.join(fiber)
      assert.deepStrictEqual([first, second], [0, 1000])
    }))
})

describe("RateLimiter.limit", () => {
  it.effect("counts a use until it ends: the next start comes a full window after the end", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 2 })
      const starts: Array<number> = []
      // Each use takes 300 ms: starts at 0, 0, then 1300, 1300 (a window after the ends), ...
      const use = limiter.limit("A")(Effect.zipRight(Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => { starts.push(t) })), Effect.sleep(300)))
      const fiber = yield* Effect.fork(Effect.forEach(Array.from({ length: 6 }), () => use, { concurrency: "unbounded", discard: true }))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(starts, [0, 0, 1300, 1300, 2600, 2600])
    }))

  it.effect("with holdUntilDone: false a use counts from its start", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 2, holdUntilDone: false })
      const starts: Array<number> = []
      const use = limiter.limit("A")(Effect.zipRight(Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => { starts.push(t) })), Effect.sleep(300)))
      const fiber = yield* Effect.fork(Effect.forEach(Array.from({ length: 6 }), () => use, { concurrency: "unbounded", discard: true }))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(starts, [0, 0, 1000, 1000, 2000, 2000])
    }))

  it.effect("a failed or interrupted use frees its slot a window after it ended", () =>
    Effect.gen(function*() {
      const limiter = yield* RateLimiter.make({ rps: 1 })
      yield* Effect.exit(limiter.limit("A")(Effect.fail("boom")))
      const running = yield* Effect.fork(limiter.limit("A")(Effect.never))
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("500 millis")
      yield* Fiber.interrupt(running)
      const starts: Array<number> = []
      const next = yield* Effect.fork(limiter.limit("A")(Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => { starts.push(t) }))))
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(next)
      assert.deepStrictEqual(starts, [2500])
    }))
})
