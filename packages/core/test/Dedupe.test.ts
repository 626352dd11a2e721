import { assert, describe, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Dedupe from "../src/Dedupe.js"
import * as Windows from "../src/Windows.js"

interface Ev extends Dedupe.EventIdentity {}

const base = 1_700_000_000
const eventArb = FastCheck.record({
  commId: FastCheck.constantFrom("1400000001_r1_1", "1400000001_r2_2"),
  userId: FastCheck.constantFrom("alice", "bob"),
  peerId: FastCheck.constantFrom("alice", "bob", "carol"),
  // Biased towards whole seconds so that many events sit exactly on window edges.
  timeMs: FastCheck.oneof(
    FastCheck.integer({ min: 0, max: 600 }).map((s) => (base + s) * 1000),
    FastCheck.integer({ min: 0, max: 600_999 }).map((ms) => base * 1000 + ms)
  ),
  eventId: FastCheck.constantFrom(5001, 5003, 5004, 5005),
  type: FastCheck.constantFrom(0, 2),
  paramOne: FastCheck.constantFrom(-1, 1),
  paramTwo: FastCheck.constant(-1)
})
const uniqueEvents = FastCheck.uniqueArray(eventArb, { selector: Dedupe.eventKey, maxLength: 200 })
  .map((events) => [...events].sort((a, b) => a.timeMs - b.timeMs))

/** What a server does with inclusive edges: every event whose second lies in [start, end]. */
const serve = (events: ReadonlyArray<Ev>, w: Windows.Window) => events.filter((e) => Windows.containsMs(w, e.timeMs))

describe("Dedupe events across windows", () => {
  it.prop("returns every event exactly once, in time order, whatever the span", [uniqueEvents, FastCheck.integer({ min: 5, max: 120 })], ([events, span]) => {
    const range = Windows.make(base, base + 600)
    const filter = Dedupe.eventFilter<Ev>()
    const out: Array<Ev> = []
    for (const w of Windows.split(range, span)) {
      const served = serve(events, w)
      for (const e of filter.next(w.end, served)) out.push(e)
      // Constant memory: only events of the last two seconds of a window are remembered.
      assert.isAtMost(filter.remembered(), served.filter((e) => e.timeMs >= (w.end - 1) * 1000).length)
    }
    assert.deepStrictEqual(new Set(out.map(Dedupe.eventKey)), new Set(events.map(Dedupe.eventKey)))
    assert.strictEqual(out.length, events.length)
  })

  it.prop("ownership alone partitions events and keeps time order", [uniqueEvents, FastCheck.integer({ min: 5, max: 120 })], ([events, span]) => {
    const range = Windows.make(base, base + 600)
    const out = Windows.split(range, span).flatMap((w) => serve(events, w).filter((e) => Windows.owns(w, range.end, e.timeMs)))
    assert.deepStrictEqual(out, events)
  })

  // Only neighbouring windows are compared (that is where a server repeats edge events), so
  // idempotence is per window: filtering the filtered windows again changes nothing, and no
  // event repeats within a window or across one edge.
  it.prop("is idempotent", [FastCheck.array(FastCheck.array(eventArb, { maxLength: 30 }), { maxLength: 8 })], ([batches]) => {
    const perWindow = (windows: ReadonlyArray<ReadonlyArray<Ev>>) => {
      const filter = Dedupe.windowFilter(Dedupe.eventKey)
      return windows.map((w) => filter.next(w))
    }
    const once = perWindow(batches)
    assert.deepStrictEqual(perWindow(once), once)
    once.forEach((w, i) => {
      assert.strictEqual(new Set(w.map(Dedupe.eventKey)).size, w.length)
      if (i > 0) for (const e of w) assert.isFalse(batches[i - 1].some((p) => Dedupe.eventKey(p) === Dedupe.eventKey(e)))
    })
  })
})

describe("Dedupe rooms by CommId", () => {
  it("drops a room repeated in the next window, even across three windows", () => {
    const r = (commId: string) => ({ commId })
    const out = Dedupe.acrossWindows([[r("a"), r("b")], [r("b"), r("c")], [r("b"), r("d")], [r("e")]], Dedupe.roomKey)
    assert.deepStrictEqual(out.map((x) => x.commId), ["a", "b", "c", "d", "e"])
  })

  it.prop("is idempotent and keeps first sightings in order", [FastCheck.array(FastCheck.array(FastCheck.constantFrom("a", "b", "c", "d"), { maxLength: 6 }), { maxLength: 6 })], ([batches]) => {
    const rooms = batches.map((b) => b.map((commId) => ({ commId })))
    const perWindow = (windows: ReadonlyArray<ReadonlyArray<{ commId: string }>>) => {
      const filter = Dedupe.windowFilter(Dedupe.roomKey)
      return windows.map((w) => filter.next(w))
    }
    const once = perWindow(rooms)
    assert.deepStrictEqual(perWindow(once), once)
    // Never a repeat within a window or across one edge.
    once.forEach((w, i) => {
      assert.strictEqual(new Set(w.map(Dedupe.roomKey)).size, w.length)
      if (i > 0) for (const r of w) assert.isFalse(rooms[i - 1].some((p) => p.commId === r.commId))
    })
  })
})

describe("Dedupe.mergeUsers", () => {
  const userArb = FastCheck.record({
    userId: FastCheck.constantFrom("u1", "u2", "u3"),
    joinTs: FastCheck.integer({ min: 0, max: 1000 }),
    leaveTs: FastCheck.integer({ min: 0, max: 1000 }),
    finished: FastCheck.boolean()
  })

  it("merges join/leave spans of a rejoining user", () => {
    const merged = Dedupe.mergeUsers([
      { userId: "b", joinTs: 5, leaveTs: 9, finished: true },
      { userId: "a", joinTs: 1, leaveTs: 3, finished: true },
      { userId: "a", joinTs: 7, leaveTs: 20, finished: false },
      { userId: "a", joinTs: 1, leaveTs: 3, finished: true }
    ])
    assert.deepStrictEqual(merged.map((u) => [u.userId, u.joinTs, u.leaveTs, u.finished, u.sessions.length]), [
      ["a", 1, 20, false, 2],
      ["b", 5, 9, true, 1]
    ])
  })

  it.prop("is idempotent and one entry per user", [FastCheck.array(userArb, { maxLength: 40 })], ([rows]) => {
    const once = Dedupe.mergeUsers(rows)
    const again = Dedupe.mergeUsers(once.flatMap((u) => u.sessions))
    assert.deepStrictEqual(again, once)
    assert.strictEqual(new Set(once.map((u) => u.userId)).size, once.length)
    assert.strictEqual(once.length, new Set(rows.map((r) => r.userId)).size)
  })
})
