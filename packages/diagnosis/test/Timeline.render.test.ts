import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Diagnosis from "../src/Diagnosis.js"
import * as Timeline from "../src/Timeline.js"
import { browser } from "./support.js"

// A small call written out by hand, parsed by a real HTML parser (Chromium's, via
// playwright-core; node has none) and read through the page's DOM contract.
const t0 = 1_764_050_000
const hostile = `<img src=x onerror="window.pwned=1">"'&`
const users: ReadonlyArray<Diagnosis.User> = [
  { userId: "alice", sessions: [{ joinTs: t0, leaveTs: t0 + 300 }] },
  // Two sessions: a rejoin leaves a gap between two bars.
  { userId: hostile, sessions: [{ joinTs: t0 + 10, leaveTs: t0 + 100 }, { joinTs: t0 + 130, leaveTs: t0 + 290 }] },
  { userId: "小明_3", sessions: [{ joinTs: t0 + 20, leaveTs: t0 + 200 }] }
]
const ev = (userId: string, s: number, eventId: number, paramOne = -1, peerId = userId): Diagnosis.Event => ({
  userId,
  peerId,
  type: 0,
  timeMs: (t0 + s) * 1000,
  eventId,
  paramOne,
  paramTwo: -1
})
const events: ReadonlyArray<Diagnosis.Event> = [
  ev("alice", 0.5, 5001),
  ev("alice", 1, 5003, 1),
  ev("alice", 2, 5004),
  ev("alice", 60, 1003, 0),
  ev("alice", 66, 1003, 1),
  ev(hostile, 10.2, 5001),
  ev(hostile, 11, 5003, 1),
  ev(hostile, 15, 5007, -1, "alice"),
  ev(hostile, 130.5, 5001),
  ev(hostile, 131, 5003, 1),
  ev("小明_3", 20.5, 5001),
  ev("小明_3", 24, 4002, 0),
  ev("小明_3", 199, 7001, 1)
]
const call: Diagnosis.Call = { commId: `1400000001_r<1>_${t0}`, users, events }

interface Parsed {
  readonly lanes: Array<string>
  readonly bars: Array<{ user: string; session: string }>
  readonly gaps: number
  readonly markers: Array<{ user: string; id: number; time: number; category: string; tabindex: string | null; description: string }>
  readonly tooltips: number
  readonly images: number
  readonly pwned: unknown
  readonly external: Array<string>
  readonly title: string
}

describe("Timeline.render", () => {
  it.scoped("the page of a small call has exactly its lanes, presence bars and markers", () =>
    Effect.gen(function*() {
      const html = Timeline.render(call)
      const chromium = yield* browser
      const page = yield* Effect.promise(() => chromium.newPage())
      yield* Effect.promise(() => page.setContent(html))
      const parsed: Parsed = yield* Effect.promise(() =>
        page.evaluate(() => {
          const all = (q: string) => Array.from(document.querySelectorAll(q))
          return {
            lanes: all("[data-lane]").map((e) => e.getAttribute("data-lane")!),
            bars: all("[data-session]").map((e) => ({ user: e.getAttribute("data-user")!, session: e.getAttribute("data-session")! })),
            gaps: all("[data-gap]").length,
            markers: all("[data-event]").map((e) => ({
              user: e.getAttribute("data-user")!,
              id: Number(e.getAttribute("data-event-id")),
              time: Number(e.getAttribute("data-time-ms")),
              category: e.getAttribute("data-category")!,
              tabindex: e.getAttribute("tabindex"),
              description: e.getAttribute("data-description")!
            })),
            tooltips: all("[role=tooltip]").length,
            images: all("img").length,
            pwned: (window as unknown as { pwned?: unknown }).pwned,
            external: all("[src],[href],link").map((e) => e.outerHTML),
            title: document.title
          }
        }))
      assert.deepStrictEqual(parsed.lanes, ["alice", hostile, "小明_3"])
      assert.deepStrictEqual(parsed.bars, [
        { user: "alice", session: "0" },
        { user: hostile, session: "0" },
        { user: hostile, session: "1" },
        { user: "小明_3", session: "0" }
      ])
      // alice's network drop (60 s → 66 s) is drawn as a gap in her bar.
      assert.strictEqual(parsed.gaps, 1)
      const byLane = (user: string) =>
        parsed.markers.filter((m) => m.user === user).map((m) => [m.id, m.time]).sort((a, b) => a[1]! - b[1]! || a[0]! - b[0]!)
      for (const user of ["alice", hostile, "小明_3"]) {
        assert.deepStrictEqual(byLane(user), events.filter((e) => e.userId === user).map((e) => [e.eventId, e.timeMs]), user)
      }
      assert.strictEqual(parsed.markers.length, events.length)
      assert.isTrue(parsed.markers.every((m) => m.tabindex === "0"))
      const failure = parsed.markers.find((m) => m.id === 4002)!
      assert.strictEqual(failure.category, "failure")
      assert.strictEqual(failure.description, "Failed to enable front camera")
      assert.strictEqual(parsed.markers.find((m) => m.id === 5004)!.category, "video")
      assert.strictEqual(parsed.markers.find((m) => m.id === 5001)!.category, "room")
      assert.strictEqual(parsed.tooltips, 1)
      // The hostile user id stayed text: no element, no script ran, nothing to fetch.
      assert.strictEqual(parsed.images, 0)
      assert.isUndefined(parsed.pwned)
      assert.deepStrictEqual(parsed.external, [])
      assert.strictEqual(parsed.title, `Call 1400000001_r<1>_${t0}`)
    }))

  it("escapeHtml leaves no markup", () => {
    assert.strictEqual(Timeline.escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
  })
})
