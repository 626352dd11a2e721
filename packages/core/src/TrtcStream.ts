/**
 * The composed streams: rooms of an app, users of a call, events of a user, of a call, of an
 * app, and the quality series of a call. Each is a constant-memory `Stream` that needs only the `Trtc` service, so every request
 * goes through its shared rate limiter and retry policy.
 *
 * - Periods are clamped to the retention window (logged) and capped at now; each API's span is
 *   respected by splitting into `Windows`; pages are walked by `Paginate`; a window refused with
 *   `ResponseSizeLimitExceeded` or `InvalidParameter.QueryScaleOversize` is bisected down to
 *   `minSpanSeconds`; duplicates at window edges are removed by `Dedupe`.
 * - Order is deterministic and documented: rooms by creation time (then `CommId`); users of a
 *   call by first join (then `UserId`); events by room, then user, then time (then peer, event
 *   id, type, parameters). Concurrency (`Stream.mapEffect(f, { concurrency })`) keeps that order.
 * - Memory holds one window of rooms, one call's user list and, per concurrent fetch, one
 *   user's events of one call or one hour of a call's quality points; the consumer's pace
 *   reaches the requests (backpressure).
 * - Progress counters are kept in the optional {@link Progress} service for a CLI to poll.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as Dedupe from "./Dedupe.js"
import * as EventCatalogue from "./EventCatalogue.js"
import * as Models from "./Models.js"
import * as Paginate from "./Paginate.js"
import { Trtc } from "./Trtc.js"
import type * as TrtcService from "./Trtc.js"
import * as TrtcError from "./TrtcError.js"
import * as CallSpan from "./internal/callSpan.js"
import * as Windows from "./Windows.js"

/**
 * A period in Unix seconds, both edges inclusive.
 *
 * @since 0.1.0
 * @category models
 */
export type Period = Windows.Window

/**
 * How the streams fail: any failure of the `Trtc` methods, or paging that does not end.
 *
 * @since 0.1.0
 * @category errors
 */
export type StreamError =
  | TrtcService.DescribeRoomInfoError
  | TrtcService.DescribeUserInfoError
  | TrtcService.DescribeCallDetailInfoError
  | TrtcService.DescribeUserEventError
  | Paginate.PaginationError

/**
 * Settings shared by the streams.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Requests in flight at once (default 4). Output order does not depend on it. */
  readonly concurrency?: number | undefined
  /** The plan's retention, 7 or 14 days (default 14): older starts are clamped, with a warning. */
  readonly retentionDays?: number | undefined
  /** Rows per page, 1..100 (default 100; `callQuality` asks for at most 6, the API's limit). */
  readonly pageSize?: number | undefined
  /** The narrowest window bisection goes down to, in seconds (default 60). */
  readonly minSpanSeconds?: number | undefined
  /** The span of one `DescribeUserEvent` request, in seconds (default: the whole call). */
  readonly eventSpanSeconds?: number | undefined
  /**
   * Where a run records its first failure and what every request checks first (default: one
   * per run). Share one between streams that make one job (the rooms of an export and each
   * call's events) and a failure in any of them stops the others' requests at once.
   */
  readonly failure?: Deferred.Deferred<never, StreamError> | undefined
}

/**
 * What the streams have done so far.
 *
 * @since 0.1.0
 * @category models
 */
export interface Counts {
  /** Time windows queried (including the halves of bisected ones). */
  readonly windows: number
  /** Pages received. */
  readonly pages: number
  /** Requests issued by the streams (retries inside the client are not counted again). */
  readonly requests: number
  /** Windows bisected after a size error. */
  readonly bisections: number
  readonly rooms: number
  readonly users: number
  readonly events: number
  /** Quality points (`callQuality`). */
  readonly points: number
}

const zero: Counts = { windows: 0, pages: 0, requests: 0, bisections: 0, rooms: 0, users: 0, events: 0, points: 0 }

/**
 * Progress counters the streams update when the service is present (it is optional): a CLI
 * provides it, runs a stream, and polls `snapshot` for its progress display.
 *
 * @since 0.1.0
 * @category progress
 */
export class Progress extends Context.Tag("@effect-trtc/core/TrtcStream/Progress")<Progress, {
  readonly snapshot: Effect.Effect<Counts>
  readonly add: (delta: Partial<Counts>) => Effect.Effect<void>
  readonly reset: Effect.Effect<void>
}>() {
  /**
   * A fresh set of counters.
   *
   * @since 0.1.0
   * @category progress
   */
  static readonly make: Effect.Effect<Context.Tag.Service<Progress>> = Effect.map(Ref.make(zero), (ref) => ({
    snapshot: Ref.get(ref),
    add: (delta) =>
      Ref.update(ref, (c) => ({
        windows: c.windows + (delta.windows ?? 0),
        pages: c.pages + (delta.pages ?? 0),
        requests: c.requests + (delta.requests ?? 0),
        bisections: c.bisections + (delta.bisections ?? 0),
        rooms: c.rooms + (delta.rooms ?? 0),
        users: c.users + (delta.users ?? 0),
        events: c.events + (delta.events ?? 0),
        points: c.points + (delta.points ?? 0)
      })),
    reset: Ref.set(ref, zero)
  }))

  /**
   * Provides fresh counters.
   *
   * @since 0.1.0
   * @category progress
   */
  static readonly layer: Layer.Layer<Progress> = Layer.effect(Progress, Progress.make)
}

/**
 * A call (room session), as `rooms` yields it or as a caller knows it. Without `createTime`
 * it is read from the `CommId` (`SdkAppId_RoomId_CreateTime`).
 *
 * @since 0.1.0
 * @category models
 */
export interface CallRef {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly createTime?: number | undefined
  readonly destroyTime?: number | undefined
  readonly isFinished?: boolean | undefined
}

/**
 * A room (call) of an app.
 *
 * @since 0.1.0
 * @category models
 */
export interface Room {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly createTime: number
  readonly destroyTime: number
  readonly isFinished: boolean
  /** The room's creator. */
  readonly creatorUserId: string
}

/**
 * A user of a call, every session merged (see `Dedupe.mergeUsers`).
 *
 * @since 0.1.0
 * @category models
 */
export interface User {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly userId: string
  /** First join, Unix s. */
  readonly joinTs: number
  /** Last leave, Unix s. */
  readonly leaveTs: number
  /** Every session has ended. */
  readonly finished: boolean
  readonly sessions: ReadonlyArray<Models.UserInformation>
}

/**
 * One event with its context and catalogue description.
 *
 * @since 0.1.0
 * @category models
 */
export interface Event {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  /** Whose event list it came from. */
  readonly userId: string
  /** The sender. */
  readonly peerId: string
  /** Video stream type: 0 non-video, 2 big, 3 small, 7 relayed. */
  readonly type: number
  /** Unix ms. */
  readonly timeMs: number
  readonly eventId: number
  readonly paramOne: number
  readonly paramTwo: number
  /** `EventCatalogue.describe`: "Entered room successfully". */
  readonly description: string
}

/**
 * One sample of a call's quality series (`DescribeCallDetailInfo` `Data`), with its context.
 *
 * @since 0.1.0
 * @category models
 */
export interface QualityPoint {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  /** Whose series it is. */
  readonly userId: string
  /** The remote user whose stream is received (downstream metrics); `""` for the user's own. */
  readonly peerId: string
  /** The metric, e.g. `bigvCapFps`, `aLoss` (see `Models.dataTypes`). */
  readonly dataType: string
  /** Unix s. */
  readonly time: number
  readonly value: number
}

// ---------------------------------------------------------------------------
// internals
// ---------------------------------------------------------------------------

interface Env {
  readonly trtc: TrtcService.Service
  readonly add: (delta: Partial<Counts>) => Effect.Effect<void>
  readonly concurrency: number
  readonly retentionDays: number
  readonly pageSize: number
  readonly minSpan: number
  readonly eventSpan: number | undefined
  /**
   * The first failure of this run of the stream (or of the streams sharing `Options.failure`). `mapEffect` interrupts its other fetches when
   * one of them fails, but a failure upstream of it (a user list, a room window) waits for its
   * turn in output order while the fetches in flight go on with their next windows and pages.
   * Every request checks this first, so that after a failure nothing new is sent.
   */
  readonly failed: Deferred.Deferred<never, StreamError>
}

const env = (options: Options | undefined): Effect.Effect<Env, never, Trtc> =>
  Effect.gen(function*() {
    const trtc = yield* Trtc
    const progress = yield* Effect.serviceOption(Progress)
    return {
      trtc,
      add: Option.match(progress, { onNone: () => () => Effect.void, onSome: (p) => p.add }),
      concurrency: Math.max(1, Math.floor(options?.concurrency ?? 4)),
      retentionDays: options?.retentionDays ?? Models.retentionDays,
      pageSize: options?.pageSize ?? Paginate.maxPageSize,
      minSpan: Math.max(1, options?.minSpanSeconds ?? 60),
      eventSpan: options?.eventSpanSeconds,
      failed: options?.failure ?? (yield* Deferred.make<never, StreamError>())
    }
  })

/** `request`, counted, unless the run has failed already: then that failure, without sending or counting. */
const send = <A, R>(e: Env, request: Effect.Effect<A, StreamError, R>): Effect.Effect<A, StreamError, R> =>
  Effect.flatMap(Deferred.poll(e.failed), Option.getOrElse(() => Effect.zipRight(e.add({ requests: 1 }), request)))

/** A unit of work whose failure ends the run: it is recorded for {@link send} to see. */
const fatal = <A, R>(e: Env, work: Effect.Effect<A, StreamError, R>): Effect.Effect<A, StreamError, R> =>
  Effect.tapError(work, (error) => Deferred.fail(e.failed, error))

/** A window refused as too big, which a narrower window may fix. */
const isTooBig = (error: StreamError): boolean =>
  error._tag === "ResponseSizeLimitExceeded" ||
  (error._tag === "InvalidParameter" && error.code === "InvalidParameter.QueryScaleOversize")

/**
 * `fetch(window)`, and when the window is refused as too big its two halves (recursively, down
 * to `minSpan`), concatenated in time order. `combine` joins the halves' results. A window whose
 * start the server refuses as older than retention is clamped again, once, on the server's clock
 * as the client now knows it (a skewed clock is learned from that very refusal).
 */
const withBisection = <A, R>(
  e: Env,
  window: Windows.Window,
  fetch: (window: Windows.Window) => Effect.Effect<A, StreamError, R>,
  combine: (left: A, right: A, middle: number) => A
): Effect.Effect<A, StreamError, R> => {
  const reclamp = (w: Windows.Window, error: StreamError): Effect.Effect<A, StreamError, R> =>
    Effect.flatMap(e.trtc.nowSeconds, (nowSeconds) => {
      const again = Windows.clamp(w, { nowSeconds, retentionDays: e.retentionDays }).window
      return Option.isSome(again) && again.value.start > w.start
        ? Effect.zipRight(
            Effect.logDebug(`Window ${w.start}..${w.end} refused as older than retention (${error._tag}); clamped again to start at ${again.value.start}`),
            go(again.value, true)
          )
        : Effect.fail(error)
    })
  const go = (w: Windows.Window, reclamped: boolean): Effect.Effect<A, StreamError, R> =>
    CallSpan.withWindowSpan(w, Effect.zipRight(
      e.add({ windows: 1 }),
      Effect.catchIf(fetch(w), isTooBig, (error) =>
        Option.match(Windows.bisect(w, e.minSpan), {
          onNone: () => Effect.fail(error),
          onSome: ([left, right]) =>
            Effect.zipRight(
              Effect.zipRight(
                e.add({ bisections: 1 }),
                Effect.logDebug(`Window ${w.start}..${w.end} refused as too big (${error._tag}); bisecting`)
              ),
              Effect.zipWith(go(left, reclamped), go(right, reclamped), (a, b) => combine(a, b, left.end))
            )
        })).pipe(Effect.catchIf((error) => !reclamped && TrtcError.isRetentionRefusal(error), (error) => reclamp(w, error)))
    ))
  return go(window, false)
}

const byCreation = (a: Models.RoomState, b: Models.RoomState) =>
  a.createTime - b.createTime || (a.commId < b.commId ? -1 : a.commId > b.commId ? 1 : 0)

const roomsOfWindow = (e: Env, sdkAppId: number, window: Windows.Window, roomId: string | undefined) =>
  withBisection(
    e,
    window,
    (w) =>
      Stream.runCollect(Paginate.pages(
        (pageNumber, pageSize) =>
          Effect.map(
            send(e, e.trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({
              sdkAppId,
              startTime: w.start,
              endTime: w.end,
              ...(roomId === undefined ? {} : { roomId }),
              pageNumber,
              pageSize
            }))),
            (response) => response.roomList
          ),
        { action: "DescribeRoomInfo", pageSize: e.pageSize, onPage: () => e.add({ pages: 1 }) }
      )).pipe(Effect.map((chunk) => Array.from(chunk))),
    (a, b) => [...a, ...b]
  ).pipe(Effect.map((rows) => rows.sort(byCreation)))

const createTimeOf = (call: CallRef): number => {
  if (call.createTime !== undefined) return call.createTime
  const last = call.commId.slice(call.commId.lastIndexOf("_") + 1)
  const parsed = Number(last)
  return Number.isFinite(parsed) && last.length > 0 ? parsed : 0
}

/** The period of a call: its life, cut to `period` when given, clamped to retention and now. */
const callPeriod = (e: Env, call: CallRef, period: Period | undefined) =>
  Effect.gen(function*() {
    const now = yield* e.trtc.nowSeconds
    const end = call.isFinished === true && call.destroyTime !== undefined && call.destroyTime > 0
      ? call.destroyTime
      : Math.max(call.destroyTime ?? 0, now)
    const life = Windows.make(createTimeOf(call), end)
    const wanted = period === undefined ? Option.some(life) : Windows.intersect(life, period)
    if (Option.isNone(wanted)) return Option.none<Windows.Window>()
    // Pure clamp: the period was clamped (and warned about) once already where it came from.
    return Windows.clamp(wanted.value, { nowSeconds: now, retentionDays: e.retentionDays }).window
  })

const usersOfCall = (e: Env, call: CallRef, period: Period | undefined): Effect.Effect<Array<User>, StreamError> =>
  Effect.gen(function*() {
    const span = yield* callPeriod(e, call, period)
    if (Option.isNone(span)) return []
    const rows: Array<Models.UserInformation> = []
    for (const window of Windows.split(span.value, Windows.maxSpans.DescribeUserInfo)) {
      const found = yield* withBisection<Array<Models.UserInformation>, never>(
        e,
        window,
        (w) =>
          Stream.runCollect(Paginate.pages(
            (pageNumber, pageSize) =>
              Effect.map(
                send(e, e.trtc.describeUserInfo(new Models.DescribeUserInfoRequest({
                  commId: call.commId,
                  startTime: w.start,
                  endTime: w.end,
                  sdkAppId: call.sdkAppId,
                  pageNumber,
                  pageSize
                }))),
                (response) => response.userList
              ),
            { action: "DescribeUserInfo", pageSize: e.pageSize, onPage: () => e.add({ pages: 1 }) }
          )).pipe(Effect.map((chunk): Array<Models.UserInformation> => Array.from(chunk))),
        (a, b) => [...a, ...b]
      )
      for (const row of found) rows.push(row)
    }
    const users = Dedupe.mergeUsers(rows).map((u): User => ({
      sdkAppId: call.sdkAppId,
      commId: call.commId,
      roomId: call.roomId,
      userId: u.userId,
      joinTs: u.joinTs,
      leaveTs: u.leaveTs,
      finished: u.finished,
      sessions: u.sessions
    }))
    yield* e.add({ users: users.length })
    return users
  })

const compareEvents = (a: Event, b: Event) =>
  a.timeMs - b.timeMs ||
  (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0) ||
  a.eventId - b.eventId || a.type - b.type || a.paramOne - b.paramOne || a.paramTwo - b.paramTwo

const eventsOfUser = (e: Env, call: CallRef, userId: string, period: Period | undefined): Effect.Effect<Array<Event>, StreamError> =>
  Effect.gen(function*() {
    const span = yield* callPeriod(e, call, period)
    if (Option.isNone(span)) return []
    const range = span.value
    const windows = e.eventSpan === undefined ? [range] : Windows.split(range, e.eventSpan)
    const filter = Dedupe.eventFilter<Event>()
    const out: Array<Event> = []
    for (const window of windows) {
      const events = yield* withBisection(
        e,
        window,
        (w) =>
          send(
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
              const list: Array<Event> = []
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

/** The identity of a quality point within a call: the same sample seen twice is one. */
const pointKey = (p: QualityPoint): string => `${p.userId}\u0000${p.peerId}\u0000${p.dataType}\u0000${p.time}`

/**
 * One page of `DescribeCallDetailInfo`: its user rows (which say when paging ends) and the
 * series of those users, kept with the first row so the page's order survives `Paginate.pages`.
 */
interface QualityPage {
  readonly user: Models.UserInformation
  readonly data: ReadonlyArray<Models.QualityData>
}

const qualityOfWindow = (e: Env, call: CallRef, dataTypes: ReadonlyArray<string>, window: Windows.Window) =>
  withBisection<Array<QualityPoint>, never>(
    e,
    window,
    (w) =>
      Stream.runCollect(Paginate.pages(
        (pageNumber, pageSize) =>
          Effect.map(
            send(e, e.trtc.describeCallDetailInfo(new Models.DescribeCallDetailInfoRequest({
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
          action: "DescribeCallDetailInfo",
          // With DataType the API takes at most 6 users a page.
          pageSize: Math.min(e.pageSize, Models.maxPageSizeWithDataType),
          equals: (a, b) => Equal.equals(a.user, b.user),
          onPage: () => e.add({ pages: 1 })
        }
      )).pipe(Effect.map((chunk) => {
        const points: Array<QualityPoint> = []
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
const qualityOfCall = (e: Env, call: CallRef, dataTypes: ReadonlyArray<string>, period: Period | undefined) =>
  Stream.unwrap(Effect.gen(function*() {
    const span = yield* callPeriod(e, call, period)
    if (Option.isNone(span)) return Stream.empty
    const range = span.value
    // One filter per run: within a window every key, across an edge only the edge's seconds.
    let end = range.start
    const filter = Dedupe.windowFilter<QualityPoint>(pointKey, (p) => Dedupe.nearEdge(end, p.time * 1000))
    return Stream.fromIterable(Windows.split(range, Windows.maxSpans.DescribeCallDetailInfo)).pipe(
      Stream.mapEffect(
        (w) => fatal(e, Effect.map(qualityOfWindow(e, call, dataTypes, w), (points) => ({ w, points }))),
        { concurrency: e.concurrency }
      ),
      Stream.mapConcatEffect(({ points, w }) => {
        end = w.end
        const fresh = filter.next(points.filter((p) => p.time >= range.start && p.time <= range.end))
        return Effect.as(e.add({ points: fresh.length }), fresh)
      })
    )
  }))

const toRoom = (sdkAppId: number, r: Models.RoomState): Room => ({
  sdkAppId,
  commId: r.commId,
  roomId: r.roomId,
  createTime: r.createTime,
  destroyTime: r.destroyTime,
  isFinished: r.isFinished,
  creatorUserId: r.userId
})

/** The period clamped once, on the server's clock, with a warning when it asked for data that is gone. */
const clampPeriod = (e: Env, period: Period) => Windows.clampNow(period, { retentionDays: e.retentionDays, now: e.trtc.nowSeconds })

/** The rooms of a period already clamped by {@link clampPeriod}. */
const roomsWith = (e: Env, sdkAppId: number, clamped: Windows.Window, roomId: string | undefined): Stream.Stream<Room, StreamError> =>
  Stream.suspend(() => {
    // One filter per run of the stream: it remembers the previous window's rooms only.
    const filter = Dedupe.windowFilter<Models.RoomState>(Dedupe.roomKey)
    return Stream.fromIterable(Windows.split(clamped, Windows.maxSpans.DescribeRoomInfo)).pipe(
      Stream.mapEffect((w) => fatal(e, roomsOfWindow(e, sdkAppId, w, roomId)), { concurrency: e.concurrency }),
      Stream.mapConcatEffect((rows) => {
        const fresh = filter.next(rows)
        return Effect.as(e.add({ rooms: fresh.length }), fresh.map((r) => toRoom(sdkAppId, r)))
      })
    )
  })

// ---------------------------------------------------------------------------
// public streams
// ---------------------------------------------------------------------------

/**
 * The rooms (calls) of an app alive in a period, optionally of one room id, each once, by
 * creation time.
 *
 * @since 0.1.0
 * @category streams
 */
export const rooms = (
  sdkAppId: number,
  period: Period,
  roomId?: string,
  options?: Options
): Stream.Stream<Room, StreamError, Trtc> =>
  Stream.unwrap(Effect.gen(function*() {
    const e = yield* env(options)
    const clamped = yield* clampPeriod(e, period)
    return Option.match(clamped.window, { onNone: () => Stream.empty, onSome: (w) => roomsWith(e, sdkAppId, w, roomId) })
  }))

/**
 * The users of a call (in `period`, default the call's whole life), one entry per user with
 * every session merged, by first join.
 *
 * @since 0.1.0
 * @category streams
 */
export const users = (call: CallRef, period?: Period, options?: Options): Stream.Stream<User, StreamError, Trtc> =>
  Stream.unwrap(Effect.map(env(options), (e) => Stream.fromIterableEffect(fatal(e, usersOfCall(e, call, period)))))

/**
 * The events one user reported in a call (in `period`, default the call's whole life), by time.
 *
 * @since 0.1.0
 * @category streams
 */
export const userEvents = (
  call: CallRef,
  user: string | { readonly userId: string },
  period?: Period,
  options?: Options
): Stream.Stream<Event, StreamError, Trtc> =>
  Stream.unwrap(Effect.map(env(options), (e) =>
    Stream.fromIterableEffect(fatal(e, eventsOfUser(e, call, typeof user === "string" ? user : user.userId, period)))))

/**
 * The quality series of a call (in `period`, default the call's whole life) for the metrics
 * `dataTypes` (e.g. `["bigvCapFps", "aLoss"]`, or `["all"]`; see `Models.dataTypes`): one
 * point per (user, peer, metric, second), each once. The period is cut into windows of at most
 * 1 h (the API's limit with `DataType`) and each window's users are paged at most 6 a page;
 * points come in window order, then page order, then as the API returns them. The user list
 * itself is what {@link users} gives.
 *
 * @since 0.1.0
 * @category streams
 */
export const callQuality = (
  call: CallRef,
  dataTypes: ReadonlyArray<string>,
  period?: Period,
  options?: Options
): Stream.Stream<QualityPoint, StreamError, Trtc> =>
  Stream.unwrap(Effect.map(env(options), (e) => qualityOfCall(e, call, dataTypes, period)))

const eventsOfCalls = (e: Env, calls: Stream.Stream<CallRef, StreamError>, period: Period | undefined) =>
  calls.pipe(
    // One call's users at a time (a bounded list), then one user's events per fetch, several
    // in flight; `mapEffect` keeps the order whatever finishes first.
    Stream.mapConcatEffect((call) => Effect.map(fatal(e, usersOfCall(e, call, period)), (us) => us.map((user) => ({ call, user })))),
    Stream.mapEffect(({ call, user }) => fatal(e, eventsOfUser(e, call, user.userId, period)), { concurrency: e.concurrency }),
    Stream.flattenIterables
  )

/**
 * Every event of every user of a call, by user (first join) then time.
 *
 * @since 0.1.0
 * @category streams
 */
export const callEvents = (call: CallRef, options?: Options): Stream.Stream<Event, StreamError, Trtc> =>
  Stream.unwrap(Effect.map(env(options), (e) => eventsOfCalls(e, Stream.make(call), undefined)))

/**
 * Every event of an app in a period: every call alive in it (`rooms`), every user of each call
 * (`users`), every event of each user within the period (`userEvents`). Ordered by room
 * (creation time), user (first join), then time.
 *
 * @example
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Trtc from "@effect-trtc/core/Trtc"
 * import * as TrtcStream from "@effect-trtc/core/TrtcStream"
 * import * as Credentials from "@effect-trtc/signer/Credentials"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as Stream from "effect/Stream"
 *
 * const TrtcLive = Trtc.layer({ region: "ap-guangzhou" }).pipe(
 *   Layer.provide(Layer.merge(Credentials.layerDefault, NodeHttpClient.layerUndici))
 * )
 *
 * // Who failed to enter a call on 2026-01-01 (UTC): one constant-memory stream, any number of calls.
 * const failedJoins = TrtcStream.events(1400000001, { start: 1767225600, end: 1767311999 }).pipe(
 *   Stream.filter((event) => event.eventId === 5003 && event.paramOne === 0), // "Failed to enter room"
 *   Stream.runForEach((event) => Effect.log(`${event.commId} ${event.userId} ${event.description}`)),
 *   Effect.provide(TrtcLive)
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const events = (sdkAppId: number, period: Period, options?: Options): Stream.Stream<Event, StreamError, Trtc> =>
  Stream.unwrap(Effect.gen(function*() {
    const e = yield* env(options)
    // Clamped here only: the rooms and each call's period are cut to the clamped window.
    const clamped = yield* clampPeriod(e, period)
    return Option.match(clamped.window, {
      onNone: () => Stream.empty,
      onSome: (w) => eventsOfCalls(e, roomsWith(e, sdkAppId, w, undefined), w)
    })
  }))
