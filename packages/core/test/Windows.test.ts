import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as Models from "../src/Models.js"
import * as Windows from "../src/Windows.js"

const range = FastCheck.tuple(
  FastCheck.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
  FastCheck.integer({ min: 0, max: 40 * 86_400 })
).map(([start, length]) => Windows.make(start, start + length))
// Bisected to the bone, a range yields up to its length in windows: keep it short.
const shortRange = FastCheck.tuple(
  FastCheck.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
  FastCheck.integer({ min: 0, max: 5_000 })
).map(([start, length]) => Windows.make(start, start + length))
const maxSpan = FastCheck.oneof(
  FastCheck.constantFrom(86_400, 14_400, 3_600),
  FastCheck.integer({ min: 600, max: 200_000 })
)

describe("Windows.split", () => {
  it.prop("covers the range exactly, edges shared, none over the span", [range, maxSpan], ([r, span]) => {
    const windows = Windows.split(r, span)
    assert.isAbove(windows.length, 0)
    assert.strictEqual(windows[0].start, r.start)
    assert.strictEqual(windows[windows.length - 1].end, r.end)
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]
      assert.isAtMost(Windows.span(w), span)
      if (r.start < r.end) assert.isAbove(Windows.span(w), 0)
      // No gap and no overlap beyond the one shared (inclusive) edge second.
      if (i > 0) assert.strictEqual(w.start, windows[i - 1].end)
    }
    // Minimal: only the last window may be shorter than the span.
    for (const w of windows.slice(0, -1)) assert.strictEqual(Windows.span(w), Math.floor(span))
  })

  it.prop("covers short ranges with tiny spans too", [shortRange, FastCheck.integer({ min: 1, max: 50 })], ([r, span]) => {
    const windows = Windows.split(r, span)
    assert.strictEqual(windows[0].start, r.start)
    assert.strictEqual(windows[windows.length - 1].end, r.end)
    for (let i = 1; i < windows.length; i++) assert.strictEqual(windows[i].start, windows[i - 1].end)
    for (const w of windows) assert.isAtMost(Windows.span(w), span)
  }, { fastCheck: { numRuns: 30 } })

  it.prop("assigns every millisecond of the range to exactly one window", [range, maxSpan, FastCheck.double({ min: 0, max: 1, noNaN: true })], ([r, span, at]) => {
    const windows = Windows.split(r, span)
    const t = Math.floor(r.start * 1000 + at * ((r.end - r.start + 1) * 1000 - 1))
    assert.strictEqual(windows.filter((w) => Windows.owns(w, r.end, t)).length, 1)
    assert.isTrue(windows.some((w) => Windows.containsMs(w, t)))
  })

  it("splits three days into 24 h windows sharing their edges", () => {
    assert.deepStrictEqual(Windows.split(Windows.make(0, 3 * 86_400 + 5), Models.declarations.DescribeRoomInfo.maxSpanSeconds), [
      { start: 0, end: 86_400 },
      { start: 86_400, end: 172_800 },
      { start: 172_800, end: 259_200 },
      { start: 259_200, end: 259_205 }
    ])
    assert.deepStrictEqual(Windows.split(Windows.make(10, 10), 3600), [{ start: 10, end: 10 }])
    assert.deepStrictEqual(Windows.split(Windows.make(11, 10), 3600), [])
  })

  it("rejects a span below one second", () => {
    assert.throws(() => Windows.split(Windows.make(0, 10), 0))
  })
})

describe("Windows.bisect", () => {
  it.prop("terminates, keeps coverage, never goes below the minimum span", [shortRange, FastCheck.integer({ min: 1, max: 7200 })], ([r, minSpan]) => {
    // Bisect everything as far as it goes (a server refusing every window).
    const leaves: Array<Windows.Window> = []
    const stack = [r]
    let steps = 0
    while (stack.length > 0) {
      const w = stack.pop()!
      steps++
      assert.isBelow(steps, 10_000_000)
      Option.match(Windows.bisect(w, minSpan), {
        onNone: () => leaves.push(w),
        onSome: ([a, b]) => {
          assert.isBelow(Windows.span(a), Windows.span(w))
          assert.isBelow(Windows.span(b), Windows.span(w))
          stack.push(b, a)
        }
      })
    }
    assert.strictEqual(leaves[0].start, r.start)
    assert.strictEqual(leaves[leaves.length - 1].end, r.end)
    for (let i = 1; i < leaves.length; i++) assert.strictEqual(leaves[i].start, leaves[i - 1].end)
    for (const leaf of leaves) assert.isAtMost(Windows.span(leaf), Math.max(1, minSpan))
  }, { fastCheck: { numRuns: 50 } })

  it("splits at the midpoint and stops at the minimum span", () => {
    assert.deepStrictEqual(Windows.bisect(Windows.make(0, 100), 10), Option.some([{ start: 0, end: 50 }, { start: 50, end: 100 }] as const))
    assert.isTrue(Option.isNone(Windows.bisect(Windows.make(0, 10), 10)))
    assert.isTrue(Option.isNone(Windows.bisect(Windows.make(0, 1), 0)))
  })
})

describe("Windows.intersect and owns", () => {
  it("intersects inclusively and gives a lone window its whole last second", () => {
    assert.deepStrictEqual(Windows.intersect(Windows.make(0, 10), Windows.make(10, 20)), Option.some({ start: 10, end: 10 }))
    assert.isTrue(Option.isNone(Windows.intersect(Windows.make(0, 9), Windows.make(10, 20))))
    const only = Windows.make(5, 5)
    assert.isTrue(Windows.owns(only, 5, 5_999))
    assert.isFalse(Windows.owns(only, 5, 6_000))
    assert.isFalse(Windows.owns(only, 5, 4_999))
    // A window that is not the last leaves its end second to the next one.
    assert.isFalse(Windows.owns(Windows.make(0, 10), 20, 10_000))
    assert.isTrue(Windows.owns(Windows.make(10, 20), 20, 10_000))
  })
})

describe("Windows.clamp", () => {
  const now = 1_700_000_000
  it("moves an old start to the retention edge and caps a future end", () => {
    const c = Windows.clamp(Windows.make(now - 20 * 86_400, now + 500), { nowSeconds: now, retentionDays: 7, marginSeconds: 0 })
    assert.deepStrictEqual(c, { window: Option.some({ start: now - 7 * 86_400, end: now }), startClamped: true, startLost: true, endCapped: true })
    const d = Windows.clamp(Windows.make(now - 86_400, now - 10), { nowSeconds: now })
    assert.deepStrictEqual(d, { window: Option.some({ start: now - 86_400, end: now - 10 }), startClamped: false, startLost: false, endCapped: false })
    // Default 14 days with a margin so the server's later "now" still accepts the start.
    const e = Windows.clamp(Windows.make(0, now), { nowSeconds: now })
    assert.deepStrictEqual(e.window, Option.some({ start: now - 14 * 86_400 + 60, end: now }))
  })

  it("yields nothing for a period wholly out of retention", () => {
    const c = Windows.clamp(Windows.make(now - 30 * 86_400, now - 20 * 86_400), { nowSeconds: now })
    assert.isTrue(Option.isNone(c.window))
  })

  it.effect("clampNow reads the Clock and logs a warning when clamping", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(now * 1000)
      const logs: Array<string> = []
      const logger = Logger.make(({ message }) => {
        logs.push(String(message))
      })
      const c = yield* Windows.clampNow(Windows.make(now - 10 * 86_400, now + 1), { retentionDays: 7 }).pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
      assert.deepStrictEqual(c.window, Option.some({ start: now - 7 * 86_400 + 60, end: now }))
      assert.isTrue(logs.some((l) => l.includes("7-day retention")))
    }))
})
