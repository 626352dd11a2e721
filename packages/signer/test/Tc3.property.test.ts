import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { sign3 } from "./sdkSign3.js"
import * as Tc3 from "../src/Tc3.js"

const lower = "abcdefghijklmnopqrstuvwxyz0123456789"
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("")

const stringOf = (alphabet: string, minLength: number, maxLength: number) =>
  FastCheck.array(FastCheck.constantFrom(...alphabet.split("")), { minLength, maxLength }).map((cs) => cs.join(""))

const label = stringOf(lower, 1, 12)
const hostArb = FastCheck.tuple(FastCheck.array(label, { minLength: 1, maxLength: 3 }), FastCheck.option(FastCheck.integer({ min: 1, max: 65535 }), { nil: undefined }))
  .map(([labels, port]) => `${labels.join(".")}${port === undefined ? "" : `:${port}`}`)
const queryArb = FastCheck.array(FastCheck.tuple(stringOf(alnum, 1, 8), stringOf(`${alnum}%-._~`, 0, 12)), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"))
// 1970 to 2100: covers every leap-day and year-end rule the Gregorian calendar uses there.
const timestampArb = FastCheck.integer({ min: 1000, max: 4102444800 })
const secretKeyArb = stringOf(printable, 1, 48)
const secretIdArb = stringOf(alnum, 8, 40).map((s) => `AKID${s}`)
// Content types in any case: the Node SDK signs the case that is sent, so it must survive.
const contentTypeArb = FastCheck.tuple(
  FastCheck.constantFrom("application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded"),
  FastCheck.array(FastCheck.boolean(), { minLength: 33, maxLength: 33 })
).map(([base, upper]) => base.split("").map((ch, i) => (upper[i] === true ? ch.toUpperCase() : ch)).join(""))

interface Case {
  readonly method: "GET" | "POST"
  readonly host: string
  readonly query: string
  readonly contentType: string
  readonly body: Uint8Array
  readonly service: string
  readonly timestamp: number
  readonly secretId: string
  readonly secretKey: string
}

const caseArb: FastCheck.Arbitrary<Case> = FastCheck.record({
  method: FastCheck.constantFrom("GET" as const, "POST" as const),
  host: hostArb,
  query: queryArb,
  contentType: contentTypeArb,
  body: FastCheck.uint8Array({ minLength: 1, maxLength: 256 }),
  service: stringOf("abcdefghijklmnopqrstuvwxyz", 2, 10),
  timestamp: timestampArb,
  secretId: secretIdArb,
  secretKey: secretKeyArb
})

const signInput = (c: Case): Tc3.SignInput => ({
  method: c.method,
  host: c.host,
  query: c.query,
  contentType: c.contentType,
  body: c.body,
  service: c.service,
  timestamp: c.timestamp,
  secretId: c.secretId,
  secretKey: Redacted.make(c.secretKey)
})

const signCase = (c: Case) => Tc3.sign(signInput(c))

const received = (c: Case, authorization: string, changes: Partial<Case> = {}): Tc3.ReceivedRequest => {
  const r = { ...c, ...changes }
  return {
    method: r.method,
    query: r.query,
    headers: { authorization, host: r.host, "content-type": r.contentType, "x-tc-timestamp": String(r.timestamp) },
    body: r.body
  }
}

const verifyWith = (request: Tc3.ReceivedRequest, secretKey: string, nowSeconds: number) =>
  Tc3.verify(request, { lookup: () => Option.some(Redacted.make(secretKey)), nowSeconds })

const assertRejected = (result: Either.Either<Tc3.Verified, Tc3.VerificationError>) => {
  assert.isTrue(Either.isLeft(result))
  if (Either.isLeft(result)) assert.strictEqual(result.left.reason, "SignatureFailure")
}

// Replaces one character by a different one that also differs after lowercasing (the host is
// signed lowercased, so a case change alone is not a change to its signature).
const mutateChar = (s: string, index: number, pick: number, alphabet: string): string => {
  const i = index % s.length
  const choices = alphabet.split("").filter((ch) => ch.toLowerCase() !== s[i]!.toLowerCase())
  return s.slice(0, i) + choices[pick % choices.length]! + s.slice(i + 1)
}

describe("Tc3 properties", () => {
  it.prop("sign then verify accepts", [caseArb], ([c]) => {
    const signed = signCase(c)
    const result = verifyWith(received(c, signed.authorization), c.secretKey, c.timestamp)
    assert.deepStrictEqual(result, Either.right({ secretId: c.secretId, service: c.service, timestamp: c.timestamp }))
  })

  it.prop("a one-byte change in the body is rejected", [caseArb, FastCheck.nat(), FastCheck.integer({ min: 1, max: 255 })], ([c, index, xor]) => {
    const signed = signCase(c)
    const body = Uint8Array.from(c.body)
    body[index % body.length] = body[index % body.length]! ^ xor
    assertRejected(verifyWith(received(c, signed.authorization, { body }), c.secretKey, c.timestamp))
  })

  it.prop("a one-character change in the query is rejected", [caseArb.filter((c) => c.query.length > 0), FastCheck.nat(), FastCheck.nat()], ([c, index, pick]) => {
    const signed = signCase(c)
    const query = mutateChar(c.query, index, pick, alnum)
    assertRejected(verifyWith(received(c, signed.authorization, { query }), c.secretKey, c.timestamp))
  })

  it.prop("a one-character change in the host is rejected", [caseArb, FastCheck.nat(), FastCheck.nat()], ([c, index, pick]) => {
    const signed = signCase(c)
    const host = mutateChar(c.host, index, pick, lower)
    assertRejected(verifyWith(received(c, signed.authorization, { host }), c.secretKey, c.timestamp))
  })

  it.prop("a changed timestamp is rejected, even within the allowed skew", [caseArb, FastCheck.integer({ min: -300, max: 300 }).filter((d) => d !== 0)], ([c, delta]) => {
    const signed = signCase(c)
    const timestamp = c.timestamp + delta
    assertRejected(verifyWith(received(c, signed.authorization, { timestamp }), c.secretKey, c.timestamp))
  })

  it.prop("a one-byte change in the key is rejected", [caseArb, FastCheck.nat(), FastCheck.nat()], ([c, index, pick]) => {
    const signed = signCase(c)
    const i = index % c.secretKey.length
    const choices = printable.split("").filter((ch) => ch !== c.secretKey[i])
    const otherKey = c.secretKey.slice(0, i) + choices[pick % choices.length]! + c.secretKey.slice(i + 1)
    assertRejected(verifyWith(received(c, signed.authorization), otherKey, c.timestamp))
  })

  it.prop("the signature is the official SDK's Sign.sign3, whatever the case of the content type", [caseArb], ([c]) => {
    // sign3 signs the URL's hostname (no port; a name ending in a number would be read as an
    // IPv4 address) and hashes a Buffer payload as it is.
    const host = `${c.host.replace(/:\d+$/, "")}.example.com`
    const query = c.method === "GET" ? c.query : ""
    const ours = Tc3.sign({ ...signInput(c), host, query, body: c.method === "GET" ? "" : c.body })
    const theirs = sign3({
      method: c.method,
      url: `https://${host}/${query === "" ? "" : `?${query}`}`,
      payload: c.method === "GET" ? "" : Buffer.from(c.body),
      timestamp: c.timestamp,
      service: c.service,
      secretId: c.secretId,
      secretKey: c.secretKey,
      headers: { "Content-Type": c.contentType }
    })
    assert.strictEqual(ours.authorization, theirs)
  })

  it.prop("a signature over the lowercased content type (other SDKs) verifies with the header as sent", [caseArb], ([c]) => {
    const signed = Tc3.sign({ ...signInput(c), contentType: c.contentType.toLowerCase() })
    const result = verifyWith(received(c, signed.authorization), c.secretKey, c.timestamp)
    assert.deepStrictEqual(result, Either.right({ secretId: c.secretId, service: c.service, timestamp: c.timestamp }))
  })

  it.prop("a content type changed in case only is rejected when the signature kept its case", [caseArb.filter((c) => c.contentType !== c.contentType.toLowerCase()), FastCheck.nat()], ([c, index]) => {
    const signed = signCase(c)
    // Flip the case of one letter that is upper case: the result is neither the signed value nor
    // its lowercase unless it was the only capital, in which case it is the lowercase — flip a
    // lowercase letter to upper case then.
    const capitals = [...c.contentType].flatMap((ch, i) => (ch !== ch.toLowerCase() ? [i] : []))
    const smalls = [...c.contentType].flatMap((ch, i) => (ch !== ch.toUpperCase() ? [i] : []))
    const flip = capitals.length > 1 || smalls.length === 0 ? capitals[index % capitals.length]! : smalls[index % smalls.length]!
    const ch = c.contentType[flip]!
    const contentType = c.contentType.slice(0, flip) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + c.contentType.slice(flip + 1)
    assertRejected(verifyWith(received(c, signed.authorization, { contentType }), c.secretKey, c.timestamp))
  })

  it.prop("a timestamp beyond the skew is expired", [caseArb, FastCheck.integer({ min: 301, max: 100000 }), FastCheck.boolean()], ([c, skew, ahead]) => {
    const signed = signCase(c)
    const result = verifyWith(received(c, signed.authorization), c.secretKey, c.timestamp + (ahead ? skew : -skew))
    assert.isTrue(Either.isLeft(result) && result.left.reason === "SignatureExpire")
  })
})

// Days since 1970-01-01 to a civil date, by arithmetic only (H. Hinnant's algorithm), so the
// check does not share code with the `Date`-based implementation it checks.
const civilFromDays = (days: number): string => {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`
}

const dateArb = FastCheck.integer({ min: 0, max: 47482 })
// Seconds inside a day, biased towards both edges of UTC midnight.
const secondOfDayArb = FastCheck.oneof(
  FastCheck.integer({ min: 0, max: 86399 }),
  FastCheck.integer({ min: 0, max: 2 }),
  FastCheck.integer({ min: 86397, max: 86399 })
)

describe("credential scope date", () => {
  it.prop("is the UTC date of any timestamp", [dateArb, secondOfDayArb], ([day, second]) => {
    const timestamp = day * 86400 + second
    assert.strictEqual(Tc3.utcDate(timestamp), civilFromDays(day))
    const signed = Tc3.sign({
      method: "POST",
      host: "trtc.tencentcloudapi.com",
      contentType: "application/json",
      body: "{}",
      service: "trtc",
      timestamp,
      secretId: "AKIDEXAMPLE",
      secretKey: Redacted.make("key")
    })
    assert.strictEqual(signed.date, civilFromDays(day))
    assert.strictEqual(signed.credentialScope, `${civilFromDays(day)}/trtc/tc3_request`)
  })

  it("rolls over at UTC midnight, year ends and leap days", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["2019-02-25T16:44:25Z", "2019-02-25"], // the doc's 00:44:25 UTC+8 is still the 25th in UTC
      ["2019-12-31T23:59:59Z", "2019-12-31"],
      ["2020-01-01T00:00:00Z", "2020-01-01"],
      ["2020-02-28T23:59:59Z", "2020-02-28"],
      ["2020-02-29T00:00:00Z", "2020-02-29"],
      ["2020-02-29T23:59:59Z", "2020-02-29"],
      ["2020-03-01T00:00:00Z", "2020-03-01"],
      ["2023-02-28T23:59:59Z", "2023-02-28"],
      ["2023-03-01T00:00:00Z", "2023-03-01"],
      ["2024-02-29T12:00:00Z", "2024-02-29"],
      ["2100-02-28T23:59:59Z", "2100-02-28"],
      ["2100-03-01T00:00:00Z", "2100-03-01"]
    ]
    for (const [iso, date] of cases) {
      assert.strictEqual(Tc3.utcDate(Date.parse(iso) / 1000), date, iso)
    }
    assert.strictEqual(Tc3.utcDate(1551113065), "2019-02-25")
  })
})

describe("Tc3 reference examples", () => {
  it("reproduces the CN doc variant B, which also signs x-tc-action", () => {
    const input: Tc3.SignInput = {
      method: "POST",
      host: "cvm.tencentcloudapi.com",
      contentType: "application/json; charset=utf-8",
      extraSignedHeaders: { "X-TC-Action": "DescribeInstances" },
      body: "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}",
      service: "cvm",
      timestamp: 1551113065,
      secretId: "AKID********************************",
      secretKey: Redacted.make("*".repeat(32))
    }
    const { canonical, signedHeaders } = Tc3.canonicalRequest(input)
    assert.strictEqual(signedHeaders, "content-type;host;x-tc-action")
    assert.include(canonical, "x-tc-action:describeinstances\n")
    assert.strictEqual(Tc3.sha256Hex(canonical), "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84")
    assert.strictEqual(
      Tc3.signingKey(input.secretKey, "2019-02-25", "cvm").toString("hex"),
      "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
    )
    const signed = Tc3.sign(input)
    assert.strictEqual(signed.signature, "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f")
    assert.strictEqual(
      signed.authorization,
      "TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    )
  })

  it("derives the EN doc's intermediate keys", () => {
    const key = Redacted.make("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")
    assert.strictEqual(Tc3.signingKey(key, "2019-02-25", "cvm").toString("hex"), "ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1")
  })
})

describe("Tc3.verify", () => {
  const secretKey = "verifySecretKey0000000000000000"
  const base = {
    method: "POST",
    contentType: "application/json",
    body: "{\"SdkAppId\":1400000001}",
    service: "trtc",
    timestamp: 1795638060,
    secretId: "AKIDVERIFY000000000000000000000000",
    secretKey: Redacted.make(secretKey)
  }
  const request = (authorization: string | undefined, host: string): Tc3.ReceivedRequest => ({
    method: "POST",
    query: "",
    headers: { authorization, host, "content-type": "application/json", "x-tc-timestamp": String(base.timestamp) },
    body: base.body
  })
  const lookup = (id: string) => (id === base.secretId ? Option.some(Redacted.make(secretKey)) : Option.none())

  it("accepts the Node SDK's habit of signing the host without the port it sends", () => {
    const signed = Tc3.sign({ ...base, host: "127.0.0.1" })
    assert.isTrue(Either.isRight(Tc3.verify(request(signed.authorization, "127.0.0.1:42227"), { lookup, nowSeconds: base.timestamp })))
  })

  it("names the failing part", () => {
    const signed = Tc3.sign({ ...base, host: "trtc.tencentcloudapi.com" })
    const reason = (r: Tc3.ReceivedRequest, now = base.timestamp) => {
      const result = Tc3.verify(r, { lookup, nowSeconds: now })
      return Either.isLeft(result) ? result.left.reason : "ok"
    }
    assert.strictEqual(reason(request(signed.authorization, "trtc.tencentcloudapi.com")), "ok")
    assert.strictEqual(reason(request(undefined, "trtc.tencentcloudapi.com")), "InvalidAuthorization")
    assert.strictEqual(reason(request("Bearer x", "trtc.tencentcloudapi.com")), "InvalidAuthorization")
    assert.strictEqual(reason(request(signed.authorization.replace(base.secretId, "AKIDUNKNOWN"), "trtc.tencentcloudapi.com")), "SecretIdNotFound")
    assert.strictEqual(reason(request(signed.authorization, "trtc.tencentcloudapi.com"), base.timestamp + 301), "SignatureExpire")
    assert.strictEqual(reason(request(signed.authorization, "trtc.tencentcloudapi.com"), base.timestamp - 301), "SignatureExpire")
    assert.strictEqual(reason(request(signed.authorization, "trtc.tencentcloudapi.com"), base.timestamp + 300), "ok")
    assert.strictEqual(reason(request(signed.authorization, "trtc.intl.tencentcloudapi.com")), "SignatureFailure")
  })

  it("tries both hosts whichever client the request says it is from", () => {
    const bare = Tc3.sign({ ...base, host: "127.0.0.1" })
    const withPort = Tc3.sign({ ...base, host: "127.0.0.1:42227" })
    for (const client of [undefined, "SDK_NODEJS_4.1.220", "SDK_GO_1.0"]) {
      for (const signed of [bare, withPort]) {
        const r = request(signed.authorization, "127.0.0.1:42227")
        const sent = { ...r, headers: { ...r.headers, "x-tc-requestclient": client } }
        assert.isTrue(Either.isRight(Tc3.verify(sent, { lookup, nowSeconds: base.timestamp })), `${client} ${signed.authorization}`)
      }
    }
  })

  it("verifies X-TC-Content-SHA256: UNSIGNED-PAYLOAD with the hash of that literal in place of the body's", () => {
    const host = "trtc.tencentcloudapi.com"
    const signed = Tc3.sign({ ...base, host, unsignedPayload: true })
    const { canonical } = Tc3.canonicalRequest({ ...base, host, unsignedPayload: true })
    assert.isTrue(canonical.endsWith(`\n${Tc3.sha256Hex("UNSIGNED-PAYLOAD")}`))
    assert.strictEqual(Tc3.payloadHash("ignored", true), Tc3.sha256Hex(Tc3.unsignedPayload))
    const unsigned = (authorization: string, body = base.body): Tc3.ReceivedRequest => {
      const r = request(authorization, host)
      return { ...r, headers: { ...r.headers, "x-tc-content-sha256": "UNSIGNED-PAYLOAD" }, body }
    }
    const ok = (r: Tc3.ReceivedRequest) => Either.isRight(Tc3.verify(r, { lookup, nowSeconds: base.timestamp }))
    assert.isTrue(ok(unsigned(signed.authorization)))
    // The body is not covered: another body passes, as with the real service.
    assert.isTrue(ok(unsigned(signed.authorization, "{\"SdkAppId\":1400000002}")))
    // Without the header the server hashes the body, which the signature did not.
    assert.isFalse(ok(request(signed.authorization, host)))
    // A body-hashed signature sent with the header does not verify either.
    assert.isFalse(ok(unsigned(Tc3.sign({ ...base, host }).authorization)))
  })
})
