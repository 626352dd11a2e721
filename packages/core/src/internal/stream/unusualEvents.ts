/**
 * The abnormal experiences of an app (`DescribeUnusualEvent`): the period cut into the action's
 * windows, a full (capped) answer asked again as two halves, each experience owned by one
 * window by its second (`EventTime` is Unix s), so none comes twice at a shared edge.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as EventCatalogue from "../../EventCatalogue.js"
import * as Models from "../../Models.js"
import type * as TrtcStream from "../../TrtcStream.js"
import * as Windows from "../../Windows.js"
import * as Env from "./env.js"

const declaration = Models.declarations.DescribeUnusualEvent

const compare = (a: TrtcStream.UnusualEvent, b: TrtcStream.UnusualEvent) =>
  a.timeMs - b.timeMs ||
  (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0) ||
  (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0) ||
  a.experienceId - b.experienceId

const toRecord = (sdkAppId: number) => (x: Models.AbnormalExperience): TrtcStream.UnusualEvent => ({
  sdkAppId,
  roomId: x.roomId,
  userId: x.userId,
  experienceId: x.experienceId,
  description: EventCatalogue.describeExperience(x.experienceId),
  timeMs: x.eventTime * 1000,
  events: x.abnormalEventList.map((event) => ({
    abnormalEventId: event.abnormalEventId,
    peerId: event.peerId,
    description: EventCatalogue.describeAbnormalEvent(event.abnormalEventId)
  }))
})

/** One answer: the window's experiences (a too-big refusal bisected by `withBisection`). */
const answer = (e: Env.Env, sdkAppId: number, window: Windows.Window, roomId: string | undefined) =>
  Env.withBisection(
    e,
    window,
    (w) =>
      Env.send(
        e,
        e.trtc.describeUnusualEvent(
          new Models.DescribeUnusualEventRequest({ sdkAppId, startTime: w.start, endTime: w.end, ...(roomId === undefined ? {} : { roomId }) })
        )
      ).pipe(
        Effect.tap(() => e.add({ pages: 1 })),
        Effect.map((response) => ({ rows: response.abnormalExperienceList.map(toRecord(sdkAppId)), full: response.abnormalExperienceList.length >= declaration.paging.maxRows }))
      ),
    // The halves share the middle second: the left keeps what lies before it.
    (left, right, middle) => ({ rows: [...left.rows.filter((x) => x.timeMs < middle * 1000), ...right.rows], full: left.full || right.full })
  )

/**
 * The experiences of a window, every one of them: an answer holding the cap may have left some
 * out, so its window is asked again as two halves, down to `minSpan`.
 */
const ofWindow = (
  e: Env.Env,
  sdkAppId: number,
  window: Windows.Window,
  roomId: string | undefined
): Effect.Effect<ReadonlyArray<TrtcStream.UnusualEvent>, TrtcStream.StreamError> =>
  Effect.flatMap(answer(e, sdkAppId, window, roomId), ({ full, rows }) => {
    if (!full) return Effect.succeed(rows)
    return Option.match(Windows.bisect(window, e.minSpan), {
      onNone: () =>
        Effect.as(
          Effect.logWarning(
            `DescribeUnusualEvent: ${window.start}..${window.end} answered the ${declaration.paging.maxRows}-experience cap even at ${Windows.span(window)} s; more may exist than the API shows`
          ),
          rows
        ),
      onSome: ([left, right]) =>
        Effect.zipRight(
          e.add({ bisections: 1 }),
          Effect.zipWith(
            ofWindow(e, sdkAppId, left, roomId),
            ofWindow(e, sdkAppId, right, roomId),
            (a, b) => [...a.filter((x) => x.timeMs < left.end * 1000), ...b]
          )
        )
    })
  })

/** @internal */
export const unusualEventsWith = (
  e: Env.Env,
  sdkAppId: number,
  range: Windows.Window,
  roomId: string | undefined
): Stream.Stream<TrtcStream.UnusualEvent, TrtcStream.StreamError> =>
  Stream.fromIterable(Windows.split(range, declaration.maxSpanSeconds)).pipe(
    Stream.mapEffect(
      (window) =>
        Env.fatal(
          e,
          Effect.map(ofWindow(e, sdkAppId, window, roomId), (rows) =>
            // Each second belongs to one window (`[start, end)`, the last one also its `end`):
            // `timeMs` is a whole second, so the ms-based ownership is exact.
            rows.filter((x) => Windows.owns(window, range.end, x.timeMs) && Windows.containsMs(range, x.timeMs)).sort(compare))
        ),
      { concurrency: e.concurrency }
    ),
    Stream.mapConcatEffect((rows) => Effect.as(e.add({ unusualEvents: rows.length }), rows))
  )
