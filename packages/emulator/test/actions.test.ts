import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as DataSet from "../src/DataSet.js"
import { appId, call, codeOf, response, tinyDataSet } from "./support.js"

const now = Math.floor(Date.now() / 1000)
const data = tinyDataSet(now)
const r1 = data.apps[0]!.rooms[0]!
const t0 = r1.createTime

const ask = (emulator: Emulator.Instance, action: string, params: Record<string, unknown>) =>
  Effect.promise(() => call(emulator, params, { action }))

const codeFor = (emulator: Emulator.Instance, action: string, params: Record<string, unknown>) =>
  Effect.map(ask(emulator, action, params), codeOf)

layer(Emulator.layer({ dataSet: data, rps: 0 }))("actions", (it) => {
  describe("DescribeRoomInfo", () => {
    const base = { SdkAppId: appId, StartTime: now - 86400, EndTime: now }

    it.effect("lists the rooms alive in the period, oldest first, with RoomState fields", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const body = response(yield* ask(emulator, "DescribeRoomInfo", base))
        assert.strictEqual(body["Total"], 2)
        assert.deepStrictEqual((body["RoomList"] as Array<unknown>)[0], {
          CommId: r1.commId,
          RoomString: "r1",
          CreateTime: t0,
          DestroyTime: t0 + 7200,
          IsFinished: true,
          UserId: "alice"
        })
        const byRoom = response(yield* ask(emulator, "DescribeRoomInfo", { ...base, RoomId: "房间_2" }))
        assert.deepStrictEqual((byRoom["RoomList"] as Array<{ RoomString: string }>).map((r) => r.RoomString), ["房间_2"])
        const old = response(yield* ask(emulator, "DescribeRoomInfo", { ...base, StartTime: now - 10 * 86400 - 100, EndTime: now - 10 * 86400 + 100 }))
        assert.deepStrictEqual((old["RoomList"] as Array<{ RoomString: string }>).map((r) => r.RoomString), ["old"])
      }))

    it.effect("pages from 0", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const first = response(yield* ask(emulator, "DescribeRoomInfo", { ...base, PageNumber: 0, PageSize: 1 }))
        const second = response(yield* ask(emulator, "DescribeRoomInfo", { ...base, PageNumber: 1, PageSize: 1 }))
        const third = response(yield* ask(emulator, "DescribeRoomInfo", { ...base, PageNumber: 2, PageSize: 1 }))
        assert.strictEqual((first["RoomList"] as Array<{ RoomString: string }>)[0]!.RoomString, "r1")
        assert.strictEqual((second["RoomList"] as Array<{ RoomString: string }>)[0]!.RoomString, "房间_2")
        assert.deepStrictEqual(third["RoomList"], [])
        assert.strictEqual(third["Total"], 0)
      }))

    it.effect("answers each parameter error", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const code = (params: Record<string, unknown>) => codeFor(emulator, "DescribeRoomInfo", params)
        assert.strictEqual(yield* code({ StartTime: base.StartTime, EndTime: now }), "MissingParameter.SdkAppId")
        assert.strictEqual(yield* code({ ...base, SdkAppId: "x" }), "InvalidParameter.SdkAppId")
        assert.strictEqual(yield* code({ ...base, SdkAppId: 1400999999 }), "InvalidParameter.SdkAppId")
        assert.strictEqual(yield* code({ SdkAppId: appId, EndTime: now }), "MissingParameter.StartTs")
        assert.strictEqual(yield* code({ SdkAppId: appId, StartTime: now - 10 }), "MissingParameter.EndTs")
        assert.strictEqual(yield* code({ ...base, StartTime: "yesterday" }), "InvalidParameter.StartTs")
        assert.strictEqual(yield* code({ ...base, EndTime: -1 }), "InvalidParameter.EndTs")
        assert.strictEqual(yield* code({ ...base, EndTime: base.StartTime - 1 }), "InvalidParameter.EndTs")
        assert.strictEqual(yield* code({ ...base, StartTime: now - 86401 }), "InvalidParameter.QueryScaleOversize")
        assert.strictEqual(yield* code({ ...base, StartTime: now - 15 * 86400, EndTime: now - 15 * 86400 + 10 }), "InvalidParameter.StartTsOversize")
        assert.strictEqual(yield* code({ ...base, PageNumber: -1 }), "InvalidParameter.PageNumber")
        assert.strictEqual(yield* code({ ...base, PageSize: 0 }), "InvalidParameter.PageSize")
        assert.strictEqual(yield* code({ ...base, PageSize: 101 }), "InvalidParameter.PageSizeOversize")
        assert.isUndefined(yield* code({ ...base, PageSize: 100 }))
        assert.strictEqual(yield* code({ ...base, RoomId: "" }), "MissingParameter.RoomNum")
      }))
  })

  describe("DescribeUserInfo", () => {
    const base = { SdkAppId: appId, CommId: r1.commId, StartTime: t0, EndTime: t0 + 4 * 3600 }

    it.effect("lists one entry per session, a rejoining user twice", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const body = response(yield* ask(emulator, "DescribeUserInfo", base))
        const users = body["UserList"] as Array<Record<string, unknown>>
        assert.deepStrictEqual(users.map((u) => [u["UserId"], u["JoinTs"]]), [["alice", t0], ["bob", t0 + 60], ["alice", t0 + 3600]])
        assert.deepStrictEqual(users[0], {
          RoomStr: "r1",
          UserId: "alice",
          JoinTs: t0,
          LeaveTs: t0 + 1800,
          DeviceType: "ios",
          SdkVersion: "11.5",
          ClientIp: "10.0.0.1",
          Finished: true
        })
        const bob = response(yield* ask(emulator, "DescribeUserInfo", { ...base, UserIds: ["bob"] }))
        assert.deepStrictEqual((bob["UserList"] as Array<{ UserId: string }>).map((u) => u.UserId), ["bob"])
        const paged = response(yield* ask(emulator, "DescribeUserInfo", { ...base, PageNumber: 1, PageSize: 2 }))
        assert.deepStrictEqual((paged["UserList"] as Array<{ JoinTs: number }>).map((u) => u.JoinTs), [t0 + 3600])
        const unknown = response(yield* ask(emulator, "DescribeUserInfo", { ...base, CommId: `${appId}_nope_1` }))
        assert.deepStrictEqual(unknown["UserList"], [])
      }))

    it.effect("answers each parameter error", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const code = (params: Record<string, unknown>) => codeFor(emulator, "DescribeUserInfo", params)
        assert.strictEqual(yield* code({ StartTime: t0, EndTime: t0 + 10 }), "MissingParameter.CommIdOrSdkAppId")
        assert.strictEqual(yield* code({ SdkAppId: appId, StartTime: t0, EndTime: t0 + 10 }), "MissingParameter.CommId")
        assert.strictEqual(yield* code({ CommId: r1.commId, StartTime: t0, EndTime: t0 + 10 }), "MissingParameter.SdkAppId")
        assert.strictEqual(yield* code({ ...base, CommId: 12 }), "InvalidParameter")
        assert.strictEqual(yield* code({ ...base, EndTime: t0 + 4 * 3600 + 1 }), "InvalidParameter.QueryScaleOversize")
        assert.strictEqual(yield* code({ ...base, EndTime: t0 - 1 }), "InvalidParameter")
        assert.strictEqual(yield* code({ ...base, UserIds: "alice" }), "InvalidParameter")
        assert.strictEqual(yield* code({ ...base, UserIds: [""] }), "InvalidParameter")
        assert.strictEqual(yield* code({ ...base, UserIds: Array.from({ length: 101 }, (_, i) => `u${i}`) }), "InvalidParameter")
        assert.isUndefined(yield* code({ ...base, UserIds: Array.from({ length: 100 }, (_, i) => `u${i}`) }))
      }))

    it.scoped("counts Total per page or over all matches", () =>
      Effect.gen(function* () {
        const grand = yield* Emulator.make({ dataSet: data, total: "grand" })
        const body = response(yield* ask(grand, "DescribeUserInfo", { ...base, PageSize: 1 }))
        assert.strictEqual(body["Total"], 3)
        assert.strictEqual((body["UserList"] as Array<unknown>).length, 1)
        const emulator = yield* Emulator.Emulator
        assert.strictEqual(response(yield* ask(emulator, "DescribeUserInfo", { ...base, PageSize: 1 }))["Total"], 1)
      }))
  })

  describe("DescribeCallDetailInfo", () => {
    const base = { SdkAppId: appId, CommId: r1.commId, StartTime: t0, EndTime: t0 + 20 }

    it.effect("gives the user list, and a series every 2 s per user and DataType", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const plain = response(yield* ask(emulator, "DescribeCallDetailInfo", base))
        assert.deepStrictEqual(plain["Data"], [])
        assert.strictEqual((plain["UserList"] as Array<unknown>).length, 1)
        const body = response(yield* ask(emulator, "DescribeCallDetailInfo", { ...base, EndTime: t0 + 70, DataType: ["bigvCapFps", "rtt"] }))
        const series = body["Data"] as Array<{ UserId: string; PeerId: string; DataType: string; Content: Array<{ Time: number; Value: number }> }>
        assert.deepStrictEqual(series.map((s) => [s.UserId, s.DataType]), [["alice", "bigvCapFps"], ["alice", "rtt"], ["bob", "bigvCapFps"], ["bob", "rtt"]])
        assert.strictEqual(series[0]!.PeerId, "")
        assert.deepStrictEqual(series[0]!.Content.map((p) => p.Time), Array.from({ length: 36 }, (_, i) => t0 + 2 * i))
        assert.deepStrictEqual(series[2]!.Content.map((p) => p.Time), [t0 + 60, t0 + 62, t0 + 64, t0 + 66, t0 + 68, t0 + 70])
        assert.deepStrictEqual(
          series[1]!.Content,
          DataSet.qualitySeries(data, r1, "alice", "rtt", t0, t0 + 70).map((p) => ({ Time: p.time, Value: p.value }))
        )
        const all = response(yield* ask(emulator, "DescribeCallDetailInfo", { ...base, DataType: ["all"], UserIds: ["alice"] }))
        assert.strictEqual((all["Data"] as Array<unknown>).length, 17)
      }))

    it.effect("adds a downstream series per remote user (PeerId) for downstream metrics, only while both are in the call", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        // alice is in from t0, bob from t0 + 60: alice receives bob from t0 + 60, bob receives alice throughout.
        const body = response(yield* ask(emulator, "DescribeCallDetailInfo", { ...base, StartTime: t0 + 50, EndTime: t0 + 70, DataType: ["aBit", "rtt"] }))
        const series = body["Data"] as Array<{ UserId: string; PeerId: string; DataType: string; Content: Array<{ Time: number; Value: number }> }>
        assert.deepStrictEqual(series.map((s) => [s.UserId, s.DataType, s.PeerId]), [
          ["alice", "aBit", ""],
          ["alice", "aBit", "bob"],
          ["alice", "rtt", ""],
          ["bob", "aBit", ""],
          ["bob", "aBit", "alice"],
          ["bob", "rtt", ""]
        ])
        assert.deepStrictEqual(series[0]!.Content.map((p) => p.Time), [t0 + 50, t0 + 52, t0 + 54, t0 + 56, t0 + 58, t0 + 60, t0 + 62, t0 + 64, t0 + 66, t0 + 68, t0 + 70])
        assert.deepStrictEqual(series[1]!.Content.map((p) => p.Time), [t0 + 60, t0 + 62, t0 + 64, t0 + 66, t0 + 68, t0 + 70])
        assert.deepStrictEqual(series[4]!.Content.map((p) => p.Time), [t0 + 60, t0 + 62, t0 + 64, t0 + 66, t0 + 68, t0 + 70])
        assert.deepStrictEqual(
          series[1]!.Content,
          DataSet.qualitySeries(data, r1, "alice", "aBit", t0 + 50, t0 + 70, "bob").map((p) => ({ Time: p.time, Value: p.value }))
        )
        for (const point of series[1]!.Content) assert.strictEqual(point.Value, DataSet.quality(data, r1, "alice", "aBit", point.Time, "bob"))
        // The downstream series is its own curve, not a copy of the upstream one.
        assert.notDeepEqual(series[1]!.Content.map((p) => p.Value), series[0]!.Content.slice(5).map((p) => p.Value))
        assert.deepStrictEqual(DataSet.qualityPeers(r1, "alice", t0 + 50, t0 + 70), ["bob"])
        assert.deepStrictEqual(DataSet.qualityPeers(r1, "alice", t0, t0 + 59), [])
        // Before bob joins, alice has nobody to receive from: upstream only.
        const alone = response(yield* ask(emulator, "DescribeCallDetailInfo", { ...base, StartTime: t0, EndTime: t0 + 20, DataType: ["aBit"] }))
        assert.deepStrictEqual((alone["Data"] as Array<{ PeerId: string }>).map((s) => s.PeerId), [""])
      }))

    it.effect("limits the span, users and page size when DataType is set", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const code = (params: Record<string, unknown>) => codeFor(emulator, "DescribeCallDetailInfo", params)
        const typed = { ...base, DataType: ["aBit"] }
        assert.strictEqual(yield* code({ ...typed, EndTime: t0 + 3601 }), "InvalidParameter.QueryScaleOversize")
        assert.isUndefined(yield* code({ ...typed, EndTime: t0 + 3600 }))
        assert.isUndefined(yield* code({ ...base, EndTime: t0 + 14400 }))
        assert.strictEqual(yield* code({ ...base, EndTime: t0 + 14401 }), "InvalidParameter.QueryScaleOversize")
        assert.strictEqual(yield* code({ ...typed, UserIds: ["a", "b", "c", "d", "e", "f", "g"] }), "InvalidParameter.UserIdsMorethanSix")
        assert.strictEqual(yield* code({ ...typed, PageSize: 7 }), "InvalidParameter.PageSize")
        assert.strictEqual(yield* code({ ...typed, DataType: ["volume"] }), "InvalidParameter")
        assert.strictEqual(yield* code({ ...typed, DataType: [1] }), "InvalidParameter")
      }))
  })

  describe("DescribeUserEvent", () => {
    const base = { SdkAppId: appId, CommId: r1.commId, RoomId: "r1", UserId: "alice", StartTime: t0, EndTime: now }

    it.effect("groups the user's events by PeerId in time order, capped at the room's end", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const body = response(yield* ask(emulator, "DescribeUserEvent", base))
        const groups = body["Data"] as Array<{ PeerId: string; Content: Array<{ Time: number; EventId: number; Type: number; ParamOne: number; ParamTwo: number }> }>
        assert.deepStrictEqual(groups.map((g) => g.PeerId), ["alice", "bob"])
        assert.deepStrictEqual(groups[0]!.Content.map((e) => e.EventId), [5003, 5006, 5004, 5003, 5004])
        assert.deepStrictEqual(groups[1]!.Content, [{ Type: 2, Time: t0 * 1000 + 200, EventId: 5004, ParamOne: 1280, ParamTwo: 720 }])
        const times = groups[0]!.Content.map((e) => e.Time)
        assert.deepStrictEqual(times, [...times].sort((a, b) => a - b))
        const window = response(yield* ask(emulator, "DescribeUserEvent", { ...base, StartTime: t0 + 3600, EndTime: t0 + 3600 }))
        assert.deepStrictEqual((window["Data"] as Array<{ Content: Array<{ EventId: number }> }>).map((g) => g.Content.map((e) => e.EventId)), [[5003]])
        const other = response(yield* ask(emulator, "DescribeUserEvent", { ...base, RoomId: "r2" }))
        assert.deepStrictEqual(other["Data"], [])
      }))

    it.effect("answers each parameter error", () =>
      Effect.gen(function* () {
        const emulator = yield* Emulator.Emulator
        const code = (params: Record<string, unknown>) => codeFor(emulator, "DescribeUserEvent", params)
        const { SdkAppId: _a, ...noApp } = base
        const { CommId: _c, ...noComm } = base
        const { UserId: _u, ...noUser } = base
        const { RoomId: _r, ...noRoom } = base
        const { CommId: _c2, SdkAppId: _a2, ...neither } = base
        assert.strictEqual(yield* code(noApp), "MissingParameter.AppId")
        assert.strictEqual(yield* code(noComm), "MissingParameter.CommId")
        assert.strictEqual(yield* code(neither), "MissingParameter.CommIdOrSdkAppId")
        assert.strictEqual(yield* code(noUser), "MissingParameter.UserId")
        assert.strictEqual(yield* code(noRoom), "MissingParameter.RoomId")
        assert.strictEqual(yield* code({ ...base, UserId: "" }), "InvalidParameter.UserId")
        assert.strictEqual(yield* code({ ...base, RoomId: ["r1"] }), "InvalidParameter")
        assert.strictEqual(yield* code({ ...base, SdkAppId: 0 }), "InvalidParameter")
        assert.strictEqual(yield* code({ ...base, StartTime: 1.5 }), "InvalidParameter.StartTs")
        assert.strictEqual(yield* code({ ...base, EndTime: "now" }), "InvalidParameter.EndTs")
        const { StartTime: _s, ...noStart } = base
        assert.strictEqual(yield* code(noStart), "MissingParameter.StartTs")
        const { EndTime: _e, ...noEnd } = base
        assert.strictEqual(yield* code(noEnd), "MissingParameter.EndTs")
        assert.strictEqual(yield* code({ ...base, StartTime: now - 15 * 86400 }), "InvalidParameter.StartTsOversize")
      }))

    it.scoped("answers ResponseSizeLimitExceeded above the events cap", () =>
      Effect.gen(function* () {
        const small = yield* Emulator.make({ dataSet: data, maxEventsPerResponse: 5 })
        assert.strictEqual(codeOf(yield* ask(small, "DescribeUserEvent", base)), "ResponseSizeLimitExceeded")
        assert.isUndefined(codeOf(yield* ask(small, "DescribeUserEvent", { ...base, EndTime: t0 + 3600 })))
      }))
  })
})

describe("retention", () => {
  it.scoped("refuses a start beyond the plan's 7 days with StartTimeOversize (StartTsOversize for events)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make({ dataSet: data, retentionDays: 7 })
      const start = now - 8 * 86400
      assert.strictEqual(codeOf(yield* ask(emulator, "DescribeRoomInfo", { SdkAppId: appId, StartTime: start, EndTime: start + 10 })), "InvalidParameter.StartTimeOversize")
      const call3 = { SdkAppId: appId, CommId: r1.commId, StartTime: start, EndTime: start + 10 }
      assert.strictEqual(codeOf(yield* ask(emulator, "DescribeUserInfo", call3)), "InvalidParameter.StartTimeOversize")
      assert.strictEqual(codeOf(yield* ask(emulator, "DescribeCallDetailInfo", call3)), "InvalidParameter.StartTimeOversize")
      assert.strictEqual(codeOf(yield* ask(emulator, "DescribeUserEvent", { ...call3, UserId: "alice", RoomId: "r1" })), "InvalidParameter.StartTsOversize")
      assert.isUndefined(codeOf(yield* ask(emulator, "DescribeRoomInfo", { SdkAppId: appId, StartTime: now - 6 * 86400, EndTime: now - 6 * 86400 + 10 })))
    }))
})
