/**
 * Soak: one long `trtc export --out` (the bundled bin, a real process) against an in-process
 * emulator enforcing the documented 20 req/s per action with a strict sliding window. Samples
 * the CLI's resident memory and open sockets, and the established TCP connections on the
 * emulator's port, every few seconds; counts `RequestLimitExceeded` answers in the emulator's
 * request log; checks the file holds every event of the period exactly once.
 *
 * Command: `pnpm exec tsx bench/soak.ts [--rooms N] [--write]` (default 3400 calls ≈ 20,000
 * requests ≈ 15 min at 20 req/s; `--rooms 150` for a short run). Not part of CI.
 */
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const argv = process.argv.slice(2)
const flag = (name: string, fallback: number): number => {
  const i = argv.indexOf(name)
  return i >= 0 && Number(argv[i + 1]) > 0 ? Number(argv[i + 1]) : fallback
}
const rooms = flag("--rooms", 3400)
const sampleEveryMs = flag("--sample-ms", 5000)
const write = argv.includes("--write")
const sdkAppId = 1400000001
const secretId = "AKIDSOAK000000000000000000000000000000"
const secretKey = "soakSecretKey0000000000000000000000"

// A private copy of the bin: the CLI's tests rebuild packages/cli/bin while they run.
execFileSync(process.execPath, [join(root, "packages", "cli", "build.mjs")], { stdio: "inherit" })
const binDir = fs.mkdtempSync(join(os.tmpdir(), "trtc-soak-bin-"))
fs.cpSync(join(root, "packages", "cli", "bin"), binDir, { recursive: true })
const bin = join(binDir, "trtc.mjs")

const socketFds = (pid: number): number => {
  let n = 0
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++
      } catch { /* closed meanwhile */ }
    }
  } catch { /* process gone */ }
  return n
}
const rssMb = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))
    return m === null ? 0 : Number(m[1]) / 1024
  } catch {
    return 0
  }
}
const establishedOnPort = (port: number): number => {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`
  let n = 0
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = ""
    try {
      text = fs.readFileSync(file, "utf8")
    } catch { continue }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/)
      // Only the server's end, so each connection counts once.
      if (f.length > 3 && f[3] === "01" && f[1].endsWith(hex)) n++
    }
  }
  return n
}

const now = Math.floor(Date.now() / 1000)
// Calls spread over the 13 days before an hour ago: all inside the 14-day retention.
const dataSet = DataSet.generate({ seed: 2026, anchor: now - 3600, roomsPerApp: rooms, retentionDays: 13 })
let expectedEvents = 0
for (const app of dataSet.apps) for (const room of app.rooms) for (const s of room.sessions) expectedEvents += s.events.length

const scope = Effect.runSync(Scope.make())
const emulator = await Effect.runPromise(
  Emulator.make({ dataSet, rps: 20, credentials: [{ secretId, secretKey }], logLimit: 1_000_000 }).pipe(Scope.extend(scope))
)
const out = join(fs.mkdtempSync(join(os.tmpdir(), "trtc-soak-")), "events.ndjson")
const home = fs.mkdtempSync(join(os.tmpdir(), "trtc-soak-home-"))
console.log(`soak: ${rooms} calls, ${expectedEvents} events, emulator ${emulator.url} (20 req/s per action, strict)`)

interface Sample { readonly t: number; readonly rss: number; readonly sockets: number; readonly conns: number; readonly requests: number }
const samples: Array<Sample> = []
const started = Date.now()
const child = spawn(process.execPath, [bin, "export", "--sdk-app-id", String(sdkAppId), "--since", "14d", "--out", out], {
  env: { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", TRTC_ENDPOINT: emulator.url, TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey },
  stdio: ["ignore", "ignore", "pipe"]
})
let stderr = ""
child.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr += d))
const timer = setInterval(() => {
  const requests = Effect.runSync(emulator.requests).length
  const s = { t: (Date.now() - started) / 1000, rss: rssMb(child.pid!), sockets: socketFds(child.pid!), conns: establishedOnPort(emulator.port), requests }
  samples.push(s)
  console.log(`t=${s.t.toFixed(0)}s requests=${s.requests} rss=${s.rss.toFixed(1)}MB sockets=${s.sockets} conns=${s.conns}`)
}, sampleEveryMs)
const code: number | null = await new Promise((resolve) => child.on("close", (c) => resolve(c)))
clearInterval(timer)
const seconds = (Date.now() - started) / 1000

const log = Effect.runSync(emulator.requests)
const limited = log.filter((e) => e.code?.startsWith("RequestLimitExceeded")).length
const byAction = new Map<string, number>()
for (const e of log) byAction.set(e.action, (byAction.get(e.action) ?? 0) + 1)
const lines = fs.readFileSync(out, "utf8").split("\n").filter((l) => l !== "")
const keys = new Set(lines.map((l) => {
  const r = JSON.parse(l) as Record<string, unknown>
  return [r.commId, r.userId, r.peerId, r.timeMs, r.eventId, r.type, r.paramOne, r.paramTwo].join("|")
}))
await Effect.runPromise(Scope.close(scope, Exit.void))

// The busiest action's rate while it was busy, against its 20 req/s limit.
const events = log.filter((e) => e.action === "DescribeUserEvent").map((e) => e.time)
const eventRate = events.length > 1 ? (events.length - 1) / ((events[events.length - 1] - events[0]) / 1000) : 0
const mid = samples.filter((s) => s.t > seconds * 0.1)
const quarter = Math.max(1, Math.floor(mid.length / 4))
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const rssEarly = median(mid.slice(0, quarter).map((s) => s.rss))
const rssLate = median(mid.slice(-quarter).map((s) => s.rss))
const rssMax = Math.max(0, ...samples.map((s) => s.rss))
const socketsMax = Math.max(0, ...samples.map((s) => s.sockets))
const connsMax = Math.max(0, ...samples.map((s) => s.conns))
const socketsEarly = median(mid.slice(0, quarter).map((s) => s.sockets))
const socketsLate = median(mid.slice(-quarter).map((s) => s.sockets))

const summary = {
  exit: code,
  seconds: Math.round(seconds),
  requests: log.length,
  byAction: Object.fromEntries(byAction),
  requestLimitExceeded: limited,
  describeUserEventRate: Number(eventRate.toFixed(2)),
  events: { expected: expectedEvents, lines: lines.length, distinct: keys.size },
  rssMb: { early: Number(rssEarly.toFixed(1)), late: Number(rssLate.toFixed(1)), max: Number(rssMax.toFixed(1)) },
  sockets: { early: socketsEarly, late: socketsLate, max: socketsMax, emulatorConnectionsMax: connsMax },
  samples: samples.length
}
console.log(JSON.stringify(summary, null, 2))
if (code !== 0) console.error(stderr)
if (write) {
  const file = join(root, "bench", "results", "soak.md")
  if (!fs.existsSync(file)) {
    fs.writeFileSync(
      file,
      "# Soak: a long `trtc export --out` at the rate limit\n\n" +
        "The bundled bin against an in-process emulator enforcing 20 req/s per action (strict sliding window); CLI defaults (`--rps 20 --concurrency 4`). Memory = the CLI's RSS, sockets = its open socket descriptors, conns = established connections on the emulator's port; early/late = medians of the first and last quarter of the samples after the first 10 % of the run.\n\n" +
        "Command: `pnpm exec tsx bench/soak.ts --write` (option `--rooms N`, default 3400)\n\n" +
        "| date | exit | requests (UserEvent / UserInfo / RoomInfo) | duration | RequestLimitExceeded | UserEvent rate (limit 20) | events expected / written / distinct | RSS early → late (max) | sockets early → late (max), emulator conns max | machine |\n" +
        "|---|---:|---|---:|---:|---:|---|---|---|---|\n"
    )
  }
  const a = (k: string) => byAction.get(k) ?? 0
  fs.appendFileSync(
    file,
    `| ${new Date().toISOString().slice(0, 16)}Z | ${code} | ${log.length} (${a("DescribeUserEvent")} / ${a("DescribeUserInfo")} / ${a("DescribeRoomInfo")}) | ${Math.round(seconds)} s | ${limited} | ${eventRate.toFixed(2)} req/s | ${expectedEvents} / ${lines.length} / ${keys.size} | ${rssEarly.toFixed(0)} → ${rssLate.toFixed(0)} MB (${rssMax.toFixed(0)}) | ${socketsEarly} → ${socketsLate} (${socketsMax}), ${connsMax} | ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${samples.length} samples |\n`
  )
  console.log(`appended to ${file}`)
}
process.exit(code === 0 && limited === 0 && keys.size === expectedEvents && lines.length === expectedEvents ? 0 : 1)
