/**
 * The typed failures of the archive: each names what was wrong, with what, and how to fix it,
 * in a `message` that reads well on one line. None of them ever holds a database password:
 * a URL is shown with its password replaced by `***`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The database could not be opened or reached: an unwritable path, a refused connection, a
 * wrong user or password, a URL of no known kind.
 *
 * @since 0.1.0
 * @category errors
 */
export class ArchiveOpenError extends Schema.TaggedError<ArchiveOpenError>()("ArchiveOpenError", {
  /** The database as given, its password masked. */
  target: Schema.String,
  /** What went wrong. */
  reason: Schema.String,
  /** What to do about it. */
  fix: Schema.String
}) {
  override get message(): string {
    return `cannot open the archive ${this.target}: ${this.reason}; ${this.fix}`
  }
}

/**
 * The database holds an archive of another schema version than this library writes.
 *
 * @since 0.1.0
 * @category errors
 */
export class SchemaVersionError extends Schema.TaggedError<SchemaVersionError>()("SchemaVersionError", {
  target: Schema.String,
  /** The version recorded in `trtc_meta`. */
  found: Schema.String,
  /** The version this library writes. */
  expected: Schema.Number
}) {
  override get message(): string {
    return `the archive ${this.target} has schema version ${this.found}, this archiver writes version ${this.expected}; ` +
      `use the archiver release that wrote it, or archive into a new database`
  }
}

/**
 * A statement failed while the archive was open (a lost connection, a full disk). The run's
 * transaction was rolled back: nothing of the window it was writing is in the database.
 *
 * @since 0.1.0
 * @category errors
 */
export class ArchiveDatabaseError extends Schema.TaggedError<ArchiveDatabaseError>()("ArchiveDatabaseError", {
  target: Schema.String,
  /** What the archiver was doing, e.g. "writing window 1764000000..1764003599". */
  operation: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `archive ${this.target}: ${this.operation} failed: ${this.reason}; the window was rolled back, rerun to resume`
  }
}

/**
 * Another archiver is writing this app into this database (one writer per app).
 *
 * @since 0.1.0
 * @category errors
 */
export class ArchiveLockedError extends Schema.TaggedError<ArchiveLockedError>()("ArchiveLockedError", {
  sdkAppId: Schema.Number,
  /** The other archiver's process id (`undefined` when it has not said yet). */
  ownerPid: Schema.optional(Schema.Number),
  ownerHost: Schema.optional(Schema.String),
  /** When it started, Unix ms. */
  sinceMs: Schema.optional(Schema.Number)
}) {
  override get message(): string {
    const who = this.ownerPid === undefined ? "another archiver" : `another archiver (pid ${this.ownerPid}${this.ownerHost === undefined ? "" : ` on ${this.ownerHost}`})`
    const since = this.sinceMs === undefined ? "" : ` since ${new Date(this.sinceMs).toISOString()}`
    return `${who} holds app ${this.sdkAppId}${since}; wait for it to finish (one writer per app), or stop it`
  }
}

/**
 * The app's checkpoint was older than the retention window: the events in between are gone
 * upstream. Raised only with `failOnGap`, after the gap was recorded and the run finished.
 *
 * @since 0.1.0
 * @category errors
 */
export class ArchiveGapError extends Schema.TaggedError<ArchiveGapError>()("ArchiveGapError", {
  sdkAppId: Schema.Number,
  /** The lost span's start, Unix s (inclusive). */
  fromSeconds: Schema.Number,
  /** The lost span's end, Unix s (exclusive): the oldest time still retained. */
  toSeconds: Schema.Number
}) {
  override get message(): string {
    return `app ${this.sdkAppId}: events from ${new Date(this.fromSeconds * 1000).toISOString()} to ` +
      `${new Date(this.toSeconds * 1000).toISOString()} were lost upstream before they were archived ` +
      `(recorded in trtc_gaps); run the archiver more often than the retention window`
  }
}

/**
 * Options of a run that cannot work.
 *
 * @since 0.1.0
 * @category errors
 */
export class ArchiveOptionsError extends Schema.TaggedError<ArchiveOptionsError>()("ArchiveOptionsError", {
  /** The option, e.g. `settle`. */
  field: Schema.String,
  reason: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return `${this.field}: ${this.reason}; ${this.fix}`
  }
}

/**
 * Any failure of the archive itself (the API's failures are core's `TrtcStream.StreamError`).
 *
 * @since 0.1.0
 * @category errors
 */
export type ArchiveError =
  | ArchiveOpenError
  | SchemaVersionError
  | ArchiveDatabaseError
  | ArchiveLockedError
  | ArchiveGapError
  | ArchiveOptionsError
