// tc3.json and v1.json were computed with the official Node SDK and Tencent Cloud's signature
// docs (each vector's `source` says which), kept in the package so a fresh clone can run them; TC3_VECTORS / V1_VECTORS point the
// same test at others. tc3-content-type-case.json is generated in this package by
// vectors/generateContentTypeCase.ts with the installed SDK's Sign.sign3.
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"
import * as Tc3 from "../src/Tc3.js"
import * as V1 from "../src/V1.js"

interface Tc3Vector {
  readonly id: string
  readonly secretId: string
  readonly secretKey: string
  readonly service: string
  readonly host: string
  readonly timestamp: number
  readonly date: string
  readonly method: string
  readonly contentType: string
  readonly payload: string
  readonly query?: string
  readonly signedHeaders: string
  readonly credentialScope: string
  readonly authorization: string
  readonly signature: string
}

const tc3Path = process.env["TC3_VECTORS"] ?? new URL("./vectors/tc3.json", import.meta.url).pathname
const tc3Vectors = JSON.parse(readFileSync(tc3Path, "utf8")) as ReadonlyArray<Tc3Vector>

/** Signs a vector's request as the SDK did. */
const signVector = (v: Tc3Vector) =>
  Tc3.sign({
    method: v.method,
    host: v.host,
    query: v.query,
    contentType: v.contentType,
    body: v.payload,
    service: v.service,
    timestamp: v.timestamp,
    secretId: v.secretId,
    secretKey: Redacted.make(v.secretKey)
  })

describe("TC3 vectors from the official SDK", () => {
  it("has vectors to check", () => {
    expect(tc3Vectors.length).toBeGreaterThan(0)
  })
  it.each(tc3Vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const signed = signVector(v)
    expect(signed.date).toBe(v.date)
    expect(signed.credentialScope).toBe(v.credentialScope)
    expect(signed.signedHeaders).toBe(v.signedHeaders)
    expect(signed.signature).toBe(v.signature)
    expect(signed.authorization).toBe(v.authorization)
  })
})

interface ContentTypeCaseVector extends Tc3Vector {
  /** The signature of the same request with the Content-Type value lowercased (other SDKs). */
  readonly lowercasedSignature: string
}

const caseVectors = JSON.parse(
  readFileSync(new URL("./vectors/tc3-content-type-case.json", import.meta.url).pathname, "utf8")
) as ReadonlyArray<ContentTypeCaseVector>

const received = (v: ContentTypeCaseVector, signature: string): Tc3.ReceivedRequest => ({
  method: v.method,
  query: v.query ?? "",
  headers: {
    authorization: v.authorization.replace(v.signature, signature),
    "content-type": v.contentType,
    host: v.host,
    "x-tc-timestamp": String(v.timestamp)
  },
  body: v.payload
})

const verifyVector = (request: Tc3.ReceivedRequest, v: ContentTypeCaseVector) =>
  Tc3.verify(request, {
    lookup: (id) => (id === v.secretId ? Option.some(Redacted.make(v.secretKey)) : Option.none()),
    nowSeconds: v.timestamp
  })

describe("TC3 mixed-case Content-Type vectors from the official SDK", () => {
  it("has vectors whose case matters", () => {
    expect(caseVectors.length).toBeGreaterThan(0)
    for (const v of caseVectors) expect(v.signature).not.toBe(v.lowercasedSignature)
  })
  it.each(caseVectors.map((v) => [v.id, v] as const))("%s: sign keeps the case, as the SDK signs it", (_id, v) => {
    const signed = signVector(v)
    expect(signed.signature).toBe(v.signature)
    expect(signed.authorization).toBe(v.authorization)
  })
  it.each(caseVectors.map((v) => [v.id, v] as const))("%s: verify accepts the verbatim and the lowercased signature", (_id, v) => {
    expect(Either.isRight(verifyVector(received(v, v.signature), v))).toBe(true)
    expect(Either.isRight(verifyVector(received(v, v.lowercasedSignature), v))).toBe(true)
    // Case is still signed: a different case than either form is not accepted.
    const lower = v.contentType.toLowerCase()
    const otherCase = lower.charAt(0).toUpperCase() + lower.slice(1)
    expect([v.contentType, lower]).not.toContain(otherCase)
    const request = received(v, v.signature)
    const refused = verifyVector({ ...request, headers: { ...request.headers, "content-type": otherCase } }, v)
    expect(Either.isLeft(refused) && refused.left.reason).toBe("SignatureFailure")
  })
})

interface V1Vector {
  readonly id: string
  readonly method: string
  readonly endpoint: string
  readonly secretKey: string
  readonly signMethod: V1.SignatureMethod
  readonly params: Readonly<Record<string, string | number>>
  readonly stringToSign: string
  readonly signature: string
}

const v1Path = process.env["V1_VECTORS"] ?? new URL("./vectors/v1.json", import.meta.url).pathname
const v1Vectors = JSON.parse(readFileSync(v1Path, "utf8")) as ReadonlyArray<V1Vector>

describe("v1 vectors", () => {
  it("has vectors to check", () => {
    expect(v1Vectors.length).toBeGreaterThan(0)
  })
  it.each(v1Vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const signed = V1.sign({
      method: v.method,
      host: v.endpoint,
      params: v.params,
      secretKey: Redacted.make(v.secretKey),
      signatureMethod: v.signMethod
    })
    expect(signed.stringToSign).toBe(v.stringToSign)
    expect(signed.signature).toBe(v.signature)
  })
})
