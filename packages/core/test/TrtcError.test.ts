import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import { readFileSync } from "node:fs"
import * as Models from "../src/Models.js"
import * as TrtcError from "../src/TrtcError.js"

// The reference's error codes, by section, as a fixture the repository owns (see fixtures/README.md).
const fixture = JSON.parse(readFileSync(new URL("fixtures/error-codes.json", import.meta.url), "utf8")) as {
  readonly source: string
  readonly sections: Record<string, { readonly title: string; readonly codes: ReadonlyArray<string> }>
}
const referenceCodes = Object.fromEntries(Object.entries(fixture.sections).map(([key, section]) => [key, section.codes]))
const allCodes = [...new Set(Object.values(referenceCodes).flat())].sort()

const families = new Set([
  "AuthFailure",
  "RequestLimitExceeded",
  "InvalidParameter",
  "InvalidParameterValue",
  "MissingParameter",
  "InternalError",
  "ResourceNotFound",
  "ResourceUnavailable",
  "ServiceUnavailable",
  "UnsupportedRegion",
  "UnauthorizedOperation",
  "ResponseSizeLimitExceeded",
  "InvalidAction",
  "NoSuchVersion",
  "FailedOperation",
  "LimitExceeded"
])
const intendedTag = (code: string) => {
  const family = code.split(".")[0]
  return families.has(family) ? family : "UnknownApiError"
}
const retryableFamilies = new Set(["InternalError", "ServiceUnavailable", "RequestLimitExceeded"])

const envelope = (code: string, message: string, requestId: string) =>
  JSON.stringify({ Response: { Error: { Code: code, Message: message }, RequestId: requestId } })

describe("TrtcError", () => {
  it("holds every code table of the reference", () => {
    // Row counts of the reference: a fixture that lost rows fails here.
    assert.match(fixture.source, /TRTC API 3\.0 reference/)
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(referenceCodes).map(([k, v]) => [k, v.length])),
      { "1.4": 8, "3.3": 38, "4.2": 23, "4.3": 23, "4.4": 24, "4.5": 20, "4.7": 31 }
    )
    assert.strictEqual(allCodes.length, 66)
  })

  it("maps every code of the reference to its family's tag, keeping code, message, RequestId and action", () => {
    for (const code of allCodes) {
      const decoded = TrtcError.decodeResponseEither("DescribeUserEvent", Models.DescribeUserEventResponse)(
        envelope(code, "Something went wrong.", `req-${code}`)
      )
      assert.isTrue(Either.isLeft(decoded), code)
      if (Either.isLeft(decoded)) {
        const error = decoded.left
        assert.strictEqual(error._tag, intendedTag(code), code)
        assert.isTrue(TrtcError.isApiError(error), code)
        if (TrtcError.isApiError(error)) {
          assert.strictEqual(error.code, code)
          assert.strictEqual(error.apiMessage, "Something went wrong.")
          assert.strictEqual(error.requestId, `req-${code}`)
          assert.strictEqual(error.action, "DescribeUserEvent")
          assert.strictEqual(error.message, `${code}: Something went wrong. (RequestId req-${code}, action DescribeUserEvent)`)
        }
        assert.strictEqual(TrtcError.isRetryable(error), retryableFamilies.has(code.split(".")[0]), code)
      }
    }
  })

  it("spot-checks families, including codes outside the named families", () => {
    const tag = (code: string) => TrtcError.fromEnvelope("DescribeRoomInfo", { Code: code, Message: "m" }, "r")._tag
    assert.strictEqual(tag("InvalidParameter.StartTsOversize"), "InvalidParameter")
    assert.strictEqual(tag("InvalidParameterValue"), "InvalidParameterValue")
    assert.strictEqual(tag("AuthFailure.UnauthorizedOperation"), "AuthFailure")
    assert.strictEqual(tag("UnauthorizedOperation"), "UnauthorizedOperation")
    assert.strictEqual(tag("RequestLimitExceeded.IPLimitExceeded"), "RequestLimitExceeded")
    assert.strictEqual(tag("ResponseSizeLimitExceeded"), "ResponseSizeLimitExceeded")
    assert.strictEqual(tag("UnknownParameter"), "UnknownApiError")
    assert.strictEqual(tag("ActionOffline"), "UnknownApiError")
    assert.strictEqual(tag("Brand.New.Code"), "UnknownApiError")
    const unknown = TrtcError.fromEnvelope("DescribeRoomInfo", { Code: "Brand.New", Message: "a\nb" }, "r1")
    assert.strictEqual(unknown.code, "Brand.New")
    assert.strictEqual(unknown.message, "Brand.New: a b (RequestId r1, action DescribeRoomInfo)")
    assert.isTrue(TrtcError.isClockSkew(TrtcError.fromEnvelope("X", { Code: "AuthFailure.SignatureExpire" }, "r")))
    assert.isFalse(TrtcError.isRetryable(TrtcError.fromEnvelope("X", { Code: "AuthFailure.SignatureExpire" }, "r")))
  })

  it("classifies client-side errors for retry", () => {
    assert.isTrue(TrtcError.isRetryable(new TrtcError.TransportError({ action: "A", reason: "ECONNRESET" })))
    assert.isTrue(TrtcError.isRetryable(new TrtcError.TimeoutError({ action: "A", timeoutMillis: 1000 })))
    assert.isTrue(TrtcError.isRetryable(new TrtcError.HttpStatusError({ action: "A", status: 502 })))
    assert.isTrue(TrtcError.isRetryable(new TrtcError.HttpStatusError({ action: "A", status: 429 })))
    assert.isFalse(TrtcError.isRetryable(new TrtcError.HttpStatusError({ action: "A", status: 404 })))
    assert.isFalse(TrtcError.isRetryable(new TrtcError.RequestValidationError({ action: "A", field: "f", problem: "p", fix: "x" })))
    assert.isTrue(TrtcError.isRetryable(new TrtcError.ResponseDecodeError({ action: "A", detail: "d", kind: "InvalidJson" })))
    assert.isFalse(TrtcError.isRetryable(new TrtcError.ResponseDecodeError({ action: "A", detail: "d", kind: "UnexpectedShape" })))
    assert.isFalse(TrtcError.isRetryable(new Error("plain")))
    assert.isFalse(TrtcError.isRetryable(undefined))
    assert.strictEqual(new TrtcError.HttpStatusError({ action: "A", status: 503, requestId: "r" }).message, "A: HTTP 503, RequestId r")
  })

  it.effect("decodes a success body and an error body as an Effect", () =>
    Effect.gen(function*() {
      const decode = TrtcError.decodeResponse("DescribeUserEvent", Models.DescribeUserEventResponse)
      const ok = yield* decode(JSON.stringify({ Response: { Data: null, RequestId: "ok-1", Unknown: true } }))
      assert.deepStrictEqual(ok.data, [])
      assert.strictEqual(ok.requestId, "ok-1")
      const error = yield* Effect.flip(decode(envelope("RequestLimitExceeded", "too fast", "rl-1")))
      assert.strictEqual(error._tag, "RequestLimitExceeded")
    }))

  it("turns garbage into ResponseDecodeError with the RequestId when one can be found", () => {
    const decode = TrtcError.decodeResponseEither("DescribeRoomInfo", Models.DescribeRoomInfoResponse)
    const left = (body: string) => {
      const result = decode(body)
      assert.isTrue(Either.isLeft(result), body)
      return Either.isLeft(result) ? result.left : undefined
    }
    const truncated = left("{\"Response\":{\"Total\":1,\"RoomList\":[{\"CommId\":\"a\"}],\"RequestId\":\"trunc-1\"")
    assert.strictEqual(truncated?._tag, "ResponseDecodeError")
    assert.strictEqual(truncated?._tag === "ResponseDecodeError" ? truncated.requestId : "", "trunc-1")
    assert.isTrue(TrtcError.isRetryable(truncated))
    const shape = left(JSON.stringify({ Response: { Total: 1, RoomList: [{ CommId: 5 }], RequestId: "shape-1" } }))
    assert.strictEqual(shape?._tag, "ResponseDecodeError")
    assert.strictEqual(shape?._tag === "ResponseDecodeError" ? shape.requestId : "", "shape-1")
    assert.include(shape?.message ?? "", "RequestId shape-1")
    assert.isFalse(TrtcError.isRetryable(shape))
    for (const body of ["", "null", "[]", "42", "\"x\"", "{}", "{\"Response\":null}", "{\"Response\":{\"Error\":{}}}", "<html>502</html>"]) {
      assert.strictEqual(left(body)?._tag, "ResponseDecodeError", body)
    }
    const legacy = left(JSON.stringify({ code: 4100, message: "auth failed", codeDesc: "AuthFailure.SignatureFailure" }))
    assert.strictEqual(legacy?._tag, "AuthFailure")
  })

  // Plain (not it.effect) so hundreds of runs stay cheap: the decoder is pure, and
  // Effect.runSyncExit still proves the Effect form fails typed instead of dying.
  it.prop("never defects on arbitrary bodies", [
    fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ Response: v })),
      fc.jsonValue().map((v) => JSON.stringify({ Response: { Error: v, RequestId: "p" } })),
      fc.record({ Total: fc.jsonValue(), RoomList: fc.jsonValue(), RequestId: fc.jsonValue() })
        .map((r) => JSON.stringify({ Response: r })),
      fc.json().map((s) => s.slice(0, Math.floor(s.length / 2)))
    )
  ], ([body]) => {
    const exit = Effect.runSyncExit(TrtcError.decodeResponse("DescribeRoomInfo", Models.DescribeRoomInfoResponse)(body))
    if (Exit.isFailure(exit)) {
      assert.isFalse(Cause.isDie(exit.cause))
      const error = Cause.failureOption(exit.cause)
      assert.isTrue(error._tag === "Some" && typeof error.value._tag === "string")
    }
  }, { fastCheck: { numRuns: 300 } })
})
