import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
import * as Models from "@effect-trtc/core/Models"
import * as Paginate from "@effect-trtc/core/Paginate"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Records from "../Records.js"
import type * as Time from "../Time.js"

/** What every stream here may fail with. */
export type SourceError =
  | Paginate.PaginationError
  | Trtc.DescribeRoomInfoError
  | Trtc.DescribeUserInfoError
  | Trtc.DescribeUserEventError

/** A call as the CLI needs it. */
export interface Call {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly createTime: number
  /** 0 while the call is still running. */
  readonly destroyTime: number
  readonly isFinished: boolean
  readonly creatorUserId: string
}

/** Reads `SdkAppId_RoomId_CreateTime` (the room id may itself contain underscores). */
export const parseCommId = (
  commId: string
): Option.Option<{ readonly sdkAppId: number; readonly roomId: string; readonly createTime: number }> => {
  const match = /^(\d+)_(.+)_(\d+)$/.exec(commId)
  return match === null
    ? Option.none()
    : Option.some({ sdkAppId: Number(match[1]), roomId: match[2], createTime: Number(match[3]) })
}

// The widest period each listing action accepts (reference §4): DescribeRoomInfo 24 h,
// DescribeUserInfo 4 h.
const maxSpan = { rooms: 86_400, users: 14_400 } as const

/** Consecutive windows of at most `span` seconds covering the period (shared edges). */
export const windows = (period: Time.Period, span: number): Array<Time.Period> => {
  const out: Array<Time.Period> = []
  for (let start = period.startTime; start < period.endTime; start += span) {
    out.push({ startTime: start, endTime: Math.min(start + span, period.endTime) })
  }
  return out
}

/** The calls of an app in a period: 24-hour windows, every page, each call once. */
export const rooms = (
  sdkAppId: number,
  period: Time.Period,
  roomId?: string | undefined
): Stream.Stream<Call, SourceError, Trtc.Trtc> => {
  const seen = new Set<string>()
  return Stream.fromIterable(
    windows(period, maxSpan.rooms)
  ).pipe(
    Stream.flatMap((window) =>
      Paginate.pages(
        (pageNumber, pageSize) =>
          Effect.flatMap(Trtc.Trtc, (trtc) =>
            trtc.describeRoomInfo(
              new Models.DescribeRoomInfoRequest({
                sdkAppId,
                startTime: window.startTime,
                endTime: window.endTime,
                ...(roomId === undefined ? {} : { roomId }),
                pageNumber,
                pageSize
              })
            )).pipe(Effect.map((response) => response.roomList)),
        { action: "DescribeRoomInfo", equals: (a, b) => a.commId === b.commId }
      )),
    Stream.filter((room) => {
      if (seen.has(room.commId)) return false
      seen.add(room.commId)
      return true
    }),
    Stream.map((room): Call => ({
      sdkAppId,
      commId: room.commId,
      roomId: room.roomId,
      createTime: room.createTime,
      destroyTime: room.destroyTime,
      isFinished: room.isFinished,
      creatorUserId: room.userId
    }))
  )
}

/** The user sessions of a call in a period: 4-hour windows, every page, each session once. */
export const users = (
  sdkAppId: number,
  commId: string,
  period: Time.Period
): Stream.Stream<Records.UserRecord, SourceError, Trtc.Trtc> => {
  const seen = new Set<string>()
  return Stream.fromIterable(
    windows(period, maxSpan.users)
  ).pipe(
    Stream.flatMap((window) =>
      Paginate.pages(
        (pageNumber, pageSize) =>
          Effect.flatMap(Trtc.Trtc, (trtc) =>
            trtc.describeUserInfo(
              new Models.DescribeUserInfoRequest({
                sdkAppId,
                commId,
                startTime: window.startTime,
                endTime: window.endTime,
                pageNumber,
                pageSize
              })
            )).pipe(Effect.map((response) => response.userList)),
        { action: "DescribeUserInfo", equals: (a, b) => a.userId === b.userId && a.joinTs === b.joinTs }
      )),
    Stream.filter((user) => {
      const key = `${user.userId}\u0000${user.joinTs}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    }),
    Stream.map((user) => Records.user(sdkAppId, commId, user))
  )
}

const fetchUserEvents = (
  context: Records.EventContext,
  period: Time.Period
): Effect.Effect<ReadonlyArray<Records.RawEvent>, SourceError, Trtc.Trtc> =>
  Effect.flatMap(Trtc.Trtc, (trtc) =>
    trtc.describeUserEvent(
      new Models.DescribeUserEventRequest({
        sdkAppId: context.sdkAppId,
        commId: context.commId,
        roomId: context.roomId,
        userId: context.userId,
        startTime: period.startTime,
        endTime: period.endTime
      })
    )).pipe(
    Effect.map((response) =>
      response.data.flatMap((list) => list.content.map((message): Records.RawEvent => ({ ...message, peerId: list.peerId })))),
    // Too many events for one answer: ask for each half of the period, down to one second.
    Effect.catchTag("ResponseSizeLimitExceeded", (error) => {
      if (period.endTime - period.startTime <= 1) return Effect.fail(error)
      const middle = period.startTime + Math.floor((period.endTime - period.startTime) / 2)
      return Effect.map(
        Effect.all([
          fetchUserEvents(context, { startTime: period.startTime, endTime: middle }),
          fetchUserEvents(context, { startTime: middle, endTime: period.endTime })
        ]),
        ([a, b]) => {
          // The halves share their edge second; an event there may come back twice.
          const seen = new Set(a.map(rawKey))
          return [...a, ...b.filter((e) => !seen.has(rawKey(e)))]
        }
      )
    })
  )

const rawKey = (e: Records.RawEvent) => `${e.peerId}\u0000${e.timeMs}\u0000${e.eventId}\u0000${e.type}\u0000${e.paramOne}\u0000${e.paramTwo}`

/** One user's events in one call, in time order, with the catalogue's names. */
export const userEvents = (
  context: Records.EventContext,
  period: Time.Period
): Effect.Effect<ReadonlyArray<Records.EventRecord>, SourceError, Trtc.Trtc> =>
  Effect.map(fetchUserEvents(context, period), (raw) =>
    raw.map((event) => Records.event(context, event, EventCatalogue.describe))
      .sort((a, b) => a.timeMs - b.timeMs || a.peerId.localeCompare(b.peerId)))

/** Data older than this many days is gone (the API refuses such a start). */
export const retentionDays = 14

/**
 * The period a call covers: from its creation (or the start of retention, whichever is later)
 * to its end (or now while it runs).
 */
export const callPeriod = (call: Call, now: number): Time.Period => {
  const startTime = Math.max(call.createTime, now - retentionDays * 86400 + 60)
  const end = call.destroyTime > 0 ? Math.min(call.destroyTime, now) : now
  return { startTime, endTime: Math.max(startTime + 1, end) }
}

/** Looks a call up by its CommId (its room id and creation time are inside it). */
export const findCall = (
  sdkAppId: number,
  commId: string,
  now: number
): Effect.Effect<Option.Option<Call>, SourceError, Trtc.Trtc> =>
  Option.match(parseCommId(commId), {
    onNone: () => Effect.succeed(Option.none()),
    onSome: (parsed) =>
      rooms(sdkAppId, { startTime: parsed.createTime, endTime: Math.min(now, parsed.createTime + 86400) }, parsed.roomId).pipe(
        Stream.filter((call) => call.commId === commId),
        Stream.runHead
      )
  })

/** Every event of one call: its users, then each user's events, in a stable order. */
export const callEvents = (
  call: Call,
  now: number
): Effect.Effect<ReadonlyArray<Records.EventRecord>, SourceError, Trtc.Trtc> =>
  Effect.gen(function*() {
    const period = callPeriod(call, now)
    const sessions = yield* Stream.runCollect(users(call.sdkAppId, call.commId, period))
    const userIds = [...new Set(Chunk.toReadonlyArray(sessions).map((s) => s.userId))]
    const perUser = yield* Effect.forEach(userIds, (userId) =>
      userEvents({ sdkAppId: call.sdkAppId, commId: call.commId, roomId: call.roomId, userId }, period))
    return perUser.flat()
  })
