/**
 * The timeline page of a big call: 50 users over 6 hours, 20,000 events (and, with metrics, three
 * quality series per user sampled every 2 s as DescribeCallDetailInfo gives them), rendered in
 * node, then loaded in headless Chromium (Debian's /usr/bin/chromium through playwright-core):
 * from navigation to the page's script having laid everything out ("ready"), then to the first
 * tooltip shown on hover ("interactive"), and how long a zoom's relayout takes.
 *
 *   pnpm bench timeline [--runs 5] [--write]
 *
 * With --write, appends a row to bench/results/timeline.md.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"

// bench's package.json does not depend on @effect-trtc/diagnosis or playwright-core (adding them
// changes the lockfile, which is done centrally): the renderer is loaded from its source by path
// (tsx runs it) and playwright-core is resolved from the diagnosis package, whose dev dependency
// it is. The shapes below are the parts of Diagnosis.Call the bench builds.
namespace Diagnosis {
  export interface User {
    readonly userId: string
    readonly sessions: ReadonlyArray<{ readonly joinTs: number; readonly leaveTs: number }>
  }
  export interface Event {
    readonly userId: string
    readonly peerId: string
    readonly type: number
    readonly timeMs: number
    readonly eventId: number
    readonly paramOne: number
    readonly paramTwo: number
  }
  export interface QualityPoint {
    readonly userId: string
    readonly peerId: string
    readonly dataType: string
    readonly time: number
    readonly value: number
  }
  export interface Call {
    readonly commId: string
    readonly users: ReadonlyArray<User>
    readonly events: ReadonlyArray<Event>
    readonly quality?: ReadonlyArray<QualityPoint>
  }
}
const Timeline = (await import(new URL("../packages/diagnosis/src/Timeline.ts", import.meta.url).href)) as {
  readonly render: (call: Diagnosis.Call, options: { readonly metrics: boolean }) => string
}
const requireFromDiagnosis = createRequire(new URL("../packages/diagnosis/package.json", import.meta.url))
interface Page {
  goto(url: string): Promise<unknown>
  waitForSelector(selector: string): Promise<unknown>
  locator(selector: string): { first(): { hover(options: { force: boolean }): Promise<void> } }
  evaluate<A>(f: () => A): Promise<A>
  close(): Promise<void>
}
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>
  close(): Promise<void>
}
const { chromium } = requireFromDiagnosis("playwright-core") as {
  readonly chromium: { launch(options: { executablePath: string; args: ReadonlyArray<string> }): Promise<Browser> }
}

const args = process.argv.slice(2)
const runs = Number(args[args.indexOf("--runs") + 1] ?? 5) || 5
const write = args.includes("--write")

// A deterministic PRNG (mulberry32), so every run draws the same call.
const rng = (() => {
  let a = 2026
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
})()

const users = 50
const totalEvents = 20_000
const start = 1_764_000_000
const span = 6 * 3600
// A mix of what clients report: joins, mutes, camera toggles, resolution changes, network
// changes, drops, device events and the odd failure.
const mix: ReadonlyArray<readonly [eventId: number, paramOne: number]> = [
  [3001, 1],
  [3001, 3],
  [4006, 1],
  [4006, 0],
  [4003, 1280],
  [4008, 24],
  [4009, 1200],
  [1003, 1],
  [1003, 2],
  [1003, 0],
  [2001, 1],
  [2001, 0],
  [1001, 1],
  [5006, -1],
  [5007, -1],
  [4014, 1],
  [4014, 0],
  [4013, 3],
  [4002, 0],
  [5005, -1]
]

const buildCall = (): Diagnosis.Call => {
  const people: Array<Diagnosis.User> = []
  const events: Array<Diagnosis.Event> = []
  for (let u = 0; u < users; u++) {
    const userId = `user_${String(u).padStart(2, "0")}${u % 7 === 0 ? "_李雷" : ""}`
    const join = start + Math.floor(rng() * 1800)
    const leave = start + span - Math.floor(rng() * 1800)
    // A third of the users drop out once and come back.
    const sessions = u % 3 === 0
      ? [{ joinTs: join, leaveTs: join + Math.floor((leave - join) / 2) }, { joinTs: join + Math.floor((leave - join) / 2) + 120, leaveTs: leave }]
      : [{ joinTs: join, leaveTs: leave }]
    people.push({ userId, sessions })
    const ev = (timeMs: number, eventId: number, paramOne: number, peerId = userId) =>
      events.push({ userId, peerId, type: 0, timeMs, eventId, paramOne, paramTwo: -1 })
    for (const s of sessions) {
      ev(s.joinTs * 1000 + 100, 5001, -1)
      ev(s.joinTs * 1000 + 900, 5003, 1)
      ev(s.joinTs * 1000 + 1500, 5004, -1)
    }
    const mine = totalEvents / users - sessions.length * 3
    for (let i = 0; i < mine; i++) {
      const s = sessions[Math.floor(rng() * sessions.length)]!
      const [eventId, paramOne] = mix[Math.floor(rng() * mix.length)]!
      const peer = eventId === 5006 || eventId === 5007 || eventId === 4014 || eventId === 4013 ? `user_${String(Math.floor(rng() * users)).padStart(2, "0")}` : userId
      ev(Math.floor((s.joinTs + 2 + rng() * (s.leaveTs - s.joinTs - 4)) * 1000), eventId, paramOne, peer)
    }
  }
  const quality: Array<Diagnosis.QualityPoint> = []
  for (const p of people) {
    for (const s of p.sessions) {
      for (let t = s.joinTs; t <= s.leaveTs; t += 2) {
        quality.push({ userId: p.userId, peerId: "", dataType: "aLoss", time: t, value: Math.round(rng() * 80) / 10 })
        quality.push({ userId: p.userId, peerId: "", dataType: "rtt", time: t, value: 30 + Math.round(rng() * 120) })
        quality.push({ userId: p.userId, peerId: "", dataType: "bigvEncFps", time: t, value: 15 + Math.round(rng() * 15) })
      }
    }
  }
  return { commId: `1400000001_bench_${start}`, users: people, events, quality }
}

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const call = buildCall()
const dir = mkdtempSync(join(tmpdir(), "trtc-bench-timeline-"))

const measure = async (metrics: boolean) => {
  const renderMs: Array<number> = []
  let html = ""
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    html = Timeline.render(call, { metrics })
    renderMs.push(performance.now() - t0)
  }
  const file = join(dir, metrics ? "metrics.html" : "plain.html")
  writeFileSync(file, html)
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
  })
  const ready: Array<number> = []
  const interactive: Array<number> = []
  const zoom: Array<number> = []
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      const t0 = performance.now()
      await page.goto(pathToFileURL(file).href)
      await page.waitForSelector("html[data-ready=true]")
      ready.push(performance.now() - t0)
      // The first failure marker in view at "fit", hovered until its tooltip shows.
      await page.locator("[data-category=failure]").first().hover({ force: true })
      await page.waitForSelector("[role=tooltip]:not([hidden])")
      interactive.push(performance.now() - t0)
      zoom.push(await page.evaluate(() => {
        const t = performance.now()
        ;(globalThis as unknown as { timeline: { fit(): void } }).timeline.fit()
        return performance.now() - t
      }))
      await page.close()
    }
  } finally {
    await browser.close()
  }
  return {
    metrics,
    bytes: Buffer.byteLength(html),
    render: median(renderMs),
    ready: median(ready),
    interactive: median(interactive),
    zoom: median(zoom)
  }
}

const results = [await measure(false), await measure(true)]
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`
const ms = (n: number) => `${Math.round(n)} ms`
for (const r of results) {
  console.log(
    `${r.metrics ? "with metrics   " : "without metrics"}: page ${mb(r.bytes)}, render ${ms(r.render)}, load→ready ${ms(r.ready)}, load→first tooltip ${ms(r.interactive)}, relayout (fit) ${ms(r.zoom)}`
  )
}

if (write) {
  const path = new URL("./results/timeline.md", import.meta.url).pathname
  mkdirSync(new URL("./results/", import.meta.url).pathname, { recursive: true })
  if (!existsSync(path)) {
    writeFileSync(
      path,
      `# Timeline page of a big call\n\nCommand: \`pnpm bench timeline --write\` (bench/timeline.ts): ${users} users over 6 h, ${call.events.length} events, ${call.quality!.length} quality points (3 series per user every 2 s); medians of ${runs} runs. Render = \`Timeline.render\` in node; ready = Chromium (headless, /usr/bin/chromium) from navigation to the page's script having laid out every element; first tooltip = to a hovered failure marker's tooltip shown; relayout = one fit/zoom pass in the page. ${process.version}, 2-core machine shared with other jobs.\n\n| date | metrics | page | render | load → ready | load → first tooltip | relayout | load avg (1 min) |\n|---|---|---|---|---|---|---|---|\n`
    )
  }
  const date = new Date().toISOString().slice(0, 16) + "Z"
  for (const r of results) {
    appendFileSync(path, `| ${date} | ${r.metrics ? "yes" : "no"} | ${mb(r.bytes)} | ${ms(r.render)} | ${ms(r.ready)} | ${ms(r.interactive)} | ${ms(r.zoom)} | ${loadavg()[0]!.toFixed(1)} |\n`)
  }
  console.log(`appended to ${path}`)
}
