import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import { appId, call, codeOf, raw, response, tinyDataSet, uuidPattern } from "./support.js"

const now = Math.floor(Date.now() / 1000)
const roomQuery = { SdkAppId: appId, StartTime: now - 86400, EndTime: now }

layer(Emulator.layer({ dataSet: tinyDataSet(now), rps: 0 }))("protocol", (it) => {
  it.effect("answers a signed POST with the success envelope and a UUID RequestId", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const reply = yield* Effect.promise(() => call(emulator, roomQuery))
      assert.strictEqual(reply.status, 200)
      assert.match(String(reply.headers["content-type"]), /application\/json/)
      const body = response(reply)
      assert.match(String(body["RequestId"]), uuidPattern)
      assert.strictEqual(reply.headers["x-tc-requestid"], body["RequestId"])
      assert.deepStrictEqual((body["RoomList"] as Array<{ RoomString: string }>).map((r) => r.RoomString), ["r1", "房间_2"])
    }))

  it.effect("answers errors inside the envelope with HTTP 200", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const reply = yield* Effect.promise(() => call(emulator, roomQuery, { action: "DescribeNothing" }))
      assert.strictEqual(reply.status, 200)
      const body = response(reply)
      const error = body["Error"] as { Code: string; Message: string }
      assert.strictEqual(error.Code, "InvalidAction")
      assert.include(error.Message, "DescribeNothing")
      assert.match(String(body["RequestId"]), uuidPattern)
    }))

  it.effect("accepts a TC3 GET with the parameters in the query", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const room = tinyDataSet(now).apps[0]!.rooms[0]!
      const query = `SdkAppId=${appId}&CommId=${encodeURIComponent(room.commId)}&StartTime=${room.createTime}&EndTime=${room.createTime + 3000}&UserIds.0=alice`
      const reply = yield* Effect.promise(() => call(emulator, undefined, { method: "GET", query, action: "DescribeUserInfo" }))
      const users = response(reply)["UserList"] as Array<{ UserId: string }>
      assert.deepStrictEqual(users.map((u) => u.UserId), ["alice"])
    }))

  it.effect("verifies the host with or without its port, and any service in the scope", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      assert.isUndefined(codeOf(yield* Effect.promise(() => call(emulator, roomQuery, { signPort: true }))))
      assert.isUndefined(codeOf(yield* Effect.promise(() => call(emulator, roomQuery, { service: "127" }))))
    }))

  it.effect("verifies X-TC-Content-SHA256: UNSIGNED-PAYLOAD (the body is not hashed) and answers the body sent", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const reply = yield* Effect.promise(() => call(emulator, roomQuery, { unsignedPayload: true }))
      assert.isUndefined(codeOf(reply))
      assert.isArray(response(reply)["RoomList"])
      // Signed unsigned-payload but sent without the header: the body hash no longer matches.
      const missing = yield* Effect.promise(() => call(emulator, roomQuery, { unsignedPayload: true, headers: { "X-TC-Content-SHA256": "" } }))
      assert.strictEqual(codeOf(missing), "AuthFailure.SignatureFailure")
      // Signed over the body but claiming an unsigned payload: refused too.
      const claimed = yield* Effect.promise(() => call(emulator, roomQuery, { headers: { "X-TC-Content-SHA256": "UNSIGNED-PAYLOAD" } }))
      assert.strictEqual(codeOf(claimed), "AuthFailure.SignatureFailure")
    }))

  it.effect("answers the common-parameter errors", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const code = (options: Parameters<typeof call>[2]) => Effect.promise(() => call(emulator, roomQuery, options).then(codeOf))
      assert.strictEqual(yield* code({ action: undefined }), "MissingParameter")
      assert.strictEqual(yield* code({ version: undefined }), "MissingParameter")
      assert.strictEqual(yield* code({ version: "2017-03-12" }), "NoSuchVersion")
      assert.strictEqual(yield* code({ region: undefined }), "MissingParameter")
      assert.strictEqual(yield* code({ region: "eu-frankfurt" }), "UnsupportedRegion")
      assert.strictEqual(yield* code({ language: "fr-FR" }), "InvalidParameterValue")
      assert.isUndefined(yield* code({ language: "en-US" }))
      for (const region of ["ap-beijing", "ap-guangzhou", "ap-mumbai", "ap-singapore", "na-toronto"]) {
        assert.isUndefined(yield* code({ region }))
      }
    }))

  it.effect("answers each authentication failure", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const code = (options: Parameters<typeof call>[2]) => Effect.promise(() => call(emulator, roomQuery, options).then(codeOf))
      assert.strictEqual(yield* code({ unsigned: true }), "AuthFailure.InvalidAuthorization")
      assert.strictEqual(yield* code({ headers: { Authorization: "Basic abc" } }), "AuthFailure.InvalidAuthorization")
      assert.strictEqual(yield* code({ secretId: "AKIDUNKNOWN" }), "AuthFailure.SecretIdNotFound")
      assert.strictEqual(yield* code({ secretKey: "wrong" }), "AuthFailure.SignatureFailure")
      assert.strictEqual(yield* code({ timestamp: now - 301 }), "AuthFailure.SignatureExpire")
      assert.strictEqual(yield* code({ timestamp: now + 400 }), "AuthFailure.SignatureExpire")
    }))

  it.effect("rejects a request tampered after signing", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const reply = yield* Effect.promise(() =>
        call(emulator, undefined, { signedBody: JSON.stringify(roomQuery), body: JSON.stringify({ ...roomQuery, SdkAppId: 1400000002 }) }))
      assert.strictEqual(codeOf(reply), "AuthFailure.SignatureFailure")
    }))

  it.effect("answers BodyParamsError for a body that is not a JSON object", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      assert.strictEqual(codeOf(yield* Effect.promise(() => call(emulator, undefined, { body: "{not json" }))), "InvalidParameter.BodyParamsError")
      assert.strictEqual(codeOf(yield* Effect.promise(() => call(emulator, undefined, { body: "[1,2]" }))), "InvalidParameter.BodyParamsError")
    }))

  it.effect("answers UrlParamsError or EncodeParams for a malformed query, by action", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const get = (action: string) => Effect.promise(() => call(emulator, undefined, { method: "GET", query: "SdkAppId=%E0%A4%A", action }).then(codeOf))
      assert.strictEqual(yield* get("DescribeRoomInfo"), "InvalidParameter.UrlParamsError")
      assert.strictEqual(yield* get("DescribeUserEvent"), "InvalidParameter.UrlParamsError")
      assert.strictEqual(yield* get("DescribeUserInfo"), "InvalidParameter.EncodeParams")
      assert.strictEqual(yield* get("DescribeCallDetailInfo"), "InvalidParameter.EncodeParams")
    }))

  it.effect("answers UnsupportedProtocol for other methods and RequestSizeLimitExceeded for a huge query", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      assert.strictEqual(codeOf(yield* Effect.promise(() => call(emulator, roomQuery, { method: "PUT" }))), "UnsupportedProtocol")
      const query = `RoomId=${"x".repeat(33 * 1024)}`
      assert.strictEqual(codeOf(yield* Effect.promise(() => call(emulator, undefined, { method: "GET", query }))), "RequestSizeLimitExceeded")
      const body = JSON.stringify({ ...roomQuery, Pad: "x".repeat(10 * 1024 * 1024) })
      assert.strictEqual(codeOf(yield* Effect.promise(() => call(emulator, undefined, { body }))), "RequestSizeLimitExceeded")
    }))

  it.effect("reads v1 parameters from the query, refusing a malformed one", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const malformed = yield* Effect.promise(() => raw(emulator.url, "GET", "/?SecretId=AKID&Signature=%ZZ", {}, ""))
      assert.strictEqual(codeOf(malformed), "InvalidParameter.UrlParamsError")
      const unsigned = yield* Effect.promise(() => raw(emulator.url, "GET", "/?Action=DescribeRoomInfo&Version=2019-07-22&SecretId=AKID", {}, ""))
      assert.strictEqual(codeOf(unsigned), "AuthFailure.InvalidAuthorization")
      const noVersion = yield* Effect.promise(() => raw(emulator.url, "GET", "/?Action=DescribeRoomInfo&SecretId=AKID", {}, ""))
      assert.strictEqual(codeOf(noVersion), "MissingParameter")
    }))

  it.effect("serves a bare GET / with a well-formed error", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const reply = yield* Effect.promise(() => raw(emulator.url, "GET", "/", {}, ""))
      assert.strictEqual(codeOf(reply), "MissingParameter")
    }))
})

describe("tokens", () => {
  it.scoped("requires the token of a temporary credential", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make({
        dataSet: tinyDataSet(now),
        credentials: [{ secretId: "AKIDTEMP", secretKey: "tempKey", token: "tok-1" }]
      })
      const code = (token: string | undefined) =>
        Effect.promise(() => call(emulator, roomQuery, { secretId: "AKIDTEMP", secretKey: "tempKey", token }).then(codeOf))
      assert.strictEqual(yield* code(undefined), "AuthFailure.TokenFailure")
      assert.strictEqual(yield* code("tok-2"), "AuthFailure.TokenFailure")
      assert.isUndefined(yield* code("tok-1"))
    }))
})
