// OpenTelemetry wiring (@effect/opentelemetry with the OTel SDK's in-memory exporter): one span
// per API call carrying action, region, RequestId, attempts, retries and the rate-limit wait;
// never a credential.
import * as OtelResource from "@effect/opentelemetry/Resource"
import * as OtelTracer from "@effect/opentelemetry/Tracer"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import { assert, describe, it } from "@effect/vitest"
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Models from "../src/Models.js"
import * as TencentCloudClient from "../src/TencentCloudClient.js"
import * as Trtc from "../src/Trtc.js"
import * as TrtcStream from "../src/TrtcStream.js"
import * as Stream from "effect/Stream"
import { atPinnedNow, pinnedOptions } from "./pinnedTime.js"

/** Effect's tracer as @effect/opentelemetry installs it, exporting to `exporter`. */
const otel = (exporter: InMemorySpanExporter) =>
  OtelTracer.layer.pipe(
    Layer.provide(Layer.sync(OtelTracer.OtelTracerProvider, () => new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))),
    Layer.provide(OtelResource.layer({ serviceName: "trtc-test" }))
  )

describe("OpenTelemetry spans", () => {
  it.scopedLive("one span per call: action, region, RequestId, attempts, retries, rate-limit wait; no secret", () =>
    atPinnedNow(Effect.gen(function*() {
      const secretKey = Emulator.defaultCredential.secretKey
      // The first DescribeRoomInfo is refused as over the frequency limit: retried once.
      const emulator = yield* Emulator.make(pinnedOptions({
        rps: 0,
        seed: 3,
        faults: [{ action: "DescribeRoomInfo", when: { nth: 1 }, effect: { apiError: "RequestLimitExceeded" } }]
      }))
      const app = emulator.dataSet.apps[0]!
      const room = app.rooms[1]!
      const exporter = new InMemorySpanExporter()
      // 1 request a second per action: the second call waits in the limiter.
      const trtc = Trtc.layer({ endpoint: emulator.url, rps: 1, region: "ap-singapore" }).pipe(
        Layer.provide(Layer.merge(
          Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey }),
          TencentCloudClient.layerNodeHttpClient
        ))
      )
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: room.createTime, endTime: room.createTime + 3600 })
      const answers = yield* Effect.flatMap(Trtc.Trtc, (t) => Effect.all([t.describeRoomInfo(request), t.describeRoomInfo(request)])).pipe(
        Effect.provide(trtc),
        Effect.provide(otel(exporter))
      )
      const spans = exporter.getFinishedSpans().filter((span) => span.name === "Trtc.describeRoomInfo")
      assert.strictEqual(spans.length, 2)
      const [first, second] = spans.map((span) => span.attributes)
      for (const [attributes, answer] of [[first, answers[0]], [second, answers[1]]] as const) {
        assert.strictEqual(attributes["trtc.action"], "DescribeRoomInfo")
        assert.strictEqual(attributes["trtc.region"], "ap-singapore")
        assert.strictEqual(attributes["trtc.request_id"], answer.requestId)
      }
      assert.strictEqual(first["trtc.attempts"], 2)
      assert.strictEqual(first["trtc.retries"], 1)
      assert.strictEqual(second["trtc.attempts"], 1)
      assert.strictEqual(second["trtc.retries"], 0)
      // The second call's attempt came after the first's two in a limiter of 1 a second.
      assert.isAbove(second["trtc.rate_limit_wait_ms"] as number, 0)
      for (const span of exporter.getFinishedSpans()) {
        const text = JSON.stringify(span.attributes) + JSON.stringify(span.events)
        assert.notInclude(text, secretKey)
        assert.notInclude(text, Buffer.from(secretKey).toString("base64"))
      }
    })))

  it.scopedLive("a stream's windows are spans, parents of their calls' spans", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ rps: 0, seed: 3 }))
      const app = emulator.dataSet.apps[0]!
      const exporter = new InMemorySpanExporter()
      const trtc = Trtc.layer({ endpoint: emulator.url, rps: 0, retry: false }).pipe(
        Layer.provide(Layer.merge(
          Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey }),
          TencentCloudClient.layerNodeHttpClient
        ))
      )
      const nowSeconds = Math.floor((yield* Effect.clockWith((c) => c.currentTimeMillis)) / 1000)
      // Two days before an hour ago: two 24-hour windows of DescribeRoomInfo.
      const period = { start: nowSeconds - 3600 - 2 * 86400, end: nowSeconds - 3600 }
      yield* Stream.runDrain(TrtcStream.rooms(app.sdkAppId, period)).pipe(Effect.provide(trtc), Effect.provide(otel(exporter)))
      const spans = exporter.getFinishedSpans()
      const windows = spans.filter((span) => span.name === "TrtcStream.window")
      assert.deepStrictEqual(
        windows.map((w) => [w.attributes["trtc.window.start"], w.attributes["trtc.window.end"]]).sort(),
        [[period.start, period.start + 86400], [period.start + 86400, period.end]]
      )
      const calls = spans.filter((span) => span.name === "Trtc.describeRoomInfo")
      assert.isAtLeast(calls.length, 2)
      const windowIds = new Set(windows.map((w) => w.spanContext().spanId))
      for (const call of calls) assert.isTrue(windowIds.has(call.parentSpanContext?.spanId ?? ""), "a call's parent is its window")
    })))
})
