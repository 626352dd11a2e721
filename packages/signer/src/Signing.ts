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
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
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
const bodyBytes = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<string | Uint8Array, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(body.body)
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array
        ? Effect.succeed(body.body)
        : Effect.fail(encodeError(request, "a Raw body must be a string or bytes to be signed"))
    default:
      return Effect.fail(encodeError(request, `a ${body._tag} body cannot be signed; use HttpClientRequest.bodyText`))
  }
}

/**
 * Signs one request: sets `X-TC-Timestamp` (Clock seconds plus the offset), `Authorization`
 * and, for temporary credentials, `X-TC-Token`. The host signed is the URL's host as sent
 * (with its port when there is one).
 *
 * @since 0.1.0
 * @category signing
 */
export const signRequest = Effect.fn("Signing.signRequest")(function*(
  request: HttpClientRequest.HttpClientRequest,
  options: Options
) {
  const credential = yield* options.credential
  const offset = options.clockOffsetSeconds === undefined ? 0 : yield* options.clockOffsetSeconds
  const timestamp = Math.floor((yield* Clock.currentTimeMillis) / 1000) + Math.round(offset)
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") {
    return yield* new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left })
  }
  const body = yield* bodyBytes(request)
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
    if (value === undefined) return yield* encodeError(request, `header ${lower} is to be signed but is not set`)
    extra[lower] = value
  }
  const signed = Tc3.sign({
    method: request.method,
    host: url.right.host,
    query: url.right.search.slice(1),
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
  return HttpClientRequest.setHeaders(request, headers)
})

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
      request.pipe(
        Effect.flatMap((request) => signRequest(request, options)),
        Effect.flatMap(client.execute),
        Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, ...redactedHeaderNames])
      ),
    Effect.succeed
  )
