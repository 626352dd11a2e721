import { assert, describe, it } from "@effect/vitest"
import { e2eDataSet, sdkAppId } from "./helpers.js"

// The end-to-end tests run `trtc` on the wall clock against a data set anchored an hour before
// it, ask for `--since 8d` and expect every call of the set. The set changes with the hour it is
// generated at, so this checks, over a day of anchors, across a UTC midnight and on either side
// of the 7-day window, that what those tests rely on holds whenever they run.

const day = 86_400
const midnight = 1764028800 // 2025-11-25T00:00:00Z
const anchors = [
  ...Array.from({ length: 48 }, (_, i) => midnight + i * 1800 + 11),
  midnight + day - 1,
  midnight + day,
  midnight + day + 1,
  midnight + 7 * day - 1,
  midnight + 7 * day + 1
]

describe("the end-to-end data set at any time of day", () => {
  it(`holds what the e2e tests rely on at ${anchors.length} anchors`, () => {
    for (const anchor of anchors) {
      const at = new Date(anchor * 1000).toISOString()
      const dataSet = e2eDataSet(anchor)
      const rooms = dataSet.apps[0]!.rooms
      assert.strictEqual(dataSet.apps[0]!.sdkAppId, sdkAppId, at)
      // `--since 8d` covers every call even from a run 23 h after the set was generated
      // (generated an hour before its run's "now", so the anchor is 24 h before that run).
      const lateRun = anchor + 24 * 3600
      for (const room of rooms) {
        assert.isAtLeast(room.createTime, lateRun - 8 * day, `${at} ${room.commId} inside --since 8d`)
        assert.isAtMost(room.destroyTime, anchor, `${at} ${room.commId} no later than the anchor`)
      }
      assert.strictEqual(rooms.length, 6, at)
      // `users` / `events` of the call with most sessions: it has a user with events.
      const richRoom = [...rooms].sort((a, b) => b.sessions.length - a.sessions.length)[0]!
      assert.isAbove(richRoom.sessions[0]!.events.length, 0, `${at} ${richRoom.commId}`)
      // The ResponseSizeLimitExceeded test caps answers at 25 events: some user must have more
      // than that in one call for the export to be refused and split.
      const most = Math.max(...rooms.flatMap((room) =>
        [...new Set(room.sessions.map((s) => s.userId))].map((u) =>
          room.sessions.filter((s) => s.userId === u).reduce((n, s) => n + s.events.length, 0))))
      assert.isAbove(most, 25, at)
    }
  })
})
