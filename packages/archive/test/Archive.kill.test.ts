// Exactly once under SIGKILL: a real archiver process (test/fixtures/archiveChild.ts) killed at
// random moments, mid-transaction included, then run to the end; on both backends.
import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll } from "vitest"
import { appId, archivedEvents, emulatorOptions, expectedEvents, offsetMillis, smallDataSet } from "./helpers.js"
import { type Postgres, startPostgres } from "./postgres.js"
import { withDb } from "./suite.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const child = Path.join(here, "fixtures", "archiveChild.ts")
const root = Path.join(here, "..", "..", "..")

interface Run {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the child; SIGKILLs it after `killAfter` ms when given. */
const runChild = (env: Record<string, string>, killAfter?: number): Effect.Effect<Run> =>
  Effect.async<Run>((resume) => {
    const proc = spawn(process.execPath, ["--conditions=@effect-trtc/source", "--import", "tsx", child], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: Os.tmpdir(), ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    proc.stdout.setEncoding("utf8").on("data", (d: string) => void (stdout += d))
    proc.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr += d))
    const timer = killAfter === undefined ? undefined : setTimeout(() => proc.kill("SIGKILL"), killAfter)
    proc.on("close", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer)
      resume(Effect.succeed({ code, signal, stdout, stderr }))
    })
    return Effect.sync(() => proc.kill("SIGKILL"))
  })

let pg: Postgres | undefined
const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "trtc-archive-kill-"))
beforeAll(async () => {
  pg = await startPostgres()
})
afterAll(() => {
  pg?.stop()
  Fs.rmSync(dir, { recursive: true, force: true })
})

describe("Archive under SIGKILL", () => {
  for (const backend of ["sqlite", "pg"] as const) {
    it.live(`${backend}: killed at random moments, then run to the end: every event exactly once`, () =>
      Effect.scoped(Effect.gen(function*() {
        const dataSet = smallDataSet([appId], 10)
        const emulator = yield* Emulator.make(emulatorOptions(dataSet))
        const db = backend === "sqlite" ? Path.join(dir, "killed.db") : pg!.createDatabase("killed")
        const env = {
          ARCHIVE_APP: String(appId),
          ARCHIVE_DB: db,
          ARCHIVE_ENDPOINT: emulator.url,
          ARCHIVE_OFFSET_MS: String(offsetMillis),
          ARCHIVE_WINDOW: "3600",
          // Slow enough that a run lasts several seconds: the kills land inside it.
          ARCHIVE_RPS: "8"
        }
        const kills: Array<string> = []
        let killed = 0
        for (let i = 0; i < 4; i++) {
          // Node and tsx take a moment to start; the kills fall from start-up to deep in the run.
          const delay = 1500 + Math.floor(Math.random() * 5000)
          const run = yield* runChild(env, delay)
          kills.push(`${delay} ms: ${run.signal ?? `exit ${run.code}`}`)
          if (run.signal === "SIGKILL") killed++
          else assert.strictEqual(run.code, 0, run.stderr)
          // Whatever the kill interrupted, what is there is there once.
          const partial = yield* withDb(db, (a) => archivedEvents(a.sql, appId))
          const keys = partial.map((e) => JSON.stringify(e))
          assert.strictEqual(new Set(keys).size, keys.length, `duplicates after kills ${kills.join("; ")}`)
        }
        assert.isAtLeast(killed, 1, `no run was killed: ${kills.join("; ")}`)
        const last = yield* runChild(env)
        assert.strictEqual(last.code, 0, last.stderr)
        const summary = JSON.parse(last.stdout) as { checkpoint: number }
        const archived = yield* withDb(db, (a) => archivedEvents(a.sql, appId))
        assert.deepStrictEqual(archived, expectedEvents(dataSet, appId, dataSet.anchor - 14 * 86_400, summary.checkpoint), kills.join("; "))
      })), 300_000)
  }
})
