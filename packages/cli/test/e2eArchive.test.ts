// `trtc archive` as a real process against a real emulator: a full archive equal to the data
// set, a rerun that adds nothing, SIGKILL at random moments then a rerun (exactly once), status,
// a second archiver refused, and bad --db input (clear one-line errors, no password, exit codes).
import * as Archive from "@effect-trtc/archive/Archive"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as fs from "node:fs"
import { join } from "node:path"
import { archivedKeys } from "./archivedKeys.js"
import { credentialEnv, emulatorFor, expectedEventKeys, fast, run, type Result, sdkAppId, tempDir } from "./helpers.js"

// The spawned CLI signs with the wall clock, so the set follows it: calls over the 7 days before
// an hour ago, all older than the settle margin, all inside the 14-day retention.
const dataSet = DataSet.generate({ seed: 21, anchor: Math.floor(Date.now() / 1000) - 3600, roomsPerApp: 6, retentionDays: 7 })
const expected = expectedEventKeys(dataSet, sdkAppId)
const since = ["--since", "8d"]

/** Every event row of the archive at `db`, as keys (sorted, duplicates kept). */
const archivedKeysAt = (db: string) =>
  Effect.flatMap(Archive.Archive, (archive) => archivedKeys(archive)).pipe(
    Effect.provide(Archive.layerSqlite({ filename: db })),
    Effect.orDie
  )

/** One diagnostic line, no stack trace. */
const oneLine = (r: Result) => {
  const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("warning:"))
  assert.strictEqual(lines.length, 1, r.stderr)
  assert.notMatch(r.stderr, /\n\s+at /, r.stderr)
  return lines[0]!
}

const summary = /archived app (\d+): (\d+) windows?, (\d+) new calls?, (\d+) revisited, (\d+) sessions?, (\d+) events? added, (\d+) requests?, (\d+) gaps?/

const sleep = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

layer(emulatorFor(dataSet))("trtc archive", (it) => {
  const env = Effect.map(Emulator.Emulator, (e) => credentialEnv(e.url))
  const archive = (db: string, extra: ReadonlyArray<string> = fast, options: Parameters<typeof run>[1] = {}) =>
    Effect.flatMap(env, (e) => run(["archive", "--sdk-app-id", String(sdkAppId), "--db", db, ...since, ...extra], { env: e, ...options }))

  // One at a time: each spawns several archivers, and the machine is shared.
  describe("SQLite", () => {
    it.effect("archives every event of the data set once; a rerun adds nothing with a handful of requests; status shows it", () =>
      Effect.gen(function*() {
        const db = join(tempDir(), "archive.db")
        const first = yield* archive(db)
        assert.strictEqual(first.code, 0, first.stderr)
        const line = summary.exec(first.stdout)
        assert.isNotNull(line, first.stdout)
        assert.strictEqual(Number(line![6]), expected.length)
        assert.strictEqual(Number(line![3]), dataSet.apps[0]!.rooms.length)
        assert.deepStrictEqual(yield* archivedKeysAt(db), expected)

        const second = yield* archive(db)
        assert.strictEqual(second.code, 0, second.stderr)
        const again = summary.exec(second.stdout)
        assert.isNotNull(again, second.stdout)
        assert.strictEqual(Number(again![6]), 0)
        assert.strictEqual(Number(again![3]), 0)
        // The open window's room list and the open call's revisit (room, users, each user's events).
        const open = dataSet.apps[0]!.rooms.at(-1)!
        assert.isAtMost(Number(again![7]), 3 + new Set(open.sessions.map((s) => s.userId)).size)
        assert.deepStrictEqual(yield* archivedKeysAt(db), expected)

        const status = yield* Effect.flatMap(env, (e) => run(["archive", "status", "--db", db, "--format", "json"], { env: e }))
        assert.strictEqual(status.code, 0, status.stderr)
        const rows = JSON.parse(status.stdout) as Array<Record<string, unknown>>
        assert.strictEqual(rows.length, 1)
        assert.strictEqual(rows[0]!.sdkAppId, sdkAppId)
        assert.strictEqual(rows[0]!.events, expected.length)
        assert.strictEqual(rows[0]!.rooms, dataSet.apps[0]!.rooms.length)
        assert.strictEqual(rows[0]!.openCalls, 1)
        assert.strictEqual(rows[0]!.gaps, 0)
      }), 180_000)

    it.effect("SIGKILL at random moments, then a rerun: every event exactly once", () =>
      Effect.gen(function*() {
        const db = join(tempDir(), "killed.db")
        // Slow (4 requests/s per action, one call at a time) so the kills land inside the run.
        const slow = ["--rps", "4", "--concurrency", "1"]
        const delays = Array.from({ length: 3 }, () => 300 + Math.floor(Math.random() * 2000))
        let kills = 0
        for (const delay of delays) {
          let pid = 0
          const child = yield* Effect.fork(archive(db, slow, { onSpawn: (p) => void (pid = p) }))
          yield* sleep(delay)
          if (pid !== 0) {
            try {
              process.kill(pid, "SIGKILL")
            } catch {
              // It had finished already.
            }
          }
          const killed = yield* Fiber.join(child)
          assert.include([null, 0], killed.code, `killed after ${delay} ms: ${killed.stderr}`)
          if (killed.signal === "SIGKILL") kills++
          // What is there is never more than once, whatever the kill interrupted.
          const partial = yield* archivedKeysAt(db)
          assert.strictEqual(new Set(partial).size, partial.length, `duplicates after a kill at ${delay} ms`)
        }
        assert.isAtLeast(kills, 1, `no run was killed (delays ${delays.join(", ")} ms)`)
        const rerun = yield* archive(db)
        assert.strictEqual(rerun.code, 0, rerun.stderr)
        assert.deepStrictEqual(yield* archivedKeysAt(db), expected, `kills at ${delays.join(", ")} ms`)
      }), 180_000)

    it.effect("a second archiver of the app is refused at once naming the first's pid; the data stays exact", () =>
      Effect.gen(function*() {
        const db = join(tempDir(), "two.db")
        let holder = 0
        let refused = false
        const first = yield* Effect.fork(archive(db, ["--rps", "4", "--concurrency", "1"], {
          onSpawn: (pid) => void (holder = pid),
          interruptWhen: () => refused,
          signal: "SIGINT"
        }))
        // The lease row appears once the first has opened the archive.
        for (let i = 0; i < 600; i++) {
          if (fs.existsSync(db)) {
            const held = yield* Effect.flatMap(Archive.Archive, (a) => a.sql<{ pid: unknown }>`SELECT pid FROM trtc_leases`).pipe(
              Effect.provide(Archive.layerSqlite({ filename: db })),
              Effect.orElseSucceed(() => [])
            )
            if (held.length > 0) break
          }
          yield* sleep(50)
        }
        const second = yield* archive(db)
        refused = true
        assert.strictEqual(second.code, 1, second.stderr)
        assert.match(oneLine(second), new RegExp(`another archiver \\(pid ${holder} on .+\\) holds app ${sdkAppId} since \\d{4}-`))
        const stopped = yield* Fiber.join(first)
        assert.strictEqual(stopped.code, 130, stopped.stderr)
        // SIGINT released the lease: a rerun completes the archive.
        const rerun = yield* archive(db)
        assert.strictEqual(rerun.code, 0, rerun.stderr)
        assert.deepStrictEqual(yield* archivedKeysAt(db), expected)
      }), 180_000)
  })

  describe.concurrent("bad --db", () => {
    it.effect("a path in a missing directory or under a file: one line naming it, exit 1, nothing created", () =>
      Effect.gen(function*() {
        const dir = tempDir()
        const missing = join(dir, "nope", "archive.db")
        const r1 = yield* archive(missing)
        assert.strictEqual(r1.code, 1, r1.stderr)
        assert.include(oneLine(r1), `cannot open the archive ${missing}: its directory ${join(dir, "nope")} does not exist`)
        assert.isFalse(fs.existsSync(join(dir, "nope")))
        fs.writeFileSync(join(dir, "file"), "x")
        const underFile = join(dir, "file", "archive.db")
        const r2 = yield* archive(underFile)
        assert.strictEqual(r2.code, 1, r2.stderr)
        assert.include(oneLine(r2), `${join(dir, "file")} is not a directory`)
      }))

    it.effect("a file that is not SQLite: named, exit 1, the file untouched", () =>
      Effect.gen(function*() {
        const path = join(tempDir(), "notes.txt")
        const text = "these are not the droids\n".repeat(200)
        fs.writeFileSync(path, text)
        const r = yield* archive(path)
        assert.strictEqual(r.code, 1, r.stderr)
        assert.include(oneLine(r), "the file is not an SQLite database")
        assert.strictEqual(fs.readFileSync(path, "utf8"), text)
      }))

    it.effect("a postgres:// URL nothing listens on, and an unknown scheme: one line, exit 1, the password nowhere", () =>
      Effect.gen(function*() {
        const password = "s3cretArchivePw-NotToLeak"
        const r = yield* archive(`postgres://archiver:${password}@127.0.0.1:1/trtc`, fast)
        assert.strictEqual(r.code, 1, r.stderr)
        const line = oneLine(r)
        assert.include(line, "cannot open the archive postgres://archiver:***@127.0.0.1:1/trtc")
        assert.notInclude(r.stderr + r.stdout, password)
        const m = yield* archive(`mysql://archiver:${password}@127.0.0.1/trtc`, fast)
        assert.strictEqual(m.code, 1, m.stderr)
        assert.include(oneLine(m), "mysql:// is not a database this archiver writes")
        assert.notInclude(m.stderr + m.stdout, password)
      }))

    it.effect("missing --sdk-app-id or --db, --every without --watch: usage errors (exit 2)", () =>
      Effect.gen(function*() {
        const e = yield* env
        const noApp = yield* run(["archive", "--db", join(tempDir(), "a.db")], { env: e })
        assert.strictEqual(noApp.code, 2, noApp.stderr)
        assert.include(oneLine(noApp), "--sdk-app-id")
        const noDb = yield* run(["archive", "--sdk-app-id", String(sdkAppId)], { env: e })
        assert.strictEqual(noDb.code, 2, noDb.stderr)
        assert.include(oneLine(noDb), "--db")
        const every = yield* run(["archive", "--sdk-app-id", String(sdkAppId), "--db", join(tempDir(), "a.db"), "--every", "1h"], { env: e })
        assert.strictEqual(every.code, 2, every.stderr)
        assert.include(oneLine(every), "--every needs --watch")
      }))
  })
})
