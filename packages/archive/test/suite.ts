// One suite for both backends: the same behaviour is required of SQLite and PostgreSQL.
import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Deferred from "effect/Deferred"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Archive from "../src/Archive.js"
import {
  appId,
  archivedEvents,
  emulatorOptions,
  expectedEvents,
  finishOpenCall,
  nowSeconds,
  offsetMillis,
  openCallOf,
  shiftedClock,
  smallDataSet,
  trtcLayer
} from "./helpers.js"

export interface Backend {
  readonly name: "sqlite" | "pg"
  /** A new, empty database: a path or a URL. */
  readonly fresh: () => string
}

/** One archiver run against an emulator, with the client's clock moved by `shift` seconds. */
export const runSync = (db: string, emulator: Emulator.Instance, options: Partial<Archive.SyncOptions> = {}, shift = 0, logs?: Array<string>) =>
  Archive.sync({ sdkAppId: appId, ...options }).pipe(
    Effect.provide(Layer.merge(Archive.layer(db), trtcLayer(emulator.url))),
    Effect.withClock(shiftedClock(offsetMillis + shift * 1000)),
    logs === undefined ? (e) => e : Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => void logs.push(String(message)))))
  )

/**
 * Runs on one archive: in one process SQLite is shared through one layer (libsql is
 * synchronous: two clients of one file in one process would block each other's event loop);
 * PostgreSQL gets a pool per archiver, as separate processes would.
 */
const sharedOrNot = (backend: Backend, db: string) =>
  <A, E, R>(runs: ReadonlyArray<Effect.Effect<A, E, R | Archive.Archive>>) =>
    backend.name === "sqlite"
      ? Effect.provide(Effect.all(runs, { concurrency: "unbounded" }), Archive.layer(db))
      : Effect.all(runs.map((run) => Effect.provide(run, Archive.layer(db))), { concurrency: "unbounded" })

/** One archiver run on an archive in context. */
const syncIn = (emulator: Emulator.Instance, options: Partial<Archive.SyncOptions> = {}) =>
  Archive.sync({ sdkAppId: appId, ...options }).pipe(
    Effect.provide(trtcLayer(emulator.url)),
    Effect.withClock(shiftedClock(offsetMillis))
  )

/** Queries against an archive. */
export const withDb = <A, E>(db: string, f: (archive: Archive.Service) => Effect.Effect<A, E>) =>
  Effect.flatMap(Archive.Archive, f).pipe(Effect.provide(Archive.layer(db)))

export const archiveSuite = (backend: Backend) =>
  describe(`Archive on ${backend.name}`, () => {
    it.live("a full sync equals the data set exactly; a second run adds nothing with a handful of requests", () =>
      Effect.scoped(Effect.gen(function*() {
        const dataSet = smallDataSet()
        const emulator = yield* Emulator.make(emulatorOptions(dataSet))
        const db = backend.fresh()
        const first = yield* runSync(db, emulator, { settleSeconds: 300 })
        const archived = yield* withDb(db, (a) => archivedEvents(a.sql, appId))
        const since = dataSet.anchor - 14 * 86_400
        const expected = expectedEvents(dataSet, appId, since, first.checkpoint)
        assert.isAbove(expected.length, 100)
        assert.deepStrictEqual(archived, expected)
        assert.strictEqual(first.events, expected.length)
        // The checkpoint stopped at the settle margin, not at now.
        assert.isAtMost(first.checkpoint, nowSeconds() - 300 + 1)
        assert.isAtLeast(first.checkpoint, nowSeconds() - 300 - 120)
        const rooms = yield* withDb(db, (a) => a.sql<{ comm_id: string; finished: unknown }>`SELECT comm_id, finished FROM trtc_rooms WHERE sdk_app_id = ${appId} ORDER BY comm_id`)
        const wantedRooms = dataSet.apps[0]!.rooms.filter((r) => r.createTime < first.checkpoint).map((r) => r.commId).sort()
        assert.deepStrictEqual(rooms.map((r) => r.comm_id), wantedRooms)
        assert.strictEqual(first.openCalls, 1)

        const before = (yield* emulator.requests).length
        const second = yield* runSync(db, emulator, { settleSeconds: 300 })
        const sent = (yield* emulator.requests).length - before
        assert.strictEqual(second.events, 0)
        assert.strictEqual(second.calls, 0)
        assert.strictEqual(second.sessions, 0)
        assert.deepStrictEqual(yield* withDb(db, (a) => archivedEvents(a.sql, appId)), expected)
        // The open window's room list, and the open call's revisit: its room, its users
        // (one request per 4 h of its life) and one event request per user.
        const open = openCallOf(dataSet, appId)
        const users = new Set(open.sessions.map((s) => s.userId)).size
        const bound = 1 + 1 + Math.ceil((nowSeconds() - open.createTime + 1) / 14_400) + users
        assert.strictEqual(second.requests, sent)
        assert.isAtMost(sent, bound)
        assert.isBelow(sent, first.requests / 5)
      })))

    it.live("two distinct events of one user at the same millisecond are both kept", () =>
      Effect.scoped(Effect.gen(function*() {
        const dataSet = smallDataSet()
        const room = dataSet.apps[0]!.rooms[1]!
        const session = room.sessions[0]!
        const [a, b] = [session.events[1]!, session.events[2]!]
        assert.strictEqual(a.timeMs, b.timeMs)
        assert.notStrictEqual(a.paramTwo, b.paramTwo)
        const emulator = yield* Emulator.make(emulatorOptions(dataSet))
        const db = backend.fresh()
        yield* runSync(db, emulator)
        const rows = yield* withDb(db, (x) =>
          x.sql<{ param_two: unknown }>`SELECT param_two FROM trtc_events WHERE comm_id = ${room.commId} AND user_id = ${session.userId}
            AND time_ms = ${a.timeMs} AND event_id = ${a.eventId} ORDER BY param_two`)
        assert.deepStrictEqual(rows.map((r) => Number(r.param_two)), [a.paramTwo, b.paramTwo].sort((x, y) => x - y))
      })))

    it.live("a call open at the first run and finished before the second: its later events arrive, none twice", () =>
      Effect.scoped(Effect.gen(function*() {
        const openSet = smallDataSet()
        const open = openCallOf(openSet, appId)
        assert.isFalse(open.isFinished)
        const db = backend.fresh()
        const first = yield* Effect.scoped(Effect.flatMap(Emulator.make(emulatorOptions(openSet)), (emulator) => runSync(db, emulator)))
        assert.strictEqual(first.openCalls, 1)
        const openRow = yield* withDb(db, (a) => a.sql<{ finished: unknown; settled: unknown }>`SELECT finished, settled FROM trtc_rooms WHERE comm_id = ${open.commId}`)
        assert.deepStrictEqual(openRow.map((r) => [Number(r.finished), Number(r.settled)]), [[0, 0]])

        // Twenty minutes later the call has ended with more events; the emulator serves the superset.
        const shift = 1200
        const finished = finishOpenCall(openSet, appId, 600)
        const emulator = yield* Emulator.make(emulatorOptions(finished, shift))
        const before = (yield* emulator.requests).length
        const second = yield* runSync(db, emulator, {}, shift)
        const requests = (yield* emulator.requests).slice(before)
        const newEvents = finished.apps[0]!.rooms.at(-1)!.sessions.flatMap((s) => s.events).length - open.sessions.flatMap((s) => s.events).length
        assert.isAbove(newEvents, 0)
        assert.strictEqual(second.revisited, 1)
        assert.strictEqual(second.events, newEvents)
        assert.strictEqual(second.openCalls, 0)
        // Only newer events were asked for: every event request of the call starts at or after
        // its user's last archived second.
        const eventRequests = requests.filter((r) => r.action === "DescribeUserEvent" && (r.params as { CommId?: string }).CommId === open.commId)
        assert.isAbove(eventRequests.length, 0)
        for (const r of eventRequests) assert.isAtLeast(Number((r.params as { StartTime: number }).StartTime), open.createTime + 1)
        const archived = yield* withDb(db, (a) => archivedEvents(a.sql, appId))
        assert.deepStrictEqual(archived, expectedEvents(finished, appId, finished.anchor - 14 * 86_400, second.checkpoint))
        const closed = yield* withDb(db, (a) => a.sql<{ finished: unknown; settled: unknown; destroy_time: unknown }>`SELECT finished, settled, destroy_time FROM trtc_rooms WHERE comm_id = ${open.commId}`)
        assert.deepStrictEqual(closed.map((r) => [Number(r.finished), Number(r.settled), Number(r.destroy_time)]), [[1, 1, finished.anchor + 600]])
      })))

    it.live("the clock moved past retention between runs: the gap is recorded with its span, warned about, failOnGap fails", () =>
      Effect.scoped(Effect.gen(function*() {
        const dataSet = smallDataSet()
        const db = backend.fresh()
        const first = yield* Effect.scoped(Effect.flatMap(Emulator.make(emulatorOptions(dataSet)), (emulator) => runSync(db, emulator)))
        const shift = 16 * 86_400
        const emulator = yield* Emulator.make(emulatorOptions(dataSet, shift))
        const logs: Array<string> = []
        const earliest = nowSeconds(shift) - 14 * 86_400 + 60
        const failed = yield* Effect.either(runSync(db, emulator, { failOnGap: true }, shift, logs))
        const latest = nowSeconds(shift) - 14 * 86_400 + 60
        assert.isTrue(Either.isLeft(failed))
        const error = (failed as Either.Left<Archive.SyncError, Archive.SyncSummary>).left
        assert.strictEqual(error._tag, "ArchiveGapError")
        if (error._tag !== "ArchiveGapError") return
        assert.strictEqual(error.fromSeconds, first.checkpoint)
        assert.isAtLeast(error.toSeconds, earliest)
        assert.isAtMost(error.toSeconds, latest)
        assert.match(error.message, /lost upstream/)
        const warning = logs.find((l) => l.includes("gap"))
        assert.isDefined(warning)
        assert.include(warning!, new Date(first.checkpoint * 1000).toISOString())
        const gaps = yield* withDb(db, (a) => a.sql<{ from_s: unknown; to_s: unknown }>`SELECT from_s, to_s FROM trtc_gaps WHERE sdk_app_id = ${appId}`)
        assert.deepStrictEqual(gaps.map((g) => [Number(g.from_s), Number(g.to_s)]), [[first.checkpoint, error.toSeconds]])
        // The gap was recorded once: the next run goes on from the retention edge without one.
        const next = yield* runSync(db, emulator, { failOnGap: true }, shift)
        assert.deepStrictEqual(next.gaps, [])
        const status = yield* withDb(db, (a) => a.status)
        assert.deepStrictEqual(status[0]!.gaps, [{ fromSeconds: first.checkpoint, toSeconds: error.toSeconds }])
      })))

    it.live("two archivers for one app: the second is refused naming the first, the data stays exact", () =>
      Effect.scoped(Effect.gen(function*() {
        const dataSet = smallDataSet()
        const emulator = yield* Emulator.make(emulatorOptions(dataSet))
        const db = backend.fresh()
        const started = yield* Deferred.make<void>()
        const [first, second] = yield* sharedOrNot(backend, db)([
          Effect.either(syncIn(emulator, { onProgress: () => Deferred.succeed(started, undefined), windowSeconds: 3600 })),
          Effect.zipRight(Deferred.await(started), Effect.either(syncIn(emulator)))
        ])
        const done = Either.getOrThrow(first!)
        assert.isTrue(Either.isLeft(second!))
        const error = (second as Either.Left<Archive.SyncError, Archive.SyncSummary>).left
        assert.strictEqual(error._tag, "ArchiveLockedError")
        assert.match(error.message, new RegExp(`another archiver \\(pid ${process.pid} on .+\\) holds app ${appId} since \\d{4}-`))
        assert.deepStrictEqual(yield* withDb(db, (a) => archivedEvents(a.sql, appId)), expectedEvents(dataSet, appId, dataSet.anchor - 14 * 86_400, done.checkpoint))
        // The lease is released at the end: a third run is let in.
        const third = yield* runSync(db, emulator)
        assert.strictEqual(third.events, 0)
      })))

    it.live("three archivers for three apps write into one database at once, each app exact", () =>
      Effect.scoped(Effect.gen(function*() {
        const apps = [appId, appId + 1, appId + 2]
        const dataSet = smallDataSet(apps, 5)
        const emulator = yield* Emulator.make(emulatorOptions(dataSet))
        const db = backend.fresh()
        const summaries = yield* sharedOrNot(backend, db)(apps.map((sdkAppId) => syncIn(emulator, { sdkAppId })))
        for (const [i, sdkAppId] of apps.entries()) {
          const archived = yield* withDb(db, (a) => archivedEvents(a.sql, sdkAppId))
          const expected = expectedEvents(dataSet, sdkAppId, dataSet.anchor - 14 * 86_400, summaries[i]!.checkpoint)
          assert.isAbove(expected.length, 0)
          assert.deepStrictEqual(archived, expected, `app ${sdkAppId}`)
        }
        const status = yield* withDb(db, (a) => a.status)
        assert.deepStrictEqual(status.map((s) => s.sdkAppId), apps)
      })))

    it.live("the README's queries: failed entries per day, most reconnects, calls per hour", () =>
      Effect.scoped(Effect.gen(function*() {
        const dataSet = smallDataSet()
        const emulator = yield* Emulator.make(emulatorOptions(dataSet))
        const db = backend.fresh()
        const summary = yield* runSync(db, emulator)
        const expected = expectedEvents(dataSet, appId, 0, summary.checkpoint)
        const pg = backend.name === "pg"
        const day = pg ? "to_char(to_timestamp(time_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : "date(time_ms / 1000, 'unixepoch')"
        const hour = pg ? "to_char(to_timestamp(create_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:00')" : "strftime('%Y-%m-%d %H:00', create_time, 'unixepoch')"
        const failed = yield* withDb(db, (a) =>
          a.sql.unsafe<{ day: string; failed_entries: unknown }>(`SELECT ${day} AS day, count(*) AS failed_entries, count(DISTINCT user_id) AS users
            FROM trtc_events WHERE sdk_app_id = ${appId} AND event_id = 5003 AND param_one = 0 GROUP BY day ORDER BY day`))
        const failedByDay = new Map<string, number>()
        for (const e of expected) {
          if (e.event_id === 5003 && e.param_one === 0) {
            const d = new Date(e.time_ms).toISOString().slice(0, 10)
            failedByDay.set(d, (failedByDay.get(d) ?? 0) + 1)
          }
        }
        assert.deepStrictEqual(failed.map((r) => [r.day, Number(r.failed_entries)]), [...failedByDay].sort())
        const reconnects = yield* withDb(db, (a) =>
          a.sql.unsafe<{ user_id: string; reconnects: unknown }>(`SELECT user_id, count(*) - count(DISTINCT comm_id) AS reconnects, count(DISTINCT comm_id) AS calls
            FROM trtc_sessions WHERE sdk_app_id = ${appId} GROUP BY user_id HAVING count(*) > count(DISTINCT comm_id)
            ORDER BY reconnects DESC, user_id LIMIT 20`))
        // Room 0 of a generated app has a user who leaves and rejoins.
        assert.isAbove(reconnects.length, 0)
        const calls = yield* withDb(db, (a) =>
          a.sql.unsafe<{ hour: string; calls: unknown }>(`SELECT ${hour} AS hour, count(*) AS calls FROM trtc_rooms
            WHERE sdk_app_id = ${appId} GROUP BY hour ORDER BY hour`))
        const byHour = new Map<string, number>()
        for (const r of dataSet.apps[0]!.rooms) {
          const h = new Date(r.createTime * 1000).toISOString().slice(0, 13).replace("T", " ") + ":00"
          byHour.set(h, (byHour.get(h) ?? 0) + 1)
        }
        assert.deepStrictEqual(calls.map((r) => [r.hour, Number(r.calls)]), [...byHour].sort())
      })))

    it.live("status: per app checkpoint, counts, open calls", () =>
      Effect.scoped(Effect.gen(function*() {
        const dataSet = smallDataSet()
        const emulator = yield* Emulator.make(emulatorOptions(dataSet))
        const db = backend.fresh()
        const summary = yield* runSync(db, emulator)
        const status = yield* withDb(db, (a) => a.status)
        const expected = expectedEvents(dataSet, appId, 0, summary.checkpoint)
        assert.deepStrictEqual(status.map((s) => ({ ...s, sessions: 0 })), [{
          sdkAppId: appId,
          checkpoint: summary.checkpoint,
          rooms: new Set(expected.map((e) => e.comm_id)).size,
          openCalls: 1,
          sessions: 0,
          events: expected.length,
          gaps: []
        }])
        assert.isAtLeast(status[0]!.sessions, new Set(expected.map((e) => `${e.comm_id}/${e.user_id}`)).size)
      })))

    it.live("a database of another schema version is refused before anything is written", () =>
      Effect.gen(function*() {
        const db = backend.fresh()
        yield* withDb(db, (a) => a.sql`UPDATE trtc_meta SET value = '2' WHERE key = 'schema_version'`)
        const opened = yield* Effect.either(withDb(db, (a) => a.status))
        assert.isTrue(Either.isLeft(opened))
        const error = (opened as Either.Left<Archive.OpenError, unknown>).left
        assert.strictEqual(error._tag, "SchemaVersionError")
        assert.match(error.message, /schema version 2, this archiver writes version 1/)
      }))
  })
