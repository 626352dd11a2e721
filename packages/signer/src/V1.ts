/**
 * The legacy signature v1 (HmacSHA1 / HmacSHA256 over the sorted raw parameters), still
 * accepted for GET queries and form-encoded POST bodies. New code signs with {@link Tc3}.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { createHmac, timingSafeEqual } from "node:crypto"
import { maxSkewSeconds as defaultMaxSkewSeconds, VerificationError } from "./Tc3.js"

/**
 * The two HMACs v1 allows; a request without `SignatureMethod` means `HmacSHA1`.
 *
 * @since 0.1.0
 * @category models
 */
export type SignatureMethod = "HmacSHA1" | "HmacSHA256"

/**
 * What a v1 request contributes to its signature.
 *
 * @since 0.1.0
 * @category models
 */
export interface SignInput {
  readonly method: string
  /** The host as signed, e.g. `cvm.tencentcloudapi.com` (with a port when the client sends one). */
  readonly host: string
  /** Every parameter except `Signature`, with raw (decoded) values; `InstanceIds.0` style names. */
  readonly params: Readonly<Record<string, string | number>>
  readonly secretKey: Redacted.Redacted<string>
  readonly signatureMethod: SignatureMethod
  /** The request path; API endpoints always use `/`. */
  readonly path?: string | undefined
}

/**
 * A computed v1 signature: the base64 HMAC and the string it was computed over.
 *
 * @since 0.1.0
 * @category models
 */
export interface Signature {
  readonly stringToSign: string
  /** Base64, not yet URL-encoded: encode it like any other parameter value on the wire. */
  readonly signature: string
}

const hmacAlgorithm = (method: SignatureMethod): "sha1" | "sha256" => (method === "HmacSHA256" ? "sha256" : "sha1")

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * `name=value` pairs sorted by name in ASCII order (so `InstanceIds.12` sorts before
 * `InstanceIds.2`), joined by `&`, values raw rather than URL-encoded. `Signature` is left out.
 *
 * @since 0.1.0
 * @category signing
 */
export const requestString = (params: Readonly<Record<string, string | number>>): string =>
  Object.keys(params)
    .filter((name) => name !== "Signature")
    .sort(byName)
    .map((name) => `${name}=${params[name]}`)
    .join("&")

/**
 * `METHOD + host + path + "?" + requestString`.
 *
 * @since 0.1.0
 * @category signing
 */
export const stringToSign = (method: string, host: string, params: Readonly<Record<string, string | number>>, path = "/"): string =>
  `${method.toUpperCase()}${host}${path}?${requestString(params)}`

/**
 * Signs the parameters of a v1 request.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (input: SignInput): Signature => {
  const toSign = stringToSign(input.method, input.host, input.params, input.path)
  const signature = createHmac(hmacAlgorithm(input.signatureMethod), Redacted.value(input.secretKey))
    .update(toSign, "utf8")
    .digest("base64")
  return { stringToSign: toSign, signature }
}

/**
 * The parameters with `Signature` added, ready for {@link encode}.
 *
 * @since 0.1.0
 * @category signing
 */
export const signParams = (input: SignInput): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const name of Object.keys(input.params)) params[name] = String(input.params[name])
  params["Signature"] = sign(input).signature
  return params
}

/**
 * URL-encodes parameters for a GET query or a form-encoded POST body (UTF-8, `+` for space).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (params: Readonly<Record<string, string | number>>): string =>
  new URLSearchParams(Object.entries(params).map(([name, value]): [string, string] => [name, String(value)])).toString()

/**
 * Decodes a raw query string or form-encoded body into parameters; a repeated name keeps its
 * last value.
 *
 * @since 0.1.0
 * @category encoding
 */
export const decode = (raw: string): Record<string, string> => {
  const params: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(raw)) params[name] = value
  return params
}

/**
 * What a successful v1 verification establishes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verified {
  readonly secretId: string
  readonly timestamp: number
}

const fail = (reason: VerificationError["reason"], detail: string) =>
  Either.left(new VerificationError({ reason, detail }))

/**
 * Verifies a received v1 request from its decoded parameters (query or form body), which carry
 * `SecretId`, `Signature`, `Timestamp`, `Nonce` and optionally `SignatureMethod`. The host is
 * tried as sent, then without its port. Comparison is constant-time.
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  method: string,
  host: string,
  params: Readonly<Record<string, string>>,
  lookup: (secretId: string) => Option.Option<Redacted.Redacted<string>>,
  nowSeconds: number,
  options?: { readonly maxSkewSeconds?: number | undefined; readonly path?: string | undefined }
): Either.Either<Verified, VerificationError> => {
  const secretId = params["SecretId"]
  const received = params["Signature"]
  if (secretId === undefined || secretId.length === 0) return fail("InvalidAuthorization", "the SecretId parameter is missing")
  if (received === undefined || received.length === 0) return fail("InvalidAuthorization", "the Signature parameter is missing")
  const signatureMethod = params["SignatureMethod"] ?? "HmacSHA1"
  if (signatureMethod !== "HmacSHA1" && signatureMethod !== "HmacSHA256") {
    return fail("InvalidAuthorization", "SignatureMethod must be HmacSHA1 or HmacSHA256")
  }
  const rawTimestamp = params["Timestamp"] ?? ""
  if (!/^\d{1,12}$/.test(rawTimestamp)) return fail("InvalidAuthorization", "the Timestamp parameter must be Unix seconds")
  if (!/^\d{1,20}$/.test(params["Nonce"] ?? "")) return fail("InvalidAuthorization", "the Nonce parameter must be a positive integer")
  const secretKey = lookup(secretId)
  if (Option.isNone(secretKey)) return fail("SecretIdNotFound", "the SecretId is not found")
  const timestamp = Number(rawTimestamp)
  if (Math.abs(nowSeconds - timestamp) > (options?.maxSkewSeconds ?? defaultMaxSkewSeconds)) {
    return fail("SignatureExpire", "the signature is expired: Timestamp is more than 5 minutes from server time")
  }
  const expected = Buffer.from(received, "base64")
  const hosts = host.includes(":") && !host.endsWith("]") ? [host, host.slice(0, host.lastIndexOf(":"))] : [host]
  for (const candidate of hosts) {
    const computed = Buffer.from(
      sign({ method, host: candidate, params, secretKey: secretKey.value, signatureMethod, path: options?.path }).signature,
      "base64"
    )
    // Re-encoding guards against lenient base64 decoding accepting a mangled signature.
    if (computed.length === expected.length && expected.toString("base64") === received && timingSafeEqual(computed, expected)) {
      return Either.right({ secretId, timestamp })
    }
  }
  return fail("SignatureFailure", "the signature does not match the request")
}
