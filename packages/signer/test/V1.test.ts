import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as V1 from "../src/V1.js"

const secretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
const secretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
const lookup = (id: string) => (id === secretId ? Option.some(Redacted.make(secretKey)) : Option.none())
const now = 1465185768

const docParams = {
  Action: "DescribeInstances",
  "InstanceIds.0": "ins-09dx96dg",
  Limit: 20,
  Nonce: 11886,
  Offset: 0,
  Region: "ap-guangzhou",
  SecretId: secretId,
  Timestamp: now,
  Version: "2017-03-12"
}

const reason = (result: Either.Either<V1.Verified, unknown>) =>
  Either.isLeft(result) ? (result.left as { readonly reason: string }).reason : "ok"

describe("V1", () => {
  it("sorts names in ASCII order, so InstanceIds.12 precedes InstanceIds.2", () => {
    assert.strictEqual(V1.requestString({ "InstanceIds.2": "b", "InstanceIds.12": "a", Action: "X", Signature: "dropped" }), "Action=X&InstanceIds.12=a&InstanceIds.2=b")
  })

  it("round-trips a GET query: sign, URL-encode, decode, verify", () => {
    const params = V1.signParams({ method: "GET", host: "cvm.tencentcloudapi.com", params: docParams, secretKey: Redacted.make(secretKey), signatureMethod: "HmacSHA1" })
    assert.strictEqual(params["Signature"], "EliP9YW3pW28FpsEdkXt/+WcGeI=")
    const query = V1.encode(params)
    assert.include(query, "Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D")
    const result = V1.verify("GET", "cvm.tencentcloudapi.com", V1.decode(query), lookup, now)
    assert.deepStrictEqual(result, Either.right({ secretId, timestamp: now }))
  })

  it("round-trips a form-encoded POST with HmacSHA256 and non-ASCII values", () => {
    const params = V1.signParams({
      method: "POST",
      host: "trtc.tencentcloudapi.com:8443",
      params: { ...docParams, SignatureMethod: "HmacSHA256", RoomId: "房间 1&2=3" },
      secretKey: Redacted.make(secretKey),
      signatureMethod: "HmacSHA256"
    })
    const body = V1.encode(params)
    assert.strictEqual(reason(V1.verify("POST", "trtc.tencentcloudapi.com:8443", V1.decode(body), lookup, now)), "ok")
    assert.strictEqual(reason(V1.verify("GET", "trtc.tencentcloudapi.com:8443", V1.decode(body), lookup, now)), "SignatureFailure")
  })

  it("accepts a signature over the host without the port it was sent to", () => {
    const params = V1.signParams({ method: "GET", host: "127.0.0.1", params: docParams, secretKey: Redacted.make(secretKey), signatureMethod: "HmacSHA1" })
    assert.strictEqual(reason(V1.verify("GET", "127.0.0.1:9000", params, lookup, now)), "ok")
  })

  it("names the failing part", () => {
    const params = V1.signParams({ method: "GET", host: "cvm.tencentcloudapi.com", params: docParams, secretKey: Redacted.make(secretKey), signatureMethod: "HmacSHA1" })
    const check = (p: Record<string, string>, at = now) => reason(V1.verify("GET", "cvm.tencentcloudapi.com", p, lookup, at))
    assert.strictEqual(check(params), "ok")
    assert.strictEqual(check({ ...params, Limit: "21" }), "SignatureFailure")
    assert.strictEqual(check({ ...params, Signature: "EliP9YW3pW28FpsEdkXt/+WcGeJ=" }), "SignatureFailure")
    assert.strictEqual(check({ ...params, Signature: "not base64!" }), "SignatureFailure")
    assert.strictEqual(check({ ...params, SignatureMethod: "HmacSHA256" }), "SignatureFailure")
    assert.strictEqual(check({ ...params, SignatureMethod: "HmacMD5" }), "InvalidAuthorization")
    assert.strictEqual(check({ ...params, SecretId: "AKIDUNKNOWN" }), "SecretIdNotFound")
    assert.strictEqual(check(Object.fromEntries(Object.entries(params).filter(([k]) => k !== "Signature"))), "InvalidAuthorization")
    assert.strictEqual(check({ ...params, Timestamp: "soon" }), "InvalidAuthorization")
    assert.strictEqual(check(params, now + 301), "SignatureExpire")
    assert.strictEqual(check(params, now - 300), "ok")
  })

  it.prop(
    "sign then verify accepts; a changed value is rejected",
    [
      FastCheck.dictionary(FastCheck.stringMatching(/^[A-Z][A-Za-z0-9.]{0,10}$/), FastCheck.string({ maxLength: 20 }), { maxKeys: 6 }),
      FastCheck.constantFrom("HmacSHA1" as const, "HmacSHA256" as const),
      FastCheck.constantFrom("GET", "POST")
    ],
    ([extra, signatureMethod, method]) => {
      const base = { ...extra, SecretId: secretId, Timestamp: String(now), Nonce: "42", SignatureMethod: signatureMethod }
      const params = V1.signParams({ method, host: "trtc.tencentcloudapi.com", params: base, secretKey: Redacted.make(secretKey), signatureMethod })
      const decoded = V1.decode(V1.encode(params))
      assert.strictEqual(reason(V1.verify(method, "trtc.tencentcloudapi.com", decoded, lookup, now)), "ok")
      assert.strictEqual(reason(V1.verify(method, "trtc.tencentcloudapi.com", { ...decoded, Nonce: "43" }, lookup, now)), "SignatureFailure")
    }
  )
})
