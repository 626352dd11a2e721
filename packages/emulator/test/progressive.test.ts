/**
 * `progressive: true`: what the API answers follows the emulator's clock. Every instant is
 * pinned (the data set's anchor, then the frozen clock moved over the admin API), so the same
 * calls are looked at whatever the hour of the run.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as DataSet from "../src/DataSet.js"
import * as Emulator from "../src/Emulator.js"
import { appId, call, codeOf, raw, response } from "./support.js"

// 2025-11-25T06:40:00Z, as core's pinned tests.
const anchor = 1764052800
const offsetAt = (seconds: number) => seconds - Date.now() / 1000

interface RoomState {
  readonly CommId: string
  readonly CreateTime: number
  readonly DestroyTime: number
  readonly IsFinished: boolean
}
interface UserInformation {
  readonly UserId: string
  readonly JoinTs: number
  readonly LeaveTs: number
  readonly Finished: boolean
}
interface EventMessage {
  readonly Time: number
  readonly EventId: number
  readonly ParamOne: number
  readonly ParamTwo: number
  readonly Type: number
}

const clock = (emulator: Emulator.Instance, body: unknown) =>
  Effect.promise(() =>
    raw(emulator.url, "POST", "/_admin/clock", { "Content-Type": "application/json" }, JSON.stringify(body)).then((reply) =>
      JSON.parse(reply.text) as { nowSeconds: number; progressive: boolean }))

// Signed at the emulator's (moved) clock, or the signature would be expired.
const ask = (emulator: Emulator.Instance, at: number, action: string, params: Record<string, unknown>) =>
  Effect.promise(async () => {
    const reply = await call(emulator, params, { action, timestamp: at })
    assert.isUndefined(codeOf(reply), reply.text)
    return response(reply)
  })

const rooms = (emulator: Emulator.Instance, at: number, from: number, to: number) =>
  Effect.map(ask(emulator, at, "DescribeRoomInfo", { SdkAppId: appId, StartTime: from, EndTime: to, PageSize: 100 }), (body) => body["RoomList"] as Array<RoomState>)

const events = (emulator: Emulator.Instance, at: number, room: DataSet.Room, userId: string) =>
  Effect.map(
    ask(emulator, at, "DescribeUserEvent", { SdkAppId: appId, CommId: room.commId, RoomId: room.roomId, UserId: userId, StartTime: room.createTime, EndTime: room.destroyTime }),
    // Time order over all peers: what existed at an earlier instant is a prefix of it.
    (body) => (body["Data"] as Array<{ Content: Array<EventMessage> }>).flatMap((group) => group.Content).sort((a, b) => a.Time - b.Time)
  )

const dataSet = DataSet.generate({ seed: 11, anchor, roomsPerApp: 16 })

// A finished call of several users, one of whom reports events before and after its middle.
const pick = () => {
  for (const room of dataSet.apps[0]!.rooms) {
    if (!room.isFinished || room.sessions.length < 2 || room.destroyTime - room.createTime < 1200) continue
    for (const session of room.sessions) {
      const times = DataSet.userEvents(room, session.userId).map((e) => e.timeMs)
      const middle = Math.floor(times[Math.floor(times.length / 2)]! / 1000)
      if (times.length >= 6 && middle > room.createTime && middle < room.destroyTime - 60) return { room, userId: session.userId, t1: middle }
    }
  }
  throw new Error("seed 11 has no finished call with events on both sides of its middle")
}

describe("progressive", () => {
  it.scoped("a call open at t1 is finished at t2, its user's first N1 events unchanged and more after them", () =>
    Effect.gen(function* () {
      const { room, t1, userId } = pick()
      const t2 = room.destroyTime + 60
      const emulator = yield* Emulator.make({ dataSet, progressive: true, rps: 0, clockOffsetSeconds: offsetAt(anchor) })
      yield* clock(emulator, { freeze: true })
      assert.strictEqual((yield* clock(emulator, { nowSeconds: t1 })).nowSeconds, t1)
      const from = room.createTime - 60
      const to = from + 86400

      // At t1 the call runs: open, its end now; calls created later do not exist yet.
      const before = yield* rooms(emulator, t1, from, to)
      const expected = DataSet.roomsInWindow(dataSet, appId, from, to).filter((r) => r.createTime <= t1)
      assert.deepStrictEqual(before.map((r) => r.CommId), expected.map((r) => r.commId))
      const later = DataSet.roomsInWindow(dataSet, appId, from, to).filter((r) => r.createTime > t1)
      for (const r of later) assert.notInclude(before.map((b) => b.CommId), r.commId)
      const open = before.find((r) => r.CommId === room.commId)!
      assert.deepStrictEqual([open.IsFinished, open.DestroyTime], [false, t1])
      for (const r of before) assert.isAtMost(r.DestroyTime, t1)

      // Users: those not joined yet are absent, those still in are open at t1.
      const users = (yield* ask(emulator, t1, "DescribeUserInfo", { SdkAppId: appId, CommId: room.commId, StartTime: room.createTime, EndTime: room.createTime + 4 * 3600, PageSize: 100 }))["UserList"] as Array<UserInformation>
      const joined = DataSet.sessionsInWindow(room, room.createTime, room.createTime + 4 * 3600).filter((s) => s.joinTs <= t1)
      assert.deepStrictEqual(users.map((u) => [u.UserId, u.JoinTs, u.LeaveTs, u.Finished]), joined.map((s) => [s.userId, s.joinTs, Math.min(s.leaveTs, t1), s.leaveTs <= t1]))
      assert.isTrue(users.some((u) => !u.Finished), "somebody is still in the call at t1")

      // Quality samples exist up to t1 only.
      const detail = yield* ask(emulator, t1, "DescribeCallDetailInfo", { SdkAppId: appId, CommId: room.commId, UserIds: [userId], DataType: ["rtt"], StartTime: t1 - 600, EndTime: t1 + 600 })
      const samples = (detail["Data"] as Array<{ Content: Array<{ Time: number }> }>)[0]!.Content
      assert.isAbove(samples.length, 0)
      for (const s of samples) assert.isAtMost(s.Time, t1)

      const first = yield* events(emulator, t1, room, userId)
      const n1 = first.length
      assert.strictEqual(n1, DataSet.userEvents(room, userId, 0, t1 * 1000).length)
      for (const e of first) assert.isAtMost(e.Time, t1 * 1000)

      // Moving the clock past the call's end reveals the rest.
      assert.strictEqual((yield* clock(emulator, { advanceSeconds: t2 - t1 })).nowSeconds, t2)
      const after = yield* rooms(emulator, t2, from, to)
      const finished = after.find((r) => r.CommId === room.commId)!
      assert.deepStrictEqual([finished.IsFinished, finished.DestroyTime], [true, room.destroyTime])
      assert.deepStrictEqual(after.map((r) => r.CommId), DataSet.roomsInWindow(dataSet, appId, from, to).filter((r) => r.createTime <= t2).map((r) => r.commId))
      const all = yield* events(emulator, t2, room, userId)
      assert.isAbove(all.length, n1)
      assert.strictEqual(all.length, DataSet.userEvents(room, userId).length)
      assert.deepStrictEqual(all.slice(0, n1), first)
    }))

  it.scoped("without the option the clock does not change the answers", () =>
    Effect.gen(function* () {
      const { room, t1 } = pick()
      const emulator = yield* Emulator.make({ dataSet, rps: 0, clockOffsetSeconds: offsetAt(anchor) })
      yield* clock(emulator, { freeze: true })
      const view = yield* clock(emulator, { nowSeconds: t1 })
      assert.isFalse(view.progressive)
      const listed = (yield* rooms(emulator, t1, room.createTime - 60, room.createTime + 86340)).find((r) => r.CommId === room.commId)!
      assert.deepStrictEqual([listed.IsFinished, listed.DestroyTime], [true, room.destroyTime])
    }))

  it.scoped("a generated progressive data set has calls running at the start that finish as the clock passes their end", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.make({ seed: 4, roomsPerApp: 6, progressive: true, rps: 0, clockOffsetSeconds: offsetAt(anchor) })
      const view = yield* clock(emulator, { freeze: true })
      assert.isTrue(view.progressive)
      yield* clock(emulator, { nowSeconds: anchor })
      assert.strictEqual(emulator.dataSet.anchor, anchor)
      const running = emulator.dataSet.apps[0]!.rooms.filter((r) => r.destroyTime > anchor)
      assert.isAbove(running.length, 0, "the last call runs on after the anchor")
      for (const r of running) assert.isTrue(r.isFinished && r.createTime <= anchor && r.sessions.every((s) => s.finished))
      const last = Math.max(...running.map((r) => r.destroyTime))
      const at = (yield* rooms(emulator, anchor, anchor - 86400, anchor)).filter((r) => running.some((o) => o.commId === r.CommId))
      assert.deepStrictEqual(at.map((r) => [r.CommId, r.IsFinished, r.DestroyTime]), running.map((r) => [r.commId, false, anchor]))
      yield* clock(emulator, { nowSeconds: last })
      const done = (yield* rooms(emulator, last, last - 86400, last)).filter((r) => running.some((o) => o.commId === r.CommId))
      assert.deepStrictEqual(done.map((r) => [r.CommId, r.IsFinished, r.DestroyTime]), running.map((r) => [r.commId, true, r.destroyTime]))
    }))

  it("generation: progressive changes only the calls running at the anchor", () => {
    const plain = DataSet.generate({ seed: 4, anchor, roomsPerApp: 12 })
    const progressive = DataSet.generate({ seed: 4, anchor, roomsPerApp: 12, progressive: true })
    const key = (r: DataSet.Room) => JSON.stringify(r)
    const same = plain.apps[0]!.rooms.filter((r) => r.isFinished).map(key)
    assert.deepStrictEqual(progressive.apps[0]!.rooms.filter((r) => r.destroyTime <= anchor).map(key), same)
    assert.strictEqual(progressive.apps[0]!.rooms.length, plain.apps[0]!.rooms.length)
    assert.isTrue(progressive.apps[0]!.rooms.every((r) => r.isFinished))
    assert.isTrue(DataSet.fromJson(DataSet.toJson(progressive))._tag === "Right")
  })
})
