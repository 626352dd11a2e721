/**
 * An HttpClient middleware that signs each request with TC3-HMAC-SHA256 as it is executed, so
 * every attempt of a retried request carries a fresh `X-TC-Timestamp` from Effect's `Clock`.
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { Credential, CredentialsError } from "./Credentials.js"
import * as Tc3 from "./Tc3.js"

/**
 * How to sign.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The product in the credential scope, e.g. `trtc`. */
  readonly service: string
  /** Read for every attempt; a memoized provider (see `Credentials`) makes this cheap. */
  readonly credential: Effect.Effect<Credential, CredentialsError>
  /** Added to the Clock's seconds, e.g. after the server reported clock skew. */
  readonly clockOffsetSeconds?: Effect.Effect<number> | undefined
  /** Request headers to sign besides `content-type` and `host` (e.g. `x-tc-action`). */
  readonly signedHeaders?: ReadonlyArray<string> | undefined
}

/**
 * The content type the SDKs send (and sign) for a request without a body.
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyBodyContentType = "application/x-www-form-urlencoded"

const encodeError = (request: HttpClientRequest.HttpClientRequest, description: string) =>
  new HttpClientError.RequestError({ request, reason: "Encode", description })

// The signature covers the exact bytes on the wire, so only bodies whose bytes are known up
// front can be signed; a stream or multipart body would be hashed differently from what is sent.
const bodyBytes = (request: HttpClientRequest.HttpClientRequest): string | Uint8Array | HttpClientError.RequestError => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return ""
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array
        ? body.body
        : encodeError(request, "a Raw body must be a string or bytes to be signed")
    default:
      return encodeError(request, `a ${body._tag} body cannot be signed; use HttpClientRequest.bodyText`)
  }
}

// The host signed for a URL without query or fragment: requests of one client all go to the
// same URL, and parsing it is the costliest part of signing after the hashes.
let lastUrl = ""
let lastHost = ""

const signAt = (
  request: HttpClientRequest.HttpClientRequest,
  options: Options,
  credential: Credential,
  nowMillis: number,
  offset: number
): Either.Either<HttpClientRequest.HttpClientRequest, HttpClientError.RequestError> => {
  const timestamp = Math.floor(nowMillis / 1000) + Math.round(offset)
  let host: string
  let query = ""
  if (request.url === lastUrl && request.urlParams.length === 0 && Option.isNone(request.hash)) {
    host = lastHost
  } else {
    const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
    if (url._tag === "Left") return Either.left(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
    host = url.right.host
    query = url.right.search.slice(1)
    if (request.urlParams.length === 0 && Option.isNone(request.hash) && query === "" && url.right.hash === "") {
      lastUrl = request.url
      lastHost = host
    }
  }
  const body = bodyBytes(request)
  if (typeof body === "object" && !(body instanceof Uint8Array)) return Either.left(body)
  let contentType = request.headers["content-type"]
  if (contentType === undefined) {
    contentType = emptyBodyContentType
    request = HttpClientRequest.setHeader(request, "content-type", contentType)
  }
  const extra: Record<string, string> = {}
  for (const name of options.signedHeaders ?? []) {
    const lower = name.toLowerCase()
    if (lower === "content-type" || lower === "host") continue
    const value = request.headers[lower]
    if (value === undefined) return Either.left(encodeError(request, `header ${lower} is to be signed but is not set`))
    extra[lower] = value
  }
  const signed = Tc3.sign({
    method: request.method,
    host,
    query,
    contentType,
    extraSignedHeaders: extra,
    body,
    service: options.service,
    timestamp,
    secretId: credential.secretId,
    secretKey: credential.secretKey
  })
  const headers: Record<string, string> = {
    "x-tc-timestamp": String(timestamp),
    authorization: signed.authorization
  }
  if (Option.isSome(credential.token)) headers["x-tc-token"] = Redacted.value(credential.token.value)
  return Either.right(HttpClientRequest.setHeaders(request, headers))
}

// Signing with a credential already read: the Clock and the offset, then pure work. An
// `Either` is an `Effect`, so the result needs no further wrapping.
const signWith = (
  request: HttpClientRequest.HttpClientRequest,
  options: Options,
  credential: Credential
): Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.RequestError> => {
  const offset = options.clockOffsetSeconds
  return offset === undefined
    ? Effect.clockWith((clock) => signAt(request, options, credential, clock.unsafeCurrentTimeMillis(), 0))
    : Effect.flatMap(offset, (seconds) => Effect.clockWith((clock) => signAt(request, options, credential, clock.unsafeCurrentTimeMillis(), seconds)))
}

/**
 * Signs one request: sets `X-TC-Timestamp` (Clock seconds plus the offset), `Authorization`
 * and, for temporary credentials, `X-TC-Token`. The host signed is the URL's host as sent
 * (with its port when there is one).
 *
 * Runs once per attempt, so it is plain `Effect` composition rather than `Effect.fn`: the span
 * and call-site capture of `Effect.fn` cost ~40 µs, as much as the TC3 hashing itself
 * (bench/results/client.md); the caller's span (`Trtc.describe*`) covers it.
 *
 * @since 0.1.0
 * @category signing
 */
export const signRequest = (
  request: HttpClientRequest.HttpClientRequest,
  options: Options
): Effect.Effect<HttpClientRequest.HttpClientRequest, HttpClientError.RequestError | CredentialsError> =>
  Effect.flatMap(options.credential, (credential) => signWith(request, options, credential))

/**
 * Header names that must not appear in traces or logs of a signed client (the platform already
 * redacts `authorization`).
 *
 * @since 0.1.0
 * @category constants
 */
export const redactedHeaderNames: ReadonlyArray<string> = ["x-tc-token"]

/**
 * Wraps a client so that every request it executes is signed afresh, including each retry of
 * a client built on top of it (`HttpClient.retry`).
 *
 * Signing happens in the execution step, not as a request mapping: `HttpClient.retry` (and
 * every `transform`) re-runs only the execution step, so a mapping would hand each retry the
 * first attempt's timestamp. Request mappings applied on top of the signed client run before
 * signing, so what they add is covered by the signature.
 *
 * @since 0.1.0
 * @category middleware
 */
export const signRequests = <E, R>(
  client: HttpClient.HttpClient.With<E, R>,
  options: Options
): HttpClient.HttpClient.With<E | HttpClientError.HttpClientError | CredentialsError, R> =>
  HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest, E | HttpClientError.HttpClientError | CredentialsError, R>) =>
      Effect.flatMap(request, (request) =>
        Effect.flatMap(options.credential, (credential) => {
          const executed = Effect.flatMap(signWith(request, options, credential), client.execute)
          // Only a temporary credential adds a header to hide (`X-TC-Token`); setting the
          // fiber-local list for every request would cost a FiberRef update each time.
          return Option.isSome(credential.token)
            ? Effect.locallyWith(executed, Headers.currentRedactedNames, (names) => [...names, ...redactedHeaderNames])
            : executed
        })),
    Effect.succeed
  )
