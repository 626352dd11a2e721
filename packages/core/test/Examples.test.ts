import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as EventCatalogue from "../src/EventCatalogue.js"
import type * as TrtcStream from "../src/TrtcStream.js"
import { examplesData, type FailuresPerRoomHour, load, type WhyJoinFailed } from "./examples.js"
import { atPinnedNow, pinnedNow, pinnedOptions } from "./pinnedTime.js"

// The examples ask about "the last 3 days"; here that is the 3 days before the pinned now.
const lastDays = (days: number) => ({ start: pinnedNow - days * 86_400, end: pinnedNow })

// One user's join events as the stream delivers them, one second apart.
const joinEvents = (...codes: ReadonlyArray<readonly [number, number]>): Array<TrtcStream.Event> =>
  codes.map(([eventId, paramOne], i) => ({
    sdkAppId: 1400000001,
    commId: "1400000001_r_1764052000",
    roomId: "r",
    userId: "u",
    peerId: "u",
    type: 0,
    timeMs: 1764052000_000 + i * 1000,
    eventId,
    paramOne,
    paramTwo: -1,
    description: EventCatalogue.describe(eventId, paramOne, -1)
  }))

describe("examples", () => {
  it.effect("why-join-failed: one failed attempt (5005 then 5003) then a success is one failed attempt, not two", () =>
    Effect.gen(function*() {
      const { diagnose } = yield* load<WhyJoinFailed>("why-join-failed")
      const d = diagnose("r", "u", "1400000001_r_1764052000", joinEvents([5001, -1], [5002, 1], [5005, -1], [5003, 0], [5001, -1], [5002, 1], [5003, 1]))
      assert.deepStrictEqual([d.attempts, d.failedAttempts, d.failures.length, d.joined], [2, 1, 2, true])
      assert.match(d.verdict, /^u joined after 1 failed attempt; first failure: 2025-11-25T06:26:42\.000Z /)
      assert.notInclude(d.verdict, "2 failure")
    }))

  it.effect("why-join-failed: counts failed attempts when the user never joins, and a 5002 hiccup before entering as none", () =>
    Effect.gen(function*() {
      const { diagnose } = yield* load<WhyJoinFailed>("why-join-failed")
      const never = diagnose("r", "u", "c", joinEvents([5001, -1], [5005, -1], [5003, 0], [5001, -1], [5003, 0]))
      assert.deepStrictEqual([never.attempts, never.failedAttempts, never.failures.length, never.joined], [2, 2, 3, false])
      assert.match(never.verdict, /^u never joined \(2 failed attempts\); last failure: /)
      const hiccup = diagnose("r", "u", "c", joinEvents([5001, -1], [5002, 0], [5002, 1], [5003, 1]))
      assert.deepStrictEqual([hiccup.attempts, hiccup.failedAttempts, hiccup.failures.length, hiccup.joined], [1, 0, 1, true])
      assert.match(hiccup.verdict, /^u joined without a failed attempt, after 1 reported failure; first: /)
    }))

  it.scopedLive("why-join-failed: the embedded service explains a failed join from the call's events", () =>
    Effect.gen(function*() {
      const example = yield* load<WhyJoinFailed>("why-join-failed")
      const emulator = yield* Emulator.make(pinnedOptions({ ...examplesData, rps: 0 }))
      const period = lastDays(3)
      const query = example.pickFailedJoin(emulator.dataSet, period)
      assert.isDefined(query, "the pinned data set has a failed join in the period")
      if (query === undefined) return
      const diagnoses = yield* atPinnedNow(Effect.flatMap(example.JoinDiagnostics, (d) => d.explain({ ...query, period })).pipe(
        Effect.provide(example.JoinDiagnostics.layer),
        Effect.provide(example.emulatorTrtc(emulator))
      ))
      const rooms = emulator.dataSet.apps[0].rooms.filter((r) => r.roomId === query.roomId && r.destroyTime >= period.start)
      assert.deepStrictEqual(diagnoses.map((d) => d.commId), rooms.map((r) => r.commId))
      const room = rooms.find((r) => r.sessions.some((s) => s.userId === query.userId && s.events.some((e) => e.eventId === 5003 && e.paramOne === 0)))
      assert.isDefined(room, `${query.roomId} has a call where ${query.userId} failed to join`)
      const d = diagnoses.find((x) => x.commId === room!.commId)
      assert.isDefined(d, `a diagnosis of ${room!.commId}`)
      if (room === undefined || d === undefined) return
      const own = room.sessions.filter((s) => s.userId === query.userId).flatMap((s) => s.events).filter((e) => e.peerId === query.userId)
      assert.strictEqual(d.attempts, own.filter((e) => e.eventId === 5001).length)
      assert.strictEqual(d.joined, own.some((e) => e.eventId === 5003 && e.paramOne === 1))
      assert.isAbove(d.failures.length, 0)
      assert.isAbove(d.failedAttempts, 0)
      assert.include(d.verdict, "fail")
    }))

  it.scopedLive("failures-per-room-hour: composed counts equal the data set's and render as CSV", () =>
    Effect.gen(function*() {
      const example = yield* load<FailuresPerRoomHour>("failures-per-room-hour")
      const emulator = yield* Emulator.make(pinnedOptions({ ...examplesData, rps: 0 }))
      const period = lastDays(3)
      const rows = yield* atPinnedNow(example.countFailures(emulator.dataSet.apps[0].sdkAppId, period).pipe(Effect.provide(example.emulatorTrtc(emulator))))
      const now = Math.floor((yield* emulator.now) / 1000)
      const expected = new Map<string, number>()
      for (const room of emulator.dataSet.apps[0].rooms) {
        if (room.createTime > period.end || room.destroyTime < period.start) continue
        const life = room.isFinished ? room.destroyTime : Math.max(room.destroyTime, now)
        const from = Math.max(room.createTime, period.start) * 1000
        const to = (Math.min(life, period.end) + 1) * 1000
        for (const e of room.sessions.flatMap((s) => s.events)) {
          if (e.timeMs < from || e.timeMs >= to) continue
          if (!/fail|timed out|timeout|kicked/i.test(EventCatalogue.describe(e.eventId, e.paramOne, e.paramTwo))) continue
          const key = `${room.roomId} ${new Date(Math.floor(e.timeMs / 3_600_000) * 3_600_000).toISOString().slice(0, 13)}:00:00Z`
          expected.set(key, (expected.get(key) ?? 0) + 1)
        }
      }
      assert.isAbove(expected.size, 0)
      assert.deepStrictEqual(new Map(rows.map((r) => [`${r.roomId} ${r.hour}`, r.failures])), expected)
      const csv = example.toCsv(rows).split("\r\n")
      assert.strictEqual(csv[0], "room_id,hour,failures")
      assert.strictEqual(csv.length, rows.length + 2)
    }))
})
