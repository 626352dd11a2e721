/**
 * The quality series of a call (`DescribeCallDetailInfo` with `DataType`): 1-hour windows, 6 users a page, each point once.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Dedupe from "../../Dedupe.js"
import * as Models from "../../Models.js"
import * as Paginate from "../../Paginate.js"
import type * as TrtcStream from "../../TrtcStream.js"
import * as Windows from "../../Windows.js"
import * as Env from "./env.js"
import { servableCallWindow } from "./users.js"

/** The identity of a quality point within a call: the same sample seen twice is one. */
/** @internal */
export const pointKey = (p: TrtcStream.QualityPoint): string => `${p.userId}\u0000${p.peerId}\u0000${p.dataType}\u0000${p.time}`

/**
 * One page of `DescribeCallDetailInfo`: its user rows (which say when paging ends) and the
 * series of those users, kept with the first row so the page's order survives `Paginate.pages`.
 */
/** @internal */
export interface QualityPage {
  readonly user: Models.UserInformation
  readonly data: ReadonlyArray<Models.QualityData>
}

/** @internal */
export const qualityOfWindow = (e: Env.Env, call: TrtcStream.CallRef, dataTypes: ReadonlyArray<string>, window: Windows.Window) =>
  Env.withBisection<Array<TrtcStream.QualityPoint>, never>(
    e,
    window,
    (w) =>
      Stream.runCollect(Paginate.pages(
        (pageNumber, pageSize) =>
          Effect.map(
            Env.send(e, e.trtc.describeCallDetailInfo(new Models.DescribeCallDetailInfoRequest({
              commId: call.commId,
              startTime: w.start,
              endTime: w.end,
              sdkAppId: call.sdkAppId,
              dataType: dataTypes,
              pageNumber,
              pageSize
            }))),
            (response) => response.userList.map((user, i): QualityPage => ({ user, data: i === 0 ? response.data : [] }))
          ),
        {
          // With DataType the API takes at most 6 users a page.
          ...Env.pagingOf(e, Models.declarations.DescribeCallDetailInfo, true),
          equals: (a, b) => Equal.equals(a.user, b.user)
        }
      )).pipe(Effect.map((chunk) => {
        const points: Array<TrtcStream.QualityPoint> = []
        for (const page of chunk) {
          for (const series of page.data) {
            for (const tv of series.content) {
              points.push({
                sdkAppId: call.sdkAppId,
                commId: call.commId,
                roomId: call.roomId,
                userId: series.userId,
                peerId: series.peerId,
                dataType: series.dataType,
                time: tv.time,
                value: tv.value
              })
            }
          }
        }
        return points
      })),
    // The halves share the middle second; the window's filter drops what both returned.
    (left, right) => [...left, ...right]
  )

/**
 * The quality points of a call, window by window (several in flight, output in window order),
 * each once: a user on two pages (two sessions) or a sample at a shared window edge comes again.
 */
/** @internal */
export const qualityOfCall = (e: Env.Env, call: TrtcStream.CallRef, dataTypes: ReadonlyArray<string>, period: TrtcStream.Period | undefined) =>
  Stream.unwrap(Effect.gen(function*() {
    const span = yield* servableCallWindow(e, call, period)
    if (Option.isNone(span)) return Stream.empty
    const range = span.value
    // One filter per run: within a window every key, across an edge only the edge's seconds.
    let end = range.start
    const filter = Dedupe.windowFilter<TrtcStream.QualityPoint>(pointKey, (p) => Dedupe.nearEdge(end, p.time * 1000))
    return Stream.fromIterable(Windows.split(range, Models.declarations.DescribeCallDetailInfo.maxSpanSecondsWithDataType)).pipe(
      Stream.mapEffect(
        (w) => Env.fatal(e, Effect.map(qualityOfWindow(e, call, dataTypes, w), (points) => ({ w, points }))),
        { concurrency: e.concurrency }
      ),
      Stream.mapConcatEffect(({ points, w }) => {
        end = w.end
        const fresh = filter.next(points.filter((p) => p.time >= range.start && p.time <= range.end))
        return Effect.as(e.add({ points: fresh.length }), fresh)
      })
    )
  }))
