// DescribeUnusualEvent end to end: typed, validated, in `Trtc.Service`, streamed over its 1 h
// windows. The emulator serving this action is engineer emu's work on another branch; until it
// is merged this test talks to a tiny real node:http server on 127.0.0.1 (random port) that
// answers with the wire names of the official SDK's models (tencentcloud-sdk-nodejs@4.1.313,
// trtc_models.d.ts: DescribeUnusualEventResponse { Total, AbnormalExperienceList:
// [{ UserId, ExperienceId, RoomId, AbnormalEventList: [{ AbnormalEventId, PeerId }], EventTime }] })
// and, like the real API, at most 20 experiences an answer.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type * as AddressInfo from "node:net"
import * as EventCatalogue from "../src/EventCatalogue.js"
import * as Models from "../src/Models.js"
import * as Trtc from "../src/Trtc.js"
import * as TrtcStream from "../src/TrtcStream.js"
import { atPinnedNow, pinnedNow } from "./pinnedTime.js"

interface WireExperience {
  readonly UserId: string
  readonly ExperienceId: number
  readonly RoomId: string
  readonly AbnormalEventList: ReadonlyArray<{ readonly AbnormalEventId: number; readonly PeerId: string }>
  /** Unix ms. */
  readonly EventTime: number
}

const sdkAppId = 1400000001
const cap = 20

// Three hours before the pinned "now": a busy second hour (more than one answer's cap), two
// experiences exactly on window edges (shared by two windows' queries) and one in the next
// second after the period's end (outside it).
const start = pinnedNow - 4 * 3600
const end = start + 3 * 3600
const experiences: ReadonlyArray<WireExperience> = [
  ...Array.from({ length: 10 }, (_, i): WireExperience => ({
    UserId: `u${i % 3}`,
    ExperienceId: 1 + (i % 5),
    RoomId: `room_${i % 2}`,
    AbnormalEventList: [{ AbnormalEventId: 1005, PeerId: "" }],
    EventTime: (start + 60 + i * 300) * 1000 + 7
  })),
  // 45 in the second hour, clustered in ten minutes: one answer cannot hold them.
  ...Array.from({ length: 45 }, (_, i): WireExperience => ({
    UserId: `v${i % 4}`,
    ExperienceId: 4,
    RoomId: "room_busy",
    AbnormalEventList: [{ AbnormalEventId: 2024, PeerId: `peer${i % 2}` }, { AbnormalEventId: 2017, PeerId: `peer${i % 2}` }],
    EventTime: (start + 3600 + 600 + i * 13) * 1000 + (i % 1000)
  })),
  { UserId: "edge1", ExperienceId: 2, RoomId: "room_0", AbnormalEventList: [{ AbnormalEventId: 1015, PeerId: "" }], EventTime: (start + 3600) * 1000 },
  { UserId: "edge2", ExperienceId: 3, RoomId: "room_1", AbnormalEventList: [], EventTime: (start + 7200) * 1000 + 999 },
  { UserId: "after", ExperienceId: 5, RoomId: "room_0", AbnormalEventList: [], EventTime: (end + 1) * 1000 }
]

interface Server {
  readonly url: string
  /** The JSON bodies received, in order. */
  readonly bodies: Array<Record<string, unknown>>
}

/** The API's behaviour as the SDK models describe it, over a fixed list (stored newest first). */
const answer = (body: Record<string, unknown>): unknown => {
  const startTime = body["StartTime"] as number
  const endTime = body["EndTime"] as number
  const roomId = body["RoomId"] as string | undefined
  if (endTime - startTime > 3600) {
    return { Response: { Error: { Code: "InvalidParameter.QueryScaleOversize", Message: "query period over 1 hour" }, RequestId: "r-big" } }
  }
  const found = [...experiences].reverse().filter((x) => {
    const second = Math.floor(x.EventTime / 1000)
    return second >= startTime && second <= endTime && (roomId === undefined || x.RoomId === roomId)
  }).slice(0, cap)
  return { Response: { Total: found.length, AbnormalExperienceList: found, RequestId: `r-${startTime}-${endTime}` } }
}

const serve: Effect.Effect<Server, never, Scope.Scope> = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly bodies: Array<Record<string, unknown>> }>((resume) => {
    const bodies: Array<Record<string, unknown>> = []
    const server = Http.createServer((request, response) => {
      let text = ""
      request.setEncoding("utf8").on("data", (d: string) => void (text += d)).on("end", () => {
        const body = JSON.parse(text) as Record<string, unknown>
        bodies.push(body)
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify(
          request.headers["x-tc-action"] === "DescribeUnusualEvent"
            ? answer(body)
            : { Response: { Error: { Code: "InvalidAction", Message: "not served here" }, RequestId: "r-x" } }
        ))
      })
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, bodies })))
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map(({ bodies, server }) => ({ url: `http://127.0.0.1:${(server.address() as AddressInfo.AddressInfo).port}`, bodies })))

const trtcLayer = (url: string) =>
  Trtc.layer({ endpoint: url, rps: 0, retry: false }).pipe(
    Layer.provide(Layer.merge(Credentials.layerStatic({ secretId: "AKIDUNUSUAL000000000000000000000000", secretKey: "unusualSecretKey0123456789abcdef" }), NodeHttpClient.layerUndici))
  )

describe("DescribeUnusualEvent", () => {
  it.scopedLive("describeUnusualEvent sends the SDK's request keys and decodes its answer", () =>
    atPinnedNow(Effect.gen(function*() {
      const server = yield* serve
      const trtc = Context.get(yield* Layer.build(trtcLayer(server.url)), Trtc.Trtc)
      const response = yield* trtc.describeUnusualEvent(
        new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: start + 3600, endTime: start + 7200, roomId: "room_busy" })
      )
      assert.deepStrictEqual(server.bodies, [{ SdkAppId: sdkAppId, StartTime: start + 3600, EndTime: start + 7200, RoomId: "room_busy" }])
      // The server caps an answer at 20, newest first.
      assert.strictEqual(response.total, cap)
      assert.strictEqual(response.abnormalExperienceList.length, cap)
      const first = response.abnormalExperienceList[0]!
      assert.instanceOf(first, Models.AbnormalExperience)
      assert.strictEqual(first.roomId, "room_busy")
      assert.strictEqual(first.eventTimeMs, experiences[54]!.EventTime)
      assert.deepStrictEqual(first.abnormalEventList.map((e) => [e.abnormalEventId, e.peerId]), [[2024, "peer0"], [2017, "peer0"]])
    })))

  it.scopedLive("a window over 1 h or an empty roomId is refused before sending, naming the field", () =>
    atPinnedNow(Effect.gen(function*() {
      const server = yield* serve
      const trtc = Context.get(yield* Layer.build(trtcLayer(server.url)), Trtc.Trtc)
      const tooLong = yield* Effect.flip(trtc.describeUnusualEvent(new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: start, endTime: start + 3601 })))
      assert.strictEqual(tooLong._tag, "RequestValidationError")
      assert.strictEqual(tooLong._tag === "RequestValidationError" ? tooLong.field : "", "endTime")
      assert.include(tooLong.message, "1 h")
      const emptyRoom = yield* Effect.flip(trtc.describeUnusualEvent(new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: start, endTime: start + 60, roomId: " " })))
      assert.strictEqual(emptyRoom._tag === "RequestValidationError" ? emptyRoom.field : "", "roomId")
      assert.strictEqual(server.bodies.length, 0)
    })))

  it.scopedLive("TrtcStream.unusualEvents returns every experience of the period once, by time, with the catalogue's words", () =>
    atPinnedNow(Effect.gen(function*() {
      const server = yield* serve
      const progress = yield* TrtcStream.Progress.make
      const got = yield* Stream.runCollect(TrtcStream.unusualEvents(sdkAppId, { start, end }, undefined, { minSpanSeconds: 1 })).pipe(
        Effect.provide(trtcLayer(server.url)),
        Effect.provideService(TrtcStream.Progress, progress)
      )
      const rows = Chunk.toReadonlyArray(got)
      // Expected: what the test put in the server within the period's whole seconds.
      const expected = experiences
        .filter((x) => Math.floor(x.EventTime / 1000) >= start && Math.floor(x.EventTime / 1000) <= end)
        .map((x) => `${x.EventTime}/${x.RoomId}/${x.UserId}/${x.ExperienceId}`)
        .sort()
      assert.strictEqual(rows.length, expected.length)
      assert.deepStrictEqual(rows.map((x) => `${x.timeMs}/${x.roomId}/${x.userId}/${x.experienceId}`).sort(), expected)
      for (let i = 1; i < rows.length; i++) assert.isTrue(rows[i - 1]!.timeMs <= rows[i]!.timeMs, `ordered by time at ${i}`)
      // Each request stayed within the action's 1 h and the busy hour was asked again narrower.
      for (const body of server.bodies) assert.isAtMost((body["EndTime"] as number) - (body["StartTime"] as number), 3600)
      const counts = yield* progress.snapshot
      assert.isAbove(counts.bisections, 0)
      assert.strictEqual(counts.requests, server.bodies.length)
      assert.strictEqual(counts.unusualEvents, rows.length)
      const busy = rows.find((x) => x.roomId === "room_busy")!
      assert.strictEqual(busy.description, EventCatalogue.describeExperience(4))
      assert.strictEqual(busy.description, "Video lagged")
      assert.deepStrictEqual(busy.events.map((e) => e.description), ["The downstream big image lagged", "The packet loss rate of downstream big image was too high"])
      assert.strictEqual(busy.sdkAppId, sdkAppId)
    })))

  it.scopedLive("a roomId narrows the stream to that room", () =>
    atPinnedNow(Effect.gen(function*() {
      const server = yield* serve
      const got = yield* Stream.runCollect(TrtcStream.unusualEvents(sdkAppId, { start, end }, "room_1")).pipe(Effect.provide(trtcLayer(server.url)))
      const rows = Chunk.toReadonlyArray(got)
      assert.deepStrictEqual(
        rows.map((x) => x.userId),
        experiences.filter((x) => x.RoomId === "room_1" && x.EventTime <= end * 1000).sort((a, b) => a.EventTime - b.EventTime).map((x) => x.UserId)
      )
      for (const body of server.bodies) assert.strictEqual(body["RoomId"], "room_1")
    })))

  it("the catalogue names unknown ids instead of failing", () => {
    assert.strictEqual(EventCatalogue.describeExperience(9), "Unknown experience exception 9")
    assert.strictEqual(EventCatalogue.describeAbnormalEvent(1005), "Failed to enter room")
    assert.strictEqual(EventCatalogue.describeAbnormalEvent(3001), "Unknown abnormal event 3001")
  })

  it("the declaration's limits are the SDK's", () => {
    const declaration = Models.declarations.DescribeUnusualEvent
    assert.strictEqual(declaration.maxSpanSeconds, 3600)
    assert.deepStrictEqual(declaration.paging, { style: "capped", maxRows: 20 })
    assert.strictEqual(declaration.retentionDays, 14)
    assert.isTrue(Either.isRight(Models.validateDescribeUnusualEvent(new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: start, endTime: start + 3600 }))))
  })
})
