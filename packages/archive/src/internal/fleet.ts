// Many archivers, one database, a list of apps. Each round a worker goes through the apps
// (starting at its own offset, so workers spread), skips an app whose last completed run is
// younger than `everySeconds`, takes the app's lock without waiting (held by another worker:
// skipped), checks again under the lock, runs the sync, records the completed run, and lets go.
// A worker killed mid-run loses its lock with its connection (PostgreSQL) or leaves a lease of
// a dead process (SQLite): the next worker to come round takes the app over and the sync resumes
// from the checkpoint, exactly once as after any stop.
//
// The last completed run is a `trtc_meta` row per app (`synced:<sdkAppId>`, JSON {ms, host,
// pid}): the key/value table every archive has, so no schema change, and archivers of the
// previous release keep working on the same database.
import type * as Trtc from "@effect-trtc/core/Trtc"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Os from "node:os"
import type { AppOutcome, RoundOptions, RoundSummary, WorkOptions } from "../Archive.js"
import type * as ArchiveError from "../ArchiveError.js"
import { type Database, int, query, transaction } from "./database.js"
import * as Lease from "./lease.js"
import * as Sync from "./sync.js"

/** The `trtc_meta` key of an app's last completed run. */
const syncedKey = (sdkAppId: number) => `synced:${sdkAppId}`

interface Synced {
  readonly ms: number
  readonly host: string
  readonly pid: number
}

const parseSynced = (value: string): Synced | undefined => {
  try {
    const parsed = JSON.parse(value) as Partial<Synced>
    return typeof parsed.ms === "number" ? { ms: parsed.ms, host: String(parsed.host ?? ""), pid: Number(parsed.pid ?? 0) } : undefined
  } catch {
    return undefined
  }
}

/** Every app's last completed run. */
export const lastSyncs = (db: Database): Effect.Effect<ReadonlyMap<number, Synced>, ArchiveError.ArchiveDatabaseError> =>
  query(
    db,
    "reading the last runs",
    Effect.map(db.sql<{ key: string; value: string }>`SELECT key, value FROM trtc_meta WHERE key LIKE 'synced:%'`, (rows) => {
      const out = new Map<number, Synced>()
      for (const row of rows) {
        const app = Number(row.key.slice("synced:".length))
        const synced = parseSynced(row.value)
        if (Number.isSafeInteger(app) && synced !== undefined) out.set(app, synced)
      }
      return out
    })
  )

const lastSync = (db: Database, sdkAppId: number) =>
  query(
    db,
    "reading the app's last run",
    Effect.map(db.sql<{ value: string }>`SELECT value FROM trtc_meta WHERE key = ${syncedKey(sdkAppId)}`, (rows) =>
      rows[0] === undefined ? undefined : parseSynced(rows[0].value))
  )

const recordSync = (db: Database, sdkAppId: number) =>
  Effect.flatMap(Clock.currentTimeMillis, (ms) =>
    transaction(
      db,
      "recording the app's completed run",
      db.sql`INSERT INTO trtc_meta (key, value) VALUES (${syncedKey(sdkAppId)}, ${JSON.stringify({ ms, host: Os.hostname(), pid: process.pid })})
        ON CONFLICT (key) DO UPDATE SET value = excluded.value`
    ))

/** The apps a round goes through: the given ones, and with `allApps` every app the archive holds. */
const appsOf = (db: Database, options: RoundOptions) =>
  Effect.gen(function*() {
    const apps = new Set(options.sdkAppIds)
    if (options.allApps === true) {
      const rows = yield* query(
        db,
        "listing the archive's apps",
        db.sql<{ sdk_app_id: unknown }>`SELECT sdk_app_id FROM trtc_checkpoints UNION SELECT sdk_app_id FROM trtc_rooms`
      )
      for (const row of rows) apps.add(int(row.sdk_app_id))
    }
    return [...apps].sort((a, b) => a - b)
  })

/** One app: skipped as recent, skipped as held, or synced under its lock. */
const oneApp = (db: Database, sdkAppId: number, options: RoundOptions, everyMs: number) =>
  Effect.gen(function*() {
    const isRecent = (synced: Synced | undefined, now: number) => everyMs > 0 && synced !== undefined && now - synced.ms < everyMs
    const before = yield* Effect.either(lastSync(db, sdkAppId))
    if (before._tag === "Left") return { _tag: "Failed", sdkAppId, error: before.left } satisfies AppOutcome
    if (isRecent(before.right, yield* Clock.currentTimeMillis)) return { _tag: "Recent", sdkAppId, syncedMs: before.right!.ms } satisfies AppOutcome
    // The lock is let go when this scope closes: after the completed run is recorded.
    const outcome: AppOutcome = yield* Effect.scoped(Effect.gen(function*(): Effect.fn.Return<AppOutcome, never, Trtc.Trtc | Scope.Scope> {
      const taken = yield* Effect.either(Lease.acquire(db, sdkAppId))
      if (taken._tag === "Left") {
        if (taken.left._tag === "ArchiveLockedError") {
          yield* Effect.logDebug(`app ${sdkAppId}: held by another archiver${taken.left.ownerPid === undefined ? "" : ` (pid ${taken.left.ownerPid} on ${taken.left.ownerHost})`}; skipped`)
          const holder = taken.left.ownerPid === undefined
            ? undefined
            : { pid: taken.left.ownerPid, host: taken.left.ownerHost ?? "", sinceMs: taken.left.sinceMs ?? 0 }
          return { _tag: "Held", sdkAppId, holder } satisfies AppOutcome
        }
        return { _tag: "Failed", sdkAppId, error: taken.left } satisfies AppOutcome
      }
      // Another worker may have finished the app between the first look and the lock.
      const under = yield* Effect.either(lastSync(db, sdkAppId))
      if (under._tag === "Left") return { _tag: "Failed", sdkAppId, error: under.left } satisfies AppOutcome
      if (isRecent(under.right, yield* Clock.currentTimeMillis)) return { _tag: "Recent", sdkAppId, syncedMs: under.right!.ms } satisfies AppOutcome
      const run = Sync.sync(db, {
        sdkAppId,
        since: options.since,
        settleSeconds: options.settleSeconds,
        windowSeconds: options.windowSeconds,
        retentionDays: options.retentionDays,
        failOnGap: options.failOnGap,
        concurrency: options.concurrency,
        onProgress: options.onProgress
      }).pipe(
        Effect.provideService(Lease.Held, { db, sdkAppId, lease: taken.right }),
        Effect.tap(() => recordSync(db, sdkAppId))
      )
      const result = yield* Effect.either(run)
      return result._tag === "Right"
        ? { _tag: "Synced", sdkAppId, summary: result.right } satisfies AppOutcome
        : { _tag: "Failed", sdkAppId, error: result.left } satisfies AppOutcome
    }))
    return outcome
  })

/** One round through the apps. Failures of an app are its outcome; the round goes on. */
export const round = (db: Database, options: RoundOptions): Effect.Effect<RoundSummary, never, Trtc.Trtc> =>
  Effect.gen(function*() {
    const everyMs = Math.max(0, Math.floor((options.everySeconds ?? 0) * 1000))
    const listed = yield* Effect.either(appsOf(db, options))
    const outcomes: Array<AppOutcome> = []
    if (listed._tag === "Left") {
      for (const sdkAppId of options.sdkAppIds) outcomes.push({ _tag: "Failed", sdkAppId, error: listed.left })
    } else {
      const apps = listed.right
      const offset = apps.length === 0 ? 0 : (((options.offset ?? 0) % apps.length) + apps.length) % apps.length
      for (let i = 0; i < apps.length; i++) {
        const outcome = yield* oneApp(db, apps[(offset + i) % apps.length]!, options, everyMs)
        outcomes.push(outcome)
        if (options.onApp !== undefined) yield* options.onApp(outcome)
      }
    }
    let events = 0
    let requests = 0
    for (const o of outcomes) {
      if (o._tag === "Synced") {
        events += o.summary.events
        requests += o.summary.requests
      }
    }
    const countOf = (tag: AppOutcome["_tag"]) => outcomes.filter((o) => o._tag === tag).length
    return { outcomes, synced: countOf("Synced"), held: countOf("Held"), recent: countOf("Recent"), failed: countOf("Failed"), events, requests }
  })

/** Rounds forever, `pollSeconds` apart, each round starting one app further on. */
export const work = (db: Database, options: WorkOptions): Effect.Effect<never, never, Trtc.Trtc> =>
  Effect.gen(function*() {
    const pollMs = Math.max(0, Math.floor((options.pollSeconds ?? 10) * 1000))
    for (let n = 0; ; n++) {
      const summary = yield* round(db, { ...options, offset: (options.offset ?? 0) + n })
      if (options.onRound !== undefined) yield* options.onRound(summary)
      yield* Effect.sleep(pollMs)
    }
  })
