// The vector files were computed with the official Node SDK and Tencent Cloud's signature docs
// (each vector's `source` says which) and are kept in the package, so a fresh clone runs them;
// TC3_VECTORS / V1_VECTORS point the same test at others.
import { describe, expect, it } from "@effect/vitest"
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

describe("TC3 vectors from the official SDK", () => {
  it("has vectors to check", () => {
    expect(tc3Vectors.length).toBeGreaterThan(0)
  })
  it.each(tc3Vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const signed = Tc3.sign({
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
    expect(signed.date).toBe(v.date)
    expect(signed.credentialScope).toBe(v.credentialScope)
    expect(signed.signedHeaders).toBe(v.signedHeaders)
    expect(signed.signature).toBe(v.signature)
    expect(signed.authorization).toBe(v.authorization)
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
