/**
 * The archive's writer alone: rows per second that each backend takes from calls already in
 * memory, through the same function and transactions the sync uses (8 calls per transaction,
 * lease renewals aside). Set beside the streams' delivery rate (`pnpm bench archive`, the
 * export row) this says whether the database can be what slows an archive down.
 *
 *   pnpm bench archive-writer [--calls 400] [--users 4] [--events 150] [--backends sqlite,pg] [--write]
 *
 * `--events` is per user and call. Each backend gets a fresh database: a SQLite file in a temp
 * directory (WAL, as the archive opens it) and a throwaway local PostgreSQL (fsync off).
 */
import { execFileSync } from "node:child_process"
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startPostgres } from "./archivePostgres.js"

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}
const root = fileURLToPath(new URL("..", import.meta.url))
const callCount = Number(arg("calls", "400"))
const users = Number(arg("users", "4"))
const eventsPerUser = Number(arg("events", "150"))
const backends = arg("backends", "sqlite,pg").split(",").filter((b) => b !== "")
const totalEvents = callCount * users * eventsPerUser
// The writer is the archive's internal module: its own test project's fixture runs it.
const child = Path.join(root, "packages/archive/test/fixtures/writerThroughput.ts")
const writeAll = (target: string): { readonly events: number; readonly seconds: number } =>
  JSON.parse(execFileSync(process.execPath, ["--import", "tsx", child, String(callCount), String(users), String(eventsPerUser)], {
    env: { ...process.env, ARCHIVE_DB: target },
    encoding: "utf8"
  }))

const dir = mkdtempSync(Path.join(Os.tmpdir(), "trtc-bench-writer-"))
let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined
const rows: Array<string> = []
const load = Os.loadavg()[0]!.toFixed(1)
try {
  for (const backend of backends) {
    let target: string
    if (backend === "sqlite") target = Path.join(dir, "writer.db")
    else {
      postgres ??= await startPostgres()
      target = postgres.createDatabase("bench_writer")
    }
    const result = writeAll(target)
    if (result.events !== totalEvents) throw new Error(`${backend}: wrote ${result.events} of ${totalEvents} events`)
    const rate = Math.round(result.events / result.seconds)
    rows.push(`| ${callCount} calls × ${users} users × ${eventsPerUser} events | ${backend} | ${result.events.toLocaleString("en")} | ${result.seconds.toFixed(2)} s | **${rate.toLocaleString("en")}** | ${load} |`)
  }
} finally {
  postgres?.stop()
  rmSync(dir, { recursive: true, force: true })
}

const header = "| calls in memory | backend | events | time | rows/s | load |\n|---|---|---|---|---|---|"
console.log(`${header}\n${rows.join("\n")}`)
if (process.argv.includes("--write")) {
  const results = Path.join(root, "bench/results/archive-writer.md")
  if (!existsSync(results)) {
    writeFileSync(
      results,
      "# The archive's writer alone\n\n" +
        "Rows per second each backend takes from calls held in memory, through the sync's own write function and\n" +
        "transactions (8 calls per transaction): a fresh SQLite file (WAL) and a fresh database on a throwaway local\n" +
        "PostgreSQL (fsync off). Compare with the streams' delivery rate, the export rows of\n" +
        "[archive.md](archive.md). Load is the 1-minute load average when the run started. Rows appended by\n" +
        "`pnpm bench archive-writer --write` (flags in the first column).\n\n" + header + "\n"
    )
  }
  appendFileSync(results, `${rows.join("\n")}\n`)
  console.log(`appended to ${Path.relative(root, results)}`)
}
