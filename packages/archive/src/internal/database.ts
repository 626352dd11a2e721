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

/** `effect` in one transaction (retried whole while SQLite is busy), failures typed. */
export const transaction = <A, E, R>(db: Database, operation: string, effect: Effect.Effect<A, E | SqlError.SqlError, R>) =>
  query(
    db,
    operation,
    db.sql.withTransaction(effect).pipe(
      Effect.retry({
        schedule: busyRetry,
        while: (e) => typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "SqlError" && isBusy(e as SqlError.SqlError, db)
      })
    )
  )

/** An integer column: PostgreSQL's BIGINT arrives as a string. */
export const int = (value: unknown): number => (typeof value === "bigint" ? Number(value) : Number(value))
