// Opening a database: the client, the migrations (serialised between processes), the
// schema-version check, each failure a typed error that names the database without its password.
import * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlError from "@effect/sql/SqlError"
import * as LibsqlClient from "@effect/sql-libsql/LibsqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as Migrator from "@effect/sql/Migrator"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import * as ArchiveError from "../ArchiveError.js"
import { type Database, isBusy, waitForWriters } from "./database.js"
import * as Schema from "./schema.js"
import { maskUrl, passwordsOf, reasonOf } from "./target.js"

type OpenError = ArchiveError.ArchiveOpenError | ArchiveError.SchemaVersionError | ArchiveError.ArchiveDatabaseError

const migrate = (db: Database): Effect.Effect<void, OpenError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const before = yield* Schema.recordedVersion
    if (before !== undefined && before !== String(Schema.schemaVersion)) {
      return yield* Effect.fail(new ArchiveError.SchemaVersionError({ target: db.target, found: before, expected: Schema.schemaVersion }))
    }
    if (before === undefined) {
      const run = Migrator.make({})({ loader: Schema.loader })
      if (db.dialect === "pg") {
        // Archivers of several apps may open one fresh database at once: one migrates at a time.
        yield* Effect.scoped(Effect.gen(function*() {
          const conn = yield* db.sql.reserve
          yield* conn.executeRaw("SELECT pg_advisory_lock(hashtextextended('effect-trtc/archive/migrate', 0))", [])
          yield* Effect.ensuring(run, Effect.ignore(conn.executeRaw("SELECT pg_advisory_unlock(hashtextextended('effect-trtc/archive/migrate', 0))", [])))
        }))
      } else {
        yield* Effect.zipRight(waitForWriters(db), run).pipe(Effect.retry({ times: 50, while: (e) => e._tag === "SqlError" && isBusy(e, db) }))
      }
    }
    const after = yield* Schema.recordedVersion
    if (after !== String(Schema.schemaVersion)) {
      return yield* Effect.fail(new ArchiveError.SchemaVersionError({ target: db.target, found: after ?? "(none)", expected: Schema.schemaVersion }))
    }
  }).pipe(
    Effect.catchTag("MigrationError", (e) =>
      Effect.fail(new ArchiveError.ArchiveDatabaseError({ target: db.target, operation: "creating the archive's tables", reason: reasonOf(e, db.secrets) }))),
    Effect.catchTag("SqlError", (e: SqlError.SqlError) =>
      Effect.fail(new ArchiveError.ArchiveDatabaseError({ target: db.target, operation: "creating the archive's tables", reason: reasonOf(e, db.secrets) })))
  )

/** The open database, built from a SqlClient layer. */
export class OpenDatabase extends Context.Tag("@effect-trtc/archive/internal/OpenDatabase")<OpenDatabase, Database>() {}

const finish = (
  client: Layer.Layer<SqlClient.SqlClient, ArchiveError.ArchiveOpenError>,
  dialect: Database["dialect"],
  target: string,
  secrets: ReadonlyArray<string>
): Layer.Layer<OpenDatabase, OpenError> =>
  Layer.effect(
    OpenDatabase,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const db: Database = { sql, dialect, target, secrets, writer: yield* Effect.makeSemaphore(1) }
      if (dialect === "sqlite") {
        // Readers (status) never wait for the writer; the setting is kept in the file.
        yield* Effect.ignore(sql.unsafe("PRAGMA journal_mode = WAL"))
      }
      yield* migrate(db)
      // The migrator's transaction left libsql on a fresh connection: set it there too.
      yield* waitForWriters(db)
      return db
    })
  ).pipe(Layer.provide(client))

/** An SQLite file through libsql. */
export const sqlite = (filename: string): Layer.Layer<OpenDatabase, OpenError> => {
  const target = filename
  const absolute = Path.resolve(filename)
  const check = Effect.suspend(() => {
    const dir = Path.dirname(absolute)
    const fail = (reason: string, fix: string) => Effect.fail(new ArchiveError.ArchiveOpenError({ target, reason, fix }))
    if (filename.trim() === "") return fail("the path is empty", "pass a file path such as ./trtc-archive.db")
    let stat: Fs.Stats
    try {
      stat = Fs.statSync(dir)
    } catch {
      return fail(`its directory ${dir} does not exist`, "create the directory or choose another path")
    }
    if (!stat.isDirectory()) return fail(`${dir} is not a directory`, "choose a path inside a directory")
    try {
      Fs.accessSync(Fs.existsSync(absolute) ? absolute : dir, Fs.constants.W_OK)
    } catch {
      return fail(`${Fs.existsSync(absolute) ? absolute : dir} is not writable`, "choose a writable path or fix its permissions")
    }
    if (Fs.existsSync(absolute) && Fs.statSync(absolute).isDirectory()) return fail(`${absolute} is a directory`, "pass a file path")
    return Effect.void
  })
  const client = Layer.unwrapEffect(Effect.map(check, () =>
    LibsqlClient.layer({ url: pathToFileURL(absolute).href }).pipe(
      Layer.catchAllCause((cause) =>
        Layer.fail(new ArchiveError.ArchiveOpenError({ target, reason: reasonOf(cause.toJSON(), []), fix: "check that it is an SQLite database and writable" })))
    )))
  // A file that is not SQLite at all fails on its first statement: say so at open.
  return finish(client, "sqlite", target, []).pipe(
    Layer.catchAll((error) =>
      Layer.fail(
        error._tag === "ArchiveDatabaseError" && /SQLITE_NOTADB|not a database|file is encrypted/i.test(error.reason)
          ? new ArchiveError.ArchiveOpenError({ target, reason: "the file is not an SQLite database", fix: "pass the path of an archive, or a new file" })
          : error
      ))
  )
}

/** A PostgreSQL database by URL. */
export const pg = (url: Redacted.Redacted<string>): Layer.Layer<OpenDatabase, OpenError> => {
  const raw = Redacted.value(url)
  const target = maskUrl(raw)
  const secrets = passwordsOf(raw)
  const client = PgClient.layer({ url, connectTimeout: "10 seconds", applicationName: "effect-trtc-archive" }).pipe(
    Layer.catchAll((error) =>
      Layer.fail(new ArchiveError.ArchiveOpenError({
        target,
        reason: reasonOf(error, secrets),
        fix: "check the host, port, database, user and password in the URL, and that the server is running"
      })))
  )
  return finish(client, "pg", target, secrets)
}

/** By the URL's scheme: `postgres://` / `postgresql://`, else `file:` or a plain path (SQLite). */
export const byUrl = (url: string | Redacted.Redacted<string>): Layer.Layer<OpenDatabase, OpenError> => {
  const raw = typeof url === "string" ? url : Redacted.value(url)
  if (/^postgres(ql)?:\/\//i.test(raw)) return pg(typeof url === "string" ? Redacted.make(url) : url)
  if (/^file:\/\//i.test(raw)) {
    try {
      return sqlite(fileURLToPath(raw))
    } catch {
      return sqlite(raw.slice("file://".length))
    }
  }
  if (/^file:/i.test(raw)) return sqlite(raw.slice("file:".length))
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)
  if (scheme !== null) {
    return Layer.fail(new ArchiveError.ArchiveOpenError({
      target: maskUrl(raw),
      reason: `${scheme[1]}:// is not a database this archiver writes`,
      fix: "pass a file path (SQLite) or a postgres:// URL"
    }))
  }
  return sqlite(raw)
}
