import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as Diagnosis from "../src/Diagnosis.js"
import { categoryOf } from "../src/internal/eventKinds.js"
import { atPinnedNow, knownCall, knownCreateTime, knownProblems, pinnedEmulator, trtcLayer } from "./support.js"

const kindsOf = (result: Diagnosis.CallDiagnosis) => result.users.map((u) => [u.userId, u.problems.map((p) => p.kind)] as const)

describe("Diagnosis against the emulator", () => {
  it.scopedLive("a call with known problems: each user's verdict names exactly them, the clean user is ok", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* pinnedEmulator(knownCall())
      const room = emulator.dataSet.apps[0]!.rooms[0]!
      const ref = Diagnosis.callRefOf(Emulator.defaultSdkAppId, room.commId)!
      assert.strictEqual(ref.createTime, knownCreateTime)
      const result = yield* Diagnosis.diagnoseCall(ref).pipe(Effect.provide(trtcLayer(emulator)))
      // Users in first-join order, as DescribeUserInfo's sessions give them.
      const expected = new Map(knownProblems)
      assert.deepStrictEqual(kindsOf(result).map(([u]) => u), ["alice", "carol", "dave", "李雷_7", "bob <\"quoted\">"])
      assert.deepStrictEqual(kindsOf(result), kindsOf(result).map(([u]) => [u, [...expected.get(u)!]] as const))
      const byUser = new Map(result.users.map((u) => [u.userId, u]))
      assert.strictEqual(byUser.get("alice")!.verdict, "ok")
      assert.include(byUser.get("bob <\"quoted\">")!.problems[0]!.summary, "Connection to CVM timed out")
      assert.deepStrictEqual(byUser.get("carol")!.evidence.drops.map((d) => [d.what, d.restoredMs! - d.lostMs]), [["network", 8000], ["network", 3000]])
      assert.deepStrictEqual(byUser.get("李雷_7")!.evidence.unseenPeers, ["alice"])
      assert.strictEqual(byUser.get("dave")!.evidence.deviceFailures[0]!.description, "Failed to enable front camera")
      // The call is an hour old, inside DescribeCallDetailInfo's window: quality was fetched.
      assert.isTrue(result.quality)
      const aliceLoss = byUser.get("alice")!.evidence.quality.find((q) => q.dataType === "aLoss")
      assert.isDefined(aliceLoss)
      assert.isAbove(aliceLoss!.samples, 100)
      assert.isAtLeast(aliceLoss!.worst, aliceLoss!.median)
      // One user only.
      const one = yield* Diagnosis.diagnoseCall(ref, { userIds: ["carol"], quality: false }).pipe(Effect.provide(trtcLayer(emulator)))
      assert.deepStrictEqual(kindsOf(one), [["carol", ["reconnects"]]])
      assert.isFalse(one.quality)
    })))

  it.scopedLive("the generated data set: injected join retries, drops, rejoins and camera failures are named; users without any are ok", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* pinnedEmulator()
      const rooms = emulator.dataSet.apps[0]!.rooms
      let clean = 0
      const seen = new Set<string>()
      // 24 calls, a few in flight at once (the emulator has no rate limit here).
      const results = yield* Effect.forEach(
        rooms,
        (room) => Diagnosis.diagnoseCall(Diagnosis.callRefOf(Emulator.defaultSdkAppId, room.commId)!, { quality: false }),
        { concurrency: 4 }
      ).pipe(Effect.provide(trtcLayer(emulator)))
      for (const [i, room] of rooms.entries()) {
        const result = results[i]!
        const verdicts = new Map(result.users.map((u) => [u.userId, u]))
        const userIds = [...new Set(room.sessions.map((s) => s.userId))]
        assert.deepStrictEqual([...verdicts.keys()].sort(), userIds.sort(), room.commId)
        for (const userId of userIds) {
          // What the generator injected, read from the data set it serves.
          const sessions = room.sessions.filter((s) => s.userId === userId)
          const own = sessions.flatMap((s) => s.events).filter((e) => e.peerId === userId)
          const all = sessions.flatMap((s) => s.events)
          const expected = new Set<string>()
          if (own.some((e) => e.eventId === 5003 && e.paramOne === 0)) expected.add("join-retried")
          if (own.some((e) => e.eventId === 1003 && e.paramOne === 0) || sessions.length > 1) expected.add("reconnects")
          if (own.some((e) => e.eventId === 4002)) expected.add("camera-failure")
          const kinds = verdicts.get(userId)!.problems.map((p) => p.kind)
          for (const kind of expected) {
            assert.include(kinds, kind, `${room.commId} ${userId}`)
            seen.add(kind)
          }
          // The generator delivers every publisher's first frames: nobody is blind or deaf.
          assert.notInclude(kinds, "no-downstream-video", `${room.commId} ${userId}`)
          assert.notInclude(kinds, "no-downstream-audio", `${room.commId} ${userId}`)
          const failures = all.filter((e) => categoryOf(e.eventId, e.paramOne) === "failure")
          if (failures.length === 0 && sessions.length === 1) {
            assert.deepStrictEqual(kinds, [], `${room.commId} ${userId} has no injected problem`)
            assert.strictEqual(verdicts.get(userId)!.verdict, "ok")
            clean++
          } else {
            assert.strictEqual(verdicts.get(userId)!.verdict, "problem", `${room.commId} ${userId}`)
          }
        }
      }
      // The data set (seed 1 at the pinned now) has each kind and clean users: the checks ran.
      assert.deepStrictEqual([...seen].sort(), ["camera-failure", "join-retried", "reconnects"])
      assert.isAbove(clean, 10)
      // About 150 requests: under a loaded 2-core machine they can take a minute.
    })), 300_000)
})
