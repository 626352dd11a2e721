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
import type * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as Env from "./internal/stream/env.js"
import * as Events from "./internal/stream/events.js"
import * as Quality from "./internal/stream/quality.js"
import * as Rooms from "./internal/stream/rooms.js"
import * as UnusualEvents from "./internal/stream/unusualEvents.js"
import * as Users from "./internal/stream/users.js"
import type * as Models from "./Models.js"
import type * as Paginate from "./Paginate.js"
import type { Trtc } from "./Trtc.js"
import type * as TrtcService from "./Trtc.js"
import type * as Windows from "./Windows.js"

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
export type StreamError = TrtcService.Error | Paginate.PaginationError

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
  /** Abnormal experiences (`unusualEvents`). */
  readonly unusualEvents: number
}

const zero: Counts = { windows: 0, pages: 0, requests: 0, bisections: 0, rooms: 0, users: 0, events: 0, points: 0, unusualEvents: 0 }

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
        points: c.points + (delta.points ?? 0),
        unusualEvents: c.unusualEvents + (delta.unusualEvents ?? 0)
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

/**
 * One abnormal experience of a user (`DescribeUnusualEvent`), with the catalogue's words for
 * it and for each abnormal event behind it.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnusualEvent {
  readonly sdkAppId: number
  readonly roomId: string
  readonly userId: string
  /** Table 5.3: 1 slow room entry, 2 video could not start, 3 audio could not start, 4 video lag, 5 audio lag. */
  readonly experienceId: number
  /** `EventCatalogue.describeExperience`: "Video lagged". */
  readonly description: string
  /** When it was reported, Unix ms: the API's whole second (`EventTime`, Unix s) times 1000. */
  readonly timeMs: number
  readonly events: ReadonlyArray<{
    /** Table 5.4 or 5.5. */
    readonly abnormalEventId: number
    /** The remote user that caused it; `""` when none. */
    readonly peerId: string
    /** `EventCatalogue.describeAbnormalEvent`: "The downstream big image lagged". */
    readonly description: string
  }>
}

// ---------------------------------------------------------------------------
// public streams (bodies in internal/stream/)
// ---------------------------------------------------------------------------

const env = (options: Options | undefined) => Effect.flatMap(Effect.serviceOption(Progress), (progress) => Env.make(options, progress))

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
    const clamped = yield* Env.clampPeriod(e, period)
    return Option.match(clamped.window, { onNone: () => Stream.empty, onSome: (w) => Rooms.roomsWith(e, sdkAppId, w, roomId) })
  }))

/**
 * The users of a call (in `period`, default the call's whole life), one entry per user with
 * every session merged, by first join.
 *
 * @since 0.1.0
 * @category streams
 */
export const users = (call: CallRef, period?: Period, options?: Options): Stream.Stream<User, StreamError, Trtc> =>
  Stream.unwrap(Effect.map(env(options), (e) => Stream.fromIterableEffect(Env.fatal(e, Users.usersOfCall(e, call, period)))))

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
    Stream.fromIterableEffect(Env.fatal(e, Events.eventsOfUser(e, call, typeof user === "string" ? user : user.userId, period)))))

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
  Stream.unwrap(Effect.map(env(options), (e) => Quality.qualityOfCall(e, call, dataTypes, period)))

/**
 * Every event of every user of a call, by user (first join) then time.
 *
 * @since 0.1.0
 * @category streams
 */
export const callEvents = (call: CallRef, options?: Options): Stream.Stream<Event, StreamError, Trtc> =>
  Stream.unwrap(Effect.map(env(options), (e) => Events.eventsOfCalls(e, Stream.make(call), undefined)))

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
    const clamped = yield* Env.clampPeriod(e, period)
    return Option.match(clamped.window, {
      onNone: () => Stream.empty,
      onSome: (w) => Events.eventsOfCalls(e, Rooms.roomsWith(e, sdkAppId, w, undefined), w)
    })
  }))

/**
 * The abnormal experiences of an app's users (of one room when `roomId` is given) in a period,
 * each once, by time (then room, user, experience). The period is clamped to retention and cut
 * into the action's 1 h windows; an answer holds at most 20 experiences and cannot be paged, so
 * a full answer is asked again as two halves (down to `minSpanSeconds`, with a warning when a
 * window that narrow is still full: more may exist than the API shows).
 *
 * @since 0.1.0
 * @category streams
 */
export const unusualEvents = (
  sdkAppId: number,
  period: Period,
  roomId?: string,
  options?: Options
): Stream.Stream<UnusualEvent, StreamError, Trtc> =>
  Stream.unwrap(Effect.gen(function*() {
    const e = yield* env(options)
    const clamped = yield* Env.clampPeriod(e, period)
    return Option.match(clamped.window, {
      onNone: () => Stream.empty,
      onSome: (w) => UnusualEvents.unusualEventsWith(e, sdkAppId, w, roomId)
    })
  }))
