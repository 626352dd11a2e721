// One writer per app. PostgreSQL: a session advisory lock on a connection reserved for the
// run (the server drops it when the process dies, SIGKILL included). SQLite: a lease row taken
// inside a write transaction (BEGIN IMMEDIATE serialises the takers); a lease whose process is
// gone (same host, pid not alive) or that was not renewed before it expired is taken over.
// In both, the row says who holds the app so the refusal can name it, and every write
// transaction renews it and checks it is still ours.
//
// A fleet worker (internal/fleet.ts) takes the lock itself, without waiting, before it decides
// whether the app needs a run, then runs the sync under it: `Held` hands the sync that lease
// instead of a second one (a second PostgreSQL session could not take the first one's lock).
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { randomUUID } from "node:crypto"
import * as Os from "node:os"
import * as ArchiveError from "../ArchiveError.js"
import { type Database, int, query, transaction } from "./database.js"

/** A lease not renewed for this long is abandoned. */
export const ttlMillis = 60_000

export interface Lease {
  /** Renews the lease; fails when another archiver took it. Run it inside each write transaction. */
  readonly renew: Effect.Effect<void, ArchiveError.ArchiveLockedError | ArchiveError.ArchiveDatabaseError>
}

/** A lease this fiber holds already: `acquire` of the same app and database answers it. */
export class Held extends Context.Tag("@effect-trtc/archive/internal/lease/Held")<Held, {
  readonly db: Database
  readonly sdkAppId: number
  readonly lease: Lease
}>() {}

/** Who holds an app now. */
export interface Holder {
  readonly host: string
  readonly pid: number
  readonly sinceMs: number
}

interface LeaseRow {
  readonly owner: string
  readonly pid: unknown
  readonly host: string
  readonly since_ms: unknown
  readonly expires_ms: unknown
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const lockedBy = (sdkAppId: number, row: LeaseRow | undefined) =>
  new ArchiveError.ArchiveLockedError({
    sdkAppId,
    ...(row === undefined ? {} : { ownerPid: int(row.pid), ownerHost: row.host, sinceMs: int(row.since_ms) })
  })

const advisoryKey = (sdkAppId: number) => `effect-trtc/archive/${sdkAppId}`

export const acquire = (
  db: Database,
  sdkAppId: number
): Effect.Effect<Lease, ArchiveError.ArchiveLockedError | ArchiveError.ArchiveDatabaseError, Scope.Scope> =>
  Effect.gen(function*() {
    const held = yield* Effect.serviceOption(Held)
    if (Option.isSome(held) && held.value.db === db && held.value.sdkAppId === sdkAppId) return held.value.lease
    const { sql } = db
    const owner = randomUUID()
    const host = Os.hostname()
    const readRow = Effect.map(
      sql<LeaseRow>`SELECT owner, pid, host, since_ms, expires_ms FROM trtc_leases WHERE sdk_app_id = ${sdkAppId}`,
      (rows) => rows[0]
    )
    const write = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      yield* sql`INSERT INTO trtc_leases ${sql.insert({ sdk_app_id: sdkAppId, owner, pid: process.pid, host, since_ms: now, expires_ms: now + ttlMillis })}
        ON CONFLICT (sdk_app_id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
        since_ms = excluded.since_ms, expires_ms = excluded.expires_ms`
    })

    if (db.dialect === "pg") {
      const conn = yield* query(db, "reserving a connection for the app's lock", sql.reserve)
      const rows = yield* query(
        db,
        "taking the app's advisory lock",
        conn.execute("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", [advisoryKey(sdkAppId)], undefined)
      )
      if ((rows as ReadonlyArray<{ ok?: unknown }>)[0]?.ok !== true) {
        return yield* Effect.flatMap(query(db, "reading the app's lease", readRow), (row) => Effect.fail(lockedBy(sdkAppId, row)))
      }
      yield* Effect.addFinalizer(() =>
        Effect.ignore(conn.executeRaw("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [advisoryKey(sdkAppId)])))
      yield* query(db, "recording the app's lease", write)
    } else {
      yield* transaction(
        db,
        "taking the app's lease",
        Effect.gen(function*() {
          const row = yield* readRow
          const now = yield* Clock.currentTimeMillis
          if (row !== undefined && row.owner !== owner) {
            const abandoned = int(row.expires_ms) < now || (row.host === host && !alive(int(row.pid)))
            if (!abandoned) return yield* Effect.fail(lockedBy(sdkAppId, row))
            yield* Effect.logWarning(
              `app ${sdkAppId}: taking over the lease of archiver pid ${int(row.pid)} on ${row.host}, which ${int(row.expires_ms) < now ? "stopped renewing it" : "is no longer running"}`
            )
          }
          yield* write
        })
      )
    }
    yield* Effect.addFinalizer(() => Effect.ignore(sql`DELETE FROM trtc_leases WHERE sdk_app_id = ${sdkAppId} AND owner = ${owner}`))

    const renew = query(
      db,
      "renewing the app's lease",
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const kept = yield* sql`UPDATE trtc_leases SET expires_ms = ${now + ttlMillis} WHERE sdk_app_id = ${sdkAppId} AND owner = ${owner} RETURNING owner`
        if (kept.length === 0) return yield* Effect.flatMap(readRow, (row) => Effect.fail(lockedBy(sdkAppId, row)))
      })
    )
    // Fetching a big window can take longer than the lease lives: keep it alive meanwhile.
    yield* Effect.forkScoped(
      Effect.forever(Effect.zipRight(Effect.sleep(ttlMillis / 4), Effect.ignore(transaction(db, "renewing the app's lease", renew))))
    )
    return { renew }
  })

/**
 * The apps held right now, by whom. PostgreSQL: a lease row whose advisory lock some session
 * holds (a killed archiver's row stays behind, but its lock went with its connection).
 * SQLite: a lease row that is neither expired nor left by a dead process on this host.
 */
export const holders = (db: Database): Effect.Effect<ReadonlyMap<number, Holder>, ArchiveError.ArchiveDatabaseError> =>
  query(db, "reading the leases", Effect.gen(function*() {
    const { sql } = db
    const rows = db.dialect === "pg"
      ? yield* sql<LeaseRow & { sdk_app_id: unknown }>`
          SELECT l.sdk_app_id, l.owner, l.pid, l.host, l.since_ms, l.expires_ms FROM trtc_leases l
          WHERE EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted AND k.objsubid = 1
            AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND ((k.classid::bigint << 32) | k.objid::bigint) = hashtextextended('effect-trtc/archive/' || l.sdk_app_id, 0))`
      : yield* sql<LeaseRow & { sdk_app_id: unknown }>`SELECT sdk_app_id, owner, pid, host, since_ms, expires_ms FROM trtc_leases`
    const now = yield* Clock.currentTimeMillis
    const host = Os.hostname()
    const out = new Map<number, Holder>()
    for (const row of rows) {
      if (db.dialect === "sqlite" && (int(row.expires_ms) < now || (row.host === host && !alive(int(row.pid))))) continue
      out.set(int(row.sdk_app_id), { host: row.host, pid: int(row.pid), sinceMs: int(row.since_ms) })
    }
    return out
  }))
