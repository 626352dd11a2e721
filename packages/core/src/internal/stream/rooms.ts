/**
 * The rooms of an app: 24-hour windows (`DescribeRoomInfo`), every page, each room once, by creation.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Dedupe from "../../Dedupe.js"
import * as Models from "../../Models.js"
import * as Paginate from "../../Paginate.js"
import type * as TrtcStream from "../../TrtcStream.js"
import * as Windows from "../../Windows.js"
import * as Env from "./env.js"

/** @internal */
export const byCreation = (a: Models.RoomState, b: Models.RoomState) =>
  a.createTime - b.createTime || (a.commId < b.commId ? -1 : a.commId > b.commId ? 1 : 0)

/** @internal */
export const roomsOfWindow = (e: Env.Env, sdkAppId: number, window: Windows.Window, roomId: string | undefined) =>
  Env.withBisection(
    e,
    window,
    (w) =>
      Stream.runCollect(Paginate.pages(
        (pageNumber, pageSize) =>
          Effect.map(
            Env.send(e, e.trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({
              sdkAppId,
              startTime: w.start,
              endTime: w.end,
              ...(roomId === undefined ? {} : { roomId }),
              pageNumber,
              pageSize
            }))),
            (response) => response.roomList
          ),
        Env.pagingOf(e, Models.declarations.DescribeRoomInfo, false)
      )).pipe(Effect.map((chunk) => Array.from(chunk))),
    (a, b) => [...a, ...b]
  ).pipe(Effect.map((rows) => rows.sort(byCreation)))

/** @internal */
export const toRoom = (sdkAppId: number, r: Models.RoomState): TrtcStream.Room => ({
  sdkAppId,
  commId: r.commId,
  roomId: r.roomId,
  createTime: r.createTime,
  destroyTime: r.destroyTime,
  isFinished: r.isFinished,
  creatorUserId: r.userId
})

/** The rooms of a period already clamped by {@link clampPeriod}. */
/** @internal */
export const roomsWith = (e: Env.Env, sdkAppId: number, clamped: Windows.Window, roomId: string | undefined): Stream.Stream<TrtcStream.Room, TrtcStream.StreamError> =>
  Stream.suspend(() => {
    // One filter per run of the stream: it remembers the previous window's rooms only.
    const filter = Dedupe.windowFilter<Models.RoomState>(Dedupe.roomKey)
    return Stream.fromIterable(Windows.split(clamped, Models.declarations.DescribeRoomInfo.maxSpanSeconds)).pipe(
      Stream.mapEffect((w) => Env.fatal(e, roomsOfWindow(e, sdkAppId, w, roomId)), { concurrency: e.concurrency }),
      Stream.mapConcatEffect((rows) => {
        const fresh = filter.next(rows)
        return Effect.as(e.add({ rooms: fresh.length }), fresh.map((r) => toRoom(sdkAppId, r)))
      })
    )
  })
