/**
 * The Redis shared rate limiter at work: three worker processes on ONE account, each exporting
 * its own app (`TrtcStream.events`, 13 days) from ONE emulator that enforces 20 requests per
 * second per action in a strict 1-second sliding window, their limiters sharing one real
 * redis-server (127.0.0.1, free port, no persistence). From the emulator's request log: requests
 * per action, the three workers' combined rate on the busiest action while it was busy
 * (`(n - 1) / (last - first)`) as a share of the limit (target ≥ 95 %), and RequestLimitExceeded
 * answers (must be 0). `--rps 19` runs the limiter one under the API's limit, to see whether a
 * margin is needed; `--no-hold` counts each use from when Redis admitted it instead of from when
 * it ended (the full rate, exposed to network jitter; `--margin MS` widens the window to cover
 * it); `--baseline` runs the same with each worker on core's in-process limiter
 * (what the API sees without Redis).
 *
 *   pnpm bench redis [--rooms 60] [--rps 20] [--no-hold] [--margin MS] [--baseline] [--write]
 */
import { spawnSync } from "node:child_process"
import { appendFileSync, existsSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const rooms = arg("rooms", 60)
const rps = arg("rps", 20)
const baseline = process.argv.includes("--baseline")
// --no-hold: uses count from when Redis admitted them, with --margin ms added to the window.
const hold = !process.argv.includes("--no-hold")
const margin = arg("margin", 0)
const limit = 20

// The scenario lives beside the redis package's tests (their helpers); it prints its outcome.
const script = fileURLToPath(new URL("../packages/redis/test/fixtures/sharedLimitScenario.ts", import.meta.url))
const child = spawnSync(process.execPath, ["--conditions=@effect-trtc/source", "--import", "tsx", script, JSON.stringify({ rooms, rps, baseline, hold, margin })], {
  cwd: fileURLToPath(new URL("..", import.meta.url)),
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  maxBuffer: 64 * 1024 * 1024
})
if (child.status !== 0) throw new Error(`scenario failed (exit ${child.status})`)
const result = JSON.parse(child.stdout.trim().split("\n").pop()!) as {
  readonly seconds: number
  readonly total: number
  readonly events: number
  readonly exact: boolean
  readonly refused: number
  readonly failed: ReadonlyArray<string>
  readonly actions: ReadonlyArray<{ readonly action: string; readonly n: number; readonly rate: number }>
}
const dominant = result.actions[0]!
const perAction = result.actions.map((a) => `${a.action} ${a.n} req at ${a.rate.toFixed(2)} req/s (${(a.rate / limit * 100).toFixed(1)} %)`).join("; ")
const mode = baseline
  ? `in-process limiters, ${rps}/s each`
  : `Redis limiter, ${rps}/s shared, ${hold ? "uses held until they end" : `uses counted from admission, margin ${margin} ms`}`
console.log(`${mode}: ${result.total} requests in ${result.seconds.toFixed(1)} s, ${result.events} events (exactly the data set's: ${result.exact}), RequestLimitExceeded: ${result.refused}`)
console.log(perAction)
for (const f of result.failed) console.log(f)

if (process.argv.includes("--write")) {
  const file = new URL("./results/redis.md", import.meta.url)
  if (!existsSync(file)) writeFileSync(file, "# Redis shared rate limiter\n\n")
  const date = new Date().toISOString().slice(0, 16)
  const flags = [`--rooms ${rooms}`, `--rps ${rps}`, ...(baseline ? ["--baseline"] : []), ...(hold ? [] : ["--no-hold", `--margin ${margin}`]), "--write"].join(" ")
  appendFileSync(file, [
    `### ${mode} — ${date} UTC, Node ${process.version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0]!.toFixed(1)}`,
    "",
    `Command: \`pnpm bench redis ${flags}\` (3 worker processes on one account, one app each, \`TrtcStream.events\` over 13 days at concurrency 8; one emulator in the bench process with a strict sliding window of ${limit} req/s per action; one redis-server 7 on 127.0.0.1)`,
    "",
    "| requests | duration | events | all exact | busiest action | combined rate / limit | RequestLimitExceeded | per action |",
    "|---:|---:|---:|---|---|---:|---:|---|",
    `| ${result.total} | ${result.seconds.toFixed(1)} s | ${result.events} | ${result.exact ? "yes" : `no (${result.failed.join("; ")})`} | ${dominant.action} | ${dominant.rate.toFixed(2)} / ${limit} = **${(dominant.rate / limit * 100).toFixed(1)} %** | **${result.refused}** | ${perAction} |`,
    "",
    ""
  ].join("\n"))
}
