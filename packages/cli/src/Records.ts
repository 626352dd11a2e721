/**
 * The flat records the CLI prints: one event of one user in one call, a call (room), a user
 * session. Their keys are a contract of the json/ndjson/csv output.
 *
 * @since 0.1.0
 */
import type * as Output from "./Output.js"

/**
 * One event with the context needed to read it on its own.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventRecord {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly userId: string
  readonly peerId: string
  readonly timeMs: number
  /** ISO 8601 UTC with milliseconds. */
  readonly time: string
  readonly eventId: number
  readonly type: number
  readonly paramOne: number
  readonly paramTwo: number
  /** The catalogue description, e.g. "Entered room successfully". */
  readonly event: string
}

/**
 * Where an event happened.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventContext {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly userId: string
}

/**
 * The wire fields of one event.
 *
 * @since 0.1.0
 * @category models
 */
export interface RawEvent {
  readonly peerId: string
  readonly type: number
  readonly timeMs: number
  readonly eventId: number
  readonly paramOne: number
  readonly paramTwo: number
}

/**
 * Builds an event record; `describe` is the event catalogue.
 *
 * @since 0.1.0
 * @category constructors
 */
export const event = (
  context: EventContext,
  raw: RawEvent,
  describe: (eventId: number, paramOne: number, paramTwo: number) => string
): EventRecord => ({
  sdkAppId: context.sdkAppId,
  commId: context.commId,
  roomId: context.roomId,
  userId: context.userId,
  peerId: raw.peerId,
  timeMs: raw.timeMs,
  time: isoMillis(raw.timeMs),
  eventId: raw.eventId,
  type: raw.type,
  paramOne: raw.paramOne,
  paramTwo: raw.paramTwo,
  event: describe(raw.eventId, raw.paramOne, raw.paramTwo)
})

/**
 * Identity of an event for de-duplication (resume, window edges): every wire field plus its call
 * and user.
 *
 * @since 0.1.0
 * @category identity
 */
export const eventKey = (r: {
  readonly sdkAppId: number | string
  readonly commId: string
  readonly userId: string
  readonly peerId: string
  readonly timeMs: number | string
  readonly eventId: number | string
  readonly type: number | string
  readonly paramOne: number | string
  readonly paramTwo: number | string
}): string =>
  [r.sdkAppId, r.commId, r.userId, r.peerId, r.timeMs, r.eventId, r.type, r.paramOne, r.paramTwo].join("\u0000")

/**
 * Event columns: every field in output order, and the ones a table shows.
 *
 * @since 0.1.0
 * @category columns
 */
export const eventColumns: Output.Columns = {
  all: [
    "sdkAppId",
    "commId",
    "roomId",
    "userId",
    "peerId",
    "timeMs",
    "time",
    "eventId",
    "type",
    "paramOne",
    "paramTwo",
    "event"
  ],
  table: ["time", "roomId", "userId", "peerId", "eventId", "event"],
  shrink: ["event", "roomId", "peerId"],
  constant: ["roomId", "userId", "peerId"],
  times: { time: { from: "timeMs", unit: "ms" } },
  highlight: (row) => isFailure((row as EventRecord).event)
}

const failurePattern = /fail|error|abnormal|exception|lost|disconnect|timed? ?out|denied|interrupt/i

/**
 * Whether an event's catalogue description names a failure ("Failed to enter room",
 * "Connection to CVM timed out"): what a table highlights.
 *
 * @since 0.1.0
 * @category identity
 */
export const isFailure = (description: string): boolean => failurePattern.test(description)

/**
 * One event as `trtc export` writes it: with whether its call had finished when it was
 * fetched (`false`: the call was still running, later events may exist; `export --resume`
 * fetches such calls again).
 *
 * @since 0.1.0
 * @category models
 */
export interface ExportRecord extends EventRecord {
  readonly callFinished: boolean
}

/**
 * Export columns: the event's, then `callFinished`.
 *
 * @since 0.1.0
 * @category columns
 */
export const exportColumns: Output.Columns = {
  ...eventColumns,
  all: [...eventColumns.all, "callFinished"]
}

/**
 * One call (a room's lifetime, identified by `commId`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RoomRecord {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly createTs: number
  readonly createTime: string
  readonly destroyTs: number
  readonly destroyTime: string
  readonly durationSeconds: number
  readonly isFinished: boolean
  readonly creatorUserId: string
}

/**
 * Builds a room record from the wire fields.
 *
 * @since 0.1.0
 * @category constructors
 */
export const room = (sdkAppId: number, r: {
  readonly commId: string
  readonly roomId: string
  readonly createTime: number
  readonly destroyTime: number
  readonly isFinished: boolean
  readonly userId: string
}): RoomRecord => ({
  sdkAppId,
  commId: r.commId,
  roomId: r.roomId,
  createTs: r.createTime,
  createTime: isoSeconds(r.createTime),
  destroyTs: r.destroyTime,
  destroyTime: r.destroyTime > 0 ? isoSeconds(r.destroyTime) : "",
  durationSeconds: r.destroyTime > 0 ? r.destroyTime - r.createTime : 0,
  isFinished: r.isFinished,
  creatorUserId: r.userId
})

/**
 * Room columns.
 *
 * @since 0.1.0
 * @category columns
 */
export const roomColumns: Output.Columns = {
  all: [
    "sdkAppId",
    "commId",
    "roomId",
    "createTs",
    "createTime",
    "destroyTs",
    "destroyTime",
    "durationSeconds",
    "isFinished",
    "creatorUserId"
  ],
  table: ["commId", "createTime", "destroyTime", "durationSeconds", "isFinished", "creatorUserId", "roomId"],
  shrink: ["creatorUserId"],
  // The room id is inside the CommId, and the end follows from start and duration.
  drop: ["roomId", "creatorUserId", "destroyTime"],
  keep: ["commId"],
  labels: { durationSeconds: "seconds", isFinished: "finished", creatorUserId: "creator" },
  times: { createTime: { from: "createTs", unit: "s" }, destroyTime: { from: "destroyTs", unit: "s" } }
}

/**
 * One user session in a call.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserRecord {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly userId: string
  readonly joinTs: number
  readonly joinTime: string
  readonly leaveTs: number
  readonly leaveTime: string
  readonly durationSeconds: number
  readonly finished: boolean
  readonly deviceType: string
  readonly sdkVersion: string
  readonly clientIp: string
}

/**
 * Builds a user record from the wire fields.
 *
 * @since 0.1.0
 * @category constructors
 */
export const user = (sdkAppId: number, commId: string, u: {
  readonly roomId: string
  readonly userId: string
  readonly joinTs: number
  readonly leaveTs: number
  readonly finished: boolean
  readonly deviceType: string
  readonly sdkVersion: string
  readonly clientIp: string
}): UserRecord => ({
  sdkAppId,
  commId,
  roomId: u.roomId,
  userId: u.userId,
  joinTs: u.joinTs,
  joinTime: isoSeconds(u.joinTs),
  leaveTs: u.leaveTs,
  leaveTime: u.leaveTs > 0 ? isoSeconds(u.leaveTs) : "",
  durationSeconds: u.leaveTs > 0 ? u.leaveTs - u.joinTs : 0,
  finished: u.finished,
  deviceType: u.deviceType,
  sdkVersion: u.sdkVersion,
  clientIp: u.clientIp
})

/**
 * User columns.
 *
 * @since 0.1.0
 * @category columns
 */
export const userColumns: Output.Columns = {
  all: [
    "sdkAppId",
    "commId",
    "roomId",
    "userId",
    "joinTs",
    "joinTime",
    "leaveTs",
    "leaveTime",
    "durationSeconds",
    "finished",
    "deviceType",
    "sdkVersion",
    "clientIp"
  ],
  table: ["userId", "joinTime", "leaveTime", "durationSeconds", "deviceType", "sdkVersion", "clientIp"],
  shrink: ["clientIp", "sdkVersion", "deviceType"],
  drop: ["clientIp", "sdkVersion", "leaveTime"],
  keep: ["userId"],
  labels: { durationSeconds: "seconds", deviceType: "device", sdkVersion: "sdk" },
  times: { joinTime: { from: "joinTs", unit: "s" }, leaveTime: { from: "leaveTs", unit: "s" } }
}

/**
 * One abnormal experience of a user (`DescribeUnusualEvent`), flat: the abnormal events behind
 * it joined, each id with the catalogue's words, so a csv row reads on its own.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnomalyRecord {
  readonly sdkAppId: number
  readonly roomId: string
  readonly userId: string
  /** When it was reported, Unix s (the API's `EventTime`). */
  readonly eventTs: number
  /** ISO 8601 UTC. */
  readonly time: string
  /** Table 5.3: 1 slow room entry … 5 audio lag. */
  readonly experienceId: number
  /** The catalogue's words for `experienceId`, e.g. "Video lagged". */
  readonly experience: string
  /** The abnormal event ids, `;`-separated, e.g. `2024;2017`. */
  readonly abnormalEventIds: string
  /** Each abnormal event as `id description`, `; `-separated. */
  readonly abnormalEvents: string
  /** The remote users the abnormal events are about, distinct, `;`-separated; `""` when none. */
  readonly peerIds: string
}

/**
 * Builds an anomaly record from core's `TrtcStream.UnusualEvent`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const anomaly = (x: {
  readonly sdkAppId: number
  readonly roomId: string
  readonly userId: string
  readonly timeMs: number
  readonly experienceId: number
  readonly description: string
  readonly events: ReadonlyArray<{ readonly abnormalEventId: number; readonly peerId: string; readonly description: string }>
}): AnomalyRecord => ({
  sdkAppId: x.sdkAppId,
  roomId: x.roomId,
  userId: x.userId,
  eventTs: Math.floor(x.timeMs / 1000),
  time: isoSeconds(Math.floor(x.timeMs / 1000)),
  experienceId: x.experienceId,
  experience: x.description,
  abnormalEventIds: x.events.map((e) => e.abnormalEventId).join(";"),
  abnormalEvents: x.events.map((e) => `${e.abnormalEventId} ${e.description}`).join("; "),
  peerIds: [...new Set(x.events.map((e) => e.peerId).filter((p) => p !== ""))].join(";")
})

/**
 * Anomaly columns. The ids (room, user, peers) are kept whole; the descriptions give up width.
 *
 * @since 0.1.0
 * @category columns
 */
export const anomalyColumns: Output.Columns = {
  all: ["sdkAppId", "roomId", "userId", "eventTs", "time", "experienceId", "experience", "abnormalEventIds", "abnormalEvents", "peerIds"],
  table: ["time", "roomId", "userId", "experience", "abnormalEvents", "peerIds"],
  shrink: ["abnormalEvents", "experience"],
  // On a narrow terminal the events' words go first (shrunk, then dropped); the ids stay whole.
  drop: ["abnormalEvents"],
  keep: ["roomId", "userId", "peerIds"],
  constant: ["roomId"],
  labels: { abnormalEvents: "events", peerIds: "peers" },
  times: { time: { from: "eventTs", unit: "s" } }
}

// A server may send a time no Date can hold (1e20, or 1e400 read as Infinity): printed as the
// number, not a RangeError that ends the command.
const isoMillis = (ms: number): string => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms)

const isoSeconds = (seconds: number) => isoMillis(seconds * 1000).replace(".000Z", "Z")
