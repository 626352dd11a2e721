import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import * as Timeout from "../src/internal/timeout.js"

describe("one-fiber timeout", () => {
  it.live("answers the effect's value or failure when it ends in time", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* Timeout.timeoutFail(Effect.succeed(1), 1000, () => "late"), 1)
      const failed = yield* Effect.either(Timeout.timeoutFail(Effect.fail("boom"), 1000, () => "late"))
      assert.deepStrictEqual(failed, Either.left("boom"))
      const slowButInTime = yield* Timeout.timeoutFail(Effect.as(Effect.sleep("10 millis"), 2), 1000, () => "late")
      assert.strictEqual(slowButInTime, 2)
    }))

  it.live("fails with the timeout error after interrupting the effect", () =>
    Effect.gen(function*() {
      const finalized = yield* Ref.make(false)
      const result = yield* Effect.either(Timeout.timeoutFail(Effect.onInterrupt(Effect.never, () => Ref.set(finalized, true)), 30, () => "late"))
      assert.deepStrictEqual(result, Either.left("late"))
      assert.isTrue(yield* Ref.get(finalized))
    }))

  it.live("interrupting the caller interrupts the effect", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const finalized = yield* Ref.make(false)
      const fiber = yield* Effect.fork(Timeout.timeoutFail(
        Effect.zipRight(Deferred.succeed(started, undefined), Effect.onInterrupt(Effect.never, () => Ref.set(finalized, true))),
        60_000,
        () => "late"
      ))
      yield* Deferred.await(started)
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      assert.isTrue(yield* Ref.get(finalized))
    }))

  it.effect("follows the TestClock when one is installed", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.either(Timeout.timeoutFail(Effect.never, 5000, () => "late")))
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Either.left("late"))
    }))
})
