/**
 * TC3-HMAC-SHA256, the signature of Tencent Cloud API 3.0: pure functions that sign a request
 * and verify a received one.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createHmac, timingSafeEqual } from "node:crypto"
import * as Sha256 from "./internal/sha256.js"
import { cachedSigningKey } from "./internal/signingKeyCache.js"

/**
 * The algorithm name that opens every TC3 `Authorization` header.
 *
 * @since 0.1.0
 * @category constants
 */
export const algorithm = "TC3-HMAC-SHA256"

/**
 * How far a request's `X-TC-Timestamp` may stray from the server's clock, in seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxSkewSeconds = 300

/**
 * What a request contributes to its signature.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignInput {
  readonly method: string
  /** The host as signed: the Node SDK signs it without the port, Go and Python with it. */
  readonly host: string
  /** The raw query string after `?` (empty for POST). */
  readonly query?: string | undefined
  /**
   * The `Content-Type` value as sent. It is signed trimmed but with its case kept, as the
   * official Node SDK signs it (`Application/JSON` signs as `content-type:Application/JSON`).
   */
  readonly contentType: string
  /** Further headers to sign, by name; `content-type` and `host` are always signed. */
  readonly extraSignedHeaders?: Readonly<Record<string, string>> | undefined
  /** The exact body bytes that are sent. */
  readonly body: string | Uint8Array
  /**
   * Sign without hashing the body: the payload hash is that of the literal
   * {@link unsignedPayload}, and the request must carry `X-TC-Content-SHA256:
   * UNSIGNED-PAYLOAD` (for large bodies; the body is then not covered by the signature).
   */
  readonly unsignedPayload?: boolean | undefined
  /** The product in the credential scope, e.g. `trtc`. */
  readonly service: string
  /** Unix seconds; also sent as `X-TC-Timestamp`. */
  readonly timestamp: number
  readonly secretId: string
  readonly secretKey: Redacted.Redacted<string>
}

/**
 * The parts of a computed signature.
 *
 * @since 0.1.0
 * @category models
 */
export interface Signature {
  readonly authorization: string
  readonly signature: string
  readonly credentialScope: string
  readonly signedHeaders: string
  readonly date: string
}

/**
 * `YYYY-MM-DD` of a Unix timestamp in UTC: the date of the credential scope. A local date
 * breaks every request signed around midnight.
 *
 * @since 0.1.0
 * @category signing
 */
export const utcDate = (timestampSeconds: number): string => {
  // Consecutive requests almost always fall on the same day; formatting a Date is not free.
  const day = Math.floor(timestampSeconds / 86400)
  if (day !== lastDay) {
    lastDate = new Date(day * 86400000).toISOString().slice(0, 10)
    lastDay = day
  }
  return lastDate
}
let lastDay = Number.NaN
let lastDate = ""

/**
 * Lowercase hex SHA-256.
 *
 * @since 0.1.0
 * @category signing
 */
export const sha256Hex = (data: string | Uint8Array): string => Sha256.sha256Hex(data)

/**
 * The value of `X-TC-Content-SHA256` that tells the server the body is not hashed: the
 * canonical request then carries the hash of this literal instead of the body's.
 *
 * @since 0.1.0
 * @category constants
 */
export const unsignedPayload = "UNSIGNED-PAYLOAD"

const unsignedPayloadHash = sha256Hex(unsignedPayload)

/**
 * The payload hash of the canonical request: the body's SHA-256, or that of
 * {@link unsignedPayload} when the body is not signed.
 *
 * @since 0.1.0
 * @category signing
 */
export const payloadHash = (body: string | Uint8Array, unsigned = false): string => (unsigned ? unsignedPayloadHash : sha256Hex(body))

/**
 * `date/service/tc3_request`.
 *
 * @since 0.1.0
 * @category signing
 */
export const credentialScope = (date: string, service: string): string => `${date}/${service}/tc3_request`

/**
 * The canonical headers and the signed header list, from a name → value record. Names are
 * lowercased and values trimmed; values are lowercased too (the API document's rule) except
 * that of `content-type`, whose case is kept because the official Node SDK signs it verbatim.
 *
 * @since 0.1.0
 * @category signing
 */
export const canonicalHeaders = (
  headers: Readonly<Record<string, string>>
): { readonly canonical: string; readonly signedHeaders: string } => {
  const entries = Object.entries(headers)
    .map(([name, value]) => {
      const lowerName = name.trim().toLowerCase()
      return [lowerName, lowerName === "content-type" ? value.trim() : value.trim().toLowerCase()] as const
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return {
    canonical: entries.map(([name, value]) => `${name}:${value}\n`).join(""),
    signedHeaders: entries.map(([name]) => name).join(";")
  }
}

const hasExtraHeaders = (headers: Readonly<Record<string, string>> | undefined): boolean => {
  if (headers === undefined) return false
  for (const _ in headers) return true
  return false
}

const signedHeaderValues = (input: SignInput): Record<string, string> => ({
  ...input.extraSignedHeaders,
  "content-type": input.contentType,
  host: input.host
})

/**
 * The canonical request: method, URI `/`, query, headers, signed header list, payload hash.
 *
 * @since 0.1.0
 * @category signing
 */
export const canonicalRequest = (input: SignInput): { readonly canonical: string; readonly signedHeaders: string } =>
  canonicalRequestWith(input, payloadHash(input.body, input.unsignedPayload === true))

// A verifier trying several hosts hashes the body once and passes the hash in.
const canonicalRequestWith = (input: SignInput, hashedPayload: string): { readonly canonical: string; readonly signedHeaders: string } => {
  // The usual case, content-type and host only, is already in order: no sorting needed.
  const headers = hasExtraHeaders(input.extraSignedHeaders)
    ? canonicalHeaders(signedHeaderValues(input))
    : {
        canonical: `content-type:${input.contentType.trim()}\nhost:${input.host.trim().toLowerCase()}\n`,
        signedHeaders: "content-type;host"
      }
  const canonical = [
    input.method.toUpperCase(),
    "/",
    input.query ?? "",
    headers.canonical,
    headers.signedHeaders,
    hashedPayload
  ].join("\n")
  return { canonical, signedHeaders: headers.signedHeaders }
}

/**
 * The string to sign: algorithm, timestamp, scope, hash of the canonical request.
 *
 * @since 0.1.0
 * @category signing
 */
export const stringToSign = (timestamp: number, scope: string, canonical: string): string =>
  `${algorithm}\n${timestamp}\n${scope}\n${sha256Hex(canonical)}`

/**
 * The derived signing key `HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request")`,
 * cached per (secret key, date, service) so most requests cost one HMAC instead of four.
 *
 * @since 0.1.0
 * @category signing
 */
export const signingKey = (secretKey: Redacted.Redacted<string>, date: string, service: string): Buffer =>
  preparedSigningKey(secretKey, date, service).key

const preparedSigningKey = (secretKey: Redacted.Redacted<string>, date: string, service: string): Sha256.HmacKey =>
  cachedSigningKey(secretKey, date, service, () => {
    const secretDate = createHmac("sha256", `TC3${Redacted.value(secretKey)}`).update(date).digest()
    const secretService = createHmac("sha256", secretDate).update(service).digest()
    return Sha256.hmacKey(createHmac("sha256", secretService).update("tc3_request").digest())
  })

/**
 * Signs a request and returns its `Authorization` header with the parts that made it.
 *
 * @example
 * ```ts
 * import * as Tc3 from "@effect-trtc/signer/Tc3"
 * import * as Redacted from "effect/Redacted"
 *
 * // Tencent Cloud's own worked example of signature v3 (CVM DescribeInstances, 2019-02-25).
 * const signed = Tc3.sign({
 *   method: "POST",
 *   host: "cvm.tencentcloudapi.com",
 *   contentType: "application/json; charset=utf-8",
 *   body: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
 *   service: "cvm",
 *   timestamp: 1551113065,
 *   secretId: "AKID**********************0123456789EXAMPLE",
 *   secretKey: Redacted.make("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")
 * })
 *
 * // Sent as the `Authorization` header, with `X-TC-Timestamp: 1551113065`.
 * assert.strictEqual(
 *   signed.authorization,
 *   "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, " +
 *     "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
 * )
 * ```
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (input: SignInput): Signature => signWith(input, payloadHash(input.body, input.unsignedPayload === true))

const signWith = (input: SignInput, hashedPayload: string): Signature => {
  const date = utcDate(input.timestamp)
  const scope = credentialScope(date, input.service)
  const { canonical, signedHeaders } = canonicalRequestWith(input, hashedPayload)
  const signature = Sha256.hmacSha256Hex(
    preparedSigningKey(input.secretKey, date, input.service),
    stringToSign(input.timestamp, scope, canonical)
  )
  return {
    authorization: `${algorithm} Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    signature,
    credentialScope: scope,
    signedHeaders,
    date
  }
}

/**
 * The fields of a TC3 `Authorization` header.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParsedAuthorization {
  readonly secretId: string
  readonly date: string
  readonly service: string
  readonly signedHeaders: ReadonlyArray<string>
  readonly signature: string
}

/**
 * Why a received request failed verification. `reason` is the `AuthFailure.*` detail a server
 * answers with.
 *
 * @since 0.1.0
 * @category errors
 */
export class VerificationError extends Schema.TaggedError<VerificationError>()("VerificationError", {
  reason: Schema.Literal("InvalidAuthorization", "SecretIdNotFound", "SignatureFailure", "SignatureExpire"),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

const authorizationPattern =
  /^TC3-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request, ?SignedHeaders=([a-z0-9;._-]+), ?Signature=([0-9a-f]{64})$/

/**
 * Parses a TC3 `Authorization` header.
 *
 * @since 0.1.0
 * @category verification
 */
export const parseAuthorization = (header: string | undefined): Either.Either<ParsedAuthorization, VerificationError> => {
  if (header === undefined || header.length === 0) {
    return Either.left(new VerificationError({ reason: "InvalidAuthorization", detail: "the Authorization header is missing" }))
  }
  const match = authorizationPattern.exec(header.trim())
  if (match === null) {
    return Either.left(new VerificationError({ reason: "InvalidAuthorization", detail: "the Authorization header is not a TC3-HMAC-SHA256 credential" }))
  }
  const signedHeaders = match[4]!.split(";")
  if (!signedHeaders.includes("content-type") || !signedHeaders.includes("host")) {
    return Either.left(new VerificationError({ reason: "InvalidAuthorization", detail: "SignedHeaders must include content-type and host" }))
  }
  return Either.right({ secretId: match[1]!, date: match[2]!, service: match[3]!, signedHeaders, signature: match[5]! })
}

/**
 * A request as a server received it.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReceivedRequest {
  readonly method: string
  /** The raw query string after `?`, exactly as received. */
  readonly query: string
  /** Header names in lowercase; the `host` header as received, with or without a port. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string | Uint8Array
}

/**
 * What a successful verification establishes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verified {
  readonly secretId: string
  readonly service: string
  readonly timestamp: number
}

// The official Node SDK names itself in `X-TC-RequestClient` and signs the bare hostname.
const nodeSdkClient = /^SDK_NODEJS_/

/**
 * Recomputes the signature of a received request and compares it in constant time. The host
 * is tried as sent and without its port (the Node SDK signs the bare hostname: for a request
 * that says it comes from the Node SDK the bare host is tried first). The `Content-Type` value
 * is tried as sent (trimmed, case kept: the Node SDK) and, when that differs, lowercased (the API
 * document's rule, which other SDKs follow). The body is hashed once for all tries. The service is whatever the client put in its credential scope. With
 * `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` the payload hash is that of the literal, as the
 * SDKs' unsigned-payload mode computes it.
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  request: ReceivedRequest,
  options: {
    readonly lookup: (secretId: string) => Option.Option<Redacted.Redacted<string>>
    readonly nowSeconds: number
    readonly maxSkewSeconds?: number | undefined
  }
): Either.Either<Verified, VerificationError> =>
  Either.flatMap(parseAuthorization(request.headers["authorization"]), (auth) => {
    const secretKey = options.lookup(auth.secretId)
    if (Option.isNone(secretKey)) {
      return Either.left(new VerificationError({ reason: "SecretIdNotFound", detail: "the SecretId is not found" }))
    }
    const rawTimestamp = request.headers["x-tc-timestamp"] ?? ""
    if (!/^\d{1,12}$/.test(rawTimestamp)) {
      return Either.left(new VerificationError({ reason: "InvalidAuthorization", detail: "X-TC-Timestamp must be Unix seconds" }))
    }
    const timestamp = Number(rawTimestamp)
    if (Math.abs(options.nowSeconds - timestamp) > (options.maxSkewSeconds ?? maxSkewSeconds)) {
      return Either.left(new VerificationError({ reason: "SignatureExpire", detail: "the signature is expired: X-TC-Timestamp is more than 5 minutes from server time" }))
    }
    if (auth.date !== utcDate(timestamp)) {
      return Either.left(new VerificationError({ reason: "SignatureFailure", detail: "the credential scope date is not the UTC date of X-TC-Timestamp" }))
    }
    const extra: Record<string, string> = {}
    for (const name of auth.signedHeaders) {
      if (name === "host" || name === "content-type") continue
      const value = request.headers[name]
      if (value === undefined) {
        return Either.left(new VerificationError({ reason: "SignatureFailure", detail: `signed header ${name} is absent` }))
      }
      extra[name] = value
    }
    const host = request.headers["host"] ?? ""
    const bare = host.includes(":") && !host.endsWith("]") ? host.slice(0, host.lastIndexOf(":")) : undefined
    const hosts = bare === undefined ? [host] : nodeSdkClient.test(request.headers["x-tc-requestclient"] ?? "") ? [bare, host] : [host, bare]
    const hashedPayload = payloadHash(request.body, request.headers["x-tc-content-sha256"] === unsignedPayload)
    const contentType = (request.headers["content-type"] ?? "").trim()
    const lowerContentType = contentType.toLowerCase()
    const contentTypes = lowerContentType === contentType ? [contentType] : [contentType, lowerContentType]
    const signedHeaders = auth.signedHeaders.join(";")
    const expected = Buffer.from(auth.signature, "hex")
    for (const candidate of hosts) for (const candidateContentType of contentTypes) {
      const computed = signWith({
        method: request.method,
        host: candidate,
        query: request.query,
        contentType: candidateContentType,
        extraSignedHeaders: extra,
        body: request.body,
        service: auth.service,
        timestamp,
        secretId: auth.secretId,
        secretKey: secretKey.value
      }, hashedPayload)
      if (computed.signedHeaders === signedHeaders && timingSafeEqual(Buffer.from(computed.signature, "hex"), expected)) {
        return Either.right({ secretId: auth.secretId, service: auth.service, timestamp })
      }
    }
    return Either.left(new VerificationError({ reason: "SignatureFailure", detail: "the signature does not match the request" }))
  })
