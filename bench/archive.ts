/**
 * `trtc archive` against `trtc export` on the same data (issue 13): events written per second
 * into each backend with the API limit off, next to the rate at which the streams deliver them
 * (an `export --out` of the same period: the archive must not be slower because of its
 * database), the archive/export time ratio at the real limit, and the archive's peak RSS.
 * The emulator is its own process; each client is the real `trtc` bin, its peak RSS (VmHWM) read
 * by a preload at exit.
 *
 *   pnpm bench archive [--rooms 200] [--users 4] [--events-per-hour 2000] [--rps 0] [--backends sqlite,pg]
 *     [--seed 2026] [--label text] [--write]
 *
 * `--rps 0` turns the limit off on both sides (the emulator's and the client's); `--rps 20` is
 * the real API's.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startPostgres } from "./archivePostgres.js"
import { startEmulatorProcess } from "./emulator-process.js"

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const root = fileURLToPath(new URL("..", import.meta.url))
const rooms = Number(arg("rooms", "200"))
const users = Number(arg("users", "4"))
const eventsPerHour = Number(arg("events-per-hour", "2000"))
const rps = Number(arg("rps", "0"))
const seed = Number(arg("seed", "2026"))
const backends = arg("backends", "sqlite,pg").split(",").filter((b) => b !== "")
// Extra node flags for the trtc processes, e.g. --node-flags=--max-old-space-size=96 (comma-separated).
const nodeFlags = arg("node-flags", "").split(",").filter((f) => f !== "")
const label = arg("label", `${rooms} calls × ${users} users, ${eventsPerHour} events/h, rps ${rps === 0 ? "off" : rps}${nodeFlags.length === 0 ? "" : `, node ${nodeFlags.join(" ")}`}`)
const credential = { id: "AKIDBENCHARCHIVE000000000000000000000", key: "benchArchiveKey0123456789abcdef000" }
const bin = Path.join(root, "packages/cli/bin/trtc.mjs")

execFileSync(process.execPath, [Path.join(root, "packages/cli/build.mjs")], { stdio: "inherit" })

const dir = mkdtempSync(Path.join(Os.tmpdir(), "trtc-bench-archive-"))
const preload = Path.join(dir, "hwm.cjs")
// Peak RSS (VmHWM) and, sampled every 50 ms, the peak V8 heap in use: RSS counts garbage V8 has
// not collected yet, the heap in use after it says whether live data grows with the run.
writeFileSync(preload, `let heap = 0
setInterval(() => { heap = Math.max(heap, process.memoryUsage().heapUsed) }, 50).unref()
process.on("exit", () => {
  const m = /VmHWM:\\s+(\\d+) kB/.exec(require("fs").readFileSync("/proc/self/status", "utf8"))
  require("fs").writeFileSync(process.env.HWM_FILE, (m ? m[1] : "0") + " " + Math.round(heap / 1024))
})\n`)

const emulator = await startEmulatorProcess({
  seed,
  apps: 1,
  roomsPerApp: rooms,
  usersPerRoom: users,
  eventsPerHour,
  rps,
  maxEvents: 1_000_000,
  extraArgs: ["--credentials", `${credential.id}:${credential.key}`]
})

const cliRps = String(rps === 0 ? 100_000 : rps)
const trtc = (args: ReadonlyArray<string>) => {
  const hwm = Path.join(dir, `hwm-${Math.random()}`)
  const started = process.hrtime.bigint()
  const child = spawnSync(process.execPath, [...nodeFlags, "--require", preload, bin, ...args, "--rps", cliRps], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, HWM_FILE: hwm, TRTC_ENDPOINT: emulator.url, TENCENTCLOUD_SECRET_ID: credential.id, TENCENTCLOUD_SECRET_KEY: credential.key },
    encoding: "utf8",
    maxBuffer: 1 << 26
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (child.status !== 0) throw new Error(`trtc ${args.join(" ")} failed (${child.status}): ${child.stderr}`)
  const [rss, heap] = (existsSync(hwm) ? readFileSync(hwm, "utf8") : "0 0").split(" ").map(Number)
  return { seconds, stdout: child.stdout, peakMb: rss! / 1024, heapMb: heap! / 1024 }
}

interface Row {
  readonly run: string
  readonly events: number
  readonly seconds: number
  readonly peakMb: number
  readonly heapMb: number
}
const rows: Array<Row> = []
let pg: Awaited<ReturnType<typeof startPostgres>> | undefined
try {
  const out = Path.join(dir, "events.ndjson")
  const exported = trtc(["export", "--sdk-app-id", "1400000001", "--since", "14d", "--out", out])
  const exportedEvents = readFileSync(out, "utf8").split("\n").filter((l) => l !== "").length
  rows.push({ run: "export --out (stream delivery)", events: exportedEvents, seconds: exported.seconds, peakMb: exported.peakMb, heapMb: exported.heapMb })
  for (const backend of backends) {
    let db: string
    if (backend === "sqlite") db = Path.join(dir, "archive.db")
    else {
      pg ??= await startPostgres()
      db = pg.createDatabase(`bench_${rows.length}`)
    }
    const archived = trtc(["archive", "--sdk-app-id", "1400000001", "--since", "14d", "--db", db])
    const added = /, (\d+) events? added/.exec(archived.stdout)
    const events = added === null ? 0 : Number(added[1])
    if (events !== exportedEvents) console.error(`warning: archive ${backend} added ${events} events, export wrote ${exportedEvents}`)
    rows.push({ run: `archive → ${backend}`, events, seconds: archived.seconds, peakMb: archived.peakMb, heapMb: archived.heapMb })
  }
} finally {
  await emulator.stop()
  pg?.stop()
  rmSync(dir, { recursive: true, force: true })
}

const exportSeconds = rows[0]!.seconds
const lines = rows.map((r) =>
  `| ${label} | ${r.run} | ${r.events.toLocaleString("en")} | ${r.seconds.toFixed(1)} s | ${Math.round(r.events / r.seconds).toLocaleString("en")} | ${(r.seconds / exportSeconds).toFixed(2)}x | ${r.peakMb.toFixed(0)} MB (heap ${r.heapMb.toFixed(0)} MB) |`)
const header = "| data | run | events | time | events/s | time vs export | peak RSS |\n|---|---|---|---|---|---|---|"
console.log(`${header}\n${lines.join("\n")}`)

if (process.argv.includes("--write")) {
  const results = Path.join(root, "bench/results/archive.md")
  if (!existsSync(results)) {
    writeFileSync(
      results,
      "# `trtc archive` against `trtc export`\n\n" +
        "The real `trtc` bin against an emulator process, the same 14 days of one app: `export --out` (how fast\n" +
        "the streams deliver events) then `archive` into each backend (a fresh SQLite file, a fresh database on a\n" +
        "throwaway local PostgreSQL with fsync off). Peak RSS is VmHWM. A shared 2-core machine: times are\n" +
        "indicative, the ratio within one run is the figure. Rows appended by `pnpm bench archive --write` (flags in\n" +
        "the data column).\n\n" + header + "\n"
    )
  }
  appendFileSync(results, `${lines.join("\n")}\n`)
  console.log(`appended to ${Path.relative(root, results)}`)
}
