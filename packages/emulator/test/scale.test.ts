import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as DataSet from "../src/DataSet.js"
import * as Emulator from "../src/Emulator.js"
import { call, raw, response } from "./support.js"

const isLazy = (dataSet: DataSet.DataSet): boolean => {
  const session = dataSet.apps[0]!.rooms[0]!.sessions[0]!
  return Object.getOwnPropertyDescriptor(session, "events")?.get !== undefined
}

it.scoped("a lazy data set serves the same answers and streams the same JSON as the eager one", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ seed: 11, apps: 2, roomsPerApp: 30, lazy: true, rps: 0 })
    assert.isTrue(isLazy(emulator.dataSet))
    const eager = DataSet.generate({ seed: 11, anchor: emulator.dataSet.anchor, apps: [1400000001, 1400000002], roomsPerApp: 30 })
    // Several 64 KB batches: the streamed body must still be the JSON, byte for byte.
    const dump = yield* Effect.promise(() => raw(emulator.url, "GET", "/_admin/dataset", {}, ""))
    assert.strictEqual(dump.status, 200)
    assert.isAbove(dump.text.length, 200_000)
    assert.strictEqual(dump.text, DataSet.toJson(eager))
    const room = eager.apps[1]!.rooms[3]!
    const userId = room.sessions[0]!.userId
    const reply = yield* Effect.promise(() =>
      call(emulator, { SdkAppId: 1400000002, CommId: room.commId, RoomId: room.roomId, UserId: userId, StartTime: room.createTime, EndTime: room.destroyTime }, { action: "DescribeUserEvent" }))
    const groups = response(reply)["Data"] as Array<{ PeerId: string; Content: Array<{ Time: number; EventId: number }> }>
    const expected = DataSet.eventLists(DataSet.userEvents(room, userId, room.createTime * 1000, room.destroyTime * 1000 + 999))
    assert.deepStrictEqual(
      groups.map((g) => [g.PeerId, g.Content.map((e) => [e.Time, e.EventId])]),
      expected.map((g) => [g.peerId, g.content.map((e) => [e.timeMs, e.eventId])])
    )
    assert.isAbove(expected.length, 0)
  }))

it.scoped("generates lazily by default above the threshold, eagerly below it or when told", () =>
  Effect.gen(function* () {
    const small = yield* Emulator.make({ seed: 2 })
    assert.isFalse(isLazy(small.dataSet))
    const large = yield* Emulator.make({ seed: 2, apps: 3, roomsPerApp: Math.ceil((Emulator.lazyRoomThreshold + 1) / 3) })
    assert.isTrue(isLazy(large.dataSet))
    const forced = yield* Emulator.make({ seed: 2, lazy: true, eventsPerHour: 0 })
    assert.isTrue(isLazy(forced.dataSet))
    const eager = yield* Emulator.make({ seed: 2, apps: 3, roomsPerApp: 70, lazy: false })
    assert.isFalse(isLazy(eager.dataSet))
  }))
