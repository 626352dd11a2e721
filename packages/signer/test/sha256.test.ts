import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import { createHash, createHmac } from "node:crypto"
import * as Sha256 from "../src/internal/sha256.js"

describe("internal sha256", () => {
  it.prop(
    "the padded one-shot HMAC equals node:crypto's createHmac",
    [FastCheck.uint8Array({ minLength: 0, maxLength: 100 }), FastCheck.string({ unit: "grapheme", maxLength: 400 })],
    ([key, message]) => {
      const expected = createHmac("sha256", key).update(message, "utf8").digest("hex")
      assert.strictEqual(Sha256.hmacSha256Hex(Sha256.hmacKey(Buffer.from(key)), message), expected)
    }
  )

  it("grows its scratch buffer for long messages", () => {
    const key = Sha256.hmacKey(Buffer.from("k"))
    const message = "ü".repeat(5000)
    assert.strictEqual(Sha256.hmacSha256Hex(key, message), createHmac("sha256", "k").update(message).digest("hex"))
    assert.strictEqual(Sha256.hmacSha256Hex(key, "short"), createHmac("sha256", "k").update("short").digest("hex"))
  })

  it.prop("one-shot SHA-256 equals createHash", [FastCheck.oneof(FastCheck.string(), FastCheck.uint8Array())], ([data]) => {
    assert.strictEqual(Sha256.sha256Hex(data), createHash("sha256").update(data).digest("hex"))
  })
})
