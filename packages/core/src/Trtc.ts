/**
 * The TRTC Call Quality Monitoring service: one typed method per action, each request checked
 * before it is sent, each attempt rate limited per action, retried by the retry policy and
 * bounded by the per-attempt timeout.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as Models from "./Models.js"
import * as RateLimiter from "./RateLimiter.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as CallSpan from "./internal/callSpan.js"
import * as TencentCloudClient from "./TencentCloudClient.js"
import type * as TrtcError from "./TrtcError.js"

/**
 * The failures every method shares: the API's error families (an unknown code lands in
 * `UnknownApiError`), the client-side failures and a credential that cannot be loaded.
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonError =
  | TrtcError.AuthFailure
  | TrtcError.RequestLimitExceeded
  | TrtcError.InvalidParameter
  | TrtcError.InvalidParameterValue
  | TrtcError.MissingParameter
  | TrtcError.InternalError
  | TrtcError.ResourceNotFound
  | TrtcError.ResourceUnavailable
  | TrtcError.ServiceUnavailable
  | TrtcError.UnsupportedRegion
  | TrtcError.UnauthorizedOperation
  | TrtcError.ResponseSizeLimitExceeded
  | TrtcError.InvalidAction
  | TrtcError.NoSuchVersion
  | TrtcError.FailedOperation
  | TrtcError.LimitExceeded
  | TrtcError.UnknownApiError
  | TrtcError.TransportError
  | TrtcError.HttpStatusError
  | TrtcError.ResponseTooLarge
  | TrtcError.TimeoutError
  | TrtcError.ResponseDecodeError
  | TrtcError.RequestValidationError
  | Credentials.CredentialsError

/**
 * How `describeRoomInfo` fails. `InvalidParameter` covers `QueryScaleOversize` (span over
 * 24 h), `StartTsOversize` / `StartTimeOversize` (retention), `PageSizeOversize`;
 * `MissingParameter` covers `SdkAppId`, `StartTs`, `EndTs`.
 *
 * @since 0.1.0
 * @category errors
 */
export type DescribeRoomInfoError = CommonError

/**
 * How `describeUserInfo` fails. `InvalidParameter` covers `QueryScaleOversize` (span over
 * 4 h), `UserIdsMorethanSix`, `PageSizeOversize`, retention; `MissingParameter` covers
 * `CommId`, `SdkAppId`, `StartTs`, `EndTs`.
 *
 * @since 0.1.0
 * @category errors
 */
export type DescribeUserInfoError = CommonError

/**
 * How `describeCallDetailInfo` fails. `InvalidParameter` covers `QueryScaleOversize` (over
 * 1 h with `DataType`, 4 h without), `UserIdsMorethanSix`, `PageSizeOversize`, retention.
 *
 * @since 0.1.0
 * @category errors
 */
export type DescribeCallDetailInfoError = CommonError

/**
 * How `describeUserEvent` fails. `ResponseSizeLimitExceeded` means too many events for one
 * answer (narrow the period); `MissingParameter` covers `CommId`, `UserId`, `RoomId`.
 *
 * @since 0.1.0
 * @category errors
 */
export type DescribeUserEventError = CommonError

/**
 * The four methods.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The rooms of an app in a period of at most 24 h (`CommId` of each call). */
  readonly describeRoomInfo: (
    request: Models.DescribeRoomInfoRequest
  ) => Effect.Effect<Models.DescribeRoomInfoResponse, DescribeRoomInfoError>
  /** The users of a call in a period of at most 4 h. */
  readonly describeUserInfo: (
    request: Models.DescribeUserInfoRequest
  ) => Effect.Effect<Models.DescribeUserInfoResponse, DescribeUserInfoError>
  /** The users and quality metrics of a call. */
  readonly describeCallDetailInfo: (
    request: Models.DescribeCallDetailInfoRequest
  ) => Effect.Effect<Models.DescribeCallDetailInfoResponse, DescribeCallDetailInfoError>
  /** The events one user saw in one call. */
  readonly describeUserEvent: (
    request: Models.DescribeUserEventRequest
  ) => Effect.Effect<Models.DescribeUserEventResponse, DescribeUserEventError>
  /**
   * "Now" on the server's clock, Unix seconds: the Clock corrected by the skew the client
   * learned from the server's `Date`. Retention is the server's, so clamp to it with this.
   */
  readonly nowSeconds: Effect.Effect<number>
}

/**
 * The TRTC service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Trtc extends Context.Tag("@effect-trtc/core/Trtc")<Trtc, Service>() {}

/**
 * Settings of {@link layer}: the client's (endpoint, region, language, per-attempt timeout)
 * and the policies'.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends TencentCloudClient.Options {
  /** Requests per second per action (default 20); `0` turns the limiter off. */
  readonly rps?: number | undefined
  /**
   * Spacing added to the limiter's one-second window (default none). The limiter already
   * counts each request until its response, which covers network delay; a margin covers a
   * server whose clock runs unevenly.
   */
  readonly rateLimitMargin?: Duration.DurationInput | undefined
  /** Retry settings, or `false` for no retries. */
  readonly retry?: RetryPolicy.Options | false | undefined
  /**
   * When set, requests whose start is older than this many days are refused before sending
   * (the API keeps 7 or 14 days, depending on the plan).
   */
  readonly retentionDays?: number | undefined
}

const noValidateOptions: Models.ValidateOptions = {}

// Effect's default tracer, which keeps spans in memory only.
const builtInTracer = Effect.runSync(Effect.tracer)

/**
 * Builds the service from the client and the two policies in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: { readonly retentionDays?: number | undefined } = {}
): Effect.Effect<Service, never, TencentCloudClient.TencentCloudClient | RateLimiter.RateLimiter | RetryPolicy.RetryPolicy> =>
  Effect.gen(function*() {
    const client = yield* TencentCloudClient.TencentCloudClient
    const limiter = yield* RateLimiter.RateLimiter
    const retry = yield* RetryPolicy.RetryPolicy

    const validateOptions: Effect.Effect<Models.ValidateOptions> | undefined = options.retentionDays === undefined
      ? undefined
      : Effect.map(client.nowSeconds, (nowSeconds) => ({ nowSeconds, retentionDays: options.retentionDays }))

    const invoke = <Req, ReqI, Res, ResI>(
      action: Models.Action,
      requestSchema: Schema.Schema<Req, ReqI, never>,
      responseSchema: Schema.Schema<Res, ResI, never>,
      validate: (request: Req, options: Models.ValidateOptions) => Either.Either<Req, TrtcError.RequestValidationError>
    ) => {
      const attempt = (request: Req) => limiter.limit(action)(client.call({ action, request, requestSchema, responseSchema }))
      // A span per call named like the method (`Trtc.describeUserEvent`) when a tracer is
      // installed (OpenTelemetry and the like). Under Effect's built-in tracer a span goes
      // nowhere, yet making, entering and ending it costs 30–40 µs a call, a sixth of this
      // client's CPU per request (bench/results/client.md); not `Effect.fn` either: its
      // generator and call-site capture cost ~40 µs more.
      const spanName = `Trtc.describe${action.slice("Describe".length)}`
      const retryContext = { action, correctClock: client.correctClock }
      const checked = (
        request: Req,
        validateWith: Models.ValidateOptions,
        once: (request: Req) => Effect.Effect<Res, TencentCloudClient.CallError>
      ): Effect.Effect<Res, TencentCloudClient.CallError> => {
        const valid = validate(request, validateWith)
        return Either.isLeft(valid) ? Effect.fail(valid.left) : retry.retry(once(valid.right), retryContext)
      }
      // Without a retention window the checks need no clock: no step to read it.
      const run = (request: Req, once = attempt): Effect.Effect<Res, TencentCloudClient.CallError> =>
        validateOptions === undefined
          ? Effect.suspend(() => checked(request, noValidateOptions, once))
          : Effect.flatMap(validateOptions, (validateWith) => checked(request, validateWith, once))
      // Traced, each attempt reports to the span (internal/callSpan.ts): attempts, retries,
      // rate-limit wait, RequestId.
      const traced = (request: Req) =>
        CallSpan.withCallSpan(spanName, { action, region: client.region }, (stats) =>
          run(request, (valid) =>
            CallSpan.observedAttempt(stats, limiter.limit(action), client.call({ action, request: valid, requestSchema, responseSchema }))))
      return (request: Req): Effect.Effect<Res, TencentCloudClient.CallError> =>
        Effect.tracerWith((tracer) => tracer === builtInTracer ? run(request) : traced(request))
    }

    const roomInfo = invoke("DescribeRoomInfo", Models.DescribeRoomInfoRequest, Models.DescribeRoomInfoResponse, Models.validateDescribeRoomInfo)
    const userInfo = invoke("DescribeUserInfo", Models.DescribeUserInfoRequest, Models.DescribeUserInfoResponse, Models.validateDescribeUserInfo)
    const callDetailInfo = invoke(
      "DescribeCallDetailInfo",
      Models.DescribeCallDetailInfoRequest,
      Models.DescribeCallDetailInfoResponse,
      Models.validateDescribeCallDetailInfo
    )
    const userEvent = invoke("DescribeUserEvent", Models.DescribeUserEventRequest, Models.DescribeUserEventResponse, Models.validateDescribeUserEvent)

    return Trtc.of({
      describeRoomInfo: roomInfo,
      describeUserInfo: userInfo,
      describeCallDetailInfo: callDetailInfo,
      describeUserEvent: userEvent,
      nowSeconds: client.nowSeconds
    })
  })

/**
 * The service from a client, a limiter and a retry policy provided separately: the way to
 * replace one policy (e.g. `RateLimiter.layerNone`) and keep the rest.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromContext: Layer.Layer<
  Trtc,
  never,
  TencentCloudClient.TencentCloudClient | RateLimiter.RateLimiter | RetryPolicy.RetryPolicy
> = Layer.effect(Trtc, make())

/**
 * The service with its client and policies built from one set of options; needs an
 * `HttpClient` (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`) and `Credentials`.
 * Fails before any request when the endpoint is refused.
 *
 * @example
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Models from "@effect-trtc/core/Models"
 * import * as Trtc from "@effect-trtc/core/Trtc"
 * import * as Credentials from "@effect-trtc/signer/Credentials"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 *
 * // 20 requests per second per action, retries that re-sign every attempt, 30 s per attempt.
 * const TrtcLive = Trtc.layer({ region: "ap-guangzhou", rps: 20 }).pipe(
 *   Layer.provide(Layer.merge(Credentials.layerDefault, NodeHttpClient.layerUndici))
 * )
 *
 * // The call ids of an app in one hour; each failure is a tagged error, caught by name.
 * const commIds = Effect.gen(function*() {
 *   const trtc = yield* Trtc.Trtc
 *   const response = yield* trtc.describeRoomInfo(
 *     new Models.DescribeRoomInfoRequest({ sdkAppId: 1400000001, startTime: 1767225600, endTime: 1767229200 })
 *   )
 *   return response.roomList.map((room) => room.commId)
 * }).pipe(
 *   Effect.catchTag("AuthFailure", (error) => Effect.die(`check the credential: ${error.message}`)),
 *   Effect.provide(TrtcLive)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Trtc, TencentCloudClient.EndpointError, HttpClient.HttpClient | Credentials.Credentials> =>
  Layer.effect(Trtc, make({ retentionDays: options.retentionDays })).pipe(
    Layer.provide(Layer.mergeAll(
      TencentCloudClient.layer(options),
      RateLimiter.layer({ rps: options.rps ?? RateLimiter.defaultRps, margin: options.rateLimitMargin }),
      options.retry === false ? RetryPolicy.layerNone : RetryPolicy.layer(options.retry ?? {})
    ))
  )

/**
 * The settings read by {@link layerConfig}: `TENCENTCLOUD_REGION`, `TRTC_ENDPOINT`,
 * `TRTC_LANGUAGE`, `TRTC_TIMEOUT` (a duration such as `10 seconds`) and `TRTC_RPS`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  region: Config.option(Config.string("TENCENTCLOUD_REGION")),
  endpoint: Config.option(Config.string("TRTC_ENDPOINT")),
  language: Config.option(Config.literal("zh-CN", "en-US")("TRTC_LANGUAGE")),
  timeout: Config.option(Config.duration("TRTC_TIMEOUT")),
  rps: Config.option(Config.number("TRTC_RPS"))
}).pipe(Config.map((c) => ({
  region: Option.getOrUndefined(c.region),
  endpoint: Option.getOrUndefined(c.endpoint),
  language: Option.getOrUndefined(c.language),
  timeout: Option.getOrUndefined(Option.map(c.timeout, Duration.toMillis)),
  rps: Option.getOrUndefined(c.rps)
})))

/**
 * The service configured from the environment (see {@link config}) with credentials from the
 * signer's default chain (environment, `~/.tencentcloud/credentials`, tccli); needs only an
 * `HttpClient`. Explicit `overrides` win over the environment.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Options = {},
  settings: Config.Config<Options> = config
): Layer.Layer<Trtc, TencentCloudClient.EndpointError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(settings, (fromEnv) => layer(merge(fromEnv, overrides)))).pipe(
    Layer.provide(Credentials.layerDefault)
  )

const merge = (base: Options, overrides: Options): Options => {
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) result[key] = value
  }
  return result as Options
}
