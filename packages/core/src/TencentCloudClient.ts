/**
 * One generic, signed Tencent Cloud API 3.0 call: builds the request (exact JSON bytes, the
 * `X-TC-*` headers), signs it afresh through the signer middleware, bounds it by a per-attempt
 * timeout, and turns whatever comes back into a value or a tagged error.
 *
 * Policies (rate limit, retry) live in `Trtc`; this module is one attempt.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Signing from "@effect-trtc/signer/Signing"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as FastDecode from "./internal/fastDecode.js"
import * as NodeHttp from "./internal/nodeHttpClient.js"
import * as Timeout from "./internal/timeout.js"
import { libraryVersion } from "./internal/version.js"
import * as Models from "./Models.js"
import * as TrtcError from "./TrtcError.js"

/**
 * The endpoint is not one this client will talk to: not a URL or host, or plain `http://`
 * towards a host that is not loopback (credentials-signed traffic in clear text).
 *
 * @since 0.1.0
 * @category errors
 */
export class EndpointError extends Schema.TaggedError<EndpointError>()("EndpointError", {
  endpoint: Schema.String,
  problem: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return `endpoint: ${this.problem} (${this.fix})`
  }
}

/**
 * The languages the API answers error messages in.
 *
 * @since 0.1.0
 * @category models
 */
export type Language = "zh-CN" | "en-US"

/**
 * Client settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * A host (`trtc.intl.tencentcloudapi.com`, `trtc.ap-singapore.tencentcloudapi.com`) or a
   * URL (`http://127.0.0.1:PORT` for the emulator). Default `trtc.tencentcloudapi.com`.
   * `http://` is accepted only towards loopback.
   */
  readonly endpoint?: string | undefined
  /** `X-TC-Region`; default `ap-guangzhou`. */
  readonly region?: string | undefined
  /** `X-TC-Language`; not sent when omitted (the server then answers in Chinese). */
  readonly language?: Language | undefined
  /** The limit on one attempt, from sending to the decoded body; default 30 s (`Infinity`: none). */
  readonly timeout?: Duration.DurationInput | undefined
  /** `X-TC-Version`; default `2019-07-22`. */
  readonly version?: string | undefined
  /** The product in the credential scope; default `trtc`. */
  readonly service?: string | undefined
  /**
   * The largest response body read, in bytes (default {@link defaultMaxResponseBytes}); a larger
   * one fails with `ResponseTooLarge` without being read whole.
   */
  readonly maxResponseBytes?: number | undefined
}

/**
 * One call: the action, the request value with its schema (encoded to the wire's PascalCase
 * JSON), and the schema of the success body inside `{"Response": ...}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallInput<Req, ReqI, Res, ResI> {
  readonly action: string
  readonly request: Req
  readonly requestSchema: Schema.Schema<Req, ReqI, never>
  readonly responseSchema: Schema.Schema<Res, ResI, never>
  /** Overrides the client's `X-TC-Version` for this call. */
  readonly version?: string | undefined
}

/**
 * Everything one attempt can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type CallError = TrtcError.TrtcError | Credentials.CredentialsError

/**
 * The client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The URL every request is posted to. */
  readonly url: string
  readonly region: string
  /** The per-attempt timeout in milliseconds. */
  readonly timeoutMillis: number
  /** One signed attempt (no retry, no rate limit). */
  readonly call: <Req, ReqI, Res, ResI>(input: CallInput<Req, ReqI, Res, ResI>) => Effect.Effect<Res, CallError>
  /**
   * The seconds added to the Clock when signing and clamping to retention: 0 until learned from
   * the server's `Date` (a clock-skew correction, or an answer refusing a start as older than
   * retention).
   */
  readonly clockOffsetSeconds: Effect.Effect<number>
  /** The server's "now" in Unix seconds as far as this client knows: the Clock plus the offset. */
  readonly nowSeconds: Effect.Effect<number>
  /**
   * After `AuthFailure.SignatureExpire`: sets the clock offset from the server's `Date` of that
   * response and answers `true`, or `false` when the response had no usable `Date`.
   */
  readonly correctClock: (error: unknown) => Effect.Effect<boolean>
}

/**
 * The client service.
 *
 * @since 0.1.0
 * @category tags
 */
export class TencentCloudClient extends Context.Tag("@effect-trtc/core/TencentCloudClient")<TencentCloudClient, Service>() {}

/**
 * The endpoints of TRTC: the default (CN) one, the international one and the regional ones.
 *
 * @since 0.1.0
 * @category constants
 */
export const endpoints = {
  default: Models.defaultEndpoint,
  international: Models.internationalEndpoint,
  regional: Models.regionalEndpoint
} as const

/**
 * `X-TC-RequestClient`, naming this library and its version.
 *
 * @since 0.1.0
 * @category constants
 */
export const requestClient = `effect-trtc_${libraryVersion}`

/**
 * `User-Agent`.
 *
 * @since 0.1.0
 * @category constants
 */
export const userAgent = `effect-trtc/${libraryVersion}`

/**
 * The default region sent as `X-TC-Region` (documented for TRTC in both CN and intl docs).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRegion = "ap-guangzhou"

/**
 * The default per-attempt timeout: 30 s, for the library and the CLI alike. Not shorter: the
 * largest answers (a `DescribeUserEvent` of a long call, up to the 32 MiB body cap) take more
 * than 10 s over a slow or intercontinental link, and a timeout that cuts them off only retries
 * the same download, each attempt a rate-limit slot, without ever succeeding. Not longer than
 * half the official SDK's 60 s: a hung connection is retried within a minute.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/**
 * The default cap on a response body: 32 MiB. The largest legitimate answers (a
 * `DescribeUserEvent` of a long call, a `DescribeCallDetailInfo` page of six users' series) are a
 * few MB; the cap leaves room for them and stops a broken server long before memory runs out.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxResponseBytes = 32 * 1024 * 1024

const isLoopback = (hostname: string): boolean => {
  const host = hostname.toLowerCase()
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * Resolves an endpoint (host or URL) to the URL requests are posted to. Refuses `http://`
 * unless the host is loopback, and anything that is not http(s).
 *
 * @since 0.1.0
 * @category endpoints
 */
export const resolveEndpoint = (endpoint: string = Models.defaultEndpoint): Either.Either<URL, EndpointError> => {
  const trimmed = endpoint.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return Either.left(new EndpointError({ endpoint, problem: `${JSON.stringify(endpoint)} is not a host or URL`, fix: `use a host such as ${Models.defaultEndpoint} or a URL such as https://${Models.internationalEndpoint}` }))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(new EndpointError({ endpoint, problem: `${JSON.stringify(endpoint)} uses ${url.protocol} which is not HTTP`, fix: "use https:// (or http:// to a loopback emulator)" }))
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return Either.left(new EndpointError({ endpoint, problem: `plain http to ${url.hostname}, which is not loopback, would send signed requests in clear text`, fix: "use https://, or http:// only to 127.0.0.1, [::1] or localhost" }))
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    return Either.left(new EndpointError({ endpoint, problem: `${JSON.stringify(endpoint)} has a path, query or fragment; API 3.0 always posts to /`, fix: "give only the scheme, host and port" }))
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left(new EndpointError({ endpoint, problem: `${JSON.stringify(endpoint)} carries user info`, fix: "give only the scheme, host and port" }))
  }
  return Either.right(new URL(`${url.protocol}//${url.host}/`))
}

const parseDateSeconds = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined
  const millis = Date.parse(header)
  return Number.isFinite(millis) ? Math.floor(millis / 1000) : undefined
}

const utf8 = new TextDecoder()

const concat = (parts: ReadonlyArray<Uint8Array>, length: number): Uint8Array => {
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

// A `Location` is the server's text: kept short enough for one line.
const clipLocation = (location: string): string => location.length > 200 ? `${location.slice(0, 200)}…` : location

const transportReason = (error: HttpClientError.HttpClientError): string => {
  const cause = error.cause
  const causeText = cause instanceof Error
    ? [cause.message, cause.cause instanceof Error ? cause.cause.message : undefined].filter(Boolean).join(": ")
    : cause === undefined ? undefined : String(cause)
  return [error.reason, error.description, causeText].filter((part) => part !== undefined && part !== "").join(": ")
}

/**
 * Builds a client. Fails with {@link EndpointError} before any request when the endpoint is
 * refused.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fn("TencentCloudClient.make")(function*(options: Options = {}) {
  const url = yield* resolveEndpoint(options.endpoint)
  const credentials = yield* Credentials.Credentials
  const offset = yield* Ref.make(0)
  const region = options.region ?? defaultRegion
  const version = options.version ?? Models.version
  const service = options.service ?? Models.service
  const timeoutMillis = Duration.toMillis(Duration.decode(options.timeout ?? defaultTimeout))
  const maxResponseBytes = options.maxResponseBytes ?? defaultMaxResponseBytes
  const urlText = url.toString()
  // A fetch transport follows redirects unless told not to; `manual` hands the 3xx back as is.
  // Whatever RequestInit the caller gave (here or where the call runs) is kept.
  const givenRequestInit = Option.getOrUndefined(yield* Effect.serviceOption(FetchHttpClient.RequestInit))

  // The server `Date` (Unix seconds) of this client's recent responses that ended in
  // `AuthFailure.SignatureExpire`, by RequestId: the retry policy hands the error back for the
  // correction (not necessarily the same object), and the error classes stay plain data. Only a
  // few are kept: a correction follows its refusal at once.
  const serverDates = new Map<string, number>()
  const rememberServerDate = (requestId: string, serverDate: number) => {
    serverDates.set(requestId, serverDate)
    if (serverDates.size > 64) serverDates.delete(serverDates.keys().next().value!)
  }

  // Over the lean transport the per-attempt timeout is the transport's own timer: an
  // `Effect.timeoutFail` forks two fibers per attempt, which cost ~130 µs of CPU per request at
  // 16 in flight (a third of the client's CPU, bench/results/client.md). Over any other
  // `HttpClient` it is a one-fiber timeout (internal/timeout.ts).
  const transport = yield* HttpClient.HttpClient
  const leanTransport = NodeHttp.configure(transport, {
    timeoutMillis: Number.isFinite(timeoutMillis) ? timeoutMillis : undefined,
    maxBodyBytes: maxResponseBytes
  })
  const lean = leanTransport !== undefined
  const http = Signing.signRequests(
    // The lean transport makes no spans; the others' are turned off (the API call has its own).
    leanTransport ?? HttpClient.withTracerDisabledWhen(HttpClient.withTracerPropagation(transport, false), () => true),
    { service, credential: credentials.get, clockOffsetSeconds: Ref.get(offset) }
  )

  const baseHeaders: Record<string, string> = {
    "x-tc-region": region,
    "x-tc-requestclient": requestClient,
    "user-agent": userAgent
  }
  if (options.language !== undefined) baseHeaders["x-tc-language"] = options.language

  // Codecs are built once per schema: building them per call costs more than using them.
  const encoders = new WeakMap<object, (request: unknown) => Either.Either<unknown, ParseResult.ParseError>>()
  const decoders = new Map<string, WeakMap<object, (text: string) => Either.Either<unknown, TrtcError.ApiError | TrtcError.ResponseDecodeError>>>()
  const encoderOf = <Req, ReqI>(schema: Schema.Schema<Req, ReqI, never>) => {
    let encode = encoders.get(schema)
    if (encode === undefined) {
      const slow = Schema.encodeUnknownEither(schema as Schema.Schema<Req, ReqI, never>) as (request: unknown) => Either.Either<unknown, ParseResult.ParseError>
      // The models' request classes have a hand-written fast path; the Schema encodes (and
      // reports) anything it is unsure of.
      const fast = FastDecode.lookupEncoder(schema)
      encode = fast === undefined ? slow : (request) => {
        const wire = fast(request)
        return wire === FastDecode.miss ? slow(request) : Either.right(wire)
      }
      encoders.set(schema, encode)
    }
    return encode
  }
  const decoderOf = <Res, ResI>(action: string, schema: Schema.Schema<Res, ResI, never>) => {
    let byAction = decoders.get(action)
    if (byAction === undefined) {
      byAction = new WeakMap()
      decoders.set(action, byAction)
    }
    let decode = byAction.get(schema)
    if (decode === undefined) {
      decode = TrtcError.decodeResponseEither(action, schema)
      byAction.set(schema, decode)
    }
    return decode as (text: string) => Either.Either<Res, TrtcError.ApiError | TrtcError.ResponseDecodeError>
  }

  const toTransportError = (action: string) => (error: HttpClientError.HttpClientError) =>
    Effect.fail(
      error.cause instanceof NodeHttp.ResponseTimeout
        ? new TrtcError.TimeoutError({ action, timeoutMillis })
        : error.cause instanceof NodeHttp.BodyTooLarge
          ? new TrtcError.ResponseTooLarge({ action, limitBytes: error.cause.limitBytes, declaredBytes: error.cause.declaredBytes })
          : new TrtcError.TransportError({ action, reason: transportReason(error) })
    )

  // The lean transport caps the body as it reads it; any other body is counted chunk by chunk
  // and dropped at the cap (never buffered whole first), after a look at `Content-Length`.
  const bodyText = (action: string, response: HttpClientResponse.HttpClientResponse): Effect.Effect<string, HttpClientError.ResponseError | TrtcError.ResponseTooLarge> => {
    if (lean) return response.text
    const declared = Number(response.headers["content-length"])
    if (declared > maxResponseBytes) {
      return Effect.fail(new TrtcError.ResponseTooLarge({ action, limitBytes: maxResponseBytes, declaredBytes: declared }))
    }
    return Effect.suspend(() => {
      const chunks: Array<Uint8Array> = []
      let received = 0
      return Effect.as(
        Stream.runForEach(response.stream, (chunk) => {
          received += chunk.byteLength
          if (received > maxResponseBytes) return Effect.fail(new TrtcError.ResponseTooLarge({ action, limitBytes: maxResponseBytes }))
          chunks.push(chunk)
          return Effect.void
        }),
        chunks
      ).pipe(Effect.map((parts) => utf8.decode(parts.length === 1 ? parts[0] : concat(parts, received))))
    })
  }

  const requestInit: globalThis.RequestInit = { ...givenRequestInit, redirect: "manual" }
  const noRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (atCall) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, Option.isNone(atCall) ? requestInit : { ...requestInit, ...atCall.value, redirect: "manual" }))

  const learnOffset = (serverDate: number | undefined) =>
    serverDate === undefined
      ? Effect.void
      : Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.set(offset, serverDate - Math.floor(now / 1000)))
  // The handlers of each action, made once rather than per call.
  const handlers = new Map<string, { readonly RequestError: ReturnType<typeof toTransportError>; readonly ResponseError: ReturnType<typeof toTransportError> }>()
  const transportHandlers = (action: string) => {
    let found = handlers.get(action)
    if (found === undefined) {
      const handler = toTransportError(action)
      found = { RequestError: handler, ResponseError: handler }
      handlers.set(action, found)
    }
    return found
  }

  const call = <Req, ReqI, Res, ResI>(input: CallInput<Req, ReqI, Res, ResI>): Effect.Effect<Res, CallError> => {
    const action = input.action
    const attempt = Effect.suspend(() => {
      const wire = encoderOf(input.requestSchema)(input.request)
      if (Either.isLeft(wire)) {
        return Effect.fail(new TrtcError.RequestValidationError({
          action,
          field: "request",
          problem: `cannot be encoded: ${ParseResult.TreeFormatter.formatErrorSync(wire.left)}`,
          fix: `build the request with the ${action} request schema`
        }))
      }
      const request = HttpClientRequest.bodyText(
        HttpClientRequest.post(urlText, { headers: { ...baseHeaders, "x-tc-action": action, "x-tc-version": input.version ?? version } }),
        JSON.stringify(wire.right),
        "application/json"
      )
      return Effect.flatMap(lean ? http.execute(request) : noRedirects(http.execute(request)), (response) =>
        Effect.flatMap(bodyText(action, response), (text): Effect.Effect<Res, CallError> => {
          if (response.status !== 200) {
            // A body that is cut off or not ours has no RequestId to find; the header may.
            const requestId = TrtcError.scanRequestId(text) ?? response.headers["x-tc-requestid"]
            const location = response.status >= 300 && response.status < 400 ? response.headers["location"] : undefined
            return Effect.fail(new TrtcError.HttpStatusError({
              action,
              status: response.status,
              requestId,
              ...(location === undefined ? {} : { location: clipLocation(location) })
            }))
          }
          const decoded = decoderOf(action, input.responseSchema)(text)
          if (Either.isRight(decoded)) return Effect.succeed(decoded.right)
          const error = decoded.left
          const headerRequestId = response.headers["x-tc-requestid"]
          if (error._tag === "ResponseDecodeError" && error.requestId === undefined && headerRequestId !== undefined) {
            return Effect.fail(new TrtcError.ResponseDecodeError({ ...error, requestId: headerRequestId }))
          }
          if (error._tag === "AuthFailure" && TrtcError.isClockSkew(error)) {
            const serverDate = parseDateSeconds(response.headers["date"])
            if (serverDate !== undefined) rememberServerDate(error.requestId, serverDate)
          }
          // A start refused as older than retention: the server's clock decides what "older"
          // means, so its `Date` becomes this client's "now" (the streams re-clamp with it).
          if (TrtcError.isRetentionRefusal(error)) {
            return Effect.zipRight(learnOffset(parseDateSeconds(response.headers["date"])), Effect.fail(error))
          }
          return Effect.fail(error)
        }))
    })
    const mapped = Effect.catchTags(attempt, transportHandlers(action))
    return Number.isFinite(timeoutMillis) && !lean
      ? Timeout.timeoutFail(mapped, timeoutMillis, () => new TrtcError.TimeoutError({ action, timeoutMillis }))
      : mapped
  }

  const correctClock = (error: unknown): Effect.Effect<boolean> =>
    Effect.suspend(() => {
      const requestId = typeof error === "object" && error !== null ? (error as { readonly requestId?: unknown }).requestId : undefined
      const serverDate = typeof requestId === "string" ? serverDates.get(requestId) : undefined
      if (serverDate === undefined) return Effect.succeed(false)
      return Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.as(Ref.set(offset, serverDate - Math.floor(now / 1000)), true))
    })

  return TencentCloudClient.of({
    url: urlText,
    region,
    timeoutMillis,
    call,
    clockOffsetSeconds: Ref.get(offset),
    nowSeconds: Effect.zipWith(Clock.currentTimeMillis, Ref.get(offset), (now, skew) => Math.floor(now / 1000) + skew),
    correctClock
  })
})

/**
 * The client as a layer; needs an `HttpClient` (`NodeHttpClient.layerUndici`,
 * `FetchHttpClient.layer`) and `Credentials`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<TencentCloudClient, EndpointError, HttpClient.HttpClient | Credentials.Credentials> =>
  Layer.effect(TencentCloudClient, make(options))

/**
 * A lean `HttpClient` for this client on Node: `node:http` / `node:https` with keep-alive
 * agents, each answer buffered whole (they are small JSON documents) and decoded without web
 * streams. Any `HttpClient` works (`NodeHttpClient.layerUndici`, `FetchHttpClient.layer`);
 * this one has the least overhead per request (see bench/results/client.md).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNodeHttpClient: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(HttpClient.HttpClient, NodeHttp.make)
