import { assert, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Emulator from "../src/Emulator.js"
import { appId, call, raw, type Reply, tinyDataSet, uuidPattern } from "./support.js"

const now = Math.floor(Date.now() / 1000)
const data = tinyDataSet(now)
const r1 = data.apps[0]!.rooms[0]!
const actions = ["DescribeRoomInfo", "DescribeUserInfo", "DescribeCallDetailInfo", "DescribeUserEvent", "DescribeUnusualEvent", "DescribeNothing"]
const names = ["SdkAppId", "CommId", "StartTime", "EndTime", "RoomId", "UserId", "UserIds", "DataType", "PageNumber", "PageSize", "__proto__", "constructor"]
const valid = { SdkAppId: appId, CommId: r1.commId, StartTime: r1.createTime, EndTime: r1.createTime + 3000, RoomId: "r1", UserId: "alice" }

// Anything a hostile or buggy client could put in a parameter.
const anyValue = fc.oneof(
  fc.jsonValue(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 2 ** 53, 1e21, "", "1400000001", r1.commId, ["all"], ["alice"], Array.from({ length: 120 }, (_, i) => `u${i}`)),
  fc.string(),
  fc.array(fc.string(), { maxLength: 8 })
)

const paramsArb = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), anyValue, { maxKeys: 8 }),
  fc.record({ key: fc.constantFrom(...names), value: anyValue }).map(({ key, value }) => ({ ...valid, [key]: value }))
)

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 })

/** A reply is well formed: HTTP 200, JSON, a UUID RequestId, and an error has a code and a message. */
const assertWellFormed = (reply: Reply) => {
  assert.strictEqual(reply.status, 200, reply.text)
  const body = JSON.parse(reply.text) as { Response: { RequestId: string; Error?: { Code: unknown; Message: unknown } } }
  assert.match(body.Response.RequestId, uuidPattern)
  if (body.Response.Error !== undefined) {
    assert.match(String(body.Response.Error.Code), /^[A-Za-z]+(\.[A-Za-z]+)*$/)
    assert.isString(body.Response.Error.Message)
    // InternalError is what a crashing handler answers: none must happen here.
    assert.notStrictEqual(body.Response.Error.Code, "InternalError")
  }
}

layer(Emulator.layer({ dataSet: data, rps: 0 }))("hostile input", (it) => {
  it.effect("signed JSON bodies of any shape get a well-formed answer", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.constantFrom(...actions), paramsArb, async (action, params) => {
            assertWellFormed(await call(emulator, params, { action }))
          }),
          { numRuns: 150 }
        ))
    }))

  it.effect("raw bodies that are not JSON objects get a well-formed answer", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.constantFrom(...actions), fc.oneof(fc.string(), fc.json(), fc.uint8Array().map((b) => Buffer.from(b).toString("latin1"))), async (action, body) => {
            assertWellFormed(await call(emulator, undefined, { action, body }))
          }),
          { numRuns: 100 }
        ))
    }))

  it.effect("signed query strings of any shape get a well-formed answer", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const query = fc.oneof(
        // Printable without space and `#`: what an HTTP client lets through in a request target.
        printable.map((text) => text.replace(/[#\s]/g, "")),
        fc.dictionary(fc.oneof(fc.constantFrom(...names, "UserIds.0", "UserIds.1", "DataType.0", "UserIds.x"), fc.string({ maxLength: 8 })), fc.string({ maxLength: 20 }))
          .map((params) => new URLSearchParams(params).toString())
      )
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.constantFrom(...actions), query, async (action, q) => {
            assertWellFormed(await call(emulator, undefined, { action, method: "GET", query: q }))
          }),
          { numRuns: 150 }
        ))
    }))

  it.effect("headers of any printable value get a well-formed answer", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const headerNames = ["X-TC-Action", "X-TC-Version", "X-TC-Region", "X-TC-Timestamp", "X-TC-Token", "X-TC-Language", "Authorization", "Content-Type", "Host"]
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.dictionary(fc.constantFrom(...headerNames), printable, { maxKeys: 5 }), fc.boolean(), async (headers, signed) => {
            const reply = signed
              ? await call(emulator, valid, { headers })
              : await raw(emulator.url, "POST", "/", { "Content-Type": "application/json", ...headers }, JSON.stringify(valid))
            // A Host header the HTTP layer itself refuses is answered 400 before any API logic.
            if (reply.status === 400 && reply.text === "") return
            assertWellFormed(reply)
          }),
          { numRuns: 150 }
        ))
    }))

  it.effect("v1-style parameters of any shape get a well-formed answer, and the server still serves", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const v1Names = ["Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "Signature", "SignatureMethod", "Token", "Language", ...names]
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(fc.dictionary(fc.constantFrom(...v1Names), fc.string({ maxLength: 30 }), { maxKeys: 10 }), fc.boolean(), async (params, get) => {
            const text = new URLSearchParams({ SecretId: emulator.credential.secretId, ...params }).toString()
            const reply = get
              ? await raw(emulator.url, "GET", `/?${text}`, {}, "")
              : await raw(emulator.url, "POST", "/", { "Content-Type": "application/x-www-form-urlencoded" }, text)
            assertWellFormed(reply)
          }),
          { numRuns: 100 }
        ))
      const after = yield* Effect.promise(() => call(emulator, { SdkAppId: appId, StartTime: now - 60, EndTime: now }))
      assertWellFormed(after)
      assert.notInclude(after.text, "Error")
    }))
})

it("the fuzz arbitraries produce hostile values", () => {
  const samples = fc.sample(paramsArb, 50)
  assert.isTrue(samples.some((p) => Object.keys(p).length > 0))
})
