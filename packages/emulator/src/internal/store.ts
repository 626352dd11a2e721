/**
 * The data set indexed for the four actions, and the answers computed from it. Responses are
 * built as plain wire objects (PascalCase), ready for `JSON.stringify`.
 *
 * @internal
 */
import { apiFailure, type ApiFailure } from "./apiError.js"
import type { AppShape, DataSetShape, EventShape, RoomShape, SessionShape } from "./model.js"
import type { RoomInfoQuery, UserEventQuery, UserInfoQuery } from "./params.js"

/** What `Total` counts: the entries on this page, or every match. */
export type TotalMode = "page" | "grand"

/** Settings of the answers. */
export interface StoreOptions {
  readonly total: TotalMode
  /** Above this many events `DescribeUserEvent` answers `ResponseSizeLimitExceeded`. */
  readonly maxEventsPerResponse: number
}

/** The indexed data set. */
export interface Store {
  readonly dataSet: DataSetShape
  readonly apps: ReadonlyMap<number, AppShape>
  readonly rooms: ReadonlyMap<string, { readonly sdkAppId: number; readonly room: RoomShape }>
}

const byCreate = (a: RoomShape, b: RoomShape): number =>
  a.createTime - b.createTime || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0)

/** Indexes a data set by app and by call id. */
export const makeStore = (dataSet: DataSetShape): Store => {
  const apps = new Map<number, AppShape>()
  const rooms = new Map<string, { readonly sdkAppId: number; readonly room: RoomShape }>()
  for (const app of dataSet.apps) {
    apps.set(app.sdkAppId, { sdkAppId: app.sdkAppId, rooms: [...app.rooms].sort(byCreate) })
    for (const room of app.rooms) rooms.set(room.commId, { sdkAppId: app.sdkAppId, room })
  }
  return { dataSet, apps, rooms }
}

// A room still open lasts until now.
const roomEnd = (room: RoomShape, nowSeconds: number): number => (room.isFinished ? room.destroyTime : Math.max(room.destroyTime, nowSeconds))

const page = <A>(items: ReadonlyArray<A>, pageNumber: number, pageSize: number): ReadonlyArray<A> =>
  items.slice(pageNumber * pageSize, pageNumber * pageSize + pageSize)

/** `DescribeRoomInfo`: rooms of the app alive during the period, oldest first. */
export const describeRoomInfo = (store: Store, options: StoreOptions, q: RoomInfoQuery, nowSeconds: number): Record<string, unknown> | ApiFailure => {
  const app = store.apps.get(q.sdkAppId)
  if (app === undefined) return apiFailure("InvalidParameter.SdkAppId", `\`SdkAppId\` is incorrect: application ${q.sdkAppId} does not exist.`)
  const matching = app.rooms.filter((room) =>
    room.createTime <= q.endTime && roomEnd(room, nowSeconds) >= q.startTime && (q.roomId === undefined || room.roomId === q.roomId))
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

const findRoom = (store: Store, sdkAppId: number, commId: string): RoomShape | undefined => {
  const entry = store.rooms.get(commId)
  return entry !== undefined && entry.sdkAppId === sdkAppId ? entry.room : undefined
}

const sessionsOf = (store: Store, q: UserInfoQuery): ReadonlyArray<SessionShape> => {
  const room = findRoom(store, q.sdkAppId, q.commId)
  if (room === undefined) return []
  const wanted = q.userIds === undefined ? undefined : new Set(q.userIds)
  return room.sessions
    .filter((s) => s.joinTs <= q.endTime && s.leaveTs >= q.startTime && (wanted === undefined || wanted.has(s.userId)))
    .sort((a, b) => a.joinTs - b.joinTs || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
}

const userInformation = (room: string, s: SessionShape) => ({
  RoomStr: room,
  UserId: s.userId,
  JoinTs: s.joinTs,
  LeaveTs: s.leaveTs,
  DeviceType: s.deviceType,
  SdkVersion: s.sdkVersion,
  ClientIp: s.clientIp,
  Finished: s.finished
})

const roomIdOfCommId = (store: Store, commId: string): string => store.rooms.get(commId)?.room.roomId ?? ""

/** `DescribeUserInfo`: one entry per session (a user who rejoined appears once per stay). */
export const describeUserInfo = (store: Store, options: StoreOptions, q: UserInfoQuery): Record<string, unknown> => {
  const sessions = sessionsOf(store, q)
  const pageSessions = page(sessions, q.pageNumber, q.pageSize)
  const roomId = roomIdOfCommId(store, q.commId)
  return {
    Total: options.total === "page" ? pageSessions.length : sessions.length,
    UserList: pageSessions.map((s) => userInformation(roomId, s))
  }
}

// A deterministic, plausible value for a metric at a time: a smooth base per (user, metric)
// with a little wobble, so charts look alive and tests can recompute it.
const hash = (text: string): number => {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

const ranges: Readonly<Record<string, readonly [number, number]>> = {
  appCpu: [5, 40],
  sysCpu: [20, 80],
  aBit: [24000, 64000],
  aBlock: [0, 200],
  bigvBit: [300000, 1500000],
  bigvCapFps: [15, 30],
  bigvEncFps: [15, 30],
  bigvDecFps: [15, 30],
  bigvBlock: [0, 500],
  aLoss: [0, 5],
  bigvLoss: [0, 5],
  bigvWidth: [640, 1280],
  bigvHeight: [360, 720],
  aCapEnergy: [0, 100],
  aPlayEnergy: [0, 100],
  rtt: [20, 200],
  bigvRecFps: [15, 30]
}

/** The value of a quality metric of a user at a time (Unix s). */
export const qualityValue = (commId: string, userId: string, dataType: string, time: number): number => {
  const [low, high] = ranges[dataType] ?? [0, 100]
  const base = hash(`${commId}|${userId}|${dataType}`)
  const wobble = (hash(`${base}|${time}`) % 1000) / 1000
  const level = ((base % 1000) / 1000) * 0.6 + wobble * 0.4
  if (dataType === "bigvWidth") return level < 0.5 ? 640 : 1280
  if (dataType === "bigvHeight") return level < 0.5 ? 360 : 720
  return Math.round((low + (high - low) * level) * 100) / 100
}

/** `DescribeCallDetailInfo`: the user list, and with `DataType` a series every 2 s per user and metric. */
export const describeCallDetailInfo = (store: Store, options: StoreOptions, q: UserInfoQuery): Record<string, unknown> => {
  const answer = describeUserInfo(store, options, q)
  const data: Array<Record<string, unknown>> = []
  if (q.dataTypes !== undefined) {
    const pageSessions = page(sessionsOf(store, q), q.pageNumber, q.pageSize)
    const users: Array<string> = []
    const stays = new Map<string, Array<SessionShape>>()
    for (const s of pageSessions) {
      const list = stays.get(s.userId)
      if (list === undefined) {
        users.push(s.userId)
        stays.set(s.userId, [s])
      } else list.push(s)
    }
    for (const userId of users) {
      const times: Array<number> = []
      for (let t = q.startTime + 2; t <= q.endTime; t += 2) {
        if (stays.get(userId)!.some((s) => s.joinTs <= t && t <= s.leaveTs)) times.push(t)
      }
      for (const dataType of q.dataTypes) {
        data.push({
          Content: times.map((time) => ({ Time: time, Value: qualityValue(q.commId, userId, dataType, time) })),
          UserId: userId,
          PeerId: "",
          DataType: dataType
        })
      }
    }
  }
  return { ...answer, Data: data }
}

/**
 * `DescribeUserEvent`: the user's events in the period (the end capped at the room's end),
 * grouped by `PeerId` in order of first appearance, each group in time order.
 */
export const describeUserEvent = (
  store: Store,
  options: StoreOptions,
  q: UserEventQuery,
  nowSeconds: number
): Record<string, unknown> | ApiFailure => {
  const room = findRoom(store, q.sdkAppId, q.commId)
  if (room === undefined || room.roomId !== q.roomId) return { Data: [] }
  const fromMs = q.startTime * 1000
  const toMs = Math.min(q.endTime, roomEnd(room, nowSeconds)) * 1000 + 999
  const events: Array<EventShape> = []
  for (const s of room.sessions) {
    if (s.userId !== q.userId) continue
    for (const e of s.events) if (e.timeMs >= fromMs && e.timeMs <= toMs) events.push(e)
  }
  if (events.length > options.maxEventsPerResponse) {
    return apiFailure("ResponseSizeLimitExceeded", `The response size exceeds the upper limit: ${events.length} events match, at most ${options.maxEventsPerResponse} fit in one response; narrow the time range.`)
  }
  events.sort((a, b) => a.timeMs - b.timeMs)
  const groups = new Map<string, Array<Record<string, number>>>()
  for (const e of events) {
    let group = groups.get(e.peerId)
    if (group === undefined) {
      group = []
      groups.set(e.peerId, group)
    }
    group.push({ Type: e.type, Time: e.timeMs, EventId: e.eventId, ParamOne: e.paramOne, ParamTwo: e.paramTwo })
  }
  return { Data: [...groups].map(([peerId, content]) => ({ Content: content, PeerId: peerId })) }
}
