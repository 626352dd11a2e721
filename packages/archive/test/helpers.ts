// Shared by the archive tests: a pinned "now" the emulator and the client agree on, data sets
// built for it, the Trtc layer for an emulator, and what the archive must hold for a data set.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

// The generated data sets depend on their anchor's time of day: the tests run at one fixed
// "now" instead (2025-11-25T06:40:00Z), the emulator's clock set to it and the client's Clock
// agreeing, both running in real time from there.
export const pinnedNow = 1764052800
export const offsetMillis = pinnedNow * 1000 - Date.now()

/** A Clock that reads the wall clock plus `offset` ms and sleeps in real time. */
export const shiftedClock = (offset: number): Clock.Clock => {
  const live = Clock.make()
  const millis = () => live.unsafeCurrentTimeMillis() + offset
  const nanos = () => live.unsafeCurrentTimeNanos() + BigInt(Math.round(offset * 1_000_000))
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    currentTimeMillis: Effect.sync(millis),
    unsafeCurrentTimeNanos: nanos,
    currentTimeNanos: Effect.sync(nanos),
    sleep: (duration: Duration.Duration) => live.sleep(duration)
  }
}

/** The client's "now" in seconds with the clock moved by `shiftSeconds`. */
export const nowSeconds = (shiftSeconds = 0) => Math.floor((Date.now() + offsetMillis) / 1000) + shiftSeconds

export const appId = Emulator.defaultSdkAppId

/**
 * A small data set at the pinned now: rooms spread over the last 12 days (inside the 14-day
 * retention with room to spare, so no call straddles its edge), the last room of each app
 * still open. One event is doubled at its millisecond with another parameter: two distinct
 * events at the same ms that the archive must both keep.
 */
export const smallDataSet = (apps: ReadonlyArray<number> = [appId], roomsPerApp = 8): DataSet.DataSet => {
  const base = DataSet.generate({ seed: 13, anchor: pinnedNow, apps, roomsPerApp, usersPerRoom: 3, eventsPerHour: 12, retentionDays: 12 })
  return withTwin(base)
}

const withTwin = (dataSet: DataSet.DataSet): DataSet.DataSet => ({
  ...dataSet,
  apps: dataSet.apps.map((app) => ({
    ...app,
    rooms: app.rooms.map((room, r) =>
      r !== 1 ? room : {
        ...room,
        sessions: room.sessions.map((session, s) => {
          if (s !== 0 || session.events.length < 2) return session
          const events = [...session.events]
          const original = events[1]!
          events.splice(2, 0, { ...original, paramTwo: original.paramTwo + 7 })
          return { ...session, events }
        })
      })
  }))
})

/** The open call of an app (its last room) finished `after` seconds past the anchor, with `extra` more events per user still in it. */
export const finishOpenCall = (dataSet: DataSet.DataSet, sdkAppId: number, after: number, extra = 3): DataSet.DataSet => ({
  ...dataSet,
  apps: dataSet.apps.map((app) => {
    if (app.sdkAppId !== sdkAppId) return app
    const last = app.rooms.length - 1
    return {
      ...app,
      rooms: app.rooms.map((room, r) => {
        if (r !== last || room.isFinished) return room
        const end = dataSet.anchor + after
        return {
          ...room,
          isFinished: true,
          destroyTime: end,
          sessions: room.sessions.map((session) => {
            if (session.finished) return session
            const more = Array.from({ length: extra }, (_, i) => ({
              peerId: session.userId,
              type: 0,
              timeMs: (dataSet.anchor + Math.floor(((i + 1) * after) / (extra + 2))) * 1000 + 123,
              eventId: 5005,
              paramOne: -1,
              paramTwo: -1
            }))
            return { ...session, leaveTs: end, finished: true, events: [...session.events, ...more] }
          })
        }
      })
    }
  })
})

/** The last room of an app: the data sets' open call. */
export const openCallOf = (dataSet: DataSet.DataSet, sdkAppId: number) => {
  const rooms = dataSet.apps.find((a) => a.sdkAppId === sdkAppId)!.rooms
  return rooms[rooms.length - 1]!
}

export interface EventRow {
  readonly sdk_app_id: number
  readonly comm_id: string
  readonly room_id: string
  readonly user_id: string
  readonly peer_id: string
  readonly time_ms: number
  readonly event_id: number
  readonly type: number
  readonly param_one: number
  readonly param_two: number
}

const key = (e: EventRow) =>
  [e.sdk_app_id, e.comm_id, e.user_id, e.peer_id, String(e.time_ms).padStart(16, "0"), e.event_id, e.type, e.param_one, e.param_two].join("|")

/** Rows in one canonical order (for comparing as lists, duplicates kept). */
export const sortRows = (rows: ReadonlyArray<EventRow>): Array<EventRow> =>
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))

/**
 * Every event the archive must hold for an app: all events of every call alive after `since`
 * and created before `until` (the checkpoint), each once.
 */
export const expectedEvents = (dataSet: DataSet.DataSet, sdkAppId: number, since: number, until: number): Array<EventRow> => {
  const app = dataSet.apps.find((a) => a.sdkAppId === sdkAppId)!
  const out: Array<EventRow> = []
  for (const room of app.rooms) {
    if (!(room.createTime < until && room.destroyTime >= since)) continue
    for (const session of room.sessions) {
      for (const e of session.events) {
        out.push({
          sdk_app_id: sdkAppId,
          comm_id: room.commId,
          room_id: room.roomId,
          user_id: session.userId,
          peer_id: e.peerId,
          time_ms: e.timeMs,
          event_id: e.eventId,
          type: e.type,
          param_one: e.paramOne,
          param_two: e.paramTwo
        })
      }
    }
  }
  return sortRows(out)
}

/** Every event row the archive holds for an app (duplicates, if any, kept). */
export const archivedEvents = (sql: SqlClient.SqlClient, sdkAppId: number) =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT sdk_app_id, comm_id, room_id, user_id, peer_id, time_ms, event_id, type, param_one, param_two
      FROM trtc_events WHERE sdk_app_id = ${sdkAppId}`,
    (rows) =>
      sortRows(rows.map((r) => ({
        sdk_app_id: Number(r.sdk_app_id),
        comm_id: String(r.comm_id),
        room_id: String(r.room_id),
        user_id: String(r.user_id),
        peer_id: String(r.peer_id),
        time_ms: Number(r.time_ms),
        event_id: Number(r.event_id),
        type: Number(r.type),
        param_one: Number(r.param_one),
        param_two: Number(r.param_two)
      })))
  )

const credential = Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey })

/** The Trtc service for an emulator, no rate limit, quick retries. */
export const trtcLayer = (url: string, options: Trtc.Options = {}) =>
  Trtc.layer({ endpoint: url, rps: 0, retry: { baseDelay: "5 millis", maxDelay: "50 millis", maxRetries: 10 }, ...options }).pipe(
    Layer.provide(Layer.merge(credential, NodeHttpClient.layerUndici))
  )

/** Emulator options at the pinned now (clock moved by `shiftSeconds`). */
export const emulatorOptions = (dataSet: DataSet.DataSet, shiftSeconds = 0, options: Emulator.Options = {}): Emulator.Options => ({
  rps: 0,
  ...options,
  dataSet,
  clockOffsetSeconds: offsetMillis / 1000 + shiftSeconds
})
