// Interrupting a call or a stream does not wait for the requests in flight: the interruption
// returns while the server still holds its answer. The server here is a tiny real node:http
// server on 127.0.0.1 that answers only when the test lets it (or, as a safety valve so a
// regression fails instead of hanging, after 10 s), and records whether it had answered by the
// time the interruption returned.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type * as AddressInfo from "node:net"
import * as Models from "../src/Models.js"
import * as TencentCloudClient from "../src/TencentCloudClient.js"
import * as Trtc from "../src/Trtc.js"
import * as TrtcStream from "../src/TrtcStream.js"
import { atPinnedNow, pinnedNow } from "./pinnedTime.js"

interface HeldServer {
  readonly url: string
  /** Requests received so far. */
  readonly received: () => number
  /** Whether any held answer has been written. */
  readonly answered: () => boolean
  /** Lets every held request be answered. */
  readonly release: () => void
}

const sdkAppId = 1400000001
// The pinned "now" (the streams clamp to the retention window on the client's Clock).
const t0 = pinnedNow
const safetyValveMillis = 10_000

const rooms = { Response: { Total: 1, RoomList: [{ CommId: `${sdkAppId}_r1_${t0 - 600}`, RoomString: "r1", CreateTime: t0 - 600, DestroyTime: t0 - 60, IsFinished: true, UserId: "u1" }], RequestId: "rooms" } }
const users = { Response: { Total: 1, UserList: [{ RoomStr: "r1", UserId: "u1", JoinTs: t0 - 590, LeaveTs: t0 - 70, DeviceType: "Mac", SdkVersion: "1", ClientIp: "10.0.0.1", Finished: true }], RequestId: "users" } }

/** Answers room and user lists at once and holds every `held` action's answer until released. */
const serve = (held: string): Effect.Effect<HeldServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly state: { received: number; answered: boolean; waiting: Array<() => void> } }>((resume) => {
      const state = { received: 0, answered: false, waiting: [] as Array<() => void> }
      const server = Http.createServer((request, response) => {
        request.resume().on("end", () => {
          const action = request.headers["x-tc-action"]
          const send = (body: unknown) => {
            if (response.destroyed) return
            response.writeHead(200, { "content-type": "application/json" })
            response.end(JSON.stringify(body))
          }
          if (action !== held) return send(action === "DescribeRoomInfo" ? rooms : users)
          state.received++
          const answer = () => {
            state.answered = true
            send({ Response: { Data: [], Total: 0, RoomList: [], RequestId: "held" } })
          }
          state.waiting.push(answer)
          setTimeout(answer, safetyValveMillis).unref()
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, state })))
    }),
    ({ server, state }) =>
      Effect.async<void>((resume) => {
        for (const answer of state.waiting) answer()
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ server, state }) => ({
    url: `http://127.0.0.1:${(server.address() as AddressInfo.AddressInfo).port}`,
    received: () => state.received,
    answered: () => state.answered,
    release: () => {
      for (const answer of state.waiting.splice(0)) answer()
    }
  })))

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["TencentCloudClient.layerNodeHttpClient", TencentCloudClient.layerNodeHttpClient],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
]

const trtcLayer = (url: string, transport: Layer.Layer<HttpClient.HttpClient>) =>
  Trtc.layer({ endpoint: url, timeout: "60 seconds" }).pipe(
    Layer.provide(Layer.merge(Credentials.layerStatic({ secretId: "AKIDINTERRUPT0000000000000000000000", secretKey: "interruptSecretKey0123456789abcd" }), transport))
  )

const waitFor = (condition: () => boolean): Effect.Effect<void> =>
  Effect.suspend(() => condition() ? Effect.void : Effect.zipRight(Effect.sleep("5 millis"), waitFor(condition)))

describe("interruption does not wait for the requests in flight", () => {
  for (const [name, transport] of transports) {
    it.scopedLive(`a call (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* serve("DescribeRoomInfo")
        const fiber = yield* Effect.flatMap(Trtc.Trtc, (trtc) =>
          trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId, startTime: t0 - 3600, endTime: t0 }))).pipe(
          Effect.provide(trtcLayer(server.url, transport)),
          Effect.fork
        )
        yield* waitFor(() => server.received() >= 1)
        yield* Fiber.interrupt(fiber)
        assert.isFalse(server.answered(), "the interruption waited for the server's answer")
        server.release()
      }))

    it.scopedLive(`TrtcStream.events (${name})`, () =>
      atPinnedNow(Effect.gen(function*() {
        const server = yield* serve("DescribeUserEvent")
        const fiber = yield* Stream.runDrain(TrtcStream.events(sdkAppId, { start: t0 - 3600, end: t0 }, { concurrency: 4 })).pipe(
          Effect.provide(trtcLayer(server.url, transport)),
          Effect.fork
        )
        yield* waitFor(() => server.received() >= 1)
        yield* Fiber.interrupt(fiber)
        assert.isFalse(server.answered(), "the interruption waited for the server's answer")
        server.release()
      })))
  }
})
