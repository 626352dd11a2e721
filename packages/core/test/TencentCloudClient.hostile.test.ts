// The client against servers that do not behave: redirects (never followed, on any transport),
// bodies over the cap (refused while streaming, or from Content-Length), pages that never end.
// Each server is a tiny real node:http server on 127.0.0.1 with a random port.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Logger from "effect/Logger"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Http from "node:http"
import type * as AddressInfo from "node:net"
import * as Models from "../src/Models.js"
import * as Paginate from "../src/Paginate.js"
import * as TencentCloudClient from "../src/TencentCloudClient.js"
import * as Trtc from "../src/Trtc.js"
import * as TrtcStream from "../src/TrtcStream.js"

interface Server {
  readonly url: string
  /** Requests received so far. */
  readonly requests: () => number
}

type Handler = (request: Http.IncomingMessage, response: Http.ServerResponse, body: string) => void

/** A real HTTP server on 127.0.0.1 (random port) for the scope. */
const serve = (handler: Handler): Effect.Effect<Server, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly count: { n: number } }>((resume) => {
      const count = { n: 0 }
      const server = Http.createServer((request, response) => {
        count.n++
        let body = ""
        request.setEncoding("utf8").on("data", (d: string) => void (body += d)).on("end", () => handler(request, response, body))
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, count })))
    }),
    ({ server }) => Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
  ).pipe(Effect.map(({ count, server }) => ({
    url: `http://127.0.0.1:${(server.address() as AddressInfo.AddressInfo).port}`,
    requests: () => count.n
  })))

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["TencentCloudClient.layerNodeHttpClient", TencentCloudClient.layerNodeHttpClient],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
]

const credentials = Credentials.layerStatic({
  secretId: "AKIDHOSTILE0000000000000000000000000",
  secretKey: "hostileSecretKey0123456789abcdef",
  token: "hostileSessionToken0123456789"
})

const trtcLayer = (url: string, transport: Layer.Layer<HttpClient.HttpClient>, options: Trtc.Options = {}) =>
  Trtc.layer({ endpoint: url, rps: 0, retry: { baseDelay: "5 millis", maxDelay: "20 millis", maxRetries: 3 }, timeout: "20 seconds", ...options }).pipe(
    Layer.provide(Layer.merge(credentials, transport))
  )

const t0 = 1_790_000_000
const roomInfo = new Models.DescribeRoomInfoRequest({ sdkAppId: 1400000001, startTime: t0 - 3600, endTime: t0 })

describe("the client against a redirecting server", () => {
  for (const [name, transport] of transports) {
    for (const status of [301, 302, 303, 307, 308]) {
      it.scopedLive(`${status} is an HttpStatusError naming the Location, not followed, not retried (${name})`, () =>
        Effect.gen(function*() {
          // "The other host": a second local server that must never see the signed request.
          const other = yield* serve((_, response) => {
            response.writeHead(200, { "content-type": "application/json" })
            response.end(JSON.stringify({ Response: { Error: { Code: "AuthFailure.SignatureFailure", Message: "from the other host" }, RequestId: "other" } }))
          })
          const location = `${other.url}/stolen?from=${status}`
          const redirecting = yield* serve((_, response) => {
            response.writeHead(status, { location, "content-type": "text/plain" })
            response.end("moved")
          })
          const error = yield* Effect.flip(Effect.flatMap(Trtc.Trtc, (trtc) => trtc.describeRoomInfo(roomInfo)).pipe(
            Effect.provide(trtcLayer(redirecting.url, transport))
          ))
          assert.strictEqual(error._tag, "HttpStatusError")
          if (error._tag !== "HttpStatusError") return
          assert.strictEqual(error.status, status)
          assert.strictEqual(error.location, location)
          assert.include(error.message, `redirecting to ${location} (not followed`)
          assert.strictEqual(redirecting.requests(), 1)
          assert.strictEqual(other.requests(), 0)
        }), 30_000)
    }
  }
})

/** Writes `total` bytes of a never-JSON body as fast as the client reads; counts what went out. */
const flood = (total: number, declare: boolean) => {
  const state = { written: 0, closed: false }
  const handler: Handler = (_, response) => {
    response.writeHead(200, { "content-type": "application/json", ...(declare ? { "content-length": String(total) } : {}) })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    response.on("close", () => void (state.closed = true))
    const pump = () => {
      while (!state.closed && state.written < total) {
        const n = Math.min(chunk.length, total - state.written)
        state.written += n
        if (!response.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void response.once("drain", pump)
      }
      if (!state.closed) response.end()
    }
    pump()
  }
  return { state, handler }
}

describe("the client against a huge body", () => {
  const total = 200 * 1024 * 1024
  for (const [name, transport] of transports) {
    it.scopedLive(`a 200 MB body is refused at the 32 MiB default cap while streaming, not read whole (${name})`, () =>
      Effect.gen(function*() {
        const { handler, state } = flood(total, false)
        const server = yield* serve(handler)
        const error = yield* Effect.flip(Effect.flatMap(Trtc.Trtc, (trtc) => trtc.describeRoomInfo(roomInfo)).pipe(
          Effect.provide(trtcLayer(server.url, transport))
        ))
        assert.strictEqual(error._tag, "ResponseTooLarge")
        if (error._tag !== "ResponseTooLarge") return
        assert.strictEqual(error.limitBytes, TencentCloudClient.defaultMaxResponseBytes)
        assert.strictEqual(error.limitBytes, 32 * 1024 * 1024)
        assert.isUndefined(error.declaredBytes)
        // Not retried, and the server was cut off well before the end of its body.
        assert.strictEqual(server.requests(), 1)
        yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 50)))
        assert.isBelow(state.written, total / 2)
      }), 60_000)

    it.scopedLive(`a Content-Length over the cap is refused before the body is read (${name})`, () =>
      Effect.gen(function*() {
        const state = { written: 0 }
        // Announces 200 MB, sends 1 KB and then nothing: only the header can end this in time.
        const server = yield* serve((_, response) => {
          response.writeHead(200, { "content-type": "application/json", "content-length": String(total) })
          response.write(Buffer.alloc(1024, 0x20))
          state.written = 1024
        })
        const error = yield* Effect.flip(Effect.flatMap(Trtc.Trtc, (trtc) => trtc.describeRoomInfo(roomInfo)).pipe(
          Effect.provide(trtcLayer(server.url, transport, { maxResponseBytes: 1024 * 1024 }))
        ))
        assert.strictEqual(error._tag, "ResponseTooLarge")
        if (error._tag !== "ResponseTooLarge") return
        assert.strictEqual(error.limitBytes, 1024 * 1024)
        assert.strictEqual(error.declaredBytes, total)
        assert.strictEqual(server.requests(), 1)
      }), 60_000)

    it.scopedLive(`a body under the cap is read (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* serve((_, response) => {
          response.writeHead(200, { "content-type": "application/json" })
          response.end(JSON.stringify({ Response: { Total: 0, RoomList: [], RequestId: "ok" } }))
        })
        const answer = yield* Effect.flatMap(Trtc.Trtc, (trtc) => trtc.describeRoomInfo(roomInfo)).pipe(
          Effect.provide(trtcLayer(server.url, transport, { maxResponseBytes: 64 }))
        )
        assert.deepStrictEqual(answer.roomList, [])
      }), 30_000)
  }
})

describe("paging against a server that never answers a short page", () => {
  it.scoped("full pages of fresh rooms forever end in TooManyPages at the page cap", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0 * 1000)
      let served = 0
      const server = yield* serve((_, response, body) => {
        const request = JSON.parse(body) as { PageNumber: number; PageSize: number; StartTime: number }
        const rooms = Array.from({ length: request.PageSize }, (_, i) => {
          const n = served * 1000 + i
          return { CommId: `1400000001_r${n}_${request.StartTime}`, RoomString: `r${n}`, CreateTime: request.StartTime, DestroyTime: 0, IsFinished: false, UserId: `u${n}` }
        })
        served++
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify({ Response: { Total: rooms.length, RoomList: rooms, RequestId: `page-${request.PageNumber}` } }))
      })
      const error = yield* Effect.flip(Stream.runDrain(TrtcStream.rooms(1400000001, { start: t0 - 3600, end: t0 })).pipe(
        Effect.provide(trtcLayer(server.url, TencentCloudClient.layerNodeHttpClient))
      ))
      assert.strictEqual(error._tag, "PaginationError")
      if (error._tag !== "PaginationError") return
      assert.strictEqual(error.reason, "TooManyPages")
      const cap = Paginate.maxPagesFor(Paginate.maxPageSize)
      assert.strictEqual(cap, Paginate.maxRowsPerWindow / Paginate.maxPageSize)
      assert.strictEqual(error.pageNumber, cap)
      assert.strictEqual(server.requests(), cap)
    }), 60_000)
})

describe("retention on a server clock ahead of ours, within the signature's tolerance", () => {
  it.scopedLive("a start refused as too old is clamped again from the refusal's Date, once, without a warning", () =>
    Effect.gen(function*() {
      const skew = 200
      const starts: Array<number> = []
      const server = yield* serve((_, response, body) => {
        const request = JSON.parse(body) as { StartTime: number }
        starts.push(request.StartTime)
        const serverNow = Math.floor(Date.now() / 1000) + skew
        const refused = request.StartTime < serverNow - 14 * 86_400
        response.writeHead(200, { "content-type": "application/json", date: new Date(serverNow * 1000).toUTCString() })
        response.end(JSON.stringify({
          Response: refused
            ? { Error: { Code: "InvalidParameter.StartTsOversize", Message: "The start time for query exceeded the limit." }, RequestId: `r${starts.length}` }
            : { Total: 0, RoomList: [], RequestId: `r${starts.length}` }
        }))
      })
      const logs: Array<string> = []
      const now = Math.floor(Date.now() / 1000)
      yield* Stream.runDrain(TrtcStream.rooms(1400000001, { start: now - 14 * 86_400, end: now - 13 * 86_400 })).pipe(
        Effect.provide(trtcLayer(server.url, TencentCloudClient.layerNodeHttpClient)),
        Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => void logs.push(String(message)))))
      )
      // Clamped on our clock first (refused: 140 s too old for the server), then on the server's.
      assert.strictEqual(starts.length, 2)
      assert.isAtLeast(starts[1] - starts[0], skew - 5)
      assert.isFalse(logs.some((line) => line.includes("retention")), logs.join("\n"))
    }), 30_000)
})
