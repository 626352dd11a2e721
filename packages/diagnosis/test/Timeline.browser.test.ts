import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import * as Diagnosis from "../src/Diagnosis.js"
import * as Timeline from "../src/Timeline.js"
import { artifacts, atPinnedNow, browser, knownCall, pinnedEmulator, trtcLayer } from "./support.js"

interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

describe("Timeline in headless Chromium", () => {
  it.scopedLive("the page of an emulator call: fits the viewport, tooltips on hover and focus, no network, screenshot", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* pinnedEmulator(knownCall())
      const ref = Diagnosis.callRefOf(Emulator.defaultSdkAppId, emulator.dataSet.apps[0]!.rooms[0]!.commId)!
      const call = yield* Diagnosis.fetch(ref).pipe(Effect.provide(trtcLayer(emulator)))
      assert.isAbove(call.events.length, 40)
      const file = join(artifacts, "emulator-call.html")
      writeFileSync(file, Timeline.render(call, { metrics: true }))
      const url = pathToFileURL(file).href

      const chromium = yield* browser
      const page = yield* Effect.promise(() => chromium.newPage({ viewport: { width: 1280, height: 800 } }))
      const requests: Array<string> = []
      const errors: Array<string> = []
      page.on("request", (r) => requests.push(r.url()))
      page.on("pageerror", (e) => errors.push(String(e)))
      yield* Effect.promise(() => page.goto(url))
      yield* Effect.promise(() => page.waitForSelector("html[data-ready=true]"))
      yield* Effect.promise(() => page.click("button[data-action=fit]"))

      const boxes = yield* Effect.promise(() =>
        page.evaluate(() => {
          const box = (e: Element) => {
            const r = e.getBoundingClientRect()
            return { x: r.x, y: r.y, width: r.width, height: r.height }
          }
          return {
            lanes: Array.from(document.querySelectorAll("[data-lane]"), box),
            markers: Array.from(document.querySelectorAll("[data-event]"), box),
            bars: Array.from(document.querySelectorAll("[data-session]"), box),
            metrics: document.querySelectorAll("polyline.metric").length
          }
        }))
      const inside = (b: Box) => b.width > 0 && b.height > 0 && b.x >= 0 && b.y >= 0 && b.x + b.width <= 1280 && b.y + b.height <= 800
      assert.strictEqual(boxes.lanes.length, 5)
      assert.strictEqual(boxes.markers.length, call.events.length)
      assert.strictEqual(boxes.bars.length, 5)
      for (const [i, b] of boxes.lanes.entries()) assert.isTrue(inside(b), `lane ${i} ${JSON.stringify(b)}`)
      for (const [i, b] of boxes.markers.entries()) assert.isTrue(inside(b), `marker ${i} ${JSON.stringify(b)}`)
      for (const [i, b] of boxes.bars.entries()) assert.isTrue(inside(b), `bar ${i} ${JSON.stringify(b)}`)
      // --metrics: each user who was in the room has quality series drawn under the lane.
      assert.isAtLeast(boxes.metrics, 4)

      // Hover a failure marker: the tooltip holds its catalogue description and exact time.
      const tooltip = page.locator("[role=tooltip]")
      const drop = page.locator(`[data-lane="carol"] [data-event-id="1003"][data-params="0, -1"]`).first()
      yield* Effect.promise(() => drop.hover())
      assert.isTrue(yield* Effect.promise(() => tooltip.isVisible()))
      const hovered = yield* Effect.promise(() => tooltip.textContent())
      assert.include(hovered, "The user has disconnected from the network")
      const dropTime = Number(yield* Effect.promise(() => drop.getAttribute("data-time-ms")))
      assert.include(hovered, new Date(dropTime).toISOString().replace("T", " ").replace("Z", " UTC"))
      // bob's attempts lie within 10 s of a 10 min call, on top of each other at "fit": zoomed
      // to 4 s around one, it stands alone and hovers.
      const cvm = page.locator(`[data-event-id="5005"]`).first()
      const cvmTime = Number(yield* Effect.promise(() => cvm.getAttribute("data-time-ms")))
      yield* Effect.promise(() => page.evaluate((t) => (window as unknown as { timeline: { show(a: number, b: number): void } }).timeline.show(t - 2000, t + 2000), cvmTime))
      yield* Effect.promise(() => cvm.hover())
      assert.include(yield* Effect.promise(() => tooltip.textContent()), "Connection to CVM timed out")
      yield* Effect.promise(() => page.click("button[data-action=fit]"))
      // Keyboard focus on another failure marker shows its description.
      yield* Effect.promise(() => page.mouse.move(1, 1))
      const camera = page.locator(`[data-event-id="4002"]`).first()
      yield* Effect.promise(() => camera.focus())
      assert.isTrue(yield* Effect.promise(() => tooltip.isVisible()))
      assert.include(yield* Effect.promise(() => tooltip.textContent()), "Failed to enable front camera")
      yield* Effect.promise(() => page.keyboard.press("Escape"))
      assert.isFalse(yield* Effect.promise(() => tooltip.isVisible()))

      // Zoom in with the keyboard, then fit again.
      const view = () => Effect.promise(() => page.evaluate(() => (window as unknown as { timeline: { view(): { startMs: number; endMs: number } } }).timeline.view()))
      const fitted = yield* view()
      yield* Effect.promise(() => page.locator("body").press("+"))
      yield* Effect.promise(() => page.waitForTimeout(100))
      const zoomed = yield* view()
      assert.approximately(zoomed.endMs - zoomed.startMs, (fitted.endMs - fitted.startMs) / 2, 1)
      yield* Effect.promise(() => page.click("button[data-action=fit]"))
      assert.deepStrictEqual(yield* view(), fitted)

      yield* Effect.promise(() => page.screenshot({ path: join(artifacts, "emulator-call.png"), fullPage: true }))
      // The page fetched nothing but itself.
      assert.deepStrictEqual(requests, [url])
      assert.deepStrictEqual(errors, [])
      // A browser start, an emulator and a dozen page interactions: slow on a loaded machine.
    })), 180_000)
})
