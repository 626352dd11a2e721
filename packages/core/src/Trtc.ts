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
import * as Action from "./Action.js"
import * as Models from "./Models.js"
import * as RateLimiter from "./RateLimiter.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as CallSpan from "./internal/callSpan.js"
import * as TencentCloudClient from "./TencentCloudClient.js"

/**
 * How every method fails: the API's error families (an unknown code lands in
 * `UnknownApiError`; each action's documented codes are in its declaration,
 * `Models.declarations.<Action>.errorCodes`), the client-side failures and a credential that
 * cannot be loaded. One union for every method: the API does not promise which families an
 * action returns (a gateway can answer any of them), so a narrower one would be a guess.
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = TencentCloudClient.CallError

/**
 * One method per action (the summaries are the declarations'), and "now" on the server's clock.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The rooms of an app in a period of at most 24 h (`CommId` of each call). */
  readonly describeRoomInfo: (
    request: Models.DescribeRoomInfoRequest
  ) => Effect.Effect<Models.DescribeRoomInfoResponse, Error>
  /** The users of a call in a period of at most 4 h. */
  readonly describeUserInfo: (
    request: Models.DescribeUserInfoRequest
  ) => Effect.Effect<Models.DescribeUserInfoResponse, Error>
  /** The users and quality metrics of a call. */
  readonly describeCallDetailInfo: (
    request: Models.DescribeCallDetailInfoRequest
  ) => Effect.Effect<Models.DescribeCallDetailInfoResponse, Error>
  /** The events one user saw in one call. */
  readonly describeUserEvent: (
    request: Models.DescribeUserEventRequest
  ) => Effect.Effect<Models.DescribeUserEventResponse, Error>
  /**
   * The abnormal experiences of an app's users (or one room's) in a window of at most 1 h, at
   * most 20 an answer (`TrtcStream.unusualEvents` walks a longer period).
   */
  readonly describeUnusualEvent: (
    request: Models.DescribeUnusualEventRequest
  ) => Effect.Effect<Models.DescribeUnusualEventResponse, Error>
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

/**
 * The methods the declarations make, as `Service` must spell them.
 */
type Methods = {
  readonly [A in Models.Action as Uncapitalize<A>]: (
    request: Action.Request<Models.Declarations[A]>
  ) => Effect.Effect<Action.Response<Models.Declarations[A]>, Error>
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

    const invoke = <Req, Res>(declaration: Action.Action<Models.Action, Req, Res>) => {
      const action = declaration.name
      const requestSchema = declaration.request
      const responseSchema = declaration.response
      const validate = declaration.validate
      const attempt = (request: Req) => limiter.limit(action)(client.call({ action, request, requestSchema, responseSchema }))
      // A span per call named like the method (`Trtc.describeUserEvent`) when a tracer is
      // installed (OpenTelemetry and the like). Under Effect's built-in tracer a span goes
      // nowhere, yet making, entering and ending it costs 30–40 µs a call, a sixth of this
      // client's CPU per request (bench/results/client.md); not `Effect.fn` either: its
      // generator and call-site capture cost ~40 µs more.
      const spanName = `Trtc.${Action.methodName(action)}`
      const retryContext = { action, correctClock: client.correctClock }
      const checked = (
        request: Req,
        validateWith: Models.ValidateOptions,
        once: (request: Req) => Effect.Effect<Res, Error>
      ): Effect.Effect<Res, Error> => {
        const valid = validate(request, validateWith)
        return Either.isLeft(valid) ? Effect.fail(valid.left) : retry.retry(once(valid.right), retryContext)
      }
      // Without a retention window the checks need no clock: no step to read it.
      const run = (request: Req, once = attempt): Effect.Effect<Res, Error> =>
        validateOptions === undefined
          ? Effect.suspend(() => checked(request, noValidateOptions, once))
          : Effect.flatMap(validateOptions, (validateWith) => checked(request, validateWith, once))
      // Traced, each attempt reports to the span (internal/callSpan.ts): attempts, retries,
      // rate-limit wait, RequestId.
      const traced = (request: Req) =>
        CallSpan.withCallSpan(spanName, { action, region: client.region }, (stats) =>
          run(request, (valid) =>
            CallSpan.observedAttempt(stats, limiter.limit(action), client.call({ action, request: valid, requestSchema, responseSchema }))))
      return (request: Req): Effect.Effect<Res, Error> =>
        Effect.tracerWith((tracer) => tracer === builtInTracer ? run(request) : traced(request))
    }

    // One method per declaration, named after it.
    const methods: Record<string, unknown> = {}
    for (const name of Models.actions) {
      methods[Action.methodName(name)] = invoke(Models.declarations[name] as Action.Action<Models.Action, unknown, unknown>)
    }
    const service: Service = { ...(methods as unknown as Methods), nowSeconds: client.nowSeconds }
    // `Service` is written out for its docs; this fails to compile when it misses a declared action.
    return Trtc.of(service satisfies Methods)
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
 * The settings read by {@link layerFromEnvironment}: `TENCENTCLOUD_REGION`, `TRTC_ENDPOINT`,
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
export const layerFromEnvironment = (
  overrides: Options = {}
): Layer.Layer<Trtc, TencentCloudClient.EndpointError | ConfigError.ConfigError, HttpClient.HttpClient> =>
  fromConfig(Config.map(config, (fromEnv) => merge(fromEnv, overrides))).pipe(Layer.provide(Credentials.layerDefault))

/**
 * The service with its options read from `Config` (each option a `Config`, or one `Config` of
 * the whole record), built by {@link layer} from {@link make} as `PgClient.layerConfig` is;
 * needs an `HttpClient` and `Credentials` like {@link layer}. Without options it is
 * {@link layerFromEnvironment}: the environment's settings and the default credential chain.
 *
 * @example
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Trtc from "@effect-trtc/core/Trtc"
 * import * as Credentials from "@effect-trtc/signer/Credentials"
 * import * as Config from "effect/Config"
 * import * as Layer from "effect/Layer"
 *
 * const TrtcLive = Trtc.layerConfig({
 *   region: Config.withDefault(Config.string("TENCENTCLOUD_REGION"), "ap-guangzhou"),
 *   timeout: Config.withDefault(Config.duration("TRTC_TIMEOUT"), "30 seconds"),
 *   rps: Config.withDefault(Config.number("TRTC_RPS"), 20)
 * }).pipe(Layer.provide(Layer.merge(Credentials.layerDefault, NodeHttpClient.layerUndici)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: {
  (): Layer.Layer<Trtc, TencentCloudClient.EndpointError | ConfigError.ConfigError, HttpClient.HttpClient>
  (
    options: Config.Config.Wrap<Options>
  ): Layer.Layer<Trtc, TencentCloudClient.EndpointError | ConfigError.ConfigError, HttpClient.HttpClient | Credentials.Credentials>
  // One body for both overloads (the first needs no `Credentials`: it provides the default chain).
} = ((options?: Config.Config.Wrap<Options>) => options === undefined ? layerFromEnvironment() : fromConfig(options)) as never

const fromConfig = (options: Config.Config.Wrap<Options>) =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(options), (resolved) => layer(resolved)))

const merge = (base: Options, overrides: Options): Options => {
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) result[key] = value
  }
  return result as Options
}
