// SHA-256 and HMAC-SHA256 on Node's one-shot `crypto.hash` (Node ≥ 20.12). Creating a Hash or
// Hmac object costs more than hashing a short message, so a signature that needs one body hash,
// one canonical-request hash and one HMAC is dominated by object creation; one-shot hashing
// and an HMAC with precomputed pads (RFC 2104) remove most of it. Falls back to createHash /
// createHmac where `crypto.hash` is missing.
import * as crypto from "node:crypto"

const oneShot: typeof crypto.hash | undefined = typeof crypto.hash === "function" ? crypto.hash : undefined

const blockSize = 64

/** Lowercase hex SHA-256. */
export const sha256Hex: (data: string | Uint8Array) => string = oneShot !== undefined
  ? (data) => oneShot("sha256", data, "hex")
  : (data) => crypto.createHash("sha256").update(data).digest("hex")

/** A key prepared for repeated HMAC-SHA256: the key and its inner and outer pads. */
export interface HmacKey {
  readonly key: Buffer
  readonly innerPad: Buffer
  readonly outerPad: Buffer
}

/** Prepares a key (at most one block, as every derived TC3 key is) for {@link hmacSha256Hex}. */
export const hmacKey = (key: Buffer): HmacKey => {
  const material = key.length > blockSize ? crypto.createHash("sha256").update(key).digest() : key
  const innerPad = Buffer.alloc(blockSize, 0x36)
  const outerPad = Buffer.alloc(blockSize, 0x5c)
  for (let i = 0; i < material.length; i++) {
    innerPad[i]! ^= material[i]!
    outerPad[i]! ^= material[i]!
  }
  return { key, innerPad, outerPad }
}

// Scratch buffers reused by every call: hashing is synchronous, so no two calls overlap.
let inner = Buffer.allocUnsafe(1024)
const outer = Buffer.allocUnsafe(blockSize + 32)

/** Lowercase hex HMAC-SHA256 of a UTF-8 message. */
export const hmacSha256Hex = (key: HmacKey, message: string): string => {
  if (oneShot === undefined) return crypto.createHmac("sha256", key.key).update(message, "utf8").digest("hex")
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
  if (inner.length < blockSize + message.length * 3) inner = Buffer.allocUnsafe(blockSize + message.length * 3)
  key.innerPad.copy(inner, 0)
  const length = inner.write(message, blockSize, "utf8")
  key.outerPad.copy(outer, 0)
  oneShot("sha256", inner.subarray(0, blockSize + length), "buffer").copy(outer, blockSize)
  return oneShot("sha256", outer, "hex")
}
