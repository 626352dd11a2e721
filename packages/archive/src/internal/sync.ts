// The incremental sync of one app: revisit the calls still open, then walk forward from the
// checkpoint one window at a time: each call written whole (a few per transaction), the
// checkpoint past a window once all its calls are in.
import * as Trtc from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Windows from "@effect-trtc/core/Windows"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Gap, SyncOptions, SyncProgress, SyncSummary } from "../Archive.js"
import * as ArchiveError from "../ArchiveError.js"
import { type Database, int, query, transaction } from "./database.js"
import * as Lease from "./lease.js"
import { type FetchedCall, writeCalls } from "./writer.js"

/** Calls written in one transaction at most (their events are held until it commits). */
const callsPerTransaction = 8

const positiveInt = (field: string, value: number | undefined, min: number) =>
  value === undefined || (Number.isInteger(value) && value >= min)
    ? Effect.void
    : Effect.fail(new ArchiveError.ArchiveOptionsError({ field, reason: `expected an integer of at least ${min}, got ${value}`, fix: `pass an integer ≥ ${min}` }))

export const sync = (db: Database, options: SyncOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const { sql } = db
    const app = options.sdkAppId
    yield* positiveInt("sdkAppId", app, 1)
    yield* positiveInt("settleSeconds", options.settleSeconds, 0)
    yield* positiveInt("windowSeconds", options.windowSeconds, 60)
    yield* positiveInt("since", options.since, 0)
    yield* positiveInt("concurrency", options.concurrency, 1)
    const settle = options.settleSeconds ?? 300
    const windowSeconds = options.windowSeconds ?? 86_400
    const retentionDays = options.retentionDays ?? 14
    const concurrency = options.concurrency ?? 4
    const trtc = yield* Trtc.Trtc
    const provided = yield* Effect.serviceOption(TrtcStream.Progress)
    const progress = Option.isSome(provided) ? provided.value : yield* TrtcStream.Progress.make
    const requestsBefore = (yield* progress.snapshot).requests
    const streamOptions: TrtcStream.Options = { concurrency, retentionDays }
    const collect = <A>(stream: Stream.Stream<A, TrtcStream.StreamError, Trtc.Trtc>) =>
      Stream.runCollect(stream).pipe(
        Effect.map(Chunk.toArray),
        Effect.provideService(TrtcStream.Progress, progress),
        Effect.provideService(Trtc.Trtc, trtc)
      )

    const lease = yield* Lease.acquire(db, app)

    const counts = { windows: 0, windowsTotal: 0, calls: 0, revisited: 0, sessions: 0, events: 0 }
    const report = Effect.gen(function*() {
      const requests = (yield* progress.snapshot).requests - requestsBefore
      const snapshot: SyncProgress = { sdkAppId: app, ...counts, requests }
      if (options.onProgress !== undefined) yield* options.onProgress(snapshot)
      return snapshot
    })

    const now = yield* trtc.nowSeconds
    const horizon = now - settle
    // The oldest second the API still serves, with core's margin for the clock moving on.
    const oldest = now - retentionDays * 86_400 + Windows.retentionMarginSeconds
    const settledAt = (room: TrtcStream.Room) => room.isFinished && room.destroyTime > 0 && room.destroyTime <= horizon

    /** A call's sessions and its events after what is archived already (`resume`: user → last ms). */
    const fetchCall = (room: TrtcStream.Room, resume: ReadonlyMap<string, number>) =>
      Effect.gen(function*() {
        const users = yield* collect(TrtcStream.users(room, undefined, streamOptions))
        const perUser = yield* Effect.forEach(users, (user) => {
          const last = resume.get(user.userId)
          const period = last === undefined ? undefined : { start: Math.floor(last / 1000), end: Math.max(now, room.destroyTime) }
          return Effect.map(
            collect(TrtcStream.userEvents(room, user.userId, period, streamOptions)),
            (events) => (last === undefined ? events : events.filter((e) => e.timeMs >= last))
          )
        }, { concurrency })
        return { room, sessions: users.flatMap((u) => u.sessions), events: perUser.flat() } satisfies FetchedCall
      })

    /** Rooms, sessions and events of some calls: counts of what was new. */
    const write = (fetched: ReadonlyArray<FetchedCall>) =>
      Effect.flatMap(Clock.currentTimeMillis, (nowMs) => writeCalls(db, app, fetched, { nowMs, settled: settledAt }))

    const setCheckpoint = (checkpoint: number, firstSince: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (nowMs) =>
        sql`INSERT INTO trtc_checkpoints ${sql.insert({ sdk_app_id: app, checkpoint_s: checkpoint, first_since_s: firstSince, updated_ms: nowMs })}
          ON CONFLICT (sdk_app_id) DO UPDATE SET checkpoint_s = excluded.checkpoint_s, updated_ms = excluded.updated_ms`)

    // Where to start: the checkpoint, or `since` on a first run; a checkpoint past retention is a gap.
    const stored = yield* query(db, "reading the checkpoint", sql<{ checkpoint_s: unknown; first_since_s: unknown }>`SELECT checkpoint_s, first_since_s FROM trtc_checkpoints WHERE sdk_app_id = ${app}`)
    const gaps: Array<Gap> = []
    let start: number
    let firstSince: number
    if (stored[0] === undefined) {
      const since = options.since ?? oldest
      // `--since 14d` lands a moment before the edge: only a start well past it asked for data that is gone.
      if (since < oldest - Windows.retentionToleranceSeconds) {
        yield* Effect.logWarning(`app ${app}: --since ${new Date(since * 1000).toISOString()} is older than the ${retentionDays}-day retention; starting at ${new Date(oldest * 1000).toISOString()}`)
      }
      start = Math.max(since, oldest)
      firstSince = start
    } else {
      start = int(stored[0].checkpoint_s)
      firstSince = int(stored[0].first_since_s)
      if (start < oldest) {
        const gap = { fromSeconds: start, toSeconds: oldest }
        gaps.push(gap)
        yield* transaction(
          db,
          "recording a gap",
          Effect.gen(function*() {
            yield* lease.renew
            const nowMs = yield* Clock.currentTimeMillis
            yield* sql`INSERT INTO trtc_gaps ${sql.insert({ sdk_app_id: app, from_s: gap.fromSeconds, to_s: gap.toSeconds, detected_ms: nowMs })}`
            yield* setCheckpoint(oldest, firstSince)
          })
        )
        yield* Effect.logWarning(
          `app ${app}: gap: the events from ${new Date(gap.fromSeconds * 1000).toISOString()} to ${new Date(gap.toSeconds * 1000).toISOString()} ` +
            `(${Math.round((gap.toSeconds - gap.fromSeconds) / 3600)} h) were lost upstream before they were archived; recorded in trtc_gaps, continuing from ${new Date(oldest * 1000).toISOString()}`
        )
        start = oldest
      }
    }
    counts.windowsTotal = start <= horizon ? Math.ceil((horizon - start + 1) / windowSeconds) : 0

    // Calls still open at an earlier run: their new events, from each user's last archived time.
    const open = yield* query(db, "reading the open calls", sql<{ comm_id: string; room_id: string; create_time: unknown }>`
      SELECT comm_id, room_id, create_time FROM trtc_rooms WHERE sdk_app_id = ${app} AND settled = 0 ORDER BY create_time, comm_id`)
    const done = new Set<string>()
    for (const row of open) {
      const createTime = int(row.create_time)
      const probe = Math.min(Math.max(createTime, oldest), now)
      const listed = yield* collect(TrtcStream.rooms(app, { start: probe, end: probe }, row.room_id, streamOptions))
      const room = listed.find((r) => r.commId === row.comm_id)
      done.add(row.comm_id)
      if (room === undefined) {
        yield* Effect.logWarning(`app ${app}: call ${row.comm_id} is no longer listed (older than retention); its later events, if any, are lost`)
        yield* transaction(db, `closing call ${row.comm_id}`, Effect.zipRight(lease.renew, sql`UPDATE trtc_rooms SET settled = 1 WHERE sdk_app_id = ${app} AND comm_id = ${row.comm_id}`))
        continue
      }
      const resumeRows = yield* query(db, `reading call ${row.comm_id}`, sql<{ user_id: string; last_ms: unknown }>`
        SELECT user_id, MAX(time_ms) AS last_ms FROM trtc_events WHERE sdk_app_id = ${app} AND comm_id = ${row.comm_id} GROUP BY user_id`)
      const fetched = yield* fetchCall(room, new Map(resumeRows.map((r) => [r.user_id, int(r.last_ms)])))
      const added = yield* transaction(db, `writing call ${row.comm_id}`, Effect.zipRight(lease.renew, write([fetched])))
      counts.revisited++
      counts.sessions += added.sessions
      counts.events += added.events
      yield* report
    }

    // Windows forward from the checkpoint, never past the settle margin. Each new call of a
    // window is written whole (room, sessions, every event) as soon as it is fetched, with the
    // calls fetched beside it (up to `callsPerTransaction`) in one transaction, so memory holds
    // the calls in flight, not a window; the checkpoint moves past the window in the transaction
    // of its last calls, or after them. A rerun after a stop lists the
    // window again and skips the calls already written. The next windows are listed while one
    // is fetched; a call alive in several windows is claimed by the first listing.
    let checkpoint = start
    const windows: Array<{ readonly s: number; readonly e: number }> = []
    for (let s = start; s <= horizon; s += windowSeconds) windows.push({ s, e: Math.min(s + windowSeconds - 1, horizon) })
    type Item =
      | { readonly _tag: "call"; readonly fetched: FetchedCall }
      | { readonly _tag: "end"; readonly s: number; readonly e: number }
    const listWindow = ({ e, s }: { readonly s: number; readonly e: number }) =>
      Effect.gen(function*() {
        const listed = (yield* collect(TrtcStream.rooms(app, { start: s, end: e }, undefined, streamOptions))).filter((r) => !done.has(r.commId))
        for (const r of listed) done.add(r.commId)
        const known = listed.length === 0 ? [] : yield* query(db, "reading known calls", sql<{ comm_id: string }>`
          SELECT comm_id FROM trtc_rooms WHERE sdk_app_id = ${app} AND comm_id IN ${sql.in(listed.map((r) => r.commId))}`)
        const knownIds = new Set(known.map((r) => r.comm_id))
        return { s, e, fresh: listed.filter((r) => !knownIds.has(r.commId)) }
      })
    yield* Stream.fromIterable(windows).pipe(
      Stream.mapEffect(listWindow, { concurrency: 2 }),
      Stream.flatMap(({ e, fresh, s }) =>
        Stream.fromIterable(fresh).pipe(
          Stream.mapEffect((room) => fetchCall(room, new Map()), { concurrency }),
          Stream.map((fetched): Item => ({ _tag: "call", fetched })),
          Stream.concat(Stream.succeed<Item>({ _tag: "end", s, e }))
        )),
      // A few calls per transaction: one commit (and lease renewal) for several small calls.
      // A window's end follows all its calls in the stream, so a checkpoint written with the
      // calls before it never passes a call that is not in.
      Stream.groupedWithin(callsPerTransaction, "50 millis"),
      Stream.runForEach((chunk) =>
        Effect.gen(function*() {
          const items = Chunk.toReadonlyArray(chunk)
          const calls = items.flatMap((item) => (item._tag === "call" ? [item.fetched] : []))
          const ends = items.flatMap((item) => (item._tag === "end" ? [item] : []))
          const last = ends.at(-1)
          const operation = [
            ...(calls.length === 0 ? [] : [`writing call${calls.length === 1 ? "" : "s"} ${calls.map((c) => c.room.commId).join(", ")}`]),
            ...(last === undefined ? [] : [`advancing the checkpoint past ${last.e}`])
          ].join(" and ")
          const added = yield* transaction(
            db,
            operation,
            Effect.gen(function*() {
              yield* lease.renew
              const added = yield* write(calls)
              if (last !== undefined) yield* setCheckpoint(last.e + 1, firstSince)
              return added
            })
          )
          counts.calls += calls.length
          counts.sessions += added.sessions
          counts.events += added.events
          if (last !== undefined) {
            checkpoint = last.e + 1
            counts.windows += ends.length
          }
          yield* report
        }))
    )

    const openCalls = yield* query(db, "counting open calls", sql<{ n: unknown }>`SELECT count(*) AS n FROM trtc_rooms WHERE sdk_app_id = ${app} AND settled = 0`)
    const final = yield* report
    const summary: SyncSummary = { ...final, gaps, checkpoint, openCalls: int(openCalls[0]?.n ?? 0) }
    if (options.failOnGap === true && gaps.length > 0) {
      return yield* Effect.fail(new ArchiveError.ArchiveGapError({ sdkAppId: app, fromSeconds: gaps[0]!.fromSeconds, toSeconds: gaps[0]!.toSeconds }))
    }
    return summary
  }))
