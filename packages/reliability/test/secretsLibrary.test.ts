// Secret hygiene of the library itself (no CLI scrubbing in between): every log line the
// client and its policies write (retry and clock-skew debug logs, at every level, in every
// built-in format), every span attribute, event and exit the tracer sees, and every rendering of
// every error (message, String, JSON, inspect, Cause.pretty) are free of the key and the token.
// And: `http://` to a host that is not loopback fails the layer before any request is sent.
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Models from "@effect-trtc/core/Models"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as V1 from "@effect-trtc/signer/V1"
import { assert, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as fc from "effect/FastCheck"
import { inspect } from "node:util"
import { leaks, sdkAppId, secretId, secretKey, token } from "./helpers.js"

const wrongKey = "libWrongKeyAlsoSecret0123456789abc"
const wrongToken = "libExpiredTokenAlsoSecret01234567"
const secrets = [secretKey, token, wrongKey, wrongToken]

const assertClean = (text: string, label: string) => {
  const found = leaks(text, secrets)
  assert.deepStrictEqual(found, [], `${label} leaks ${found.join(", ")}`)
}

/** Every way an error reaches a user or a log. */
const renderings = (error: unknown): string => {
  const parts = [String(error), inspect(error, { depth: 8 }), Cause.pretty(Cause.fail(error))]
  if (error instanceof Error) parts.push(error.message, error.stack ?? "")
  try {
    parts.push(JSON.stringify(error))
  } catch {
    // A circular value cannot be serialised; the other renderings stand.
  }
  return parts.join("\n")
}

// A tracer that records every span with its attributes, events and exit.
interface Recorded { readonly name: string; readonly attributes: Map<string, unknown>; readonly events: Array<unknown>; exit?: Exit.Exit<unknown, unknown> }
const makeRecordingTracer = () => {
  const spans: Array<Recorded> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const recorded: Recorded = { name, attributes: new Map(), events: [] }
      spans.push(recorded)
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `s${spans.length}`,
        traceId: "t",
        parent: parent as Option.Option<Tracer.AnySpan>,
        context,
        get status() {
          return status
        },
        attributes: recorded.attributes,
        links: [...links],
        sampled: true,
        kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime, endTime, exit }
          recorded.exit = exit
        },
        attribute: (key, value) => void recorded.attributes.set(key, value),
        event: (eventName, time, attributes) => void recorded.events.push([eventName, String(time), attributes]),
        addLinks: () => undefined
      }
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

it.scopedLive("logs, spans and errors of retries and failures carry no secret", () =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make({ rps: 0, seed: 5, credentials: [{ secretId, secretKey, token }] })
    const lines: Array<string> = []
    const capture = Logger.make((options) => {
      lines.push(String(Logger.logfmtLogger.log(options)))
      lines.push(String(Logger.jsonLogger.log(options)))
      lines.push(inspect({ message: options.message, cause: options.cause, annotations: options.annotations, spans: options.spans }, { depth: 8 }))
    })
    const { spans, tracer } = makeRecordingTracer()
    const trtcLayer = (key: string, sessionToken: string) =>
      Trtc.layer({ endpoint: emulator.url, rps: 0, timeout: "400 millis", retry: { maxRetries: 8, baseDelay: "5 millis", maxDelay: "20 millis", budget: "20 seconds" } }).pipe(
        Layer.provide(Layer.merge(NodeHttpClient.layerUndici, Credentials.layerStatic({ secretId, secretKey: key, token: sessionToken })))
      )
    const request = new Models.DescribeRoomInfoRequest({
      sdkAppId,
      startTime: Math.floor(Date.now() / 1000) - 86_000,
      endTime: Math.floor(Date.now() / 1000),
      pageSize: 100
    })
    const call = (key: string, sessionToken: string) =>
      Effect.flatMap(Trtc.Trtc, (trtc) => trtc.describeRoomInfo(request)).pipe(
        Effect.provide(trtcLayer(key, sessionToken)),
        Effect.either
      )
    const logged = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      self.pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
        Logger.withMinimumLogLevel(LogLevel.All),
        Effect.withTracer(tracer)
      )

    // Every retryable fault once, then success; then a clock skew; then the auth failures.
    yield* emulator.setFaults([
      { when: { nth: 1 }, effect: { apiError: "InternalError" } },
      { when: { nth: 2 }, effect: { apiError: "RequestLimitExceeded" } },
      { when: { nth: 3 }, effect: { httpStatus: 503 } },
      { when: { nth: 4 }, effect: { reset: true } },
      { when: { nth: 5 }, effect: { truncate: true } },
      { when: { nth: 6 }, effect: { latencyMs: 1000 } }
    ])
    const ok = yield* logged(call(secretKey, token))
    assert.isTrue(Either.isRight(ok), inspect(ok))
    yield* emulator.setFaults([])
    yield* emulator.advanceClock(3600)
    const skewed = yield* logged(call(secretKey, token))
    assert.isTrue(Either.isRight(skewed), inspect(skewed))
    yield* emulator.setClockOffset(0)
    const failures = [
      yield* logged(call(wrongKey, token)),
      yield* logged(call(secretKey, wrongToken)),
      yield* logged(call(`${wrongKey} x`, token)),
      yield* logged(call(secretKey, `\n${wrongToken}\n`))
    ]
    const codes = failures.map((e) => Either.isLeft(e) ? ("code" in e.left ? e.left.code : e.left._tag) : "ok")
    assert.strictEqual(codes[0], "AuthFailure.SignatureFailure")
    assert.strictEqual(codes[1], "AuthFailure.TokenFailure")
    for (const failure of failures) {
      assert.isTrue(Either.isLeft(failure))
      if (Either.isLeft(failure)) assertClean(renderings(failure.left), `error ${failure.left._tag}`)
    }

    assert.isAtLeast(lines.filter((l) => l.includes("retrying")).length * 1, 6 * 3, "each retry logged in every format")
    assert.isTrue(lines.some((l) => l.includes("clock skew")), "the clock-skew correction was logged")
    assertClean(lines.join("\n"), "log lines")
    assert.isAbove(spans.length, 10)
    for (const span of spans) {
      const text = inspect({ name: span.name, attributes: [...span.attributes], events: span.events }, { depth: 8 }) +
        (span.exit && Exit.isFailure(span.exit) ? Cause.pretty(span.exit.cause) : "")
      assertClean(text, `span ${span.name}`)
    }
    assertClean(JSON.stringify(yield* emulator.requests), "emulator request log")
  }))

it.effect("invalid credentials given in code are rejected without echoing them", () =>
  Effect.gen(function*() {
    const inputs = [` ${secretKey}`, `${secretKey}\n`, `${secretKey.slice(0, 10)} ${secretKey.slice(10)}`, `${secretKey}\u0000`, "", "短い"]
    for (const key of inputs) {
      const result = yield* Effect.either(Credentials.make({ secretId, secretKey: key, token: `${token} ` }))
      if (Either.isLeft(result)) assertClean(renderings(result.left), `CredentialsError for ${JSON.stringify(key)}`)
      else assertClean(inspect(result.right, { depth: 8 }) + JSON.stringify(result.right), "a loaded credential")
    }
  }))

const countingHttp = () => {
  const sent: Array<string> = []
  const layer = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) => HttpClient.tapRequest(client, (request) => Effect.sync(() => void sent.push(request.url))))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  return { layer, sent }
}

it.effect("http:// to a non-loopback host fails the layer with EndpointError before any request", () =>
  Effect.gen(function*() {
    const endpoints = [
      "http://10.255.255.1",
      "http://example.invalid",
      "HTTP://Example.Invalid:8080",
      "http://127.0.0.1.example.invalid",
      "http://localhost.example.invalid",
      "http://169.254.169.254",
      "http://0.0.0.0",
      "http://[::ffff:10.0.0.1]",
      "http://[fe80::1]",
      "  http://10.0.0.1  ",
      "http://user:pass@10.0.0.1",
      "http:10.0.0.1",
      "http:/10.0.0.1"
    ]
    for (const endpoint of endpoints) {
      const { layer, sent } = countingHttp()
      const exit = yield* Effect.flatMap(Trtc.Trtc, (trtc) =>
        trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId, startTime: 1, endTime: 2 }))).pipe(
        Effect.provide(Trtc.layer({ endpoint, retry: false }).pipe(
          Layer.provide(Layer.merge(layer, Credentials.layerStatic({ secretId, secretKey })))
        )),
        Effect.exit
      )
      assert.isTrue(Exit.isFailure(exit), endpoint)
      if (Exit.isFailure(exit)) {
        const failure = Cause.failureOption(exit.cause)
        assert.strictEqual(failure._tag === "Some" ? (failure.value as { _tag: string })._tag : "defect", "EndpointError", endpoint)
      }
      assert.deepStrictEqual(sent, [], `${endpoint}: nothing was sent`)
    }
  }))

it.prop(
  "resolveEndpoint: plain http is accepted only for loopback, https for any host",
  [fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((ip) => `[${ip}]`))],
  ([host]) => {
    const http = TencentCloudClient.resolveEndpoint(`http://${host}`)
    const url = Either.isRight(http) ? http.right : undefined
    if (url !== undefined) {
      // Anything accepted must be loopback as the URL parser reads it.
      assert.match(url.hostname, /^(localhost|.*\.localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i, host)
    }
    const https = TencentCloudClient.resolveEndpoint(`https://${host}`)
    if (Either.isLeft(https)) assert.strictEqual(https.left._tag, "EndpointError")
  },
  { fastCheck: { numRuns: 300 } }
)

// A built layer's services, inspected as a debugger or a careless log would, expose no secret.
it.live("a built Trtc layer's services inspect without secrets", () =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      Trtc.layer({ endpoint: "http://127.0.0.1:9" }).pipe(
        Layer.provide(Layer.merge(NodeHttpClient.layerUndici, Credentials.layerStatic({ secretId, secretKey, token })))
      )
    )
    const credential = yield* Effect.flatMap(Credentials.Credentials, (c) => c.get).pipe(
      Effect.provide(Credentials.layerStatic({ secretId, secretKey, token }))
    )
    assertClean(inspect(context, { depth: 6 }) + inspect(credential, { depth: 6 }) + JSON.stringify(credential), "services")
  }).pipe(Effect.scoped))

it.scopedLive("legacy v1 requests (key, token and signature in the query or form) leave no secret in the emulator's log", () =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make({ rps: 0, seed: 6, credentials: [{ secretId, secretKey, token }] })
    const host = `127.0.0.1:${emulator.port}`
    const now = Math.floor(Date.now() / 1000)
    const codes: Array<string> = []
    for (const [method, sessionToken] of [["GET", token], ["POST", token], ["GET", wrongToken], ["POST", wrongToken]] as const) {
      const params = {
        Action: "DescribeRoomInfo",
        Version: "2019-07-22",
        Region: "ap-guangzhou",
        Timestamp: now,
        Nonce: 4242,
        SecretId: secretId,
        SignatureMethod: "HmacSHA256",
        Token: sessionToken,
        SdkAppId: sdkAppId,
        StartTime: now - 3600,
        EndTime: now
      }
      const signed = V1.signParams({ method, host, params, secretKey: Redacted.make(secretKey), signatureMethod: "HmacSHA256" })
      const encoded = V1.encode(signed)
      const response = yield* Effect.promise(() =>
        method === "GET"
          ? fetch(`${emulator.url}/?${encoded}`)
          : fetch(`${emulator.url}/`, { method, body: encoded, headers: { "Content-Type": "application/x-www-form-urlencoded" } }))
      const body = (yield* Effect.promise(() => response.json())) as { Response: { Error?: { Code: string } } }
      codes.push(body.Response.Error?.Code ?? "ok")
      assertClean(JSON.stringify(body), `v1 ${method} answer`)
    }
    assert.deepStrictEqual(codes, ["ok", "ok", "AuthFailure.TokenFailure", "AuthFailure.TokenFailure"])
    const log = yield* emulator.requests
    assert.strictEqual(log.length, 4)
    assertClean(JSON.stringify(log), "emulator request log (v1)")
    const served = yield* Effect.promise(() => fetch(`${emulator.url}/_admin/requests`).then((r) => r.text()))
    assertClean(served, "GET /_admin/requests (v1)")
  }))
