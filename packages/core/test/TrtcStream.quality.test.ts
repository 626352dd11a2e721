import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Models from "../src/Models.js"
import * as Trtc from "../src/Trtc.js"
import * as TrtcStream from "../src/TrtcStream.js"
import { atPinnedNow, pinnedOptions, pinnedSeconds } from "./pinnedTime.js"

const key = Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey })

const trtcLayer = (emulator: Emulator.Instance) =>
  Trtc.layer({ endpoint: emulator.url, rps: 0, retry: { baseDelay: "5 millis", maxDelay: "50 millis", maxRetries: 10 } }).pipe(
    Layer.provide(Layer.merge(key, NodeHttpClient.layerUndici))
  )

type Point = TrtcStream.QualityPoint

const pointKey = (p: Point) => `${p.userId}/${p.peerId}/${p.dataType}/${p.time}`

/**
 * What `callQuality` must yield, from the data set's own functions and the emulator's
 * documented answer: per 1 h window (sharing edges), the sessions overlapping it paged
 * `pageSize` at a time; per page its users, per user each metric's upstream series then, for
 * downstream metrics, one series per peer; the first sighting of each point kept.
 */
const expectedQuality = (
  dataSet: DataSet.DataSet,
  room: DataSet.Room,
  sdkAppId: number,
  dataTypes: ReadonlyArray<string>,
  range: TrtcStream.Period,
  pageSize: number
): Array<Point> => {
  const seen = new Set<string>()
  const out: Array<Point> = []
  const push = (userId: string, peerId: string, dataType: string, content: ReadonlyArray<{ time: number; value: number }>) => {
    for (const { time, value } of content) {
      const p: Point = { sdkAppId, commId: room.commId, roomId: room.roomId, userId, peerId, dataType, time, value }
      if (seen.has(pointKey(p))) continue
      seen.add(pointKey(p))
      out.push(p)
    }
  }
  for (let start = range.start; start < range.end; start += 3_600) {
    const end = Math.min(start + 3_600, range.end)
    const sessions = DataSet.sessionsInWindow(room, start, end)
    for (let page = 0; page * pageSize < sessions.length; page++) {
      const users = [...new Set(sessions.slice(page * pageSize, (page + 1) * pageSize).map((s) => s.userId))]
      for (const userId of users) {
        const peers = DataSet.qualityPeers(room, userId, start, end)
        for (const dataType of dataTypes) {
          push(userId, "", dataType, DataSet.qualitySeries(dataSet, room, userId, dataType, start, end))
          if (!DataSet.isDownstreamDataType(dataType)) continue
          for (const peerId of peers) push(userId, peerId, dataType, DataSet.qualitySeries(dataSet, room, userId, dataType, start, end, peerId))
        }
      }
    }
  }
  return out
}

/** The same points computed over the whole range at once (no windows, no pages), unordered. */
const wholeRange = (dataSet: DataSet.DataSet, room: DataSet.Room, dataTypes: ReadonlyArray<string>, range: TrtcStream.Period) => {
  const out = new Map<string, number>()
  for (const userId of new Set(DataSet.sessionsInWindow(room, range.start, range.end).map((s) => s.userId))) {
    for (const dataType of dataTypes) {
      const peers = DataSet.isDownstreamDataType(dataType) ? ["", ...DataSet.qualityPeers(room, userId, range.start, range.end)] : [""]
      for (const peerId of peers) {
        for (const { time, value } of DataSet.qualitySeries(dataSet, room, userId, dataType, range.start, range.end, peerId)) {
          out.set(`${userId}/${peerId}/${dataType}/${time}`, value)
        }
      }
    }
  }
  return out
}

const run = (emulator: Emulator.Instance, call: TrtcStream.CallRef, dataTypes: ReadonlyArray<string>, period?: TrtcStream.Period, options?: TrtcStream.Options) =>
  Effect.gen(function*() {
    const progress = yield* TrtcStream.Progress.make
    const points = yield* Stream.runCollect(TrtcStream.callQuality(call, dataTypes, period, options)).pipe(
      Effect.provide(trtcLayer(emulator)),
      Effect.provideService(TrtcStream.Progress, progress)
    )
    return { points: Chunk.toArray(points), counts: yield* progress.snapshot }
  })

const callOf = (room: DataSet.Room): TrtcStream.CallRef => ({
  sdkAppId: Emulator.defaultSdkAppId,
  commId: room.commId,
  roomId: room.roomId,
  createTime: room.createTime,
  destroyTime: room.destroyTime,
  isFinished: room.isFinished
})

/** The finished call within retention that lasts longest (and over `minSpan`). */
const longCall = (dataSet: DataSet.DataSet, minSpan: number) => {
  const now = pinnedSeconds()
  const rooms = dataSet.apps[0]!.rooms
    .filter((r) => r.isFinished && r.destroyTime - r.createTime > minSpan && r.createTime > now - 13 * 86_400)
    .sort((a, b) => b.sessions.length - a.sessions.length || b.destroyTime - a.destroyTime)
  assert.isAbove(rooms.length, 0, "the data set has a long call")
  return rooms[0]!
}

const dataTypes = ["bigvCapFps", "aLoss"] as const

describe("TrtcStream.callQuality against the emulator", () => {
  it.scopedLive("a call over 1 h: the data set's points, each once, window then page order, over several windows and pages", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ seed: 11, roomsPerApp: 12, usersPerRoom: { min: 7, max: 9 }, rps: 0 }))
      const room = longCall(emulator.dataSet, 3 * 3_600)
      // More sessions than one page of 6 holds.
      assert.isAbove(room.sessions.length, Models.maxPageSizeWithDataType)
      // 2.5 h of the call: three windows, the edges inside the call.
      const period = { start: room.createTime + 1_001, end: room.createTime + 1_001 + 9_000 }
      const expected = expectedQuality(emulator.dataSet, room, Emulator.defaultSdkAppId, dataTypes, period, Models.maxPageSizeWithDataType)
      const { counts, points } = yield* run(emulator, callOf(room), dataTypes, period, { concurrency: 3 })
      assert.isAbove(expected.length, 1_000)
      assert.deepStrictEqual(points, expected)
      assert.strictEqual(new Set(points.map(pointKey)).size, points.length)
      // Every point the data set has in the period, computed without windows or pages.
      const whole = wholeRange(emulator.dataSet, room, dataTypes, period)
      assert.strictEqual(points.length, whole.size)
      assert.isTrue(points.every((p) => whole.get(pointKey(p)) === p.value))
      assert.sameMembers([...new Set(points.map((p) => p.dataType))], [...dataTypes])
      assert.isTrue(points.some((p) => p.peerId !== ""), "downstream series of aLoss")
      assert.isTrue(points.every((p) => p.time >= period.start && p.time <= period.end))
      // A sample on a shared window edge was sent by both windows and is yielded once.
      assert.isTrue(points.some((p) => p.time === period.start + 3_600 || p.time === period.start + 7_200))
      assert.strictEqual(counts.windows, 3)
      assert.strictEqual(counts.points, points.length)
      assert.isAbove(counts.pages, counts.windows, "several pages per window")
      assert.strictEqual(counts.requests, counts.pages)
      const sent = (yield* emulator.requests).filter((r) => r.action === "DescribeCallDetailInfo")
      assert.strictEqual(sent.length, counts.requests)
      for (const r of sent) {
        const params = r.params as Record<string, unknown>
        assert.strictEqual(r.status, 200)
        assert.isAtMost(Number(params.EndTime) - Number(params.StartTime), Models.maxSpanSeconds.DescribeCallDetailInfoWithDataType)
        assert.isAtMost(Number(params.PageSize), Models.maxPageSizeWithDataType)
      }
      // The order does not depend on concurrency.
      const sequential = yield* run(emulator, callOf(room), dataTypes, period, { concurrency: 1 })
      assert.deepStrictEqual(sequential.points, points)
    })))

  it.scopedLive("a whole call (no period) with small pages: the same points as the data set", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ seed: 11, roomsPerApp: 40, usersPerRoom: { min: 2, max: 5 }, rps: 0 }))
      const room = longCall(emulator.dataSet, 3_600)
      const range = { start: room.createTime, end: room.destroyTime }
      const { counts, points } = yield* run(emulator, callOf(room), dataTypes, undefined, { pageSize: 2 })
      assert.deepStrictEqual(points, expectedQuality(emulator.dataSet, room, Emulator.defaultSdkAppId, dataTypes, range, 2))
      assert.strictEqual(points.length, wholeRange(emulator.dataSet, room, dataTypes, range).size)
      assert.isAtLeast(counts.windows, 2)
      assert.isTrue(points.every((p) => p.commId === room.commId && p.roomId === room.roomId && p.sdkAppId === Emulator.defaultSdkAppId))
    })))
})
