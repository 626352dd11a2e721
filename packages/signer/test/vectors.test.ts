import { describe, expect, it } from "@effect/vitest"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"
import * as Tc3 from "../src/Tc3.js"

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

const tc3Path = process.env["TC3_VECTORS"] ?? new URL("../../../../shared/vectors/tc3.json", import.meta.url).pathname
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
