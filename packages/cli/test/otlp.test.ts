// OTLP export end to end: the built bin with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a real
// node:http server on 127.0.0.1, which receives the OTLP/HTTP JSON export and finds one span
// per API call with its action — and no secret anywhere in what was exported.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as http from "node:http"
import type * as net from "node:net"
import { credentialEnv, e2eDataSet, emulatorFor, fast, run, sdkAppId, secretKey, token } from "./helpers.js"

interface Received {
  readonly path: string
  readonly contentType: string
  readonly body: string
}

const collector = Effect.acquireRelease(
  Effect.async<{ readonly server: http.Server; readonly url: string; readonly received: Array<Received> }>((resume) => {
    const received: Array<Received> = []
    const server = http.createServer((req, res) => {
      let body = ""
      req.setEncoding("utf8").on("data", (d: string) => void (body += d))
      req.on("end", () => {
        received.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body })
        res.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({ server, url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, received })))
  }),
  ({ server }) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
)

interface OtlpSpan {
  readonly name: string
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: { readonly stringValue?: string; readonly intValue?: number | string } }>
}

const spansOf = (received: ReadonlyArray<Received>): Array<OtlpSpan> =>
  received.flatMap((r) => {
    const doc = JSON.parse(r.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<OtlpSpan> }> }> }
    return doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
  })

const dataSet = e2eDataSet()

layer(emulatorFor(dataSet))("trtc with OTEL_EXPORTER_OTLP_ENDPOINT", (it) => {
  it.scoped("exports a span per API call (OTLP/HTTP JSON) with the action, and no secret", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const otlp = yield* collector
      const r = yield* run(["rooms", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", "ndjson", ...fast], {
        env: { ...credentialEnv(emulator.url), OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }
      })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.isAbove(otlp.received.length, 0, "the export reached the collector before the process ended")
      for (const request of otlp.received) {
        assert.strictEqual(request.path, "/v1/traces")
        assert.include(request.contentType, "application/json")
        assert.notInclude(request.body, secretKey)
        assert.notInclude(request.body, token)
      }
      const calls = spansOf(otlp.received).filter((span) => span.name === "Trtc.describeRoomInfo")
      // 8 days in 24-hour windows: at least 8 calls.
      assert.isAtLeast(calls.length, 8)
      for (const span of calls) {
        const attribute = (key: string) => span.attributes.find((a) => a.key === key)?.value
        assert.strictEqual(attribute("trtc.action")?.stringValue, "DescribeRoomInfo")
        assert.strictEqual(attribute("trtc.region")?.stringValue, "ap-guangzhou")
        assert.match(attribute("trtc.request_id")?.stringValue ?? "", /\S/)
        assert.strictEqual(Number(attribute("trtc.attempts")?.intValue), 1)
      }
    }))

  it.effect("without OTEL_EXPORTER_OTLP_ENDPOINT the run succeeds as before (no tracer layer)", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const r = yield* run(["rooms", "--sdk-app-id", String(sdkAppId), "--since", "1d", "--format", "ndjson", ...fast], { env: credentialEnv(emulator.url) })
      assert.strictEqual(r.code, 0, r.stderr)
    }))
})
