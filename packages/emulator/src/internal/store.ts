/**
 * The data set indexed for the four actions, and the answers computed from it. Responses are
 * built as plain wire objects (PascalCase), ready for `JSON.stringify`.
 *
 * @internal
 */
import * as DataSet from "../DataSet.js"
import { apiFailure, type ApiFailure } from "./apiError.js"
import { indexOf } from "./dataSetIndex.js"
import type { RoomInfoQuery, UserEventQuery, UserInfoQuery } from "./params.js"

/** What `Total` counts: the entries on this page, or every match. */
export type TotalMode = "page" | "grand"

/** Settings of the answers. */
export interface StoreOptions {
  readonly total: TotalMode
  /** Above this many events `DescribeUserEvent` answers `ResponseSizeLimitExceeded`. */
  readonly maxEventsPerResponse: number
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
export const describeRoomInfo = (store: Store, options: StoreOptions, q: RoomInfoQuery): Record<string, unknown> | ApiFailure => {
  if (!store.apps.has(q.sdkAppId)) return apiFailure("InvalidParameter.SdkAppId", `\`SdkAppId\` is incorrect: application ${q.sdkAppId} does not exist.`)
  const matching = DataSet.roomsInWindow(store.dataSet, q.sdkAppId, q.startTime, q.endTime, { roomId: q.roomId })
  const pageRooms = page(matching, q.pageNumber, q.pageSize)
  return {
    Total: options.total === "page" ? pageRooms.length : matching.length,
    RoomList: pageRooms.map((room) => ({
      CommId: room.commId,
      RoomString: room.roomId,
      CreateTime: room.createTime,
      DestroyTime: room.destroyTime,
      IsFinished: room.isFinished,
      UserId: room.creatorUserId
    }))
  }
}

const sessionsOf = (store: Store, q: UserInfoQuery): { readonly room: DataSet.Room | undefined; readonly sessions: ReadonlyArray<DataSet.Session> } => {
  const room = DataSet.findRoom(store.dataSet, q.commId, q.sdkAppId)
  return { room, sessions: room === undefined ? [] : DataSet.sessionsInWindow(room, q.startTime, q.endTime, q.userIds) }
}

const userInformation = (roomId: string, s: DataSet.Session) => ({
  RoomStr: roomId,
  UserId: s.userId,
  JoinTs: s.joinTs,
  LeaveTs: s.leaveTs,
  DeviceType: s.deviceType,
  SdkVersion: s.sdkVersion,
  ClientIp: s.clientIp,
  Finished: s.finished
})

const userList = (options: StoreOptions, q: UserInfoQuery, roomId: string, sessions: ReadonlyArray<DataSet.Session>) => {
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
export const describeUserInfo = (store: Store, options: StoreOptions, q: UserInfoQuery): Record<string, unknown> => {
  const { room, sessions } = sessionsOf(store, q)
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
export const describeCallDetailInfo = (store: Store, options: StoreOptions, q: UserInfoQuery): Record<string, unknown> => {
  const { room, sessions } = sessionsOf(store, q)
  const { answer, pageSessions } = userList(options, q, room?.roomId ?? "", sessions)
  const data: Array<Record<string, unknown>> = []
  if (q.dataTypes !== undefined && room !== undefined) {
    const users = [...new Set(pageSessions.map((s) => s.userId))]
    for (const userId of users) {
      const peers = DataSet.qualityPeers(room, userId, q.startTime, q.endTime)
      for (const dataType of q.dataTypes) {
        data.push(series(DataSet.qualitySeries(store.dataSet, room, userId, dataType, q.startTime, q.endTime), userId, "", dataType))
        if (!DataSet.isDownstreamDataType(dataType)) continue
        for (const peerId of peers) {
          const content = DataSet.qualitySeries(store.dataSet, room, userId, dataType, q.startTime, q.endTime, peerId)
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
  nowSeconds: number
): Record<string, unknown> | ApiFailure => {
  const room = DataSet.findRoom(store.dataSet, q.commId, q.sdkAppId)
  if (room === undefined || room.roomId !== q.roomId) return { Data: [] }
  const fromMs = q.startTime * 1000
  // EndTime is a whole second: it covers that second's milliseconds.
  const toMs = Math.min(q.endTime, roomEnd(room, nowSeconds)) * 1000 + 999
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
