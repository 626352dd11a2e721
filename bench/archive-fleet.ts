/**
 * Many archivers, one PostgreSQL (issue 15): three `trtc archive --watch --every 1h --poll 1s`
 * worker processes (the built bin) share five apps of one emulator (its own process) on one
 * throwaway PostgreSQL server; the first worker seen holding an app for `--kill-after` ms is
 * SIGKILLed. Measured: total time (workers started → every app's run completed), the take-over
 * time (kill → a survivor holds the app, or has completed it, as `trtc archive status` shows),
 * the apps each worker completed; exactness checked per app (the archive's event count against
 * the emulator's data set, with the natural key unique so no event can be there twice).
 *
 * Two modes: the API's real limit (the emulator refuses past 20 req/s per action in a sliding
 * second) with the three workers sharing the account's limit through a real redis-server
 * (`--rate-limit redis://…`, 127.0.0.1, no persistence), and no limit (emulator `--rps 0`,
 * workers `--rps 1000`).
 *
 *   pnpm bench archive-fleet [--rooms 16] [--kill-after 1500] [--write]
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process"
import { appendFileSync, existsSync, writeFileSync } from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { freePort, startPostgres } from "./archivePostgres.js"
import { startEmulatorProcess } from "./emulator-process.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const rooms = arg("rooms", 16)
const killAfter = arg("kill-after", 1500)
const apps = 5
const workerCount = 3
const root = fileURLToPath(new URL("..", import.meta.url))
const bin = Path.join(root, "packages/cli/bin/trtc.mjs")
if (!existsSync(bin)) execFileSync(process.execPath, [Path.join(root, "packages/cli/build.mjs")], { stdio: "inherit" })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A redis-server on 127.0.0.1, no persistence. */
const startRedis = async () => {
  const port = await freePort()
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" })
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = Net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)))
      s.on("error", () => resolve(false))
    })
    if (ok) break
    await sleep(50)
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => void proc.kill("SIGTERM") }
}

interface AppRow {
  readonly sdkAppId: number
  readonly events: number
  readonly heldBy: string
  readonly lastRun: string
}

const mode = async (label: string, limited: boolean) => {
  const pg = await startPostgres()
  const redis = limited ? await startRedis() : undefined
  const emulator = await startEmulatorProcess({ apps, roomsPerApp: rooms, rps: limited ? 20 : 0 })
  try {
    const dataSet = await (await fetch(`${emulator.url}/_admin/dataset`)).json() as {
      apps: ReadonlyArray<{ sdkAppId: number; rooms: ReadonlyArray<{ sessions: ReadonlyArray<{ events: ReadonlyArray<unknown> }> }> }>
    }
    const expected = new Map(dataSet.apps.map((a) => [a.sdkAppId, a.rooms.reduce((n, r) => n + r.sessions.reduce((m, s) => m + s.events.length, 0), 0)]))
    const ids = [...expected.keys()]
    const db = pg.createDatabase(limited ? "fleet_limited" : "fleet_unlimited")
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: Os.tmpdir(),
      NO_COLOR: "1",
      TRTC_ENDPOINT: emulator.url,
      TENCENTCLOUD_SECRET_ID: "AKIDEMULATOR0000000000000000000000000",
      TENCENTCLOUD_SECRET_KEY: "emulatorSecretKey000000000000000"
    }
    const status = (): ReadonlyArray<AppRow> => {
      const r = spawnSync(process.execPath, [bin, "archive", "status", "--db", db, "--format", "json"], { env, encoding: "utf8" })
      return r.status === 0 ? JSON.parse(r.stdout) as ReadonlyArray<AppRow> : []
    }
    const args = [
      "archive",
      ...ids.flatMap((a) => ["--sdk-app-id", String(a)]),
      "--db",
      db,
      "--since",
      "14d",
      "--watch",
      "--every",
      "1h",
      "--poll",
      "1s",
      ...(limited ? ["--rps", "20", "--rate-limit", redis!.url] : ["--rps", "1000"])
    ]
    const started = Date.now()
    const workers: Array<{ proc: ChildProcess; out: string }> = []
    for (let i = 0; i < workerCount; i++) {
      const proc = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] })
      const w = { proc, out: "" }
      proc.stdout!.setEncoding("utf8").on("data", (d: string) => void (w.out += d))
      proc.stderr!.setEncoding("utf8").on("data", (d: string) => void (w.out += d))
      workers.push(w)
    }
    const pids = workers.map((w) => w.proc.pid!)
    const firstHeld = new Map<number, number>()
    let killed = 0
    let killedApp = 0
    let killedAt = 0
    let takenOverAt = 0
    let finishedAt = 0
    const done = new Set<number>()
    while (Date.now() - started < 15 * 60_000 && done.size < ids.length) {
      const rows = status()
      const now = Date.now()
      for (const row of rows) {
        const pid = /^pid (\d+) /.exec(row.heldBy)?.[1]
        if (pid !== undefined && !firstHeld.has(row.sdkAppId)) firstHeld.set(row.sdkAppId, now)
        if (killedAt === 0 && pid !== undefined && pids.includes(Number(pid)) && now - firstHeld.get(row.sdkAppId)! >= killAfter) {
          killed = Number(pid)
          killedApp = row.sdkAppId
          process.kill(killed, "SIGKILL")
          killedAt = Date.now()
        }
        if (killedAt > 0 && takenOverAt === 0 && row.sdkAppId === killedApp) {
          const survivor = pid !== undefined && Number(pid) !== killed
          const completedAfter = row.lastRun !== "" && Date.parse(row.lastRun) >= Math.floor(killedAt / 1000) * 1000
          if (survivor || completedAfter) takenOverAt = now
        }
        if (row.lastRun !== "") done.add(row.sdkAppId)
      }
      if (done.size === ids.length) finishedAt = now
      await sleep(200)
    }
    for (const w of workers) if (w.proc.pid !== killed) w.proc.kill("SIGINT")
    await Promise.all(workers.map((w) => new Promise((resolve) => w.proc.exitCode !== null || w.proc.signalCode !== null ? resolve(null) : w.proc.on("close", resolve))))
    const final = status()
    const exact = ids.every((a) => final.find((r) => r.sdkAppId === a)?.events === expected.get(a))
    const perWorker = workers.map((w, i) => {
      const done = [...w.out.matchAll(/^archived app (\d+):/gm)].map((m) => m[1])
      return `worker ${i + 1}${pids[i] === killed ? " (killed)" : ""}: ${done.length === 0 ? "none" : done.join(", ")}`
    })
    const total = [...expected.values()].reduce((a, b) => a + b, 0)
    // What the API saw: the emulator's request log (refusals and the busiest action's rate).
    const log = (await (await fetch(`${emulator.url}/_admin/requests`)).json() as { requests: ReadonlyArray<{ action: string; time: number; code?: string }> }).requests
    const refused = log.filter((e) => e.code?.startsWith("RequestLimitExceeded") === true).length
    const byAction = new Map<string, Array<number>>()
    for (const e of log) byAction.set(e.action, [...(byAction.get(e.action) ?? []), e.time])
    const [busiest, times] = [...byAction].sort((a, b) => b[1].length - a[1].length)[0] ?? ["none", []]
    const rate = times.length > 1 ? (times.length - 1) / ((times[times.length - 1]! - times[0]!) / 1000) : 0
    return {
      label,
      line: `${label}: ${ids.length} apps, ${total} events; all archived in ${((finishedAt - started) / 1000).toFixed(1)} s; ` +
        `worker pid ${killed} SIGKILLed holding app ${killedApp} ${((killedAt - started) / 1000).toFixed(1)} s in, taken over after ${((takenOverAt - killedAt) / 1000).toFixed(1)} s; ` +
        `exact (each app's events = the data set's, natural key unique): ${exact}; ${log.length} requests, ` +
        `RequestLimitExceeded answers: ${refused}; busiest action ${busiest}: ${times.length} requests at ${rate.toFixed(1)} req/s first to last`,
      perWorker
    }
  } finally {
    await emulator.stop()
    redis?.stop()
    pg.stop()
  }
}

const results = [await mode("20 req/s (emulator limit, workers share it through Redis)", true), await mode("no limit (emulator --rps 0)", false)]
for (const r of results) {
  console.log(r.line)
  for (const w of r.perWorker) console.log(`  ${w}`)
}

if (process.argv.includes("--write")) {
  const file = new URL("./results/archive-fleet.md", import.meta.url)
  if (!existsSync(file)) writeFileSync(file, "# Many archivers, one PostgreSQL\n\n")
  const date = new Date().toISOString().slice(0, 16)
  appendFileSync(file, [
    `### ${date} UTC, Node ${process.version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0]!.toFixed(1)}`,
    "",
    `Command: \`pnpm bench archive-fleet --rooms ${rooms} --kill-after ${killAfter} --write\` (3 \`trtc archive --watch --every 1h --poll 1s\` workers for 5 apps × ${rooms} calls, one PostgreSQL 15 server, one emulator process; the first worker seen holding an app for ${killAfter} ms SIGKILLed; times from \`trtc archive status\` polled every 200 ms, so ±0.5 s)`,
    "",
    ...results.flatMap((r) => [`- ${r.line}`, ...r.perWorker.map((w) => `  - ${w}`)]),
    "",
    ""
  ].join("\n"))
}
