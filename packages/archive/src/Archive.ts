/**
 * Keep every TRTC event past the API's 7/14-day retention: an incremental, resumable sync of
 * an app's calls, sessions and events into SQLite (an embedded file, through libsql) or
 * PostgreSQL, on `@effect/sql`.
 *
 * - Each run walks forward from the app's checkpoint in windows; each new call of a window
 *   (room, sessions, every event) is written whole in one transaction (with up to 7 other calls
 *   fetched beside it), and the checkpoint's advance past the window once all its calls are in, so a run stopped at any moment
 *   (SIGKILL included) resumes with the window it was in, skipping the calls already written.
 * - Calls still open (or finished within the settle margin) are revisited by later runs until
 *   they are settled, fetching each user's events from the last archived time on; the events'
 *   unique natural key with `ON CONFLICT DO NOTHING` keeps a re-fetched event from counting twice.
 * - The checkpoint never comes closer to now than the settle margin (TRTC data arrives late).
 * - A checkpoint older than the retention window is a gap: recorded in `trtc_gaps`, warned
 *   about, and with `failOnGap` an `ArchiveGapError` once the run is done.
 * - One writer per app: a PostgreSQL advisory lock, an SQLite lease row; the second archiver
 *   is refused with an `ArchiveLockedError` naming the holder.
 * - Many archivers, one database: {@link Service.syncRound} and {@link Service.work} share a list
 *   of apps between any number of workers (processes, hosts). Each app is run by one worker at a
 *   time (the lock above, taken without waiting: a held app is skipped), an app whose last
 *   completed run is younger than `everySeconds` is skipped, so N workers run each app about once
 *   per interval; a killed worker's app is taken over within {@link takeOverBound}.
 * - "Now" is the `Trtc` service's server-corrected Clock, so tests pin it with the emulator's.
 *
 * @since 0.1.0
 */
import type * as Trtc from "@effect-trtc/core/Trtc"
import type * as TrtcStream from "@effect-trtc/core/TrtcStream"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as ArchiveError from "./ArchiveError.js"
import { int, query } from "./internal/database.js"
import * as Fleet from "./internal/fleet.js"
import * as Lease from "./internal/lease.js"
import * as Open from "./internal/open.js"
import * as Schema from "./internal/schema.js"
import * as Sync from "./internal/sync.js"

/**
 * The schema version this library writes (kept in `trtc_meta`); a database of another version
 * is refused with a `SchemaVersionError`.
 *
 * @since 0.1.0
 * @category constants
 */
export const schemaVersion: number = Schema.schemaVersion

/**
 * The default settle margin in seconds: the checkpoint stays this far behind now, and a call
 * finished less than this ago is revisited once more, because TRTC data arrives late.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSettleSeconds = 300

/**
 * The default window, in seconds (24 h, the span of one room-list request): each of its new
 * calls is written (a few calls per transaction) as it arrives, the checkpoint moves past the
 * window when all of them are in.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultWindowSeconds = 86_400

/**
 * The default time between a worker's rounds, in seconds ({@link WorkOptions.pollSeconds}).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPollSeconds = 10

/**
 * How long, at most, a killed worker's app waits for another worker, in words: a PostgreSQL
 * worker's lock goes with its connection at once (the server sees the socket close) and an
 * SQLite lease of a dead process on the same host is taken over at once, so the app is taken at
 * the next worker's next look: within one poll once a worker is between apps, plus the run of
 * the app a worker may be busy with. An SQLite lease of another host's worker is free only when
 * it expires, 60 s after its last renewal.
 *
 * @since 0.1.0
 * @category constants
 */
export const takeOverBound = "one poll (plus the run a worker is busy with); SQLite leases of another host: 60 s more"

/**
 * Settings of one {@link Service.sync} run.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncOptions {
  readonly sdkAppId: number
  /** First run only: where to start, Unix s (default: as far back as retention allows). */
  readonly since?: number | undefined
  /** See {@link defaultSettleSeconds}. */
  readonly settleSeconds?: number | undefined
  /** See {@link defaultWindowSeconds} (at least 60). */
  readonly windowSeconds?: number | undefined
  /** The plan's retention, 7 or 14 days (default 14). */
  readonly retentionDays?: number | undefined
  /** Fail with `ArchiveGapError` (after recording it and finishing the run) when a gap is found. */
  readonly failOnGap?: boolean | undefined
  /** Requests in flight at once per call (default 4). */
  readonly concurrency?: number | undefined
  /** Called after each window and each revisited call (a CLI's progress display). */
  readonly onProgress?: ((progress: SyncProgress) => Effect.Effect<void>) | undefined
}

/**
 * What a run has done so far.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncProgress {
  readonly sdkAppId: number
  /** Windows written. */
  readonly windows: number
  /** Windows this run will write in all. */
  readonly windowsTotal: number
  /** New calls archived. */
  readonly calls: number
  /** Open calls of earlier runs fetched again. */
  readonly revisited: number
  /** Sessions added. */
  readonly sessions: number
  /** Events added (those already archived are not counted). */
  readonly events: number
  /** API requests sent. */
  readonly requests: number
}

/**
 * A span lost upstream before it was archived, Unix s: `[fromSeconds, toSeconds)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Gap {
  readonly fromSeconds: number
  readonly toSeconds: number
}

/**
 * The outcome of a run.
 *
 * @since 0.1.0
 * @category models
 */
export interface SyncSummary extends SyncProgress {
  readonly gaps: ReadonlyArray<Gap>
  /** Everything listed before this (Unix s) is archived. */
  readonly checkpoint: number
  /** Calls that later runs will revisit. */
  readonly openCalls: number
}

/**
 * A worker that holds an app now.
 *
 * @since 0.1.0
 * @category models
 */
export interface Holder {
  readonly host: string
  readonly pid: number
  /** Unix ms. */
  readonly sinceMs: number
}

/**
 * Settings of one round through a list of apps ({@link Service.syncRound}); the sync settings
 * apply to every app.
 *
 * @since 0.1.0
 * @category models
 */
export interface RoundOptions extends Omit<SyncOptions, "sdkAppId"> {
  readonly sdkAppIds: ReadonlyArray<number>
  /** Also every app the archive holds already (in `trtc_checkpoints` or `trtc_rooms`). */
  readonly allApps?: boolean | undefined
  /** Skip an app whose last completed run (by any worker) is younger than this (default 0: never skip). */
  readonly everySeconds?: number | undefined
  /** The position in the sorted list of apps to start at (modulo its length), so that workers spread. */
  readonly offset?: number | undefined
  /** Called after each app, with what became of it. */
  readonly onApp?: ((outcome: AppOutcome) => Effect.Effect<void>) | undefined
}

/**
 * What a round did with one app.
 *
 * @since 0.1.0
 * @category models
 */
export type AppOutcome =
  | { readonly _tag: "Synced"; readonly sdkAppId: number; readonly summary: SyncSummary }
  /** Another worker runs it now: skipped. */
  | { readonly _tag: "Held"; readonly sdkAppId: number; readonly holder: Holder | undefined }
  /** Its last completed run (Unix ms) is younger than `everySeconds`: skipped. */
  | { readonly _tag: "Recent"; readonly sdkAppId: number; readonly syncedMs: number }
  | { readonly _tag: "Failed"; readonly sdkAppId: number; readonly error: SyncError }

/**
 * The outcome of a round.
 *
 * @since 0.1.0
 * @category models
 */
export interface RoundSummary {
  /** In the order the round went. */
  readonly outcomes: ReadonlyArray<AppOutcome>
  readonly synced: number
  readonly held: number
  readonly recent: number
  readonly failed: number
  /** Events added by the round's runs. */
  readonly events: number
  /** API requests the round's runs sent. */
  readonly requests: number
}

/**
 * Settings of a worker ({@link Service.work}): rounds forever.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkOptions extends RoundOptions {
  /** The time between rounds (default {@link defaultPollSeconds}); a killed worker's app waits about this long. */
  readonly pollSeconds?: number | undefined
  /** Called after each round. */
  readonly onRound?: ((summary: RoundSummary) => Effect.Effect<void>) | undefined
}

/**
 * What the archive holds for one app.
 *
 * @since 0.1.0
 * @category models
 */
export interface AppStatus {
  readonly sdkAppId: number
  /** Unix s; `undefined` before the first window was written. */
  readonly checkpoint: number | undefined
  readonly rooms: number
  readonly openCalls: number
  readonly sessions: number
  readonly events: number
  readonly gaps: ReadonlyArray<Gap>
  /** The worker running the app now, if any. */
  readonly holder?: Holder | undefined
  /** Unix ms of the last completed run of a round ({@link Service.syncRound}), if any. */
  readonly lastSyncMs?: number | undefined
}

/**
 * The failures of {@link Service.sync}: the archive's own and the API's.
 *
 * @since 0.1.0
 * @category errors
 */
export type SyncError = ArchiveError.ArchiveError | TrtcStream.StreamError

/**
 * An open archive.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The database as messages name it (a URL's password masked). */
  readonly target: string
  readonly dialect: "sqlite" | "pg"
  /** The client, for queries of your own. */
  readonly sql: SqlClient.SqlClient
  /** One incremental run for one app. */
  readonly sync: (options: SyncOptions) => Effect.Effect<SyncSummary, SyncError, Trtc.Trtc>
  /**
   * One round through several apps shared with other workers: each app not run recently is run
   * under its lock, taken without waiting; an app another worker holds is skipped. An app's
   * failure is its outcome, the round goes on.
   */
  readonly syncRound: (options: RoundOptions) => Effect.Effect<RoundSummary, never, Trtc.Trtc>
  /** A worker: rounds forever, `pollSeconds` apart, each starting one app further on. */
  readonly work: (options: WorkOptions) => Effect.Effect<never, never, Trtc.Trtc>
  /** Per app: checkpoint, counts, open calls, gaps, who holds it now, its last round's run. */
  readonly status: Effect.Effect<ReadonlyArray<AppStatus>, ArchiveError.ArchiveDatabaseError>
}

/**
 * The archive service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Archive extends Context.Tag("@effect-trtc/archive/Archive")<Archive, Service>() {}

const make = Effect.gen(function*() {
  const db = yield* Open.OpenDatabase
  const { sql } = db
  const status = query(db, "reading the status", Effect.gen(function*() {
    const apps = yield* sql<{ sdk_app_id: unknown }>`
      SELECT sdk_app_id FROM trtc_checkpoints UNION SELECT sdk_app_id FROM trtc_rooms ORDER BY sdk_app_id`
    const held = yield* Lease.holders(db)
    const synced = yield* Fleet.lastSyncs(db)
    const out: Array<AppStatus> = []
    for (const { sdk_app_id } of apps) {
      const app = int(sdk_app_id)
      const cp = yield* sql<{ checkpoint_s: unknown }>`SELECT checkpoint_s FROM trtc_checkpoints WHERE sdk_app_id = ${app}`
      const rooms = yield* sql<{ n: unknown; open: unknown }>`SELECT count(*) AS n, COALESCE(SUM(1 - settled), 0) AS open FROM trtc_rooms WHERE sdk_app_id = ${app}`
      const sessions = yield* sql<{ n: unknown }>`SELECT count(*) AS n FROM trtc_sessions WHERE sdk_app_id = ${app}`
      const events = yield* sql<{ n: unknown }>`SELECT count(*) AS n FROM trtc_events WHERE sdk_app_id = ${app}`
      const gaps = yield* sql<{ from_s: unknown; to_s: unknown }>`SELECT from_s, to_s FROM trtc_gaps WHERE sdk_app_id = ${app} ORDER BY from_s`
      out.push({
        sdkAppId: app,
        checkpoint: cp[0] === undefined ? undefined : int(cp[0].checkpoint_s),
        rooms: int(rooms[0]?.n ?? 0),
        openCalls: int(rooms[0]?.open ?? 0),
        sessions: int(sessions[0]?.n ?? 0),
        events: int(events[0]?.n ?? 0),
        gaps: gaps.map((g) => ({ fromSeconds: int(g.from_s), toSeconds: int(g.to_s) })),
        // Present only when known, so an app no round has touched reads as before.
        ...(held.has(app) ? { holder: held.get(app) } : {}),
        ...(synced.has(app) ? { lastSyncMs: synced.get(app)!.ms } : {})
      })
    }
    return out
  }))
  return Archive.of({
    target: db.target,
    dialect: db.dialect,
    sql,
    sync: (options) => Sync.sync(db, options),
    syncRound: (options) => Fleet.round(db, options),
    work: (options) => Fleet.work(db, options),
    status
  })
})

/**
 * The failures of opening an archive.
 *
 * @since 0.1.0
 * @category errors
 */
export type OpenError = ArchiveError.ArchiveOpenError | ArchiveError.SchemaVersionError | ArchiveError.ArchiveDatabaseError

/**
 * An archive in an SQLite file (created with its tables when new).
 *
 * @example
 * ```ts
 * import * as Archive from "@effect-trtc/archive/Archive"
 * import * as Effect from "effect/Effect"
 *
 * // Open (or create) an archive and list what it holds per app.
 * const status = Effect.flatMap(Archive.Archive, (archive) => archive.status).pipe(
 *   Effect.provide(Archive.layerSqlite({ filename: "./trtc-archive.db" }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqlite = (options: { readonly filename: string }): Layer.Layer<Archive, OpenError> =>
  Layer.effect(Archive, make).pipe(Layer.provide(Open.sqlite(options.filename)))

/**
 * An archive in a PostgreSQL database (`postgres://user:password@host:port/db`); the password
 * appears in no message.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPg = (options: { readonly url: Redacted.Redacted<string> }): Layer.Layer<Archive, OpenError> =>
  Layer.effect(Archive, make).pipe(Layer.provide(Open.pg(options.url)))

/**
 * An archive chosen by the URL's scheme: `postgres://` or `postgresql://` for PostgreSQL,
 * `file:` or a plain path for SQLite; any other scheme is an `ArchiveOpenError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (url: string | Redacted.Redacted<string>): Layer.Layer<Archive, OpenError> =>
  Layer.effect(Archive, make).pipe(Layer.provide(Open.byUrl(url)))

/**
 * One run for one app with the archive and `Trtc` in context.
 *
 * @since 0.1.0
 * @category sync
 */
export const sync = (options: SyncOptions): Effect.Effect<SyncSummary, SyncError, Archive | Trtc.Trtc> =>
  Effect.flatMap(Archive, (archive) => archive.sync(options))

/**
 * The archive's status with the archive in context.
 *
 * @since 0.1.0
 * @category sync
 */
export const status: Effect.Effect<ReadonlyArray<AppStatus>, ArchiveError.ArchiveDatabaseError, Archive> = Effect.flatMap(
  Archive,
  (archive) => archive.status
)

/**
 * One round through several apps with the archive and `Trtc` in context.
 *
 * @example
 * ```ts
 * import * as Archive from "@effect-trtc/archive/Archive"
 * import * as Effect from "effect/Effect"
 *
 * // Run any of three apps that no other worker holds and that was not run in the last hour.
 * const round = Archive.syncRound({ sdkAppIds: [1400000001, 1400000002, 1400000003], everySeconds: 3600 }).pipe(
 *   Effect.tap((summary) => Effect.log(`${summary.synced} synced, ${summary.held} held elsewhere`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category sync
 */
export const syncRound = (options: RoundOptions): Effect.Effect<RoundSummary, never, Archive | Trtc.Trtc> =>
  Effect.flatMap(Archive, (archive) => archive.syncRound(options))

/**
 * A worker sharing apps with others, forever, with the archive and `Trtc` in context.
 *
 * @since 0.1.0
 * @category sync
 */
export const work = (options: WorkOptions): Effect.Effect<never, never, Archive | Trtc.Trtc> =>
  Effect.flatMap(Archive, (archive) => archive.work(options))
