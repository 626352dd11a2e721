// What the sync and the lease need to know about the open database, and how its failures
// become typed errors.
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlError from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as ArchiveError from "../ArchiveError.js"
import { reasonOf } from "./target.js"

export interface Database {
  readonly sql: SqlClient.SqlClient
  readonly dialect: "sqlite" | "pg"
  /** The database as messages name it: a path, or a URL with its password masked. */
  readonly target: string
  /** Secrets to scrub from driver messages (the URL's password). */
  readonly secrets: ReadonlyArray<string>
  /** SQLite: one transaction at a time on the client's connection. */
  readonly writer: Effect.Semaphore
}

/** Another connection holds SQLite's write lock: worth waiting for, not an error. */
export const isBusy = (error: SqlError.SqlError, db: Database): boolean =>
  db.dialect === "sqlite" && /SQLITE_BUSY|database is locked/i.test(reasonOf(error, []))

// SQLite answers SQLITE_BUSY at once while another process writes (libsql opens a fresh
// connection per transaction, so a busy_timeout pragma would not stick): retry for a while.
const busyRetry = Schedule.exponential("20 millis").pipe(
  Schedule.union(Schedule.spaced("500 millis")),
  Schedule.upTo("120 seconds")
)

/** SQL failures of `effect` as `ArchiveDatabaseError`s naming `operation`. */
export const query = <A, E, R>(db: Database, operation: string, effect: Effect.Effect<A, E | SqlError.SqlError, R>) =>
  Effect.catchIf(
    effect,
    (e): e is SqlError.SqlError => typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "SqlError",
    (error) => Effect.fail(new ArchiveError.ArchiveDatabaseError({ target: db.target, operation, reason: reasonOf(error, db.secrets) }))
  ) as Effect.Effect<A, Exclude<E, SqlError.SqlError> | ArchiveError.ArchiveDatabaseError, R>

/**
 * SQLite: make BEGIN wait a while for another process's write instead of failing at once; the
 * transactions below then retry a refused BEGIN on their own schedule.
 */
export const waitForWriters = (db: Database) =>
  db.dialect === "sqlite" ? Effect.ignore(db.sql.unsafe("PRAGMA busy_timeout = 5000")) : Effect.void

/**
 * `effect` in one transaction, failures typed. PostgreSQL: `withTransaction`. SQLite: BEGIN
 * IMMEDIATE / COMMIT on the client's one connection, one transaction at a time per client,
 * retrying BEGIN while another process writes. Not `withTransaction` there: a BEGIN refused as
 * busy inside @effect/sql-libsql's `withTransaction` never gives back the client's connection
 * permit, and every later statement of the client would wait forever.
 */
export const transaction = <A, E, R>(db: Database, operation: string, effect: Effect.Effect<A, E | SqlError.SqlError, R>) =>
  query(
    db,
    operation,
    db.dialect === "pg" ? db.sql.withTransaction(effect) : db.writer.withPermits(1)(
      Effect.uninterruptibleMask((restore) =>
        Effect.zipRight(
          db.sql.unsafe("BEGIN IMMEDIATE").pipe(Effect.retry({ schedule: busyRetry, while: (e) => isBusy(e, db) })),
          restore(effect).pipe(
            Effect.matchCauseEffect({
              onSuccess: (a) => Effect.as(Effect.tapError(db.sql.unsafe("COMMIT"), () => Effect.ignore(db.sql.unsafe("ROLLBACK"))), a),
              onFailure: (cause) => Effect.zipRight(Effect.ignore(db.sql.unsafe("ROLLBACK")), Effect.failCause(cause))
            })
          )
        ))
    )
  )

/** An integer column: PostgreSQL's BIGINT arrives as a string. */
export const int = (value: unknown): number => (typeof value === "bigint" ? Number(value) : Number(value))
