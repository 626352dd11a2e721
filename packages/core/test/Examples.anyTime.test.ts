import { assert, describe, it } from "@effect/vitest"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Effect from "effect/Effect"
import * as EventCatalogue from "../src/EventCatalogue.js"
import type * as TrtcStream from "../src/TrtcStream.js"
import { examplesData, load, type WhyJoinFailed } from "./examples.js"
import { pinnedNow } from "./pinnedTime.js"

// The generated data set depends on the time of day of its anchor (calls start in office
// hours, the long call sits on a UTC midnight), so a test that picks "a failed join in the last
// 3 days" of a wall-clock anchored set passed or failed by the hour. The example tests now pin
// their anchor; this proves the example itself is right at any anchor: over a day of anchors,
// across a UTC midnight and at the 14-day retention edge, it picks a failed join whenever the
// data holds one, never a user without one, and its diagnosis agrees with the data.

const day = 86_400
const midnight = Math.floor(pinnedNow / day) * day
const anchors = [
  // Every 30 minutes of a day.
  ...Array.from({ length: 48 }, (_, i) => midnight + i * 1800 + 7),
  // Straddling a UTC midnight.
  midnight + day - 1,
  midnight + day,
  midnight + day + 1,
  midnight + day - 3600,
  midnight + day + 3600,
  // 14 days (the retention window) on, and just either side of it.
  pinnedNow + 14 * day - 1,
  pinnedNow + 14 * day,
  pinnedNow + 14 * day + 1
]

type Room = DataSet.DataSet["apps"][number]["rooms"][number]

/** The user's events in one call, as `TrtcStream.userEvents` delivers them. */
const userEvents = (sdkAppId: number, room: Room, userId: string): Array<TrtcStream.Event> =>
  room.sessions.filter((s) => s.userId === userId).flatMap((s) => s.events).map((e) => ({
    sdkAppId,
    commId: room.commId,
    roomId: room.roomId,
    userId,
    peerId: e.peerId,
    type: e.type,
    timeMs: e.timeMs,
    eventId: e.eventId,
    paramOne: e.paramOne,
    paramTwo: e.paramTwo,
    description: EventCatalogue.describe(e.eventId, e.paramOne, e.paramTwo)
  })).sort((a, b) => a.timeMs - b.timeMs)

const failedIn = (period: TrtcStream.Period, userId: string) => (e: DataSet.Event) =>
  e.peerId === userId && e.eventId === 5003 && e.paramOne === 0 && e.timeMs >= period.start * 1000 && e.timeMs < (period.end + 1) * 1000

describe("examples at any time of day", () => {
  it.effect(`why-join-failed picks a failed join whenever one exists, and explains it, at ${anchors.length} anchors`, () =>
    Effect.gen(function*() {
      const example = yield* load<WhyJoinFailed>("why-join-failed")
      let withFailedJoin = 0
      for (const anchor of anchors) {
        const dataSet = DataSet.generate({ ...examplesData, anchor })
        const app = dataSet.apps[0]!
        const period = { start: anchor - 3 * day, end: anchor }
        const at = new Date(anchor * 1000).toISOString()
        // What the data holds, found independently of the example.
        const failing = app.rooms.flatMap((room) =>
          room.sessions.filter((s) => s.events.some(failedIn(period, s.userId))).map((s) => ({ room, userId: s.userId })))
        const query = example.pickFailedJoin(dataSet, period)
        if (failing.length === 0) {
          assert.isUndefined(query, `${at}: no join failed in the period, so nobody is picked`)
          continue
        }
        withFailedJoin++
        assert.isDefined(query, `${at}: a join failed in the period, so one is picked`)
        if (query === undefined) continue
        const calls = app.rooms.filter((r) => r.roomId === query.roomId && r.sessions.some((s) => s.userId === query.userId && s.events.some(failedIn(period, query.userId))))
        assert.isAbove(calls.length, 0, `${at}: ${query.userId} failed to join ${query.roomId} in the period`)
        for (const room of calls) {
          const events = userEvents(app.sdkAppId, room, query.userId)
          const d = example.diagnose(query.roomId, query.userId, room.commId, events)
          const own = events.filter((e) => e.peerId === query.userId)
          assert.strictEqual(d.attempts, own.filter((e) => e.eventId === 5001).length, `${at} ${room.commId} attempts`)
          assert.strictEqual(d.joined, own.some((e) => e.eventId === 5003 && e.paramOne === 1), `${at} ${room.commId} joined`)
          // Each "Failed to enter room" closes one failed attempt.
          assert.strictEqual(d.failedAttempts, own.filter((e) => e.eventId === 5003 && e.paramOne === 0).length, `${at} ${room.commId} failed attempts`)
          assert.include(d.verdict, d.joined ? `joined after ${d.failedAttempts} failed attempt` : "never joined", `${at} ${room.commId}`)
        }
      }
      // Both branches ran: anchors with a failed join in the window, and (the case that once
      // made the test pick a room without one) anchors whose window holds none.
      assert.isAbove(withFailedJoin, 0)
      assert.isBelow(withFailedJoin, anchors.length)
    }))
})
