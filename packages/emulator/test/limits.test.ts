import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import { appId, call, codeOf, response, tinyDataSet } from "./support.js"

const now = Math.floor(Date.now() / 1000)
const query = { SdkAppId: appId, StartTime: now - 3600, EndTime: now }

it.scoped("refuses the 21st request of an action within a second, and serves the next second", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now) })
    // A frozen clock puts the whole burst at one instant, however slow the machine.
    yield* emulator.freezeClock(true)
    const send = () => Effect.promise(() => call(emulator, query))
    const first = yield* Effect.promise(() => Promise.all(Array.from({ length: 20 }, () => call(emulator, query).then(codeOf))))
    assert.deepStrictEqual(first, Array.from({ length: 20 }, () => undefined))
    const refused = yield* send()
    assert.strictEqual(codeOf(refused), "RequestLimitExceeded")
    assert.include((response(refused)["Error"] as { Message: string }).Message, "frequency limit `20`")
    // Other actions have their own window.
    const other = yield* Effect.promise(() => call(emulator, { SdkAppId: appId, CommId: "x", StartTime: now - 60, EndTime: now }, { action: "DescribeUserInfo" }))
    assert.isUndefined(codeOf(other))
    yield* emulator.advanceClock(0.999)
    assert.strictEqual(codeOf(yield* send()), "RequestLimitExceeded")
    yield* emulator.advanceClock(0.001)
    assert.isUndefined(codeOf(yield* send()))
  }))

it.scoped("counts strictly in a sliding window of the emulator clock", () =>
  Effect.gen(function* () {
    // rps 3 keeps this deterministic: the clock is moved explicitly between bursts.
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), rps: 3 })
    yield* emulator.freezeClock(true)
    const send = () => Effect.promise(() => call(emulator, query).then(codeOf))
    const burst = [yield* send(), yield* send(), yield* send(), yield* send()]
    assert.deepStrictEqual(burst, [undefined, undefined, undefined, "RequestLimitExceeded"])
    // Half a second on, the three are still in the window; a second after the first they leave it.
    yield* emulator.advanceClock(0.5)
    assert.strictEqual(yield* send(), "RequestLimitExceeded")
    yield* emulator.advanceClock(0.5)
    assert.deepStrictEqual([yield* send(), yield* send(), yield* send(), yield* send()], [undefined, undefined, undefined, "RequestLimitExceeded"])
  }))

it.scoped("rps 0 turns the limit off", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), rps: 0 })
    const codes = yield* Effect.promise(() => Promise.all(Array.from({ length: 60 }, () => call(emulator, query).then(codeOf))))
    assert.isTrue(codes.every((code) => code === undefined))
  }))
