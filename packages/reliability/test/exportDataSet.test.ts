import { assert, describe, it } from "@effect/vitest"
import { chaosSeed, expectedEventKeys, exportDataSet, interruptSeed, sdkAppId } from "./helpers.js"

// The chaos and interruption suites run `trtc export --since 8d` on the wall clock against a
// data set anchored an hour before it and expect every event of the set. The set changes with
// the hour it is generated at, so this checks, over a day of anchors and across a UTC midnight,
// that what those suites rely on holds whenever they run.

const day = 86_400
const midnight = 1764028800 // 2025-11-25T00:00:00Z
const anchors = [
  ...Array.from({ length: 48 }, (_, i) => midnight + i * 1800 + 13),
  midnight + day - 1,
  midnight + day,
  midnight + day + 1
]

describe("the export suites' data sets at any time of day", () => {
  for (const [name, seed] of [["chaos", chaosSeed], ["interruption", interruptSeed]] as const) {
    it(`${name}: --since 8d holds the whole set, of many events, at ${anchors.length} anchors`, () => {
      for (const anchor of anchors) {
        const at = new Date(anchor * 1000).toISOString()
        const dataSet = exportDataSet(seed, anchor)
        // Even from a run 23 h after the set was generated (an hour before its "now").
        const lateRun = anchor + 24 * 3600
        for (const room of dataSet.apps[0]!.rooms) {
          assert.isAtLeast(room.createTime, lateRun - 8 * day, `${at} ${room.commId} inside --since 8d`)
          assert.isAtMost(room.destroyTime, anchor, `${at} ${room.commId}`)
        }
        // Enough to fault ~10 % of requests and to interrupt midway, at 20 req/s, several times.
        assert.isAbove(expectedEventKeys(dataSet, sdkAppId).length, 1_000, at)
      }
    })
  }
})
