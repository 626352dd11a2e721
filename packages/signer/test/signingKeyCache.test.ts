import { assert, describe, it } from "@effect/vitest"
import * as Redacted from "effect/Redacted"
import * as Tc3 from "../src/Tc3.js"

describe("derived signing key cache", () => {
  it("derives once per (key, date, service) and reuses it", () => {
    const key = Redacted.make("cacheKey")
    const first = Tc3.signingKey(key, "2026-11-25", "trtc")
    assert.strictEqual(Tc3.signingKey(key, "2026-11-25", "trtc"), first)
    assert.notStrictEqual(Tc3.signingKey(key, "2026-11-26", "trtc"), first)
    assert.notStrictEqual(Tc3.signingKey(key, "2026-11-25", "cvm"), first)
    // The same secret in another Redacted is another cache entry with the same bytes.
    const twin = Tc3.signingKey(Redacted.make("cacheKey"), "2026-11-25", "trtc")
    assert.notStrictEqual(twin, first)
    assert.isTrue(twin.equals(first))
  })

  it("keeps a bounded number of keys per secret, dropping the oldest", () => {
    const key = Redacted.make("boundedKey")
    const oldest = Tc3.signingKey(key, "2026-01-01", "svc0")
    for (let i = 1; i <= 8; i++) Tc3.signingKey(key, "2026-01-01", `svc${i}`)
    assert.notStrictEqual(Tc3.signingKey(key, "2026-01-01", "svc0"), oldest)
    assert.strictEqual(Tc3.signingKey(key, "2026-01-01", "svc8"), Tc3.signingKey(key, "2026-01-01", "svc8"))
  })
})
