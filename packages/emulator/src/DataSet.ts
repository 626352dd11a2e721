/**
 * The data the emulator serves: apps → rooms (calls) → user sessions → events. A plain,
 * JSON-able value, either generated deterministically from a seed and an anchor time, or
 * loaded from a file (the same shape `GET /_admin/dataset` exports), plus the sorted lookups
 * the server needs to answer the five actions.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { readFile } from "node:fs/promises"
import { attachEvents, publishesVideo, resolveOptions } from "./internal/dataSetGenerate.js"
import {
  eventsBetween,
  indexOf,
  roomIndexOf,
  roomsCreatedIn,
  roomsOverlapping,
  sessionsOverlapping
} from "./internal/dataSetIndex.js"
import { metrics, sample } from "./internal/dataSetQuality.js"
import { isDismissalEventId } from "./internal/abnormalIds.js"
import { abnormalProblem, isExactDataSet } from "./internal/dataSetValidate.js"

// ---------------------------------------------------------------------------
// models
// ---------------------------------------------------------------------------

/**
 * One event as `DescribeUserEvent` reports it. `peerId` is the user whose stream or device
 * the event is about: the session's own user for its own events, a remote user for events
 * about a received stream. `type`: 0 non-video, 2 big, 3 small, 7 relayed stream.
 *
 * @since 0.1.0
 * @category models
 */
export interface Event {
  readonly peerId: string
  readonly type: number
  /** Unix ms. */
  readonly timeMs: number
  readonly eventId: number
  /** -1 = none. */
  readonly paramOne: number
  /** -1 = none. */
  readonly paramTwo: number
}

/**
 * One cause of an abnormal experience, as `DescribeUnusualEvent` reports it (`AbnormalEvent`):
 * an id of the exceptional room dismissal table (1001–1032, reported once the room is
 * dismissed) or of the real-time table (2001–2026). `peerId` is the remote user whose stream it
 * is about, `""` for the user's own side.
 *
 * @since 0.1.0
 * @category models
 */
export interface AbnormalEvent {
  readonly abnormalEventId: number
  readonly peerId: string
}

/**
 * One abnormal experience of a user during a session (`AbnormalExperience`): `experienceId`
 * 1 slow room entry, 2 video could not start, 3 audio could not start, 4 video lag, 5 audio lag.
 *
 * @since 0.1.0
 * @category models
 */
export interface AbnormalExperience {
  readonly experienceId: number
  /** Unix s, within the session. */
  readonly eventTime: number
  readonly events: ReadonlyArray<AbnormalEvent>
}

/**
 * One stay of one user in a call. A user who leaves and rejoins has several sessions.
 *
 * @since 0.1.0
 * @category models
 */
export interface Session {
  readonly userId: string
  /** Unix s. */
  readonly joinTs: number
  /** Unix s; the anchor ("now") when the user is still in the room. */
  readonly leaveTs: number
  readonly finished: boolean
  readonly deviceType: string
  readonly sdkVersion: string
  readonly clientIp: string
  /** Sorted by `timeMs`, all within [joinTs, leaveTs] in ms. */
  readonly events: ReadonlyArray<Event>
  /**
   * Abnormal experiences (`DescribeUnusualEvent`), sorted by `eventTime`. Absent when there are
   * none, so data sets written before it existed load unchanged.
   */
  readonly abnormal?: ReadonlyArray<AbnormalExperience>
}

/**
 * One call. `commId` is `${sdkAppId}_${roomId}_${createTime}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Room {
  readonly roomId: string
  readonly commId: string
  /** Unix s. */
  readonly createTime: number
  /** Unix s; the anchor when the call is still running. */
  readonly destroyTime: number
  readonly isFinished: boolean
  readonly creatorUserId: string
  readonly sessions: ReadonlyArray<Session>
}

/**
 * The calls of one application.
 *
 * @since 0.1.0
 * @category models
 */
export interface App {
  readonly sdkAppId: number
  readonly rooms: ReadonlyArray<Room>
}

/**
 * A whole data set. `anchor` is the "now" (Unix s) it was generated for.
 *
 * @since 0.1.0
 * @category models
 */
export interface DataSet {
  readonly seed: number
  readonly anchor: number
  readonly apps: ReadonlyArray<App>
}

/**
 * A count, or an inclusive range a count is drawn from per app (rooms) or per room (users).
 *
 * @since 0.1.0
 * @category models
 */
export type Count = number | { readonly min: number; readonly max: number }

/**
 * Options of {@link generate}. Only `seed` and `anchor` are required; the same options always
 * give the same data set, byte for byte.
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateOptions {
  /** Any finite number; used modulo 2^32 (the data set records the value used). */
  readonly seed: number
  /** "Now", Unix s: rooms are spread over the retention window before it. */
  readonly anchor: number
  /** SdkAppIds; default `[1400000001]`. */
  readonly apps?: ReadonlyArray<number> | undefined
  /** Default 24. */
  readonly roomsPerApp?: Count | undefined
  /** Distinct users per room; default 2–6 (a user may have several sessions). */
  readonly usersPerRoom?: Count | undefined
  /** Days before the anchor that rooms are spread over; default 14 (1–30). */
  readonly retentionDays?: number | undefined
  /** Mean number of mid-call events (toggles, switches, failures) per session hour; default 24. */
  readonly eventsPerHour?: number | undefined
  /**
   * A share of large calls (a class, an all-hands) with more users, so user lists need
   * several pages. Default: 4 % with 12–40 users when `usersPerRoom` is not given, none when
   * it is.
   */
  readonly largeRooms?: { readonly share: number; readonly users?: Count | undefined } | undefined
  /**
   * For an emulator whose calls progress with its clock (`Emulator.Options.progressive`): the
   * calls running at the anchor really end later, up to 3 h after it (finished, their users
   * leave and their exit events come after the anchor), instead of being cut at the anchor and
   * left open. Default `false`; the other calls are the same either way.
   */
  readonly progressive?: boolean | undefined
}

/**
 * A data set could not be read, parsed or validated. `source` names the file (or `json`),
 * `field` the path of the bad value, e.g. `apps[0].rooms[3].commId`.
 *
 * @since 0.1.0
 * @category errors
 */
export class DataSetError extends Schema.TaggedError<DataSetError>()("DataSetError", {
  source: Schema.String,
  field: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `Invalid data set (${this.source}): ${this.field === "" ? "" : `${this.field}: `}${this.problem}`
  }
}

// ---------------------------------------------------------------------------
// schema
// ---------------------------------------------------------------------------

const Int = Schema.Number.pipe(Schema.int())
const NonNegativeInt = Int.pipe(Schema.nonNegative())

/**
 * Schema of an {@link Event}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EventSchema = Schema.Struct({
  peerId: Schema.String,
  type: Int,
  timeMs: NonNegativeInt,
  eventId: Int,
  paramOne: Int,
  paramTwo: Int
})

/**
 * Schema of an {@link AbnormalEvent}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AbnormalEventSchema = Schema.Struct({
  abnormalEventId: Int,
  peerId: Schema.String
})

/**
 * Schema of an {@link AbnormalExperience}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AbnormalExperienceSchema = Schema.Struct({
  experienceId: Int,
  eventTime: NonNegativeInt,
  events: Schema.Array(AbnormalEventSchema)
})

/**
 * Schema of a {@link Session}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionSchema = Schema.Struct({
  userId: Schema.String,
  joinTs: NonNegativeInt,
  leaveTs: NonNegativeInt,
  finished: Schema.Boolean,
  deviceType: Schema.String,
  sdkVersion: Schema.String,
  clientIp: Schema.String,
  events: Schema.Array(EventSchema),
  abnormal: Schema.optionalWith(Schema.Array(AbnormalExperienceSchema), { exact: true })
})

/**
 * Schema of a {@link Room}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RoomSchema = Schema.Struct({
  roomId: Schema.String,
  commId: Schema.String,
  createTime: NonNegativeInt,
  destroyTime: NonNegativeInt,
  isFinished: Schema.Boolean,
  creatorUserId: Schema.String,
  sessions: Schema.Array(SessionSchema)
})

/**
 * Schema of an {@link App}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AppSchema = Schema.Struct({
  sdkAppId: NonNegativeInt,
  rooms: Schema.Array(RoomSchema)
})

/**
 * Schema of a whole {@link DataSet} (structure only; {@link fromJson} also checks that calls,
 * sessions and events nest properly in time).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DataSetSchema = Schema.Struct({
  seed: NonNegativeInt,
  anchor: NonNegativeInt,
  apps: Schema.Array(AppSchema)
})

// ---------------------------------------------------------------------------
// generation
// ---------------------------------------------------------------------------

/**
 * Generates a data set: pure and deterministic (no clock, no `Math.random`). Rooms are spread
 * over the retention window before `anchor` (most starting in office hours). So that every
 * set, however small, has the cases clients trip over, the first room drawn for each app is a
 * call of more than 4 h over a UTC midnight (when the window holds one, i.e. retention of 2
 * days or more) with a unicode room id, a user who rejoins and a relay robot (`mixer_…`,
 * whose stream others receive as Type 7), and the last room drawn (when an app has two or
 * more) is still open at the anchor (with `progressive`, running at the anchor and ending
 * after it). Web users (`deviceType` `web`) report WebRTC events, other devices SDK events;
 * some sessions have abnormal experiences (`abnormal`, for `DescribeUnusualEvent`).
 *
 * Every event is materialised: use {@link generateLazy} for large sets. Throws a `RangeError`
 * for an anchor or seed that is not a finite number (a programming error).
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate = (options: GenerateOptions): DataSet => {
  const resolved = resolveOptions(options)
  return { seed: resolved.seed, anchor: resolved.anchor, apps: attachEvents(resolved, false) }
}

/**
 * The same data set as {@link generate} (same JSON, byte for byte) but each session's
 * `events` is a getter that regenerates them on every read, so only rooms and sessions stay
 * in memory: a million-event set costs a few MB. Read `events` once per use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generateLazy = (options: GenerateOptions): DataSet => {
  const resolved = resolveOptions(options)
  return { seed: resolved.seed, anchor: resolved.anchor, apps: attachEvents(resolved, true) }
}

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

/**
 * The data set as JSON text (the file format of {@link load}).
 *
 * @since 0.1.0
 * @category encoding
 */
export const toJson = (dataSet: DataSet): string => JSON.stringify(dataSet)

/**
 * The same text as {@link toJson}, in pieces of at most one room each, so a large (lazy) data
 * set can be written to a file or an HTTP response without building one huge string.
 *
 * @since 0.1.0
 * @category encoding
 */
export function* toJsonChunks(dataSet: DataSet): Generator<string> {
  yield `{"seed":${JSON.stringify(dataSet.seed)},"anchor":${JSON.stringify(dataSet.anchor)},"apps":[`
  for (let a = 0; a < dataSet.apps.length; a++) {
    const app = dataSet.apps[a]!
    yield `${a === 0 ? "" : ","}{"sdkAppId":${JSON.stringify(app.sdkAppId)},"rooms":[`
    for (let r = 0; r < app.rooms.length; r++) {
      yield `${r === 0 ? "" : ","}${JSON.stringify(app.rooms[r])}`
    }
    yield "]}"
  }
  yield "]}"
}

const pathOf = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("")

const checkNesting = (dataSet: DataSet, source: string): DataSetError | undefined => {
  const fail = (field: string, problem: string) => new DataSetError({ source, field, problem })
  for (let a = 0; a < dataSet.apps.length; a++) {
    const app = dataSet.apps[a]!
    for (let r = 0; r < app.rooms.length; r++) {
      const room = app.rooms[r]!
      const at = `apps[${a}].rooms[${r}]`
      const expected = `${app.sdkAppId}_${room.roomId}_${room.createTime}`
      if (room.commId !== expected) return fail(`${at}.commId`, `is "${room.commId}", expected "${expected}" (SdkAppId_RoomId_CreateTime)`)
      if (room.destroyTime < room.createTime) return fail(`${at}.destroyTime`, `${room.destroyTime} is before createTime ${room.createTime}`)
      for (let s = 0; s < room.sessions.length; s++) {
        const session = room.sessions[s]!
        const sat = `${at}.sessions[${s}]`
        if (session.leaveTs < session.joinTs) return fail(`${sat}.leaveTs`, `${session.leaveTs} is before joinTs ${session.joinTs}`)
        if (session.joinTs < room.createTime || session.leaveTs > room.destroyTime) {
          return fail(sat, `session ${session.joinTs}–${session.leaveTs} lies outside its room ${room.createTime}–${room.destroyTime}`)
        }
        const events = session.events
        for (let e = 0; e < events.length; e++) {
          const t = events[e]!.timeMs
          if (t < session.joinTs * 1000 || t > session.leaveTs * 1000) {
            return fail(`${sat}.events[${e}].timeMs`, `${t} lies outside its session ${session.joinTs * 1000}–${session.leaveTs * 1000} (ms)`)
          }
        }
        const abnormal = session.abnormal ?? []
        for (let x = 0; x < abnormal.length; x++) {
          const problem = abnormalProblem(abnormal[x]!, session)
          if (problem !== undefined) return fail(`${sat}.abnormal[${x}]${problem.field}`, problem.problem)
        }
      }
    }
  }
  return undefined
}

const byTime = (a: Event, b: Event): number => a.timeMs - b.timeMs

const byEventTime = (a: AbnormalExperience, b: AbnormalExperience): number => a.eventTime - b.eventTime

const abnormalSorted = (session: Session): boolean => {
  const abnormal = session.abnormal
  if (abnormal === undefined) return true
  for (let i = 1; i < abnormal.length; i++) if (abnormal[i]!.eventTime < abnormal[i - 1]!.eventTime) return false
  return true
}

const sortEvents = (dataSet: DataSet): DataSet => {
  let sorted = true
  for (const app of dataSet.apps) {
    for (const room of app.rooms) {
      for (const session of room.sessions) {
        for (let i = 1; i < session.events.length && sorted; i++) {
          if (session.events[i]!.timeMs < session.events[i - 1]!.timeMs) sorted = false
        }
        if (!abnormalSorted(session)) sorted = false
      }
    }
  }
  if (sorted) return dataSet
  // Lookups binary-search events by time: a hand-written file may list them in any order.
  return {
    ...dataSet,
    apps: dataSet.apps.map((app) => ({
      ...app,
      rooms: app.rooms.map((room) => ({
        ...room,
        sessions: room.sessions.map((session) => ({
          ...session,
          events: [...session.events].sort(byTime),
          ...(session.abnormal === undefined ? {} : { abnormal: [...session.abnormal].sort(byEventTime) })
        }))
      }))
    }))
  }
}

const decodeDataSet = Schema.decodeUnknownEither(DataSetSchema, { errors: "first", onExcessProperty: "ignore" })

/**
 * Validates an already parsed value as a data set: structure (effect/Schema), CommId format,
 * and that sessions lie inside their call and events inside their session. Events are sorted
 * by time if they are not.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (input: unknown, source = "json"): Either.Either<DataSet, DataSetError> =>
  Either.flatMap(
    Either.mapLeft(isExactDataSet(input) ? Either.right(input as DataSet) : decodeDataSet(input), (error) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      return new DataSetError({
        source,
        field: issue === undefined ? "" : pathOf(issue.path),
        problem: issue === undefined ? "does not match the data set schema" : issue.message
      })
    }),
    (dataSet) => {
      const error = checkNesting(dataSet, source)
      return error === undefined ? Either.right(sortEvents(dataSet)) : Either.left(error)
    }
  )

/**
 * Parses and validates JSON text produced by {@link toJson} (or written by hand).
 *
 * @since 0.1.0
 * @category decoding
 */
export const fromJson = (text: string, source = "json"): Either.Either<DataSet, DataSetError> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    return Either.left(new DataSetError({ source, field: "", problem: `is not valid JSON (${e instanceof Error ? e.message : String(e)})` }))
  }
  return decode(parsed, source)
}

/**
 * Reads and validates a data set file.
 *
 * @since 0.1.0
 * @category decoding
 */
export const load: (path: string) => Effect.Effect<DataSet, DataSetError> = Effect.fn("DataSet.load")(function*(path: string) {
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (e) => new DataSetError({ source: path, field: "", problem: `cannot be read (${e instanceof Error ? e.message : String(e)})` })
  })
  return yield* fromJson(text, path)
})

// ---------------------------------------------------------------------------
// lookups
// ---------------------------------------------------------------------------

/**
 * Splits a CommId into its parts. Room ids may contain `_`, so the app id is the first
 * segment and the create time the last.
 *
 * @since 0.1.0
 * @category lookups
 */
export const parseCommId = (commId: string): { readonly sdkAppId: number; readonly roomId: string; readonly createTime: number } | undefined => {
  const first = commId.indexOf("_")
  const last = commId.lastIndexOf("_")
  if (first <= 0 || last <= first) return undefined
  const app = commId.slice(0, first)
  const time = commId.slice(last + 1)
  if (!/^\d+$/.test(app) || !/^\d+$/.test(time)) return undefined
  return { sdkAppId: Number(app), roomId: commId.slice(first + 1, last), createTime: Number(time) }
}

/**
 * The call with this CommId (in this app, when `sdkAppId` is given).
 *
 * @since 0.1.0
 * @category lookups
 */
export const findRoom = (dataSet: DataSet, commId: string, sdkAppId?: number): Room | undefined => {
  const found = indexOf(dataSet).byCommId.get(commId)
  if (found === undefined || (sdkAppId !== undefined && found.sdkAppId !== sdkAppId)) return undefined
  return found.room
}

/**
 * Calls of an app in a window (Unix s, inclusive), sorted by create time then CommId. By
 * default a call counts when it overlaps the window (`createTime <= endTime` and
 * `destroyTime >= startTime`); `mode: "created"` keeps calls created inside it.
 *
 * @since 0.1.0
 * @category lookups
 */
export const roomsInWindow = (
  dataSet: DataSet,
  sdkAppId: number,
  startTime: number,
  endTime: number,
  options?: { readonly roomId?: string | undefined; readonly mode?: "overlap" | "created" | undefined }
): ReadonlyArray<Room> => {
  const app = indexOf(dataSet).apps.get(sdkAppId)
  if (app === undefined) return []
  const created = options?.mode === "created"
  const roomId = options?.roomId
  if (roomId === undefined) return created ? roomsCreatedIn(app, startTime, endTime) : roomsOverlapping(app, startTime, endTime)
  // One RoomId: only its own calls are looked at, however many calls the app has.
  return (app.byRoomId.get(roomId) ?? []).filter((room) =>
    created ? startTime <= room.createTime && room.createTime <= endTime : room.createTime <= endTime && room.destroyTime >= startTime)
}

/**
 * Sessions of a call overlapping a window (Unix s, inclusive), sorted by join time then user
 * id, optionally only for some users.
 *
 * @since 0.1.0
 * @category lookups
 */
export const sessionsInWindow = (
  room: Room,
  startTime: number,
  endTime: number,
  userIds?: ReadonlyArray<string>
): ReadonlyArray<Session> => {
  const sessions = sessionsOverlapping(roomIndexOf(room), startTime, endTime)
  if (userIds === undefined) return sessions
  const wanted = new Set(userIds)
  return sessions.filter((s) => wanted.has(s.userId))
}

/**
 * Distinct users of a call overlapping a window, in order of first join: one entry per user
 * (the first session in the window), as DescribeUserInfo lists them.
 *
 * @since 0.1.0
 * @category lookups
 */
export const usersInWindow = (
  room: Room,
  startTime: number,
  endTime: number,
  userIds?: ReadonlyArray<string>
): ReadonlyArray<Session> => {
  const seen = new Set<string>()
  const out: Array<Session> = []
  for (const session of sessionsInWindow(room, startTime, endTime, userIds)) {
    if (!seen.has(session.userId)) {
      seen.add(session.userId)
      out.push(session)
    }
  }
  return out
}

/**
 * Sessions of one user in a call, sorted by join time.
 *
 * @since 0.1.0
 * @category lookups
 */
export const sessionsOf = (room: Room, userId: string): ReadonlyArray<Session> => roomIndexOf(room).byUser.get(userId) ?? []

/**
 * Events reported by one user in a call with `fromMs <= timeMs <= toMs` (Unix ms,
 * inclusive), over all the user's sessions, sorted by time. Defaults: the whole call.
 *
 * @since 0.1.0
 * @category lookups
 */
export const userEvents = (room: Room, userId: string, fromMs = 0, toMs = Number.MAX_SAFE_INTEGER): ReadonlyArray<Event> => {
  const out: Array<Event> = []
  for (const session of sessionsOf(room, userId)) {
    if (session.leaveTs * 1000 < fromMs || session.joinTs * 1000 > toMs) continue
    const events = eventsBetween(session.events, fromMs, toMs)
    for (const event of events) out.push(event)
  }
  return out
}

/**
 * Groups events by `peerId` in order of first appearance, keeping time order inside each
 * group: the `Data` of a DescribeUserEvent response.
 *
 * @since 0.1.0
 * @category lookups
 */
export const eventLists = (events: ReadonlyArray<Event>): ReadonlyArray<{ readonly peerId: string; readonly content: ReadonlyArray<Event> }> => {
  const groups = new Map<string, Array<Event>>()
  for (const event of events) {
    const group = groups.get(event.peerId)
    if (group === undefined) groups.set(event.peerId, [event])
    else group.push(event)
  }
  return Array.from(groups, ([peerId, content]) => ({ peerId, content }))
}

/**
 * One abnormal experience found by {@link abnormalInWindow}, with the call and session it
 * belongs to.
 *
 * @since 0.1.0
 * @category lookups
 */
export interface AbnormalFound {
  readonly room: Room
  readonly session: Session
  readonly abnormal: AbnormalExperience
}

/**
 * Abnormal experiences of an app with `startTime <= eventTime <= endTime` (Unix s), sorted by
 * time, then CommId, then user: what `DescribeUnusualEvent` chooses its (at most 20) answers
 * from. Optionally one RoomId only. A cause from the room dismissal table (5.4) is only known
 * once its call is dismissed, so an experience carrying one is left out while its call runs: at
 * `asOf` (Unix s; calls that progress with the clock) a call ending later counts as running,
 * and experiences after `asOf` do not exist yet.
 *
 * @since 0.1.0
 * @category lookups
 */
export const abnormalInWindow = (
  dataSet: DataSet,
  sdkAppId: number,
  startTime: number,
  endTime: number,
  options?: { readonly roomId?: string | undefined; readonly asOf?: number | undefined }
): ReadonlyArray<AbnormalFound> => {
  const asOf = options?.asOf ?? Number.POSITIVE_INFINITY
  const to = Math.min(endTime, asOf)
  const out: Array<AbnormalFound> = []
  if (to < startTime) return out
  for (const room of roomsInWindow(dataSet, sdkAppId, startTime, to, { roomId: options?.roomId })) {
    const dismissed = room.isFinished && room.destroyTime <= asOf
    for (const session of sessionsInWindow(room, startTime, to)) {
      for (const abnormal of session.abnormal ?? []) {
        if (abnormal.eventTime < startTime || abnormal.eventTime > to) continue
        if (!dismissed && abnormal.events.some((e) => isDismissalEventId(e.abnormalEventId))) continue
        out.push({ room, session, abnormal })
      }
    }
  }
  return out.sort((a, b) =>
    a.abnormal.eventTime - b.abnormal.eventTime ||
    (a.room.commId < b.room.commId ? -1 : a.room.commId > b.room.commId ? 1 : 0) ||
    (a.session.userId < b.session.userId ? -1 : a.session.userId > b.session.userId ? 1 : 0))
}

/**
 * Counts of a data set: apps, calls, sessions, distinct (call, user) pairs and events.
 * Reads every session's events once (it generates them for a lazy set).
 *
 * @since 0.1.0
 * @category lookups
 */
export const stats = (dataSet: DataSet): { readonly apps: number; readonly rooms: number; readonly sessions: number; readonly users: number; readonly events: number } => {
  let rooms = 0
  let sessions = 0
  let users = 0
  let events = 0
  for (const app of dataSet.apps) {
    rooms += app.rooms.length
    for (const room of app.rooms) {
      sessions += room.sessions.length
      users += new Set(room.sessions.map((s) => s.userId)).size
      for (const session of room.sessions) events += session.events.length
    }
  }
  return { apps: dataSet.apps.length, rooms, sessions, users, events }
}

// ---------------------------------------------------------------------------
// quality
// ---------------------------------------------------------------------------

/**
 * Every `DataType` DescribeCallDetailInfo knows (`all` asks for all of them).
 *
 * @since 0.1.0
 * @category quality
 */
export const qualityDataTypes: ReadonlyArray<string> = Object.keys(metrics)

/**
 * The `DataType`s that also have a downstream series per remote user (`PeerId` = the user
 * whose stream is received): what arrives, how it plays. The others (CPU, capture, encoding,
 * energy, RTT) only exist upstream.
 *
 * @since 0.1.0
 * @category quality
 */
export const downstreamDataTypes: ReadonlyArray<string> = ["aBit", "aBlock", "aLoss", "bigvBit", "bigvDecFps", "bigvBlock", "bigvLoss", "bigvWidth", "bigvHeight"]

const downstream = new Set(downstreamDataTypes)

/**
 * Whether a `DataType` has per-peer downstream series (see {@link downstreamDataTypes}).
 *
 * @since 0.1.0
 * @category quality
 */
export const isDownstreamDataType = (dataType: string): boolean => downstream.has(dataType)

const sessionAt = (room: Room, userId: string, second: number): Session | undefined =>
  sessionsOf(room, userId).find((s) => s.joinTs <= second && second <= s.leaveTs)

// Video metrics follow the sender: upstream the user's own camera, downstream the peer's.
const sendsVideo = (dataSet: DataSet, room: Room, userId: string, second: number, peerId: string): boolean => {
  const sender = peerId === "" ? userId : peerId
  const session = sessionAt(room, sender, second) ?? sessionsOf(room, sender)[0]
  return session === undefined ? false : publishesVideo(dataSet.seed, room.commId, session)
}

/**
 * One quality sample: a pure function of the data set's seed, the call, the user, the remote
 * peer (`""` = the user's own upstream), the metric and the second. Video metrics are 0 when
 * the sender (the user upstream, the peer downstream) does not publish video; unknown metrics
 * are 0.
 *
 * @since 0.1.0
 * @category quality
 */
export const quality = (dataSet: DataSet, room: Room, userId: string, dataType: string, second: number, peerId = ""): number =>
  sample(dataSet.seed, room.commId, userId, peerId, dataType, second, sendsVideo(dataSet, room, userId, second, peerId))

/**
 * The remote users a user receives from in a window (Unix s, inclusive): everyone else with a
 * session overlapping one of the user's, in order of first join. The `PeerId`s of the
 * downstream series.
 *
 * @since 0.1.0
 * @category quality
 */
export const qualityPeers = (room: Room, userId: string, startTime: number, endTime: number): ReadonlyArray<string> => {
  const own = sessionsOf(room, userId)
  const peers: Array<string> = []
  const seen = new Set<string>([userId])
  for (const mine of own) {
    const from = Math.max(startTime, mine.joinTs)
    const to = Math.min(endTime, mine.leaveTs)
    if (from > to) continue
    for (const other of sessionsInWindow(room, from, to)) {
      if (!seen.has(other.userId)) {
        seen.add(other.userId)
        peers.push(other.userId)
      }
    }
  }
  return peers
}

/**
 * A quality series as DescribeCallDetailInfo returns it: one `{ time, value }` every 2 s
 * (counted from each session's join) while the user is in the call, within
 * [startTime, endTime] (Unix s, inclusive). With a `peerId`, the downstream series of what
 * the user receives from that peer: only the seconds both are in the call.
 *
 * @since 0.1.0
 * @category quality
 */
export const qualitySeries = (
  dataSet: DataSet,
  room: Room,
  userId: string,
  dataType: string,
  startTime: number,
  endTime: number,
  peerId = ""
): ReadonlyArray<{ readonly time: number; readonly value: number }> => {
  const out: Array<{ readonly time: number; readonly value: number }> = []
  const peerSessions = peerId === "" ? [] : sessionsOf(room, peerId)
  for (const session of sessionsOf(room, userId)) {
    const from = Math.max(startTime, session.joinTs)
    const to = Math.min(endTime, session.leaveTs)
    if (from > to) continue
    // Align to the session's 2-second grid so adjacent windows never repeat a sample.
    const first = from + ((session.joinTs - from) % 2 + 2) % 2
    if (peerId === "") {
      const hasVideo = publishesVideo(dataSet.seed, room.commId, session)
      for (let time = first; time <= to; time += 2) {
        out.push({ time, value: sample(dataSet.seed, room.commId, userId, peerId, dataType, time, hasVideo) })
      }
      continue
    }
    for (const peer of peerSessions) {
      const a = Math.max(first, peer.joinTs)
      const b = Math.min(to, peer.leaveTs)
      if (a > b) continue
      const hasVideo = publishesVideo(dataSet.seed, room.commId, peer)
      for (let time = a + ((first - a) % 2 + 2) % 2; time <= b; time += 2) {
        out.push({ time, value: sample(dataSet.seed, room.commId, userId, peerId, dataType, time, hasVideo) })
      }
    }
  }
  return out
}
