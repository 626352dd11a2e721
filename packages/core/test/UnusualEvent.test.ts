// DescribeUnusualEvent end to end against the real emulator (`@effect-trtc/emulator`) over
// HTTP: typed, validated, in `Trtc.Service`, streamed over its 1 h windows. The emulator's data
// set is generated for the pinned "now" and every expectation comes from it
// (`DataSet.abnormalInWindow`, what the emulator answers from: the earliest 20 of a window).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as EventCatalogue from "../src/EventCatalogue.js"
import * as Models from "../src/Models.js"
import * as Trtc from "../src/Trtc.js"
import * as TrtcStream from "../src/TrtcStream.js"
import { atPinnedNow, generateAt, pinnedNow, pinnedOptions } from "./pinnedTime.js"

const sdkAppId = Emulator.defaultSdkAppId
const cap = 20

// 24 calls of 60 users each: dense enough that an hour holds more than one answer's 20
// experiences (checked below: the test fails loudly if the generator stops giving that).
const emulatorOptions = { seed: 11, usersPerRoom: { min: 60, max: 60 }, rps: 0 } as const
const dataSet = generateAt(emulatorOptions)

// Seven whole hours ending an hour before the pinned "now": every call in it is as recorded.
const start = pinnedNow - 8 * 3600
const end = pinnedNow - 3600
const hours = Array.from({ length: 7 }, (_, i) => ({ start: start + i * 3600, end: start + (i + 1) * 3600 }))

const found = (from: number, to: number, roomId?: string) => DataSet.abnormalInWindow(dataSet, sdkAppId, from, to, { roomId })
const busiest = hours.reduce((a, b) => (found(b.start, b.end).length > found(a.start, a.end).length ? b : a))

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** What the stream must yield for the data set's experiences: its records, in its order. */
const expectedRecords = (list: ReadonlyArray<DataSet.AbnormalFound>) =>
  list.map(({ abnormal, room, session }) => ({
    sdkAppId,
    roomId: room.roomId,
    userId: session.userId,
    experienceId: abnormal.experienceId,
    timeMs: abnormal.eventTime * 1000,
    events: abnormal.events.map((e) => ({ abnormalEventId: e.abnormalEventId, peerId: e.peerId }))
  })).sort((a, b) =>
    a.timeMs - b.timeMs || compareStrings(a.roomId, b.roomId) || compareStrings(a.userId, b.userId) || a.experienceId - b.experienceId)

const strip = (rows: ReadonlyArray<TrtcStream.UnusualEvent>) =>
  rows.map(({ description: _, events, ...rest }) => ({ ...rest, events: events.map(({ description: _d, ...e }) => e) }))

const key = Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey })
const trtcLayer = (emulator: Emulator.Instance) =>
  Trtc.layer({ endpoint: emulator.url, rps: 0, retry: false }).pipe(Layer.provide(Layer.merge(key, NodeHttpClient.layerUndici)))

const serve = Emulator.make(pinnedOptions({ ...emulatorOptions, dataSet }))

const unusualRequests = (emulator: Emulator.Instance) =>
  Effect.map(emulator.requests, (log) => log.filter((entry) => entry.action === "DescribeUnusualEvent"))

describe("DescribeUnusualEvent", () => {
  it("the data set has an hour holding more than one answer's cap", () => {
    assert.isAbove(found(busiest.start, busiest.end).length, cap)
  })

  it.scopedLive("describeUnusualEvent sends the SDK's request keys and decodes the emulator's answer (EventTime in Unix s)", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* serve
      const trtc = Context.get(yield* Layer.build(trtcLayer(emulator)), Trtc.Trtc)
      const response = yield* trtc.describeUnusualEvent(
        new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: busiest.start, endTime: busiest.end })
      )
      const log = yield* unusualRequests(emulator)
      assert.deepStrictEqual(log.map((entry) => [entry.status, entry.code, entry.params]), [[200, undefined, { SdkAppId: sdkAppId, StartTime: busiest.start, EndTime: busiest.end }]])
      // The answer holds the cap: the earliest 20 of the hour, as the data set has them.
      const expected = found(busiest.start, busiest.end).slice(0, cap)
      assert.strictEqual(response.total, cap)
      assert.deepStrictEqual(
        response.abnormalExperienceList.map((x) => ({
          userId: x.userId,
          experienceId: x.experienceId,
          roomId: x.roomId,
          eventTime: x.eventTime,
          events: x.abnormalEventList.map((e) => ({ abnormalEventId: e.abnormalEventId, peerId: e.peerId }))
        })),
        expected.map(({ abnormal, room, session }) => ({
          userId: session.userId,
          experienceId: abnormal.experienceId,
          roomId: room.roomId,
          eventTime: abnormal.eventTime,
          events: abnormal.events.map((e) => ({ abnormalEventId: e.abnormalEventId, peerId: e.peerId }))
        }))
      )
      assert.instanceOf(response.abnormalExperienceList[0], Models.AbnormalExperience)
      // Seconds, inside the hour asked (milliseconds would be 1000 times too large).
      for (const x of response.abnormalExperienceList) {
        assert.isAtLeast(x.eventTime, busiest.start)
        assert.isAtMost(x.eventTime, busiest.end)
      }
    })))

  it.scopedLive("a window over 1 h or an empty roomId is refused before sending, as a typed error naming the field", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* serve
      const trtc = Context.get(yield* Layer.build(trtcLayer(emulator)), Trtc.Trtc)
      const tooLong = yield* Effect.flip(trtc.describeUnusualEvent(new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: start, endTime: start + 3601 })))
      assert.strictEqual(tooLong._tag, "RequestValidationError")
      assert.strictEqual(tooLong._tag === "RequestValidationError" ? tooLong.field : "", "endTime")
      assert.include(tooLong.message, "1 h")
      const emptyRoom = yield* Effect.flip(trtc.describeUnusualEvent(new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: start, endTime: start + 60, roomId: " " })))
      assert.strictEqual(emptyRoom._tag === "RequestValidationError" ? emptyRoom.field : "", "roomId")
      assert.strictEqual((yield* unusualRequests(emulator)).length, 0)
    })))

  it.scopedLive("TrtcStream.unusualEvents returns every experience of the period once, by time, with the catalogue's words", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* serve
      const progress = yield* TrtcStream.Progress.make
      const got = yield* Stream.runCollect(TrtcStream.unusualEvents(sdkAppId, { start, end }, undefined, { minSpanSeconds: 1 })).pipe(
        Effect.provide(trtcLayer(emulator)),
        Effect.provideService(TrtcStream.Progress, progress)
      )
      const rows = Chunk.toReadonlyArray(got)
      const expected = expectedRecords(found(start, end))
      assert.isAbove(expected.length, cap * 2)
      assert.deepStrictEqual(strip(rows), expected)
      // Each once: an experience on a shared window edge is not repeated.
      assert.strictEqual(new Set(rows.map((x) => `${x.timeMs}/${x.roomId}/${x.userId}/${x.experienceId}`)).size, rows.length)
      // Each request stayed within the action's 1 h and the busy hour was asked again narrower.
      const log = yield* unusualRequests(emulator)
      for (const entry of log) {
        const params = entry.params as { readonly StartTime: number; readonly EndTime: number }
        assert.isAtMost(params.EndTime - params.StartTime, 3600)
      }
      const counts = yield* progress.snapshot
      assert.isAbove(counts.bisections, 0)
      assert.strictEqual(counts.requests, log.length)
      assert.strictEqual(counts.unusualEvents, rows.length)
      const first = rows[0]!
      assert.strictEqual(first.description, EventCatalogue.describeExperience(first.experienceId))
      assert.deepStrictEqual(first.events.map((e) => e.description), first.events.map((e) => EventCatalogue.describeAbnormalEvent(e.abnormalEventId)))
    })))

  it.scopedLive("a roomId narrows the stream to that room", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* serve
      // The room with the most experiences in the period.
      const perRoom = new Map<string, number>()
      for (const x of found(start, end)) perRoom.set(x.room.roomId, (perRoom.get(x.room.roomId) ?? 0) + 1)
      const [roomId, count] = [...perRoom].sort((a, b) => b[1] - a[1])[0]!
      assert.isBelow(count, found(start, end).length)
      const got = yield* Stream.runCollect(TrtcStream.unusualEvents(sdkAppId, { start, end }, roomId, { minSpanSeconds: 1 })).pipe(
        Effect.provide(trtcLayer(emulator))
      )
      assert.deepStrictEqual(strip(Chunk.toReadonlyArray(got)), expectedRecords(found(start, end, roomId)))
      for (const entry of yield* unusualRequests(emulator)) assert.strictEqual((entry.params as { readonly RoomId?: string }).RoomId, roomId)
    })))

  it("the catalogue names unknown ids instead of failing", () => {
    assert.strictEqual(EventCatalogue.describeExperience(4), "Video lagged")
    assert.strictEqual(EventCatalogue.describeExperience(9), "Unknown experience exception 9")
    assert.strictEqual(EventCatalogue.describeAbnormalEvent(1005), "Failed to enter room")
    assert.strictEqual(EventCatalogue.describeAbnormalEvent(2024), "The downstream big image lagged")
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
