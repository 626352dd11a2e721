/**
 * The events of a user (`DescribeUserEvent`), of calls: by user, then time, each once.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Dedupe from "../../Dedupe.js"
import * as EventCatalogue from "../../EventCatalogue.js"
import * as Models from "../../Models.js"
import type * as TrtcStream from "../../TrtcStream.js"
import * as Windows from "../../Windows.js"
import * as Env from "./env.js"
import { servableCallWindow, usersOfCall } from "./users.js"

/** @internal */
export const compareEvents = (a: TrtcStream.Event, b: TrtcStream.Event) =>
  a.timeMs - b.timeMs ||
  (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0) ||
  a.eventId - b.eventId || a.type - b.type || a.paramOne - b.paramOne || a.paramTwo - b.paramTwo

/** @internal */
export const eventsOfUser = (e: Env.Env, call: TrtcStream.CallRef, userId: string, period: TrtcStream.Period | undefined): Effect.Effect<Array<TrtcStream.Event>, TrtcStream.StreamError> =>
  Effect.gen(function*() {
    const span = yield* servableCallWindow(e, call, period)
    if (Option.isNone(span)) return []
    const range = span.value
    const windows = e.eventSpan === undefined ? [range] : Windows.split(range, e.eventSpan)
    const filter = Dedupe.eventFilter<TrtcStream.Event>()
    const out: Array<TrtcStream.Event> = []
    for (const window of windows) {
      const events = yield* Env.withBisection(
        e,
        window,
        (w) =>
          Env.send(
            e,
            e.trtc.describeUserEvent(new Models.DescribeUserEventRequest({
              commId: call.commId,
              startTime: w.start,
              endTime: w.end,
              userId,
              roomId: call.roomId,
              sdkAppId: call.sdkAppId
            }))
          ).pipe(
            Effect.tap(() => e.add({ pages: 1 })),
            Effect.map((response) => {
              const list: Array<TrtcStream.Event> = []
              for (const group of response.data) {
                for (const m of group.content) {
                  list.push({
                    sdkAppId: call.sdkAppId,
                    commId: call.commId,
                    roomId: call.roomId,
                    userId,
                    peerId: group.peerId,
                    type: m.type,
                    timeMs: m.timeMs,
                    eventId: m.eventId,
                    paramOne: m.paramOne,
                    paramTwo: m.paramTwo,
                    description: EventCatalogue.describe(m.eventId, m.paramOne, m.paramTwo)
                  })
                }
              }
              return list
            })
          ),
        // The halves share the middle second: the left keeps what lies before it.
        (left, right, middle) => [...left.filter((ev) => ev.timeMs < middle * 1000), ...right]
      )
      // Each millisecond belongs to one window (order by time across windows); the period is
      // whole seconds; the filter drops what a server returned twice at an edge.
      const owned = events.filter((ev) => Windows.owns(window, range.end, ev.timeMs) && Windows.containsMs(range, ev.timeMs))
      for (const ev of filter.next(window.end, owned.sort(compareEvents))) out.push(ev)
    }
    yield* e.add({ events: out.length })
    return out
  })

/** @internal */
export const eventsOfCalls = (e: Env.Env, calls: Stream.Stream<TrtcStream.CallRef, TrtcStream.StreamError>, period: TrtcStream.Period | undefined) =>
  calls.pipe(
    // One call's users at a time (a bounded list), then one user's events per fetch, several
    // in flight; `mapEffect` keeps the order whatever finishes first.
    Stream.mapConcatEffect((call) => Effect.map(Env.fatal(e, usersOfCall(e, call, period)), (us) => us.map((user) => ({ call, user })))),
    Stream.mapEffect(({ call, user }) => Env.fatal(e, eventsOfUser(e, call, user.userId, period)), { concurrency: e.concurrency }),
    Stream.flattenIterables
  )
