import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as TestClock from "effect/TestClock"
import * as RetryPolicy from "../src/RetryPolicy.js"
import * as TrtcError from "../src/TrtcError.js"

type TestError = TrtcError.TrtcError

const api = (code: string, requestId = "r") => TrtcError.fromEnvelope("DescribeRoomInfo", { Code: code, Message: "" }, requestId)
const status = (code: number) => new TrtcError.HttpStatusError({ action: "DescribeRoomInfo", status: code })

// An attempt that records when it started and fails with the next scripted error (or succeeds).
const scripted = (script: ReadonlyArray<TestError | "ok">, times: Array<number>) => {
  let i = 0
  return Effect.flatMap(Clock.currentTimeMillis, (now) => {
    times.push(now)
    const next = script[Math.min(i++, script.length - 1)]!
    return next === "ok" ? Effect.succeed("done") : Effect.fail(next)
  })
}

const internal = (n: number) => api("InternalError.DBError", `req-${n}`)

describe("RetryPolicy", () => {
  it.effect("backs off exponentially up to the cap", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ baseDelay: 100, factor: 2, maxDelay: 1000, maxRetries: 6, jitter: 0, budget: "1 minute" })
      const times: Array<number> = []
      const fiber = yield* Effect.fork(policy.retry(scripted([internal(1)], times), { action: "DescribeUserEvent" }))
      yield* TestClock.adjust("10 seconds")
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isFailure(exit))
      assert.deepStrictEqual(times, [0, 100, 300, 700, 1500, 2500, 3500])
    }))

  it.effect("stops when the next delay would end past the budget", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ baseDelay: 100, factor: 2, maxDelay: 10_000, maxRetries: 20, jitter: 0, budget: 1000 })
      const times: Array<number> = []
      const fiber = yield* Effect.fork(policy.retry(scripted([internal(1)], times), { action: "DescribeUserEvent" }))
      yield* TestClock.adjust("1 minute")
      const exit = yield* Fiber.await(fiber)
      assert.deepStrictEqual(exit, Exit.fail(internal(1)))
      assert.deepStrictEqual(times, [0, 100, 300, 700])
    }))

  it.effect("jittered delays stay within [d * (1 - jitter), d] and under the cap", () =>
    Effect.gen(function*() {
      const options = RetryPolicy.resolve({ baseDelay: 100, factor: 3, maxDelay: 2000, jitter: 0.5 })
      for (let retry = 1; retry <= 8; retry++) {
        const d = Math.min(2000, 100 * Math.pow(3, retry - 1))
        for (const random of [0, 0.25, 0.5, 0.999]) {
          const delay = RetryPolicy.delayMillis(options, retry, random)
          assert.isAtLeast(delay, Math.floor(d * 0.5))
          assert.isAtMost(delay, d)
        }
      }
      // Run for real: the gaps between attempts honour the same bounds.
      const policy = RetryPolicy.make({ baseDelay: 100, factor: 3, maxDelay: 2000, jitter: 0.5, maxRetries: 6, budget: "1 minute" })
      const times: Array<number> = []
      const fiber = yield* Effect.fork(policy.retry(scripted([internal(1)], times), { action: "A" }))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.await(fiber)
      assert.strictEqual(times.length, 7)
      for (let i = 1; i < times.length; i++) {
        const d = Math.min(2000, 100 * Math.pow(3, i - 1))
        const gap = times[i]! - times[i - 1]!
        assert.isAtLeast(gap, Math.floor(d * 0.5))
        assert.isAtMost(gap, d)
      }
    }))

  it.effect("retries retryable errors until success", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ baseDelay: 100, jitter: 0 })
      const times: Array<number> = []
      const fiber = yield* Effect.fork(policy.retry(scripted([internal(1), status(503), status(429), "ok"], times), { action: "A" }))
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(yield* Fiber.join(fiber), "done")
      assert.deepStrictEqual(times, [0, 100, 300, 700])
    }))

  it.effect("retries transport errors, timeouts, cut-off bodies, throttling and unavailability", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ baseDelay: 10, jitter: 0, maxRetries: 10 })
      const times: Array<number> = []
      const script: ReadonlyArray<TestError | "ok"> = [
        new TrtcError.TransportError({ action: "A", reason: "ECONNRESET" }),
        new TrtcError.TimeoutError({ action: "A", timeoutMillis: 100 }),
        new TrtcError.ResponseDecodeError({ action: "A", detail: "not JSON", kind: "InvalidJson" }),
        api("RequestLimitExceeded.UinLimitExceeded"),
        api("ServiceUnavailable"),
        status(502),
        "ok"
      ]
      const fiber = yield* Effect.fork(policy.retry(scripted(script, times), { action: "A" }))
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), "done")
      assert.strictEqual(times.length, 7)
    }))

  it.effect("never retries parameter errors, other auth errors or 4xx", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ baseDelay: 100, jitter: 0 })
      for (const error of [
        api("InvalidParameter.QueryScaleOversize"),
        api("MissingParameter.CommId"),
        api("AuthFailure.SignatureFailure"),
        api("AuthFailure.SecretIdNotFound"),
        api("AuthFailure.SignatureExpire"),
        api("ResponseSizeLimitExceeded"),
        status(404),
        new TrtcError.RequestValidationError({ action: "A", field: "f", problem: "p", fix: "x" })
      ]) {
        const times: Array<number> = []
        const exit = yield* Effect.exit(policy.retry(scripted([error], times), { action: "A" }))
        assert.deepStrictEqual(exit, Exit.fail(error))
        assert.deepStrictEqual(times, [0])
      }
    }))

  it.effect("interruption during a backoff ends promptly", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ baseDelay: "10 seconds", jitter: 0 })
      const times: Array<number> = []
      const fiber = yield* Effect.fork(policy.retry(scripted([internal(1)], times), { action: "A" }))
      yield* TestClock.adjust("1 second")
      // No further clock movement: the interrupt must not wait for the sleep to end.
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      assert.deepStrictEqual(times, [0])
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(times, [0])
    }))

  it.effect("corrects the clock once on SignatureExpire, then attempts again at once", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ maxRetries: 0 })
      const expired = api("AuthFailure.SignatureExpire")
      let corrections = 0
      const correctClock = () => Effect.sync(() => { corrections++; return true })
      const times: Array<number> = []
      const ok = yield* policy.retry(scripted([expired, "ok"], times), { action: "A", correctClock })
      assert.strictEqual(ok, "done")
      assert.strictEqual(corrections, 1)
      // A second SignatureExpire in the same call surfaces: one correction only.
      const again: Array<number> = []
      const exit = yield* Effect.exit(policy.retry(scripted([expired, expired, "ok"], again), { action: "A", correctClock }))
      assert.deepStrictEqual(exit, Exit.fail(expired))
      assert.strictEqual(again.length, 2)
      // Without a server Date to correct from, the error surfaces.
      const none: Array<number> = []
      const noDate = yield* Effect.exit(policy.retry(scripted([expired, "ok"], none), { action: "A", correctClock: () => Effect.succeed(false) }))
      assert.deepStrictEqual(noDate, Exit.fail(expired))
      assert.strictEqual(none.length, 1)
    }))

  it.effect("logs each retry at debug with attempt, delay, code and RequestId", () =>
    Effect.gen(function*() {
      const lines: Array<{ level: string; message: unknown; annotations: Record<string, unknown> }> = []
      const logger = Logger.make(({ annotations, logLevel, message }) => {
        lines.push({ level: logLevel.label, message, annotations: Object.fromEntries(HashMap.toEntries(annotations)) })
      })
      const policy = RetryPolicy.make({ baseDelay: 100, jitter: 0 })
      const times: Array<number> = []
      const fiber = yield* Effect.fork(
        policy.retry(scripted([internal(1), internal(2), "ok"], times), { action: "DescribeRoomInfo" }).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(lines.map((l) => [l.level, l.annotations]), [
        ["DEBUG", { action: "DescribeRoomInfo", attempt: 1, delayMillis: 100, code: "InternalError.DBError", requestId: "req-1" }],
        ["DEBUG", { action: "DescribeRoomInfo", attempt: 2, delayMillis: 200, code: "InternalError.DBError", requestId: "req-2" }]
      ])
    }))

  it.effect("the layers provide the policy; layerNone does not retry", () =>
    Effect.gen(function*() {
      const policy = yield* Effect.provide(RetryPolicy.RetryPolicy, RetryPolicy.layerNone)
      const times: Array<number> = []
      yield* Effect.exit(policy.retry(scripted([internal(1), "ok"], times), { action: "A" }))
      assert.deepStrictEqual(times, [0])
      const defaults = yield* Effect.provide(RetryPolicy.RetryPolicy, RetryPolicy.layer())
      assert.strictEqual(defaults.options.maxRetries, 4)
    }))
})
