import * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as util from "node:util"
import * as Credentials from "../src/Credentials.js"
import * as Signing from "../src/Signing.js"
import * as Tc3 from "../src/Tc3.js"

const secretId = "AKIDSIGNING00000000000000000000000000"
const secretKey = "signingSecretKey0000000000000000"
const token = "temporarySessionToken_0123456789"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly verdict: Either.Either<Tc3.Verified, Tc3.VerificationError>
}

/**
 * A real HTTP server on 127.0.0.1 (random port) that checks every request with Tc3.verify and
 * answers 500 to the first `failFirst` requests.
 */
const testServer = (options: { readonly nowSeconds: () => number; readonly failFirst?: number }) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly port: number; readonly seen: Array<Seen>; readonly server: http.Server }>((resume) => {
      const seen: Array<Seen> = []
      const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const headers: Record<string, string> = {}
          for (const [name, value] of Object.entries(req.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
          }
          const body = Buffer.concat(chunks)
          const url = req.url ?? "/"
          const verdict = Tc3.verify(
            { method: req.method ?? "", query: url.includes("?") ? url.slice(url.indexOf("?") + 1) : "", headers, body },
            { lookup: (id) => (id === secretId ? Option.some(Redacted.make(secretKey)) : Option.none()), nowSeconds: options.nowSeconds() }
          )
          seen.push({ method: req.method ?? "", url, headers, body: body.toString("utf8"), verdict })
          res.writeHead(seen.length <= (options.failFirst ?? 0) ? 500 : 200, { "content-type": "application/json" })
          res.end(JSON.stringify(Either.isRight(verdict) ? { ok: true } : { ok: false, reason: verdict.left.reason }))
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const port = (server.address() as AddressInfo).port
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, port, seen, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const credential = (withToken = false) =>
  Credentials.make({ secretId, secretKey, token: withToken ? token : undefined }).pipe(Effect.orDie)

const assertAccepted = (seen: Seen) => {
  assert.isTrue(Either.isRight(seen.verdict), Either.isLeft(seen.verdict) ? seen.verdict.left.message : "")
}

const body = JSON.stringify({ SdkAppId: 1400000001, StartTime: 1700000000, EndTime: 1700003600, RoomId: "房间 1" })

describe("Signing.signRequests against a real server", () => {
  for (const [name, clientLayer] of [["undici", NodeHttpClient.layerUndici], ["node:http", NodeHttpClient.layer]] as const) {
    it.scoped(`signs a JSON POST over the exact bytes, host with port (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* testServer({ nowSeconds: () => 0 })
        const cred = yield* credential()
        const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential: Effect.succeed(cred) })
        const response = yield* client.execute(
          HttpClientRequest.post(server.url).pipe(
            HttpClientRequest.setHeader("X-TC-Action", "DescribeRoomInfo"),
            HttpClientRequest.bodyText(body, "application/json")
          )
        )
        assert.deepStrictEqual(yield* response.json, { ok: true })
        const [seen] = server.seen
        assertAccepted(seen!)
        assert.strictEqual(seen!.body, body)
        assert.strictEqual(seen!.headers["host"], `127.0.0.1:${server.port}`)
        assert.strictEqual(seen!.headers["x-tc-timestamp"], "0")
        assert.strictEqual(seen!.headers["content-type"], "application/json")
        assert.match(seen!.headers["authorization"]!, /^TC3-HMAC-SHA256 Credential=AKIDSIGNING0+\/1970-01-01\/trtc\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/)
        assert.isUndefined(seen!.headers["x-tc-token"])
      }).pipe(Effect.provide(clientLayer)))
  }

  it.scoped("signs a GET with a query, sending the SDKs' content type", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 0 })
      const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential: credential() })
      yield* client.execute(HttpClientRequest.get(server.url, { urlParams: { SdkAppId: "1400000001", RoomId: "r 1/ü's" } }))
      const [seen] = server.seen
      assertAccepted(seen!)
      assert.strictEqual(seen!.method, "GET")
      assert.include(seen!.url, "?SdkAppId=1400000001&RoomId=")
      assert.strictEqual(seen!.headers["content-type"], Signing.emptyBodyContentType)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("sends X-TC-Token for temporary credentials, redacted from traces and logs", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 0 })
      let traced: Headers.Headers | undefined
      // What the platform's tracer would record for the request as sent.
      const inner = (yield* HttpClient.HttpClient).pipe(HttpClient.tapRequest((request) =>
        Effect.map(FiberRef.get(Headers.currentRedactedNames), (names) => {
          traced = Headers.redact(request.headers, names) as Headers.Headers
        })))
      const client = Signing.signRequests(inner, { service: "trtc", credential: credential(true) })
      yield* client.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyText("{}", "application/json")))
      assertAccepted(server.seen[0]!)
      assert.strictEqual(server.seen[0]!.headers["x-tc-token"], token)
      assert.notInclude(util.inspect(traced), token)
      assert.notInclude(util.inspect(traced), server.seen[0]!.headers["authorization"]!.slice(-64))
      assert.isTrue(Redacted.isRedacted(traced!["x-tc-token"]))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("signs extra headers when asked (x-tc-action, as the CN docs do)", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 0 })
      const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential: credential(), signedHeaders: ["X-TC-Action"] })
      yield* client.execute(HttpClientRequest.post(server.url).pipe(
        HttpClientRequest.setHeader("X-TC-Action", "DescribeUserEvent"),
        HttpClientRequest.bodyText("{}", "application/json")
      ))
      assertAccepted(server.seen[0]!)
      assert.include(server.seen[0]!.headers["authorization"]!, "SignedHeaders=content-type;host;x-tc-action,")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("every retry is signed afresh from the Clock: two attempts, two timestamps", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 0, failFirst: 1 })
      yield* TestClock.adjust("100 seconds")
      const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential: credential() }).pipe(
        HttpClient.filterStatusOk,
        HttpClient.retry({ schedule: Schedule.spaced("2 seconds"), times: 1 })
      )
      const fiber = yield* Effect.fork(client.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyText(body, "application/json"))))
      // Real I/O happens in real time; wait until the retry is sleeping on the TestClock.
      while ((yield* TestClock.sleeps()).length === 0) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 2)))
      yield* TestClock.adjust("2 seconds")
      const response = yield* Fiber.join(fiber)
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(server.seen.map((s) => s.headers["x-tc-timestamp"]), ["100", "102"])
      assert.notStrictEqual(server.seen[0]!.headers["authorization"], server.seen[1]!.headers["authorization"])
      server.seen.forEach(assertAccepted)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("adds the clock offset to the timestamp", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 1000 })
      yield* TestClock.adjust("1000 seconds")
      const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential: credential(), clockOffsetSeconds: Effect.succeed(-250) })
      yield* client.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyText("{}", "application/json")))
      assert.strictEqual(server.seen[0]!.headers["x-tc-timestamp"], "750")
      assertAccepted(server.seen[0]!)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("uses the real clock outside tests, and the server accepts it", () =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => Math.floor(Date.now() / 1000) })
      const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential: credential() })
      yield* client.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyText(body, "application/json")))
      assertAccepted(server.seen[0]!)
    })).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a request changed after signing is rejected by the server", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 0 })
      const tampering = (yield* HttpClient.HttpClient).pipe(
        HttpClient.mapRequest(HttpClientRequest.bodyText(body.replace("1400000001", "1400000002"), "application/json"))
      )
      const client = Signing.signRequests(tampering, { service: "trtc", credential: credential() })
      const response = yield* client.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyText(body, "application/json")))
      assert.deepStrictEqual(yield* response.json, { ok: false, reason: "SignatureFailure" })
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a missing credential fails with CredentialsError and sends nothing", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 0 })
      const client = Signing.signRequests(yield* HttpClient.HttpClient, {
        service: "trtc",
        credential: Credentials.make({ secretId, secretKey: "" })
      })
      const error = yield* Effect.flip(client.execute(HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyText("{}", "application/json"))))
      assert.strictEqual(error._tag, "CredentialsError")
      assert.strictEqual(server.seen.length, 0)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("refuses a streamed body, whose bytes it cannot sign", () =>
    Effect.gen(function*() {
      const server = yield* testServer({ nowSeconds: () => 0 })
      const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential: credential() })
      const request = HttpClientRequest.post(server.url).pipe(
        HttpClientRequest.setBody(HttpBody.stream(Stream.make(new TextEncoder().encode("{}")), "application/json"))
      )
      const error = yield* Effect.flip(client.execute(request))
      assert.strictEqual(error._tag, "RequestError")
      assert.include(error.message, "cannot be signed")
      assert.strictEqual(server.seen.length, 0)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
