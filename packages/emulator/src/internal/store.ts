/**
 * The data set indexed for the five actions, and the answers computed from it. Responses are
 * built as plain wire objects (PascalCase), ready for `JSON.stringify`.
 *
 * @internal
 */
import * as DataSet from "../DataSet.js"
import { apiFailure, type ApiFailure } from "./apiError.js"
import { indexOf } from "./dataSetIndex.js"
import type { RoomInfoQuery, UnusualEventQuery, UserEventQuery, UserInfoQuery } from "./params.js"

/** What `Total` counts: the entries on this page, or every match. */
export type TotalMode = "page" | "grand"

/** Settings of the answers. */
export interface StoreOptions {
  readonly total: TotalMode
  /** Above this many events `DescribeUserEvent` answers `ResponseSizeLimitExceeded`. */
  readonly maxEventsPerResponse: number
  /**
   * Calls progress with the emulator's clock: nothing after "now" is answered (calls not yet
   * created, sessions not yet joined, events and samples still to come), and a call or session
   * that ends later is reported open, its end capped at now.
   */
  readonly progressive: boolean
}

/**
 * The last second whose data exists: now when calls progress, otherwise everything (the data
 * set as generated or loaded is the whole story).
 */
export const horizonOf = (options: StoreOptions, nowSeconds: number): number =>
  options.progressive ? nowSeconds : Number.POSITIVE_INFINITY

// What a call looks like at the horizon: not there yet, running (end capped), or as recorded.
const roomAt = (room: DataSet.Room, horizon: number): { readonly destroyTime: number; readonly isFinished: boolean } | undefined => {
  if (room.createTime > horizon) return undefined
  return room.destroyTime > horizon ? { destroyTime: horizon, isFinished: false } : room
}

// The same for one stay of a user.
const sessionAt = (s: DataSet.Session, horizon: number): { readonly leaveTs: number; readonly finished: boolean } | undefined => {
  if (s.joinTs > horizon) return undefined
  return s.leaveTs > horizon ? { leaveTs: horizon, finished: false } : s
}

/** The data set with the set of its apps (the lookups are indexed by `DataSet` itself). */
export interface Store {
  readonly dataSet: DataSet.DataSet
  readonly apps: ReadonlySet<number>
}

/**
 * Prepares a data set for answering. The sorted index is built now, not on the first request,
 * so a large set costs its sort at startup rather than one slow answer.
 */
export const makeStore = (dataSet: DataSet.DataSet): Store => {
  indexOf(dataSet)
  return { dataSet, apps: new Set(dataSet.apps.map((app) => app.sdkAppId)) }
}

// A call still running lasts until now.
const roomEnd = (room: DataSet.Room, nowSeconds: number): number => (room.isFinished ? room.destroyTime : Math.max(room.destroyTime, nowSeconds))

const page = <A>(items: ReadonlyArray<A>, pageNumber: number, pageSize: number): ReadonlyArray<A> =>
  items.slice(pageNumber * pageSize, pageNumber * pageSize + pageSize)

/** `DescribeRoomInfo`: calls of the app alive during the period, oldest first. */
export const describeRoomInfo = (
  store: Store,
  options: StoreOptions,
  q: RoomInfoQuery,
  horizon: number
): Record<string, unknown> | ApiFailure => {
  if (!store.apps.has(q.sdkAppId)) return apiFailure("InvalidParameter.SdkAppId", `\`SdkAppId\` is incorrect: application ${q.sdkAppId} does not exist.`)
  const matching: Array<{ readonly room: DataSet.Room; readonly destroyTime: number; readonly isFinished: boolean }> = []
  for (const room of DataSet.roomsInWindow(store.dataSet, q.sdkAppId, q.startTime, q.endTime, { roomId: q.roomId })) {
    const seen = roomAt(room, horizon)
    // A running call overlaps the window only up to now.
    if (seen !== undefined && seen.destroyTime >= q.startTime) matching.push({ room, ...seen })
  }
  const pageRooms = page(matching, q.pageNumber, q.pageSize)
  return {
    Total: options.total === "page" ? pageRooms.length : matching.length,
    RoomList: pageRooms.map(({ destroyTime, isFinished, room }) => ({
      CommId: room.commId,
      RoomString: room.roomId,
      CreateTime: room.createTime,
      DestroyTime: destroyTime,
      IsFinished: isFinished,
      UserId: room.creatorUserId
    }))
  }
}

// A call not yet created at the horizon is unknown, like a wrong CommId.
const roomOf = (store: Store, commId: string, sdkAppId: number, horizon: number): DataSet.Room | undefined => {
  const room = DataSet.findRoom(store.dataSet, commId, sdkAppId)
  return room === undefined || room.createTime > horizon ? undefined : room
}

interface SeenSession {
  readonly session: DataSet.Session
  readonly leaveTs: number
  readonly finished: boolean
}

const sessionsOf = (store: Store, q: UserInfoQuery, horizon: number): { readonly room: DataSet.Room | undefined; readonly sessions: ReadonlyArray<SeenSession> } => {
  const room = roomOf(store, q.commId, q.sdkAppId, horizon)
  const sessions: Array<SeenSession> = []
  if (room !== undefined) {
    for (const session of DataSet.sessionsInWindow(room, q.startTime, q.endTime, q.userIds)) {
      const seen = sessionAt(session, horizon)
      if (seen !== undefined && seen.leaveTs >= q.startTime) sessions.push({ session, leaveTs: seen.leaveTs, finished: seen.finished })
    }
  }
  return { room, sessions }
}

const userInformation = (roomId: string, { finished, leaveTs, session: s }: SeenSession) => ({
  RoomStr: roomId,
  UserId: s.userId,
  JoinTs: s.joinTs,
  LeaveTs: leaveTs,
  DeviceType: s.deviceType,
  SdkVersion: s.sdkVersion,
  ClientIp: s.clientIp,
  Finished: finished
})

const userList = (options: StoreOptions, q: UserInfoQuery, roomId: string, sessions: ReadonlyArray<SeenSession>) => {
  const pageSessions = page(sessions, q.pageNumber, q.pageSize)
  return {
    pageSessions,
    answer: {
      Total: options.total === "page" ? pageSessions.length : sessions.length,
      UserList: pageSessions.map((s) => userInformation(roomId, s))
    }
  }
}

/** `DescribeUserInfo`: one entry per session (a user who rejoined appears once per stay). */
export const describeUserInfo = (store: Store, options: StoreOptions, q: UserInfoQuery, horizon: number): Record<string, unknown> => {
  const { room, sessions } = sessionsOf(store, q, horizon)
  return userList(options, q, room?.roomId ?? "", sessions).answer
}

const series = (content: ReadonlyArray<{ readonly time: number; readonly value: number }>, userId: string, peerId: string, dataType: string) => ({
  Content: content.map((p) => ({ Time: p.time, Value: p.value })),
  UserId: userId,
  PeerId: peerId,
  DataType: dataType
})

/**
 * `DescribeCallDetailInfo`: the user list, and with `DataType` a series every 2 s per user of
 * the page and metric: upstream (`PeerId` `""`), then for downstream metrics one per remote
 * user received in the window (`PeerId` = that user).
 */
export const describeCallDetailInfo = (store: Store, options: StoreOptions, q: UserInfoQuery, horizon: number): Record<string, unknown> => {
  const { room, sessions } = sessionsOf(store, q, horizon)
  const { answer, pageSessions } = userList(options, q, room?.roomId ?? "", sessions)
  const data: Array<Record<string, unknown>> = []
  // Samples (and the peers they come from) exist up to now.
  const endTime = Math.min(q.endTime, horizon)
  if (q.dataTypes !== undefined && room !== undefined) {
    const users = [...new Set(pageSessions.map((s) => s.session.userId))]
    for (const userId of users) {
      const peers = DataSet.qualityPeers(room, userId, q.startTime, endTime)
      for (const dataType of q.dataTypes) {
        data.push(series(DataSet.qualitySeries(store.dataSet, room, userId, dataType, q.startTime, endTime), userId, "", dataType))
        if (!DataSet.isDownstreamDataType(dataType)) continue
        for (const peerId of peers) {
          const content = DataSet.qualitySeries(store.dataSet, room, userId, dataType, q.startTime, endTime, peerId)
          if (content.length > 0) data.push(series(content, userId, peerId, dataType))
        }
      }
    }
  }
  return { ...answer, Data: data }
}

/**
 * `DescribeUserEvent`: the user's events in the period (the end capped at the call's end),
 * grouped by `PeerId` in order of first appearance, each group in time order.
 */
export const describeUserEvent = (
  store: Store,
  options: StoreOptions,
  q: UserEventQuery,
  nowSeconds: number,
  horizon: number
): Record<string, unknown> | ApiFailure => {
  const room = roomOf(store, q.commId, q.sdkAppId, horizon)
  if (room === undefined || room.roomId !== q.roomId) return { Data: [] }
  const fromMs = q.startTime * 1000
  // EndTime is a whole second: it covers that second's milliseconds. Events still to come
  // (after the horizon's second began) are not there yet.
  const toMs = Math.min(Math.min(q.endTime, roomEnd(room, nowSeconds)) * 1000 + 999, horizon * 1000)
  const events = DataSet.userEvents(room, q.userId, fromMs, toMs)
  if (events.length > options.maxEventsPerResponse) {
    return apiFailure("ResponseSizeLimitExceeded", `The response size exceeds the upper limit: ${events.length} events match, at most ${options.maxEventsPerResponse} fit in one response; narrow the time range.`)
  }
  return {
    Data: DataSet.eventLists(events).map((group) => ({
      Content: group.content.map((e) => ({ Type: e.type, Time: e.timeMs, EventId: e.eventId, ParamOne: e.paramOne, ParamTwo: e.paramTwo })),
      PeerId: group.peerId
    }))
  }
}

/**
 * At most this many abnormal experiences in one `DescribeUnusualEvent` answer ("up to 20", the
 * API doc; `Total` in [0, 20] in the SDK's model). The emulator's own copy of the limit.
 */
export const maxAbnormalPerResponse = 20

/**
 * `DescribeUnusualEvent`: the app's (or one room's) abnormal experiences in the period, at most
 * 20. The service picks "random" ones; the emulator answers the earliest (then by CommId and
 * user), so answers are reproducible. `Total` is the number returned.
 */
export const describeUnusualEvent = (store: Store, q: UnusualEventQuery, horizon: number): Record<string, unknown> | ApiFailure => {
  if (!store.apps.has(q.sdkAppId)) return apiFailure("InvalidParameter.SdkAppId", `\`SdkAppId\` is incorrect: application ${q.sdkAppId} does not exist.`)
  const found = DataSet.abnormalInWindow(store.dataSet, q.sdkAppId, q.startTime, q.endTime, { roomId: q.roomId, asOf: horizon })
    .slice(0, maxAbnormalPerResponse)
  return {
    Total: found.length,
    AbnormalExperienceList: found.map(({ abnormal, room, session }) => ({
      UserId: session.userId,
      ExperienceId: abnormal.experienceId,
      RoomId: room.roomId,
      AbnormalEventList: abnormal.events.map((e) => ({ AbnormalEventId: e.abnormalEventId, PeerId: e.peerId })),
      EventTime: abnormal.eventTime
    }))
  }
}
