import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import type * as Faults from "../src/Faults.js"
import { appId, call, codeOf, response, tinyDataSet } from "./support.js"

const now = Math.floor(Date.now() / 1000)
const query = { SdkAppId: appId, StartTime: now - 3600, EndTime: now }

const withFaults = (faults: ReadonlyArray<Faults.FaultRule>) => Emulator.make({ dataSet: tinyDataSet(now), rps: 0, faults })

const outcome = (emulator: Emulator.Instance, action = "DescribeRoomInfo") =>
  Effect.promise(() =>
    call(emulator, query, { action }).then(
      (reply) => ({ status: reply.status, text: reply.text, type: String(reply.headers["content-type"]) }),
      (error: NodeJS.ErrnoException) => ({ status: -1, text: error.code ?? String(error), type: "" })
    ))

it.scoped("an apiError rule answers the code in the envelope on the nth request of its action", () =>
  Effect.gen(function* () {
    const emulator = yield* withFaults([{ action: "DescribeRoomInfo", when: { nth: 2 }, effect: { apiError: "InternalError.DBError", message: "db down" } }])
    const first = yield* outcome(emulator)
    assert.isUndefined(codeOf({ status: 200, text: first.text, headers: {} }))
    // Another action does not count towards the rule.
    yield* outcome(emulator, "DescribeUserInfo")
    const second = yield* outcome(emulator)
    const error = response({ status: 200, text: second.text, headers: {} })["Error"] as { Code: string; Message: string }
    assert.deepStrictEqual(error, { Code: "InternalError.DBError", Message: "db down" })
    assert.isUndefined(codeOf({ status: 200, text: (yield* outcome(emulator)).text, headers: {} }))
    const log = yield* emulator.requests
    assert.strictEqual(log[2]!.fault, "apiError InternalError.DBError")
  }))

it.scoped("an httpStatus rule answers that status with an HTML body, every nth request", () =>
  Effect.gen(function* () {
    const emulator = yield* withFaults([{ when: { everyNth: 2 }, effect: { httpStatus: 503 } }])
    const results = [yield* outcome(emulator), yield* outcome(emulator), yield* outcome(emulator), yield* outcome(emulator)]
    assert.deepStrictEqual(results.map((r) => r.status), [200, 503, 200, 503])
    assert.match(results[1]!.type, /text\/html/)
    assert.include(results[1]!.text, "<html>")
    assert.include(results[1]!.text, "503 Service Unavailable")
  }))

it.scoped("a reset rule drops the connection", () =>
  Effect.gen(function* () {
    const emulator = yield* withFaults([{ when: { nth: 1 }, effect: { reset: true } }])
    const reset = yield* outcome(emulator)
    assert.strictEqual(reset.status, -1)
    assert.strictEqual(reset.text, "ECONNRESET")
    assert.strictEqual((yield* outcome(emulator)).status, 200)
    assert.strictEqual((yield* emulator.requests)[0]!.status, 0)
  }))

it.scoped("a truncate rule sends half of the JSON body", () =>
  Effect.gen(function* () {
    const emulator = yield* withFaults([{ when: { nth: 1 }, effect: { truncate: true } }])
    const cut = yield* outcome(emulator)
    const whole = yield* outcome(emulator)
    assert.strictEqual(cut.status, 200)
    assert.throws(() => JSON.parse(cut.text))
    assert.isTrue(whole.text.startsWith(cut.text.slice(0, 30)))
    assert.doesNotThrow(() => JSON.parse(whole.text))
  }))

it.scoped("a latency rule delays the answer, which is otherwise normal", () =>
  Effect.gen(function* () {
    const emulator = yield* withFaults([{ when: { nth: 1 }, effect: { latencyMs: 150 } }, { when: { nth: 1 }, effect: { apiError: "ServiceUnavailable" } }])
    // Latency combines with another fired rule: both apply.
    const delayed = yield* outcome(emulator)
    assert.strictEqual(codeOf({ status: 200, text: delayed.text, headers: {} }), "ServiceUnavailable")
    const log = yield* emulator.requests
    assert.strictEqual(log[0]!.fault, "latency 150ms, apiError ServiceUnavailable")
    const start = Date.now()
    yield* emulator.setFaults([{ when: { nth: 1 }, effect: { latencyMs: 150 } }])
    const slow = yield* outcome(emulator)
    assert.isUndefined(codeOf({ status: 200, text: slow.text, headers: {} }))
    // Only a lower bound: a delay cannot be shorter than asked.
    assert.isAtLeast(Date.now() - start, 140)
  }))

it.scoped("a seeded probability rule fires reproducibly", () =>
  Effect.gen(function* () {
    const rules: ReadonlyArray<Faults.FaultRule> = [{ when: { probability: 0.5, seed: 42 }, effect: { apiError: "RequestLimitExceeded" } }]
    const run = (emulator: Emulator.Instance) =>
      Effect.forEach(Array.from({ length: 12 }), () => Effect.map(outcome(emulator), (r) => codeOf({ status: 200, text: r.text, headers: {} }) ?? "ok"))
    const a = yield* run(yield* withFaults(rules))
    const b = yield* run(yield* withFaults(rules))
    assert.deepStrictEqual(a, b)
    assert.isTrue(a.includes("ok") && a.includes("RequestLimitExceeded"))
  }))
