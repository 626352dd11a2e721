// Writing fetched calls: rooms, sessions and events, as few statements as the rows allow.
//
// Sessions and events go in as ONE parameter per statement, a JSON array of row arrays that the
// database unpacks itself (SQLite `json_each`; PostgreSQL `jsonb_array_elements`, jsonb so that
// each row is parsed once, not once per column), instead of `sql.insert` with a dozen parameters
// per row: compiling tens of thousands of placeholders was most of the archive's write time
// (`pnpm bench archive-writer`), and the parameter limits (32,766 / 65,535) no longer cap a
// statement. JSON carries the integers exactly (event times are < 2^53).
import type * as TrtcStream from "@effect-trtc/core/TrtcStream"
import type * as SqlError from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import { type Database, int } from "./database.js"

/** One call as the sync fetched it: its room, its users' sessions and its (new) events. */
export interface FetchedCall {
  readonly room: TrtcStream.Room
  readonly sessions: ReadonlyArray<TrtcStream.User["sessions"][number]>
  readonly events: ReadonlyArray<TrtcStream.Event>
}

/** What a write added (rows already there are not counted). */
export interface Written {
  readonly sessions: number
  readonly events: number
}

/** Rows per statement: bounds the JSON text held at once (~200 bytes a row), not a database limit. */
export const rowsPerStatement = 5000

const eventColumns = [
  ["sdk_app_id", "int"],
  ["comm_id", "text"],
  ["room_id", "text"],
  ["user_id", "text"],
  ["peer_id", "text"],
  ["time_ms", "int"],
  ["event_id", "int"],
  ["type", "int"],
  ["param_one", "int"],
  ["param_two", "int"],
  ["description", "text"]
] as const

const sessionColumns = [
  ["sdk_app_id", "int"],
  ["comm_id", "text"],
  ["room_id", "text"],
  ["user_id", "text"],
  ["join_ts", "int"],
  ["leave_ts", "int"],
  ["finished", "int"],
  ["device_type", "text"],
  ["sdk_version", "text"],
  ["client_ip", "text"]
] as const

type Columns = ReadonlyArray<readonly [string, "int" | "text"]>

/** `INSERT … SELECT` of the rows in the statement's one JSON parameter. */
const insertFromJson = (dialect: Database["dialect"], table: string, columns: Columns, tail: string): string => {
  const names = columns.map(([name]) => name).join(", ")
  const values = columns.map(([, kind], i) =>
    dialect === "pg"
      ? `(r->>${i})${kind === "int" ? "::bigint" : ""}`
      // SQLite's ->> gives a JSON integer as INTEGER and a string as TEXT.
      : `r.value->>${i}`).join(", ")
  return dialect === "pg"
    ? `INSERT INTO ${table} (${names}) SELECT ${values} FROM jsonb_array_elements($1::jsonb) AS r ON CONFLICT DO NOTHING ${tail}`
    // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
    : `INSERT INTO ${table} (${names}) SELECT ${values} FROM json_each(?) AS r WHERE true ON CONFLICT DO NOTHING ${tail}`
}

const statements = (dialect: Database["dialect"]) => ({
  // PostgreSQL counts through a CTE; SQLite by changes() right after, on the same connection.
  events: dialect === "pg"
    ? `WITH added AS (${insertFromJson(dialect, "trtc_events", eventColumns, "RETURNING 1")}) SELECT count(*) AS n FROM added`
    : insertFromJson(dialect, "trtc_events", eventColumns, ""),
  sessions: insertFromJson(dialect, "trtc_sessions", sessionColumns, "RETURNING comm_id, user_id, join_ts")
})

const cache = { sqlite: statements("sqlite"), pg: statements("pg") }

/**
 * Writes the calls: each room upserted (its end and state follow the API), sessions inserted
 * or their end updated, events inserted unless already there. Run it inside one transaction.
 */
export const writeCalls = (
  db: Database,
  sdkAppId: number,
  calls: ReadonlyArray<FetchedCall>,
  options: { readonly nowMs: number; readonly settled: (room: TrtcStream.Room) => boolean }
): Effect.Effect<Written, SqlError.SqlError> =>
  Effect.gen(function*() {
    const { sql } = db
    const text = cache[db.dialect]
    if (calls.length === 0) return { sessions: 0, events: 0 }
    yield* sql`INSERT INTO trtc_rooms ${
      sql.insert(calls.map(({ room }) => ({
        sdk_app_id: sdkAppId,
        comm_id: room.commId,
        room_id: room.roomId,
        create_time: room.createTime,
        destroy_time: room.destroyTime,
        finished: room.isFinished ? 1 : 0,
        settled: options.settled(room) ? 1 : 0,
        creator_user_id: room.creatorUserId,
        first_archived_ms: options.nowMs,
        last_archived_ms: options.nowMs
      })))
    } ON CONFLICT (sdk_app_id, comm_id) DO UPDATE SET destroy_time = excluded.destroy_time,
      finished = excluded.finished, settled = excluded.settled, last_archived_ms = excluded.last_archived_ms`

    // Sessions: one row per (call, user, join); one that was there already (seen while its user
    // was still in the call) gets its end updated, one by one: only revisits have any.
    const sessions = new Map<string, { readonly commId: string; readonly roomId: string; readonly s: FetchedCall["sessions"][number] }>()
    for (const { room, sessions: rows } of calls) {
      for (const s of rows) sessions.set(`${room.commId}\u0000${s.userId}\u0000${s.joinTs}`, { commId: room.commId, roomId: room.roomId, s })
    }
    const unique = [...sessions.values()]
    const fresh = new Set<string>()
    for (let i = 0; i < unique.length; i += rowsPerStatement) {
      const json = JSON.stringify(unique.slice(i, i + rowsPerStatement).map(({ commId, roomId, s }) => [
        sdkAppId,
        commId,
        roomId,
        s.userId,
        s.joinTs,
        s.leaveTs,
        s.finished ? 1 : 0,
        s.deviceType,
        s.sdkVersion,
        s.clientIp
      ]))
      const inserted = yield* sql.unsafe<{ comm_id: string; user_id: string; join_ts: unknown }>(text.sessions, [json])
      for (const r of inserted) fresh.add(`${r.comm_id}\u0000${r.user_id}\u0000${int(r.join_ts)}`)
    }
    for (const [key, { commId, s }] of sessions) {
      if (fresh.has(key)) continue
      yield* sql`UPDATE trtc_sessions SET leave_ts = ${s.leaveTs}, finished = ${s.finished ? 1 : 0}
        WHERE sdk_app_id = ${sdkAppId} AND comm_id = ${commId} AND user_id = ${s.userId} AND join_ts = ${s.joinTs}`
    }

    // Events: the unique key is the safety net for an event fetched twice (the resume second).
    let events = 0
    let batch: Array<ReadonlyArray<string | number>> = []
    const flush = Effect.suspend(() => {
      if (batch.length === 0) return Effect.void
      const json = JSON.stringify(batch)
      batch = []
      return db.dialect === "pg"
        ? Effect.map(sql.unsafe<{ n: unknown }>(text.events, [json]), (rows) => {
            events += int(rows[0]?.n ?? 0)
          })
        : Effect.map(Effect.zipRight(sql.unsafe(text.events, [json]), sql.unsafe<{ n: unknown }>("SELECT changes() AS n")), (rows) => {
            events += int(rows[0]?.n ?? 0)
          })
    })
    for (const { events: list } of calls) {
      for (const e of list) {
        batch.push([sdkAppId, e.commId, e.roomId, e.userId, e.peerId, e.timeMs, e.eventId, e.type, e.paramOne, e.paramTwo, e.description])
        if (batch.length >= rowsPerStatement) yield* flush
      }
    }
    yield* flush
    return { sessions: fresh.size, events }
  })
