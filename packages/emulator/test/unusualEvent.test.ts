/**
 * `DescribeUnusualEvent` over HTTP: the answer from the data set, at most 20 experiences, the
 * RoomId filter, room-dismissal causes only once the call is over, its parameter errors, its
 * own rate-limit window and faults. The clock is frozen at a pinned instant.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as DataSet from "../src/DataSet.js"
import * as Emulator from "../src/Emulator.js"
import { appId, call, codeOf, raw, response } from "./support.js"

// 2025-11-25T06:40:00Z, as core's pinned tests.
const anchor = 1764052800
const t0 = anchor - 3 * 3600
const action = "DescribeUnusualEvent"

const session = (userId: string, joinTs: number, leaveTs: number, abnormal: ReadonlyArray<DataSet.AbnormalExperience>, finished = true): DataSet.Session => ({
  userId,
  joinTs,
  leaveTs,
  finished,
  deviceType: "ios",
  sdkVersion: "11.5",
  clientIp: "10.0.0.1",
  events: [],
  abnormal
})

const experience = (experienceId: number, eventTime: number, ...events: ReadonlyArray<readonly [number, string]>): DataSet.AbnormalExperience => ({
  experienceId,
  eventTime,
  events: events.map(([abnormalEventId, peerId]) => ({ abnormalEventId, peerId }))
})

// r1 (finished): alice entered slowly (a room-dismissal cause) and saw bob's video lag; bob's
// audio lagged 25 times in four minutes. r2 (running at the anchor): carol's camera failed
// (known only once r2 is dismissed) and her CPU was too high.
const dataSet: DataSet.DataSet = {
  seed: 0,
  anchor,
  apps: [{
    sdkAppId: appId,
    rooms: [
      {
        roomId: "r1",
        commId: `${appId}_r1_${t0}`,
        createTime: t0,
        destroyTime: t0 + 7200,
        isFinished: true,
        creatorUserId: "alice",
        sessions: [
          session("alice", t0, t0 + 1800, [experience(1, t0 + 5, [1013, ""]), experience(4, t0 + 600, [2024, "bob"], [2001, ""])]),
          session("bob", t0 + 60, t0 + 7200, Array.from({ length: 25 }, (_, i) => experience(5, t0 + 100 + 10 * i, [2023, "alice"])))
        ]
      },
      {
        roomId: "r2",
        commId: `${appId}_r2_${anchor - 600}`,
        createTime: anchor - 600,
        destroyTime: anchor,
        isFinished: false,
        creatorUserId: "carol",
        sessions: [session("carol", anchor - 600, anchor, [experience(2, anchor - 597, [1015, ""]), experience(4, anchor - 300, [2001, ""])], false)]
      }
    ]
  }]
}
const [r1, r2] = dataSet.apps[0]!.rooms as [DataSet.Room, DataSet.Room]

interface Answer {
  readonly Total: number
  readonly AbnormalExperienceList: ReadonlyArray<{
    readonly UserId: string
    readonly ExperienceId: number
    readonly RoomId: string
    readonly EventTime: number
    readonly AbnormalEventList: ReadonlyArray<{ readonly AbnormalEventId: number; readonly PeerId: string }>
  }>
}

// The wire form of what the data set holds, in the emulator's order.
const wire = (found: ReadonlyArray<DataSet.AbnormalFound>): Answer["AbnormalExperienceList"] =>
  found.map(({ abnormal, room, session }) => ({
    UserId: session.userId,
    ExperienceId: abnormal.experienceId,
    RoomId: room.roomId,
    AbnormalEventList: abnormal.events.map((e) => ({ AbnormalEventId: e.abnormalEventId, PeerId: e.peerId })),
    EventTime: abnormal.eventTime
  }))

// The frozen clock set to an exact second over the admin API.
const setNow = (emulator: Emulator.Instance, seconds: number) =>
  Effect.promise(async () => {
    const reply = await raw(emulator.url, "POST", "/_admin/clock", { "Content-Type": "application/json" }, JSON.stringify({ freeze: true, nowSeconds: seconds }))
    assert.strictEqual((JSON.parse(reply.text) as { nowSeconds: number }).nowSeconds, seconds)
  })

const start = (options: Emulator.Options = {}) =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet, clockOffsetSeconds: anchor - Date.now() / 1000, ...options })
    yield* setNow(emulator, anchor)
    return emulator
  })

const now = (emulator: Emulator.Instance) => Effect.map(emulator.now, (ms) => Math.floor(ms / 1000))

const ask = (emulator: Emulator.Instance, params: Record<string, unknown>, method: "GET" | "POST" = "POST") =>
  Effect.gen(function* () {
    const timestamp = yield* now(emulator)
    const query = method === "GET" ? new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString() : undefined
    return yield* Effect.promise(() => call(emulator, params, { action, timestamp, method, ...(query === undefined ? {} : { query }) }))
  })

const answer = (emulator: Emulator.Instance, params: Record<string, unknown>) =>
  Effect.map(ask(emulator, params), (reply) => {
    assert.isUndefined(codeOf(reply), reply.text)
    return response(reply) as unknown as Answer
  })

describe("DescribeUnusualEvent", () => {
  it.scoped("answers the app's abnormal experiences of the hour, at most 20, earliest first, in the SDK model's shape", () =>
    Effect.gen(function* () {
      const emulator = yield* start({ rps: 0 })
      const body = yield* answer(emulator, { SdkAppId: appId, StartTime: t0, EndTime: t0 + 3600 })
      // 27 in the hour: alice's two and bob's 25.
      assert.lengthOf(DataSet.abnormalInWindow(dataSet, appId, t0, t0 + 3600), 27)
      assert.strictEqual(body.Total, 20)
      assert.deepStrictEqual(body.AbnormalExperienceList, wire(DataSet.abnormalInWindow(dataSet, appId, t0, t0 + 3600).slice(0, 20)))
      assert.deepStrictEqual(body.AbnormalExperienceList[0], {
        UserId: "alice",
        ExperienceId: 1,
        RoomId: "r1",
        AbnormalEventList: [{ AbnormalEventId: 1013, PeerId: "" }],
        EventTime: t0 + 5
      })
      assert.deepStrictEqual(body.AbnormalExperienceList.slice(1).map((a) => a.EventTime), Array.from({ length: 19 }, (_, i) => t0 + 100 + 10 * i))
      // The same over GET, parameters in the query.
      const get = response(yield* ask(emulator, { SdkAppId: appId, StartTime: t0, EndTime: t0 + 3600 }, "GET")) as unknown as Answer
      assert.deepStrictEqual(get.AbnormalExperienceList, body.AbnormalExperienceList)
    }))

  it.scoped("filters by RoomId, and knows a room-dismissal cause only once its call is over", () =>
    Effect.gen(function* () {
      const emulator = yield* start({ rps: 0 })
      const later = yield* answer(emulator, { SdkAppId: appId, StartTime: t0 + 500, EndTime: t0 + 700, RoomId: "r1" })
      assert.deepStrictEqual(later.AbnormalExperienceList.map((a) => [a.UserId, a.ExperienceId, a.AbnormalEventList]), [
        ["alice", 4, [{ AbnormalEventId: 2024, PeerId: "bob" }, { AbnormalEventId: 2001, PeerId: "" }]]
      ])
      // r2 still runs: carol's failed camera (table 5.4) is not reported yet, her CPU (5.5) is.
      const running = yield* answer(emulator, { SdkAppId: appId, StartTime: anchor - 3600, EndTime: anchor, RoomId: r2.roomId })
      assert.strictEqual(running.Total, 1)
      assert.deepStrictEqual(running.AbnormalExperienceList, wire(DataSet.abnormalInWindow(dataSet, appId, anchor - 3600, anchor, { roomId: "r2" })))
      assert.deepStrictEqual(running.AbnormalExperienceList.map((a) => a.AbnormalEventList[0]!.AbnormalEventId), [2001])
      const none = yield* answer(emulator, { SdkAppId: appId, StartTime: anchor - 3600, EndTime: anchor, RoomId: "nowhere" })
      assert.deepStrictEqual([none.Total, none.AbnormalExperienceList], [0, []])
    }))

  it.scoped("progressive: experiences appear as the clock passes them, room-dismissal ones after the call", () =>
    Effect.gen(function* () {
      const emulator = yield* start({ rps: 0, progressive: true })
      const at = (seconds: number) => setNow(emulator, seconds)
      const params = { SdkAppId: appId, StartTime: t0, EndTime: t0 + 3600, RoomId: r1.roomId }
      yield* at(t0 + 150)
      // alice's slow entry (t0 + 5) has a table 5.4 cause: not known while r1 runs.
      const early = yield* answer(emulator, params)
      assert.deepStrictEqual(early.AbnormalExperienceList.map((a) => [a.UserId, a.EventTime]), [100, 110, 120, 130, 140, 150].map((d) => ["bob", t0 + d]))
      yield* at(r1.destroyTime)
      const over = yield* answer(emulator, params)
      assert.deepStrictEqual(over.AbnormalExperienceList[0]!.EventTime, t0 + 5)
      assert.strictEqual(over.Total, 20)
    }))

  it.scoped("answers each parameter error with the action's codes", () =>
    Effect.gen(function* () {
      const emulator = yield* start({ rps: 0 })
      const code = (params: Record<string, unknown>) => Effect.map(ask(emulator, params), codeOf)
      const base = { SdkAppId: appId, StartTime: anchor - 3600, EndTime: anchor }
      assert.isUndefined(yield* code(base))
      assert.strictEqual(yield* code({ StartTime: base.StartTime, EndTime: base.EndTime }), "MissingParameter.SdkAppId")
      assert.strictEqual(yield* code({ ...base, SdkAppId: "x" }), "InvalidParameter.SdkAppId")
      assert.strictEqual(yield* code({ ...base, SdkAppId: 1400999999 }), "InvalidParameter.SdkAppId")
      assert.strictEqual(yield* code({ SdkAppId: appId, EndTime: anchor }), "MissingParameter.StartTs")
      assert.strictEqual(yield* code({ SdkAppId: appId, StartTime: anchor - 10 }), "MissingParameter.EndTs")
      assert.strictEqual(yield* code({ ...base, StartTime: "yesterday" }), "InvalidParameter.StartTs")
      assert.strictEqual(yield* code({ ...base, EndTime: base.StartTime - 1 }), "InvalidParameter")
      assert.strictEqual(yield* code({ ...base, StartTime: anchor - 3601 }), "InvalidParameter.QueryScaleOversize")
      assert.strictEqual(yield* code({ ...base, StartTime: anchor - 15 * 86400, EndTime: anchor - 15 * 86400 + 10 }), "InvalidParameter.StartTsOversize")
      assert.strictEqual(yield* code({ ...base, RoomId: "" }), "InvalidParameter")
      assert.strictEqual(yield* code({ ...base, RoomId: ["r1"] }), "InvalidParameter")
      const message = (response(yield* ask(emulator, { ...base, StartTime: anchor - 7200 }))["Error"] as { Message: string }).Message
      assert.include(message, "at most 3600 s")
      const badQuery = yield* Effect.promise(() => call(emulator, undefined, { action, method: "GET", query: "SdkAppId=%zz", timestamp: anchor }))
      assert.strictEqual(codeOf(badQuery), "InvalidParameter.EncodeParams")
      // A 7-day plan: the other actions' StartTimeOversize is StartTimeExpire here.
      const seven = yield* start({ rps: 0, retentionDays: 7 })
      assert.strictEqual(codeOf(yield* ask(seven, { ...base, StartTime: anchor - 8 * 86400, EndTime: anchor - 8 * 86400 + 60 })), "InvalidParameter.StartTimeExpire")
      assert.isUndefined(codeOf(yield* ask(seven, { ...base, StartTime: anchor - 6 * 86400, EndTime: anchor - 6 * 86400 + 60 })))
    }))

  it.scoped("has its own 20 requests per second, and faults aimed at it", () =>
    Effect.gen(function* () {
      const emulator = yield* start({ faults: [{ action, when: { nth: 3 }, effect: { apiError: "InternalError.EsQueryError", message: "es down" } }] })
      const base = { SdkAppId: appId, StartTime: anchor - 3600, EndTime: anchor }
      const codes: Array<string | undefined> = []
      for (let i = 0; i < 21; i++) codes.push(codeOf(yield* ask(emulator, base)))
      assert.deepStrictEqual(codes, [undefined, undefined, "InternalError.EsQueryError", ...Array.from({ length: 17 }, () => undefined), "RequestLimitExceeded"])
      // Another action's window is its own.
      const rooms = yield* Effect.promise(() => call(emulator, base, { action: "DescribeRoomInfo", timestamp: anchor }))
      assert.isUndefined(codeOf(rooms))
      yield* setNow(emulator, anchor + 1)
      assert.isUndefined(codeOf(yield* ask(emulator, base)))
    }))
})
