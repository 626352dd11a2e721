/**
 * Peak memory of `trtc export --out` on one large call (issue 18: a call of 380,566 events
 * peaked at 879 MB while each call was collected before one write). The emulator runs as its
 * own process (`startEmulatorProcess`: one call of `--users` users with events capped at 5,000 per
 * session, generated lazily, limits off); the real `trtc` bin then exports the app into a file
 * and its peak RSS (VmHWM, read by a preload at exit) is the figure. Target: under 200 MB.
 *
 *   pnpm bench export-memory [--seed 2026] [--users 100] [--events-per-hour 100000] [--concurrency 4]
 *     [--bin packages/cli/bin/trtc.mjs] [--label after] [--write]
 *
 * `--bin` names another build of the CLI (e.g. one built from an older commit) to compare.
 */
import { spawnSync } from "node:child_process"
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startEmulatorProcess } from "./emulator-process.js"

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const root = fileURLToPath(new URL("..", import.meta.url))
const seed = arg("seed", "2026")
const users = Number(arg("users", "100"))
const eventsPerHour = Number(arg("events-per-hour", "100000"))
const concurrency = Number(arg("concurrency", "4"))
const bin = Path.resolve(root, arg("bin", "packages/cli/bin/trtc.mjs"))
const label = arg("label", Path.relative(root, bin))
const credential = { id: "AKIDBENCHEXPORTMEMORY0000000000000000", key: "benchExportMemoryKey0123456789abcdef" }

const dir = mkdtempSync(Path.join(Os.tmpdir(), "trtc-export-memory-"))
// Reports the process's peak RSS on exit, however it exits (the CLI ends with process.exit).
const preload = Path.join(dir, "hwm.cjs")
writeFileSync(preload, `process.on("exit", () => {
  const m = /VmHWM:\\s+(\\d+) kB/.exec(require("fs").readFileSync("/proc/self/status", "utf8"))
  require("fs").writeFileSync(process.env.HWM_FILE, m ? m[1] : "0")
})\n`)

const emulator = await startEmulatorProcess({
  seed: Number(seed),
  apps: 1,
  roomsPerApp: 1,
  usersPerRoom: users,
  eventsPerHour,
  maxEvents: 1_000_000,
  extraArgs: ["--credentials", `${credential.id}:${credential.key}`]
})
const url = emulator.url

const out = Path.join(dir, "events.ndjson")
const hwmFile = Path.join(dir, "hwm")
const started = Date.now()
const child = spawnSync(process.execPath, [
  "--require",
  preload,
  bin,
  "export",
  "--sdk-app-id",
  "1400000001",
  "--since",
  "14d",
  "--out",
  out,
  "--rps",
  "1000",
  "--concurrency",
  String(concurrency)
], {
  env: {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    HWM_FILE: hwmFile,
    TRTC_ENDPOINT: url,
    TENCENTCLOUD_SECRET_ID: credential.id,
    TENCENTCLOUD_SECRET_KEY: credential.key
  },
  encoding: "utf8"
})
const seconds = (Date.now() - started) / 1000
await emulator.stop()
if (child.status !== 0) {
  console.error(child.stderr)
  process.exit(1)
}

// Count the events written and the calls they belong to (one line per event).
let events = 0
const calls = new Set<string>()
for (const line of readFileSync(out, "utf8").split("\n")) {
  if (line === "") continue
  events++
  calls.add((JSON.parse(line) as { commId: string }).commId)
}
const bytes = statSync(out).size
const peakMb = Number(existsSync(hwmFile) ? readFileSync(hwmFile, "utf8") : "0") / 1024
rmSync(dir, { recursive: true, force: true })

const row = `| ${label} | ${calls.size} | ${events.toLocaleString("en")} | ${(bytes / 1e6).toFixed(0)} MB | ${concurrency} | ${peakMb.toFixed(0)} MB | ${seconds.toFixed(1)} s |`
console.log(`| client | calls | events | file | --concurrency | peak RSS (VmHWM) | time |\n|---|---|---|---|---|---|---|\n${row}`)

if (process.argv.includes("--write")) {
  const results = Path.join(root, "bench/results/export-memory.md")
  if (!existsSync(results)) {
    writeFileSync(
      results,
      "# `trtc export --out` memory on one large call\n\n" +
        "Peak RSS (VmHWM) of the real `trtc` bin exporting one call into a file; the emulator is its own\n" +
        "process. Target: flat, under 200 MB. Each row is one run (`pnpm bench export-memory --write`,\n" +
        "flags as shown); a shared 2-core machine, so times are indicative only.\n\n" +
        "| client | calls | events | file | --concurrency | peak RSS (VmHWM) | time |\n|---|---|---|---|---|---|---|\n"
    )
  }
  appendFileSync(results, `${row}\n`)
  console.log(`appended to ${Path.relative(root, results)}`)
}
