/**
 * Sorted views over a data set for the emulator's queries, built once per data set (and per
 * room) and cached in WeakMaps, so a loaded or generated data set stays a plain value.
 *
 * @internal
 */
import type { DataSet, Event, Room, Session } from "../DataSet.js"

interface AppIndex {
  /** Rooms sorted by create time (then CommId). */
  readonly rooms: ReadonlyArray<Room>
  /** Longest call: bounds how far back an overlapping room may have started. */
  readonly maxDuration: number
  /** The calls of each RoomId (a room is reused by many calls), sorted like `rooms`. */
  readonly byRoomId: ReadonlyMap<string, ReadonlyArray<Room>>
}

const groupByRoomId = (rooms: ReadonlyArray<Room>): Map<string, Array<Room>> => {
  const byRoomId = new Map<string, Array<Room>>()
  for (const room of rooms) {
    const list = byRoomId.get(room.roomId)
    if (list === undefined) byRoomId.set(room.roomId, [room])
    else list.push(room)
  }
  return byRoomId
}

interface Index {
  readonly apps: ReadonlyMap<number, AppIndex>
  readonly byCommId: ReadonlyMap<string, { readonly sdkAppId: number; readonly room: Room }>
}

interface RoomIndex {
  /** Sessions sorted by join time (then user id). */
  readonly sessions: ReadonlyArray<Session>
  readonly maxDuration: number
  readonly byUser: ReadonlyMap<string, ReadonlyArray<Session>>
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const indexes = new WeakMap<DataSet, Index>()
const roomIndexes = new WeakMap<Room, RoomIndex>()

export const indexOf = (dataSet: DataSet): Index => {
  let index = indexes.get(dataSet)
  if (index === undefined) {
    const apps = new Map<number, AppIndex>()
    const byCommId = new Map<string, { readonly sdkAppId: number; readonly room: Room }>()
    for (const app of dataSet.apps) {
      const rooms = [...app.rooms].sort((a, b) => a.createTime - b.createTime || compareStrings(a.commId, b.commId))
      let maxDuration = 0
      for (const room of rooms) {
        maxDuration = Math.max(maxDuration, room.destroyTime - room.createTime)
        byCommId.set(room.commId, { sdkAppId: app.sdkAppId, room })
      }
      const previous = apps.get(app.sdkAppId)
      // The same app listed twice: merge, keeping the order.
      const merged = previous === undefined
        ? rooms
        : [...previous.rooms, ...rooms].sort((a, b) => a.createTime - b.createTime || compareStrings(a.commId, b.commId))
      apps.set(app.sdkAppId, {
        rooms: merged,
        maxDuration: Math.max(previous?.maxDuration ?? 0, maxDuration),
        byRoomId: groupByRoomId(merged)
      })
    }
    index = { apps, byCommId }
    indexes.set(dataSet, index)
  }
  return index
}

export const roomIndexOf = (room: Room): RoomIndex => {
  let index = roomIndexes.get(room)
  if (index === undefined) {
    const sessions = [...room.sessions].sort((a, b) => a.joinTs - b.joinTs || compareStrings(a.userId, b.userId))
    const byUser = new Map<string, Array<Session>>()
    let maxDuration = 0
    for (const session of sessions) {
      maxDuration = Math.max(maxDuration, session.leaveTs - session.joinTs)
      const list = byUser.get(session.userId)
      if (list === undefined) byUser.set(session.userId, [session])
      else list.push(session)
    }
    index = { sessions, byUser, maxDuration }
    roomIndexes.set(room, index)
  }
  return index
}

/** First index i with key(items[i]) >= value (items sorted by key). */
export const lowerBound = <A>(items: ReadonlyArray<A>, value: number, key: (a: A) => number): number => {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (key(items[mid]!) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index i with key(items[i]) > value (items sorted by key). */
export const upperBound = <A>(items: ReadonlyArray<A>, value: number, key: (a: A) => number): number => {
  let lo = 0
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (key(items[mid]!) <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}

const createTimeOf = (room: Room): number => room.createTime
const joinTsOf = (session: Session): number => session.joinTs
const timeMsOf = (event: Event): number => event.timeMs

/** Items whose [start, end] interval overlaps [from, to], found through the sorted starts. */
export const overlapping = <A>(
  items: ReadonlyArray<A>,
  maxDuration: number,
  from: number,
  to: number,
  start: (a: A) => number,
  end: (a: A) => number
): Array<A> => {
  const first = lowerBound(items, from - maxDuration, start)
  const last = upperBound(items, to, start)
  const out: Array<A> = []
  for (let i = first; i < last; i++) {
    const item = items[i]!
    if (end(item) >= from) out.push(item)
  }
  return out
}

export const roomsOverlapping = (app: AppIndex, from: number, to: number): Array<Room> =>
  overlapping(app.rooms, app.maxDuration, from, to, createTimeOf, (r) => r.destroyTime)

export const roomsCreatedIn = (app: AppIndex, from: number, to: number): Array<Room> =>
  app.rooms.slice(lowerBound(app.rooms, from, createTimeOf), upperBound(app.rooms, to, createTimeOf))

export const sessionsOverlapping = (room: RoomIndex, from: number, to: number): Array<Session> =>
  overlapping(room.sessions, room.maxDuration, from, to, joinTsOf, (s) => s.leaveTs)

/** Events of one session with fromMs <= timeMs <= toMs (events are sorted by time). */
export const eventsBetween = (events: ReadonlyArray<Event>, fromMs: number, toMs: number): ReadonlyArray<Event> => {
  const first = lowerBound(events, fromMs, timeMsOf)
  const last = upperBound(events, toMs, timeMsOf)
  return first === 0 && last === events.length ? events : events.slice(first, last)
}
