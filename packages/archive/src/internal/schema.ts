// The archive's tables, as `@effect/sql` migrations, and the schema-version check.
//
// The table and column names are a contract: scripts and dashboards query them. Integers are
// integers (SQLite INTEGER is 64-bit; PostgreSQL needs BIGINT for Unix milliseconds), booleans
// are 0/1 integers in both dialects so the same queries run on both.
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/** The schema version this library writes, recorded in `trtc_meta`. */
export const schemaVersion = 1

const initial = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const big = sql.onDialectOrElse({ pg: () => "BIGINT", orElse: () => "INTEGER" })
  const serial = sql.onDialectOrElse({ pg: () => "BIGSERIAL PRIMARY KEY", orElse: () => "INTEGER PRIMARY KEY AUTOINCREMENT" })
  const statements = [
    `CREATE TABLE trtc_meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    )`,
    `INSERT INTO trtc_meta (key, value) VALUES ('schema_version', '${schemaVersion}')`,
    // One row per call (CommId), updated while the call is revisited.
    `CREATE TABLE trtc_rooms (
      sdk_app_id ${big} NOT NULL,
      comm_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      create_time ${big} NOT NULL,
      destroy_time ${big} NOT NULL,
      finished INTEGER NOT NULL,
      settled INTEGER NOT NULL,
      creator_user_id TEXT NOT NULL,
      first_archived_ms ${big} NOT NULL,
      last_archived_ms ${big} NOT NULL,
      PRIMARY KEY (sdk_app_id, comm_id)
    )`,
    `CREATE INDEX trtc_rooms_open ON trtc_rooms (sdk_app_id, settled)`,
    `CREATE INDEX trtc_rooms_created ON trtc_rooms (sdk_app_id, create_time)`,
    // One row per presence session as DescribeUserInfo reports it.
    `CREATE TABLE trtc_sessions (
      sdk_app_id ${big} NOT NULL,
      comm_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      join_ts ${big} NOT NULL,
      leave_ts ${big} NOT NULL,
      finished INTEGER NOT NULL,
      device_type TEXT NOT NULL,
      sdk_version TEXT NOT NULL,
      client_ip TEXT NOT NULL,
      PRIMARY KEY (sdk_app_id, comm_id, user_id, join_ts)
    )`,
    // The natural key is the whole event: two events of one user at one millisecond differ in
    // their sender, stream type, event id or parameters (a join and a mute can share a ms).
    `CREATE TABLE trtc_events (
      id ${serial},
      sdk_app_id ${big} NOT NULL,
      comm_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      peer_id TEXT NOT NULL,
      time_ms ${big} NOT NULL,
      event_id INTEGER NOT NULL,
      type INTEGER NOT NULL,
      param_one ${big} NOT NULL,
      param_two ${big} NOT NULL,
      description TEXT NOT NULL,
      UNIQUE (sdk_app_id, comm_id, user_id, peer_id, time_ms, event_id, type, param_one, param_two)
    )`,
    `CREATE INDEX trtc_events_time ON trtc_events (sdk_app_id, time_ms)`,
    // Everything listed before checkpoint_s (Unix s, exclusive) has been archived.
    `CREATE TABLE trtc_checkpoints (
      sdk_app_id ${big} PRIMARY KEY,
      checkpoint_s ${big} NOT NULL,
      first_since_s ${big} NOT NULL,
      updated_ms ${big} NOT NULL
    )`,
    // Spans lost upstream before they were archived: [from_s, to_s).
    `CREATE TABLE trtc_gaps (
      id ${serial},
      sdk_app_id ${big} NOT NULL,
      from_s ${big} NOT NULL,
      to_s ${big} NOT NULL,
      detected_ms ${big} NOT NULL
    )`,
    // Who is writing an app right now (one writer per app).
    `CREATE TABLE trtc_leases (
      sdk_app_id ${big} PRIMARY KEY,
      owner TEXT NOT NULL,
      pid INTEGER NOT NULL,
      host TEXT NOT NULL,
      since_ms ${big} NOT NULL,
      expires_ms ${big} NOT NULL
    )`
  ]
  for (const statement of statements) yield* sql.unsafe(statement)
})

/** The migrations, in order. */
export const loader = Migrator.fromRecord({ "1_initial": initial })

/** The version recorded in the database, `undefined` when it holds no archive yet. */
export const recordedVersion = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const exists = yield* sql.onDialectOrElse({
    pg: () => sql<{ n: string | number }>`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'trtc_meta' AND table_schema = current_schema()`,
    orElse: () => sql<{ n: string | number }>`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'trtc_meta'`
  })
  if (Number(exists[0]?.n ?? 0) === 0) return undefined
  const rows = yield* sql<{ value: string }>`SELECT value FROM trtc_meta WHERE key = 'schema_version'`
  return rows[0]?.value ?? "(none)"
})
