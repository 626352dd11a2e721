import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Emulator from "../src/Emulator.js"
import { appId, call, codeOf, raw, tinyDataSet } from "./support.js"

const now = Math.floor(Date.now() / 1000)
const query = { SdkAppId: appId, StartTime: now - 3600, EndTime: now }

const admin = (emulator: Emulator.Instance, method: string, path: string, body?: unknown) =>
  Effect.promise(() =>
    raw(emulator.url, method, path, { "Content-Type": "application/json" }, body === undefined ? "" : JSON.stringify(body)).then((reply) => ({
      status: reply.status,
      json: JSON.parse(reply.text) as Record<string, unknown>
    })))

it.scoped("logs each request's action, status, code, RequestId and time, never a secret", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), credentials: [{ secretId: "AKIDLOG", secretKey: "logSecretKey", token: "logToken" }] })
    yield* Effect.promise(() => call(emulator, query, { secretId: "AKIDLOG", secretKey: "logSecretKey", token: "logToken" }))
    yield* Effect.promise(() => call(emulator, query, { secretId: "AKIDLOG", secretKey: "wrong", token: "logToken" }))
    yield* Effect.promise(() => call(emulator, undefined, { method: "GET", query: "SdkAppId=1&SecretId=AKIDLOG&Signature=sigvalue&Token=logToken&Action=DescribeRoomInfo&Version=2019-07-22&Timestamp=1&Nonce=1", unsigned: true }))
    const log = yield* admin(emulator, "GET", "/_admin/requests")
    assert.strictEqual(log.status, 200)
    const entries = log.json["requests"] as Array<Record<string, unknown>>
    assert.strictEqual(entries.length, 3)
    assert.strictEqual(entries[0]!["action"], "DescribeRoomInfo")
    assert.strictEqual(entries[0]!["status"], 200)
    assert.isUndefined(entries[0]!["code"])
    assert.deepStrictEqual(entries[0]!["params"], query)
    assert.strictEqual(entries[1]!["code"], "AuthFailure.SignatureFailure")
    assert.isNumber(entries[1]!["time"])
    assert.isString(entries[1]!["requestId"])
    const text = JSON.stringify(log.json)
    for (const secret of ["logSecretKey", "logToken", "TC3-HMAC", "sigvalue"]) assert.notInclude(text, secret)
    assert.deepStrictEqual(JSON.parse(JSON.stringify(yield* emulator.requests)), entries)
  }))

it.scoped("reset clears the log, the limiter and the clock; the clock can be read, set, advanced and frozen", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), rps: 1 })
    yield* Effect.promise(() => call(emulator, query))
    assert.strictEqual(codeOf(yield* Effect.promise(() => call(emulator, query))), "RequestLimitExceeded")
    const set = yield* admin(emulator, "POST", "/_admin/clock", { offsetSeconds: 100 })
    assert.strictEqual(set.json["offsetSeconds"], 100)
    const advanced = yield* admin(emulator, "POST", "/_emulator/clock", { advanceSeconds: 50 })
    assert.strictEqual(advanced.json["offsetSeconds"], 150)
    const frozen = yield* admin(emulator, "POST", "/_admin/clock", { freeze: true })
    assert.isTrue(frozen.json["frozen"])
    const read = yield* admin(emulator, "GET", "/_admin/clock")
    assert.strictEqual(read.json["nowMillis"], frozen.json["nowMillis"])
    const at = yield* admin(emulator, "POST", "/_admin/clock", { nowSeconds: now + 1000 })
    assert.strictEqual(at.json["nowSeconds"], now + 1000)
    assert.strictEqual((yield* admin(emulator, "POST", "/_admin/clock", { bogus: 1 })).status, 400)
    const reset = yield* admin(emulator, "POST", "/_admin/reset")
    assert.deepStrictEqual(reset.json, { ok: true })
    assert.strictEqual((yield* emulator.requests).length, 0)
    const after = yield* admin(emulator, "GET", "/_admin/clock")
    assert.strictEqual(after.json["offsetSeconds"], 0)
    assert.isFalse(after.json["frozen"])
    assert.isUndefined(codeOf(yield* Effect.promise(() => call(emulator, query))))
  }))

it.scoped("exports the data set and manages fault rules", () =>
  Effect.gen(function* () {
    const data = tinyDataSet(now)
    const emulator = yield* Emulator.make({ dataSet: data })
    assert.deepStrictEqual((yield* admin(emulator, "GET", "/_admin/dataset")).json, JSON.parse(JSON.stringify(data)))
    assert.deepStrictEqual((yield* admin(emulator, "GET", "/_admin/faults")).json, { rules: [] })
    const rules = [{ action: "DescribeRoomInfo", when: { nth: 1 }, effect: { apiError: "InternalError" } }]
    assert.deepStrictEqual((yield* admin(emulator, "POST", "/_admin/faults", rules)).json, { rules })
    assert.deepStrictEqual((yield* admin(emulator, "GET", "/_admin/faults")).json, { rules })
    assert.strictEqual(codeOf(yield* Effect.promise(() => call(emulator, query))), "InternalError")
    assert.isUndefined(codeOf(yield* Effect.promise(() => call(emulator, query))))
    const bad = yield* admin(emulator, "POST", "/_admin/faults", [{ when: { nth: 0 }, effect: {} }])
    assert.strictEqual(bad.status, 400)
    assert.isString(bad.json["error"])
    assert.strictEqual((yield* admin(emulator, "GET", "/_admin/nothing")).status, 404)
    const broken = yield* Effect.promise(() => raw(emulator.url, "POST", "/_admin/faults", { "Content-Type": "application/json" }, "{"))
    assert.strictEqual(broken.status, 400)
  }))

it.scoped("the instance exposes endpoint, credentials and the default credential", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ seed: 2 })
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.strictEqual(emulator.endpoint, `127.0.0.1:${emulator.port}`)
    assert.strictEqual(emulator.credential.secretId, Emulator.defaultCredential.secretId)
    assert.strictEqual(Redacted.value(emulator.credential.secretKey), Emulator.defaultCredential.secretKey)
    assert.strictEqual(emulator.dataSet.apps[0]!.sdkAppId, Emulator.defaultSdkAppId)
    assert.isAbove(emulator.dataSet.apps[0]!.rooms.length, 0)
    const two = yield* Emulator.make({ seed: 2, apps: 2 })
    assert.deepStrictEqual(two.dataSet.apps.map((a) => a.sdkAppId), [1400000001, 1400000002])
  }))

it.scoped("the admin clock refuses a non-finite or absurd time with a 400 naming the field, and keeps its clock", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now) })
    yield* admin(emulator, "POST", "/_admin/clock", { offsetSeconds: 100 })
    for (const body of [{ offsetSeconds: 1e308 }, { offsetSeconds: -11 * 366 * 86400 }, { advanceSeconds: 1e12 }, { nowSeconds: 8.64e15 }]) {
      const refused = yield* admin(emulator, "POST", "/_admin/clock", body)
      assert.strictEqual(refused.status, 400, JSON.stringify(body))
      assert.include(refused.json["error"], Object.keys(body)[0]!)
      assert.include(refused.json["error"], "10 years")
    }
    // JSON.parse reads 1e999 as Infinity; a string is no number either.
    for (const text of ["{\"offsetSeconds\":1e999}", "{\"advanceSeconds\":\"60\"}"]) {
      const reply = yield* Effect.promise(() => raw(emulator.url, "POST", "/_admin/clock", { "Content-Type": "application/json" }, text))
      assert.strictEqual(reply.status, 400)
      assert.include(JSON.parse(reply.text)["error"], "expected a finite number of seconds")
    }
    const clock = yield* admin(emulator, "GET", "/_admin/clock")
    assert.strictEqual(clock.json["offsetSeconds"], 100)
    assert.isNumber(clock.json["nowSeconds"])
    // Nine years is still allowed.
    assert.strictEqual((yield* admin(emulator, "POST", "/_admin/clock", { offsetSeconds: 9 * 365 * 86400 })).status, 200)
  }))

it.scoped("a frozen clock set to a second reads exactly that second", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), clockOffsetSeconds: 0.123 })
    yield* admin(emulator, "POST", "/_admin/clock", { freeze: true })
    const off: Array<number> = []
    for (let i = 0; i < 60; i++) {
      // Offsets with a fraction, as a clock moved by fractions of a second has.
      const target = now - 7 * 86400 + i * 3607
      yield* admin(emulator, "POST", "/_admin/clock", { advanceSeconds: 0.1 + i / 7 })
      const set = yield* admin(emulator, "POST", "/_admin/clock", { nowSeconds: target })
      if (set.json["nowMillis"] !== target * 1000 || set.json["nowSeconds"] !== target) off.push(target)
    }
    assert.deepStrictEqual(off, [])
  }))
