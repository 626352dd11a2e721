/**
 * Typed errors of the TRTC client: one tagged class per API error-code family (decoded from the
 * HTTP-200 `Response.Error` envelope, the full code kept), the client-side failures (transport,
 * HTTP status, timeout, undecodable body, request validation), the retry classification, and
 * the one place where a response body becomes either a value or one of these errors.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as FastDecode from "./internal/fastDecode.js"

// ---------------------------------------------------------------------------
// API errors (the `Response.Error` envelope)
// ---------------------------------------------------------------------------

const apiErrorFields = {
  /** The full code, e.g. `InvalidParameter.StartTsOversize`. */
  code: Schema.String,
  /** `Response.Error.Message` as the server sent it. */
  apiMessage: Schema.String,
  /** `Response.RequestId`: quote it to Tencent support. */
  requestId: Schema.String,
  /** The API action that failed, e.g. `DescribeUserEvent`. */
  action: Schema.String
}

interface ApiErrorLike {
  readonly code: string
  readonly apiMessage: string
  readonly requestId: string
  readonly action: string
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim()

const apiErrorMessage = (e: ApiErrorLike): string => {
  const wire = oneLine(e.apiMessage)
  const requestId = e.requestId === "" ? "no RequestId" : `RequestId ${e.requestId}`
  return `${e.code}${wire === "" ? "" : `: ${wire}`} (${requestId}, action ${e.action})`
}

/**
 * `AuthFailure*`: the credentials or signature were refused (`SignatureExpire`,
 * `SignatureFailure`, `SecretIdNotFound`, `InvalidSecretId`, `TokenFailure`, `MFAFailure`,
 * `UnauthorizedOperation`, `InvalidAuthorization`).
 *
 * @since 0.1.0
 * @category api errors
 */
export class AuthFailure extends Schema.TaggedError<AuthFailure>()("AuthFailure", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `RequestLimitExceeded*`: over the frequency limit (20 requests per second per action).
 *
 * @since 0.1.0
 * @category api errors
 */
export class RequestLimitExceeded extends Schema.TaggedError<RequestLimitExceeded>()("RequestLimitExceeded", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `InvalidParameter*`: a parameter was refused (`StartTsOversize`, `QueryScaleOversize`,
 * `PageSizeOversize`, `UserIdsMorethanSix`, ...).
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidParameter extends Schema.TaggedError<InvalidParameter>()("InvalidParameter", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `InvalidParameterValue*`: a parameter's value was refused.
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidParameterValue extends Schema.TaggedError<InvalidParameterValue>()("InvalidParameterValue", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `MissingParameter*`: a required parameter was absent.
 *
 * @since 0.1.0
 * @category api errors
 */
export class MissingParameter extends Schema.TaggedError<MissingParameter>()("MissingParameter", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `InternalError*`: the server failed (`DBError`, `EsQueryError`, ...); reads may be retried.
 *
 * @since 0.1.0
 * @category api errors
 */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `ResourceNotFound*`.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ResourceNotFound extends Schema.TaggedError<ResourceNotFound>()("ResourceNotFound", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `ResourceUnavailable*`.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ResourceUnavailable extends Schema.TaggedError<ResourceUnavailable>()("ResourceUnavailable", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `ServiceUnavailable*`: the service is unavailable now; retried.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()("ServiceUnavailable", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `UnsupportedRegion*`: the action is not offered in the requested region.
 *
 * @since 0.1.0
 * @category api errors
 */
export class UnsupportedRegion extends Schema.TaggedError<UnsupportedRegion>()("UnsupportedRegion", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `UnauthorizedOperation*`: CAM refused the operation.
 *
 * @since 0.1.0
 * @category api errors
 */
export class UnauthorizedOperation extends Schema.TaggedError<UnauthorizedOperation>()("UnauthorizedOperation", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `ResponseSizeLimitExceeded*`: the answer would be too large; narrow the query.
 *
 * @since 0.1.0
 * @category api errors
 */
export class ResponseSizeLimitExceeded
  extends Schema.TaggedError<ResponseSizeLimitExceeded>()("ResponseSizeLimitExceeded", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `InvalidAction*`: the API does not exist.
 *
 * @since 0.1.0
 * @category api errors
 */
export class InvalidAction extends Schema.TaggedError<InvalidAction>()("InvalidAction", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `NoSuchVersion*`: the API version does not exist.
 *
 * @since 0.1.0
 * @category api errors
 */
export class NoSuchVersion extends Schema.TaggedError<NoSuchVersion>()("NoSuchVersion", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `FailedOperation*`.
 *
 * @since 0.1.0
 * @category api errors
 */
export class FailedOperation extends Schema.TaggedError<FailedOperation>()("FailedOperation", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * `LimitExceeded*`: a quota (not the rate limit) was exceeded.
 *
 * @since 0.1.0
 * @category api errors
 */
export class LimitExceeded extends Schema.TaggedError<LimitExceeded>()("LimitExceeded", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * Any other code (e.g. `ActionOffline`, `UnknownParameter`, `IpNotInWhitelist`): kept whole
 * rather than dropped, so a new code still reaches the user.
 *
 * @since 0.1.0
 * @category api errors
 */
export class UnknownApiError extends Schema.TaggedError<UnknownApiError>()("UnknownApiError", apiErrorFields) {
  override get message(): string {
    return apiErrorMessage(this)
  }
}

/**
 * Every error decoded from a `Response.Error` envelope.
 *
 * @since 0.1.0
 * @category api errors
 */
export type ApiError =
  | AuthFailure
  | RequestLimitExceeded
  | InvalidParameter
  | InvalidParameterValue
  | MissingParameter
  | InternalError
  | ResourceNotFound
  | ResourceUnavailable
  | ServiceUnavailable
  | UnsupportedRegion
  | UnauthorizedOperation
  | ResponseSizeLimitExceeded
  | InvalidAction
  | NoSuchVersion
  | FailedOperation
  | LimitExceeded
  | UnknownApiError

type ApiErrorClass = new (fields: ApiErrorLike) => ApiError

/**
 * The class of each code family: the part of the code before the first `.`.
 *
 * @since 0.1.0
 * @category api errors
 */
export const families: Readonly<Record<string, ApiErrorClass>> = {
  AuthFailure,
  RequestLimitExceeded,
  InvalidParameter,
  InvalidParameterValue,
  MissingParameter,
  InternalError,
  ResourceNotFound,
  ResourceUnavailable,
  ServiceUnavailable,
  UnsupportedRegion,
  UnauthorizedOperation,
  ResponseSizeLimitExceeded,
  InvalidAction,
  NoSuchVersion,
  FailedOperation,
  LimitExceeded
}

/**
 * The tags of {@link ApiError}.
 *
 * @since 0.1.0
 * @category api errors
 */
export const apiErrorTags: ReadonlyArray<ApiError["_tag"]> = [
  ...Object.keys(families) as Array<ApiError["_tag"]>,
  "UnknownApiError"
]

/**
 * The family (tag) a code belongs to: `InvalidParameter.StartTsOversize` → `InvalidParameter`,
 * an unknown family → `UnknownApiError`.
 *
 * @since 0.1.0
 * @category api errors
 */
export const familyOf = (code: string): ApiError["_tag"] => {
  const family = code.split(".")[0] ?? ""
  return Object.prototype.hasOwnProperty.call(families, family) ? family as ApiError["_tag"] : "UnknownApiError"
}

/**
 * Turns a `Response.Error` envelope into its tagged error. Never loses a code: an unknown
 * family becomes {@link UnknownApiError} with the code intact.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromEnvelope = (
  action: string,
  error: { readonly Code: string; readonly Message?: string | undefined },
  requestId: string
): ApiError => {
  const family = familyOf(error.Code)
  const Class: ApiErrorClass = family === "UnknownApiError" ? UnknownApiError : families[family]
  return new Class({ code: error.Code, apiMessage: error.Message ?? "", requestId, action })
}

/**
 * Whether an error is one of the {@link ApiError} classes.
 *
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (u: unknown): u is ApiError =>
  Predicate.isTagged(u, "UnknownApiError") || (Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" &&
    Object.prototype.hasOwnProperty.call(families, u._tag) && u instanceof families[u._tag])

// ---------------------------------------------------------------------------
// client-side errors
// ---------------------------------------------------------------------------

/**
 * The request never got an HTTP response (connection refused or reset, DNS, TLS, ...).
 *
 * @since 0.1.0
 * @category client errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  action: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.action}: request failed before a response: ${oneLine(this.reason)}`
  }
}

/**
 * The server answered with a status other than 200 (API errors come with 200).
 *
 * @since 0.1.0
 * @category client errors
 */
export class HttpStatusError extends Schema.TaggedError<HttpStatusError>()("HttpStatusError", {
  action: Schema.String,
  status: Schema.Number,
  requestId: Schema.optional(Schema.String),
  /**
   * The `Location` of a 3xx answer. The API never redirects, so a redirect is never followed:
   * following it would send the signed request (and `X-TC-Token`) to whatever host it names.
   */
  location: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const requestId = this.requestId === undefined ? "" : `, RequestId ${this.requestId}`
    const redirect = this.location === undefined ? "" : ` redirecting to ${this.location} (not followed: the TRTC API never redirects)`
    return `${this.action}: HTTP ${this.status}${redirect}${requestId}`
  }
}

/**
 * The response body was larger than the client's cap (`maxResponseBytes`): the largest real
 * answer is a few MB, so a bigger one is a broken or hostile server, and reading it whole would
 * only exhaust memory. The body is not read past the cap (or at all, when `Content-Length`
 * already says so).
 *
 * @since 0.1.0
 * @category client errors
 */
export class ResponseTooLarge extends Schema.TaggedError<ResponseTooLarge>()("ResponseTooLarge", {
  action: Schema.String,
  /** The cap in bytes. */
  limitBytes: Schema.Number,
  /** The `Content-Length` the server announced, when it announced one over the cap. */
  declaredBytes: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    const declared = this.declaredBytes === undefined ? "" : ` (Content-Length ${this.declaredBytes})`
    return `${this.action}: response body larger than the ${this.limitBytes}-byte cap${declared}; ` +
      "no TRTC answer is that large: check the endpoint (or raise maxResponseBytes)"
  }
}

/**
 * An attempt took longer than the per-attempt timeout.
 *
 * @since 0.1.0
 * @category client errors
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>()("TimeoutError", {
  action: Schema.String,
  timeoutMillis: Schema.Number
}) {
  override get message(): string {
    return `${this.action}: no response within ${this.timeoutMillis} ms`
  }
}

/**
 * An HTTP-200 body that is neither a success of the expected shape nor an error envelope.
 * `kind` tells a body that is not even JSON (usually cut off in transit, worth retrying) from
 * valid JSON of an unexpected shape (retrying will not help).
 *
 * @since 0.1.0
 * @category client errors
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>()("ResponseDecodeError", {
  action: Schema.String,
  requestId: Schema.optional(Schema.String),
  detail: Schema.String,
  kind: Schema.optional(Schema.Literal("InvalidJson", "UnexpectedShape"))
}) {
  override get message(): string {
    const requestId = this.requestId === undefined ? "no RequestId" : `RequestId ${this.requestId}`
    return `${this.action}: undecodable response (${requestId}): ${oneLine(this.detail)}`
  }
}

/**
 * A request was refused before it was sent: `field` names the offending request field,
 * `problem` says what is wrong with it and `fix` what to do instead.
 *
 * @since 0.1.0
 * @category client errors
 */
export class RequestValidationError extends Schema.TaggedError<RequestValidationError>()("RequestValidationError", {
  action: Schema.String,
  field: Schema.String,
  problem: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return `${this.action}: ${this.field} ${this.problem} (${this.fix})`
  }
}

/**
 * Every failure that happens on this side of the wire.
 *
 * @since 0.1.0
 * @category client errors
 */
export type ClientError =
  | TransportError
  | HttpStatusError
  | ResponseTooLarge
  | TimeoutError
  | ResponseDecodeError
  | RequestValidationError

/**
 * Any error of a TRTC call.
 *
 * @since 0.1.0
 * @category models
 */
export type TrtcError = ApiError | ClientError

// ---------------------------------------------------------------------------
// retry classification
// ---------------------------------------------------------------------------

/**
 * Whether an attempt that failed with this error may be repeated as is: transport failures,
 * timeouts, HTTP 5xx and 429, bodies that are not JSON (cut off in transit), `InternalError*`,
 * `ServiceUnavailable*` and `RequestLimitExceeded*`. Never auth or parameter errors: repeating
 * them only burns the rate limit. (`AuthFailure.SignatureExpire` is fixed by a clock-skew
 * correction, see {@link isClockSkew}, not by a plain retry.)
 *
 * @since 0.1.0
 * @category retry
 */
export const isRetryable = (error: unknown): boolean => {
  if (!Predicate.hasProperty(error, "_tag")) return false
  switch (error._tag) {
    case "TransportError":
    case "TimeoutError":
    case "InternalError":
    case "ServiceUnavailable":
    case "RequestLimitExceeded":
      return true
    case "HttpStatusError":
      return error instanceof HttpStatusError && (error.status >= 500 || error.status === 429)
    case "ResponseDecodeError":
      return error instanceof ResponseDecodeError && error.kind === "InvalidJson"
    default:
      return false
  }
}

/**
 * Whether the server refused the request's timestamp (`AuthFailure.SignatureExpire`: more than
 * 5 minutes off its clock), which a clock-skew correction fixes.
 *
 * @since 0.1.0
 * @category retry
 */
export const isClockSkew = (error: unknown): boolean =>
  // By tag and code, not `instanceof`: the retry policy may be handed an error of a replaced
  // client (another copy of this module).
  Predicate.hasProperty(error, "_tag") && error._tag === "AuthFailure" &&
  Predicate.hasProperty(error, "code") && error.code === "AuthFailure.SignatureExpire"

/**
 * Whether the server refused the request's start as older than the data it keeps
 * (`InvalidParameter.StartTsOversize`, or `StartTimeOversize` for the plan's window;
 * `DescribeUnusualEvent` says `StartTimeExpire`).
 *
 * @since 0.1.0
 * @category retry
 */
export const isRetentionRefusal = (error: unknown): boolean =>
  error instanceof InvalidParameter &&
  (error.code === "InvalidParameter.StartTsOversize" || error.code === "InvalidParameter.StartTimeOversize" ||
    error.code === "InvalidParameter.StartTimeExpire")

// ---------------------------------------------------------------------------
// decoding a response body
// ---------------------------------------------------------------------------

const requestIdPattern = /"RequestId"\s*:\s*"([^"\\]{1,128})"/

/**
 * Finds a `"RequestId":"..."` in a body that could not be decoded (e.g. truncated JSON).
 *
 * @since 0.1.0
 * @category decoding
 */
export const scanRequestId = (bodyText: string): string | undefined => requestIdPattern.exec(bodyText)?.[1]

const maxDetail = 500

const clip = (text: string): string => text.length > maxDetail ? `${text.slice(0, maxDetail)}…` : text

// The wire path of the first problem and what is wrong with it ("RoomList.0.CreateTime: Expected
// a non-negative number, actual -5"): the tree form names the classes first and is clipped
// before it reaches the field.
const issueDetail = (issue: ParseResult.ParseError): string => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(issue)[0]
  return first === undefined ? ParseResult.TreeFormatter.formatErrorSync(issue) : `${first.path.map(String).join(".")}: ${first.message}`
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Decodes a response body: the success object inside `{"Response": ...}` through `schema`, an
 * error envelope to its {@link ApiError}, anything else to a {@link ResponseDecodeError} (with
 * the RequestId when one can be found). Total: no input makes it throw.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeResponseEither = <A, I>(action: string, schema: Schema.Schema<A, I, never>) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "first", onExcessProperty: "ignore" })
  // The models' response classes have a hand-written fast path; the Schema still decides
  // anything it is unsure of.
  const fast = FastDecode.lookup(schema) as FastDecode.Decoder<A> | undefined
  return (bodyText: string): Either.Either<A, ApiError | ResponseDecodeError> => {
    const decodeError = (detail: string, kind: "InvalidJson" | "UnexpectedShape", requestId?: string) =>
      Either.left(new ResponseDecodeError({ action, requestId: requestId ?? scanRequestId(bodyText), detail: clip(detail), kind }))
    let json: unknown
    try {
      json = JSON.parse(bodyText)
    } catch (e) {
      return decodeError(`not JSON: ${e instanceof Error ? e.message : String(e)}`, "InvalidJson")
    }
    if (!isRecord(json)) return decodeError("expected an object with a Response key", "UnexpectedShape")
    const response = json["Response"]
    if (!isRecord(response)) {
      // The deprecated v2 error shape some gateways still send: {"code": 4100, "message", "codeDesc"}.
      if (typeof json["code"] === "number" && json["code"] !== 0) {
        const code = typeof json["codeDesc"] === "string" && json["codeDesc"] !== "" ? json["codeDesc"] : String(json["code"])
        const message = typeof json["message"] === "string" ? json["message"] : ""
        return Either.left(fromEnvelope(action, { Code: code, Message: message }, scanRequestId(bodyText) ?? ""))
      }
      return decodeError("expected an object with a Response key", "UnexpectedShape")
    }
    const requestId = typeof response["RequestId"] === "string" ? response["RequestId"] : undefined
    const error = response["Error"]
    if (error !== undefined && error !== null) {
      if (!isRecord(error) || typeof error["Code"] !== "string" || error["Code"] === "") {
        return decodeError("Response.Error has no Code", "UnexpectedShape", requestId)
      }
      const message = typeof error["Message"] === "string" ? error["Message"] : ""
      return Either.left(fromEnvelope(action, { Code: error["Code"], Message: message }, requestId ?? ""))
    }
    if (fast !== undefined) {
      const value = fast(response)
      if (value !== FastDecode.miss) return Either.right(value)
    }
    return Either.mapLeft(decode(response), (issue) =>
      new ResponseDecodeError({
        action,
        requestId,
        detail: clip(issueDetail(issue)),
        kind: "UnexpectedShape"
      }))
  }
}

/**
 * {@link decodeResponseEither} as an `Effect`, for use inside the client's pipeline.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeResponse = <A, I>(action: string, schema: Schema.Schema<A, I, never>) => {
  const decode = decodeResponseEither(action, schema)
  return (bodyText: string): Effect.Effect<A, ApiError | ResponseDecodeError> => decode(bodyText)
}
