// Many `trtc archive --watch` workers, one database, a list of apps (issue 15): real `trtc`
// processes against a real emulator serving several apps and a real PostgreSQL server (or one
// SQLite file). One worker is SIGKILLed while it holds an app; the survivors take the app over,
// every app ends archived with each of its events exactly once, and the take-over time is
// measured and checked against the documented bound (one poll plus the run a worker is busy with).
import * as Archive from "@effect-trtc/archive/Archive"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, layer } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"
import { type Postgres, startPostgres } from "./e2eArchivePostgres.js"
import { archivedKeys } from "./archivedKeys.js"
import { credentialEnv, emulatorFor, expectedEventKeys, type Result, run, tempDir } from "./helpers.js"

const apps = [1400000001, 1400000002, 1400000003, 1400000004, 1400000005]
// The spawned CLI signs with the wall clock, so the set follows it (as e2eArchive.test.ts).
const dataSet = DataSet.generate({ seed: 15, anchor: Math.floor(Date.now() / 1000) - 3600, apps, roomsPerApp: 5, retentionDays: 7 })
const pollSeconds = 1

let pg: Postgres | undefined
beforeAll(async () => {
  pg = await startPostgres()
}, 120_000)
afterAll(() => pg?.stop())

const sleep = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

/** The archive at `db`, open for the test's own reads while the workers write. */
const openArchive = (db: string): Effect.Effect<Archive.Service, never, Scope.Scope> =>
  Effect.map(Layer.build(Archive.layer(db)), (context) => Context.get(context, Archive.Archive)).pipe(Effect.orDie)

const summary = /^archived app (\d+): .* (\d+) events? added/

layer(emulatorFor(dataSet))("trtc archive: several workers, several apps, one database", (it) => {
  const scenario = (backend: "pg" | "sqlite", workerCount: number, appIds: ReadonlyArray<number>) =>
    Effect.scoped(Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const env = credentialEnv(emulator.url)
      const db = backend === "pg" ? pg!.createDatabase(`fleet_${workerCount}_${appIds.length}`) : join(tempDir(), "fleet.db")
      const archive = yield* openArchive(db)
      const pids: Array<number> = []
      const killed = { pid: 0 }
      // Slow (4 requests/s per action, one call at a time): a run lasts seconds, so a kill lands inside one.
      const args = [
        "archive",
        ...appIds.flatMap((a) => ["--sdk-app-id", String(a)]),
        "--db",
        db,
        "--since",
        "8d",
        "--watch",
        "--every",
        "1h",
        "--poll",
        `${pollSeconds}s`,
        "--rps",
        "4",
        "--concurrency",
        "1"
      ]
      let stop = false
      const workers = yield* Effect.forEach(Array.from({ length: workerCount }, (_, i) => i), (i) =>
        Effect.fork(run(args, {
          env,
          onSpawn: (pid) => void (pids[i] = pid),
          interruptWhen: () => stop,
          // One survivor stopped with SIGINT, the others with SIGTERM: both end with the stop summary.
          signal: i % 2 === 0 ? "SIGTERM" : "SIGINT",
          pollMillis: 100
        })))

      // The first worker to hold an app for a moment is killed while it holds it.
      const firstSeen = new Map<number, number>()
      let victimApp = 0
      let killedAt = 0
      for (let i = 0; i < 3000 && killedAt === 0; i++) {
        const status = yield* Effect.orDie(archive.status)
        const now = Date.now()
        for (const app of status) if (app.holder !== undefined && !firstSeen.has(app.sdkAppId)) firstSeen.set(app.sdkAppId, now)
        const held = status.find((a) => a.holder !== undefined && pids.includes(a.holder.pid) && now - a.holder.sinceMs >= 1500)
        if (held !== undefined) {
          killed.pid = held.holder!.pid
          victimApp = held.sdkAppId
          process.kill(killed.pid, "SIGKILL")
          killedAt = Date.now()
        }
        yield* sleep(100)
      }
      assert.notStrictEqual(killedAt, 0, "no worker was seen holding an app")
      const survivors = pids.filter((p) => p !== killed.pid)

      // Take-over: a survivor holds the victim's app (or has finished it) — measured, then every app finished.
      let takenOverAt = 0
      const finishedAt = new Map<number, number>()
      for (let i = 0; i < 6000 && finishedAt.size < appIds.length; i++) {
        const status = yield* Effect.orDie(archive.status)
        const now = Date.now()
        for (const app of status) {
          if (app.holder !== undefined && !firstSeen.has(app.sdkAppId)) firstSeen.set(app.sdkAppId, now)
          if (app.lastSyncMs !== undefined && !finishedAt.has(app.sdkAppId)) finishedAt.set(app.sdkAppId, now)
          if (takenOverAt === 0 && app.sdkAppId === victimApp && (
            (app.holder !== undefined && survivors.includes(app.holder.pid)) || (app.lastSyncMs !== undefined && app.lastSyncMs > killedAt)
          )) takenOverAt = now
        }
        yield* sleep(100)
      }
      assert.strictEqual(finishedAt.size, appIds.length, `apps finished: ${[...finishedAt.keys()].join(", ")}`)
      assert.notStrictEqual(takenOverAt, 0, "the killed worker's app was not taken over")
      // The documented bound: one poll once a worker is between apps, plus the run it may be busy
      // with (the longest run seen here), with room for a loaded machine (2 shared cores).
      const runs = appIds.map((a) => (finishedAt.get(a) ?? 0) - (firstSeen.get(a) ?? 0))
      const longestRun = Math.max(...runs)
      const takeOver = takenOverAt - killedAt
      console.log(`${backend}: app ${victimApp}'s worker (pid ${killed.pid}) SIGKILLed; taken over after ${takeOver} ms (poll ${pollSeconds * 1000} ms, longest run ${longestRun} ms)`)
      assert.isAtMost(takeOver, pollSeconds * 1000 + longestRun + 15_000)

      // `trtc archive status` names the holders (pid on host): survivors only; never the password.
      const shown = yield* run(["archive", "status", "--db", db, "--format", "json"], { env })
      assert.strictEqual(shown.code, 0, shown.stderr)
      if (backend === "pg") assert.notInclude(shown.stdout + shown.stderr, pg!.password)
      const shownRows = JSON.parse(shown.stdout) as Array<Record<string, unknown>>
      assert.strictEqual(shownRows.length, appIds.length, shown.stdout)
      for (const row of shownRows) {
        if (row.heldBy !== "") assert.match(String(row.heldBy), new RegExp(`^pid (${survivors.join("|")}) on .+`), shown.stdout)
        assert.notStrictEqual(row.lastRun, "", shown.stdout)
      }

      // Every app's events exactly once, as the emulator's data set has them.
      for (const app of appIds) {
        assert.deepStrictEqual(yield* archivedKeys(archive, app), expectedEventKeys(dataSet, app), `app ${app}`)
      }

      stop = true
      const results: Array<Result> = yield* Effect.forEach(workers, Fiber.join)
      const byPid = new Map(pids.map((pid, i) => [pid, results[i]!]))
      assert.strictEqual(byPid.get(killed.pid)!.signal, "SIGKILL")
      let added = 0
      for (const pid of survivors) {
        const r = byPid.get(pid)!
        assert.strictEqual(r.code, 130, r.stderr)
        assert.match(r.stdout, /^stopped: \d+ runs?, \d+ events? added, \d+ requests?$/m, r.stdout)
        // A held app is skipped quietly: no line about it.
        assert.notMatch(r.stdout + r.stderr, /held by another archiver/, r.stderr)
        if (backend === "pg") assert.notInclude(r.stdout + r.stderr, pg!.password)
      }
      // Events added, as the workers' summaries count them: each event once in all, the killed
      // worker's committed calls included (its lines may be cut, so count what the survivors add).
      for (const r of results) {
        for (const line of r.stdout.split("\n")) {
          const m = summary.exec(line)
          if (m !== null) added += Number(m[2])
        }
      }
      const total = appIds.reduce((n, a) => n + expectedEventKeys(dataSet, a).length, 0)
      assert.isAtMost(added, total)
    }))

  describe("PostgreSQL", () => {
    it.effect("three workers for five apps, one SIGKILLed holding an app: taken over, every app archived, each event once", () =>
      scenario("pg", 3, apps), 300_000)
  })

  describe("SQLite", () => {
    it.effect("two workers for three apps, one SIGKILLed holding an app: its lease of a dead pid taken over, each event once", () =>
      scenario("sqlite", 2, apps.slice(0, 3)), 300_000)
  })
})
