import * as CommId from "@effect-trtc/core/CommId"
import * as Models from "@effect-trtc/core/Models"
import type * as Trtc from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Windows from "@effect-trtc/core/Windows"
import * as Chunk from "effect/Chunk"
import type * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Records from "../Records.js"
import type * as Time from "../Time.js"

// The CLI's view of core's streams (`TrtcStream`: windows, pages, bisection, dedupe, order):
// periods as the CLI resolves them, elements as the flat records it prints.

/** What every stream here may fail with. */
export type SourceError = TrtcStream.StreamError

/** A call as the CLI needs it: core's room record. */
export type Call = TrtcStream.Room

// Bisect a refused window down to one second: events cluster (a join sends a dozen in a second).
const streamOptions = { minSpanSeconds: 1 } as const

const toWindow = (period: Time.Period): TrtcStream.Period => ({ start: period.startTime, end: period.endTime })

/** The calls of an app alive in a period: 24-hour windows, every page, each call once, by creation. */
export const rooms = (
  sdkAppId: number,
  period: Time.Period,
  roomId?: string | undefined,
  failure?: Deferred.Deferred<never, SourceError>
): Stream.Stream<Call, SourceError, Trtc.Trtc> => TrtcStream.rooms(sdkAppId, toWindow(period), roomId, { ...streamOptions, failure })

const callRef = (sdkAppId: number, commId: string, roomId?: string): TrtcStream.CallRef => ({
  sdkAppId,
  commId,
  roomId: roomId ?? Option.match(CommId.parse(commId), { onNone: () => "", onSome: (c) => c.roomId })
})

/** The user sessions of a call in a period (a user who rejoined has several), by join time. */
export const users = (
  sdkAppId: number,
  commId: string,
  period: Time.Period
): Stream.Stream<Records.UserRecord, SourceError, Trtc.Trtc> =>
  Stream.fromIterableEffect(
    Effect.map(Stream.runCollect(TrtcStream.users(callRef(sdkAppId, commId), toWindow(period), streamOptions)), (users) =>
      Chunk.toReadonlyArray(users)
        .flatMap((user) => user.sessions.map((session) => Records.user(sdkAppId, commId, session)))
        .sort((a, b) => a.joinTs - b.joinTs || a.userId.localeCompare(b.userId)))
  )

const toRecord = (event: TrtcStream.Event): Records.EventRecord =>
  Records.event(event, event, () => event.description)

/** One user's events in one call, in time order, with the catalogue's names. */
export const userEvents = (
  context: Records.EventContext,
  period: Time.Period
): Effect.Effect<ReadonlyArray<Records.EventRecord>, SourceError, Trtc.Trtc> =>
  Effect.map(
    Stream.runCollect(
      TrtcStream.userEvents(callRef(context.sdkAppId, context.commId, context.roomId), context.userId, toWindow(period), streamOptions)
    ),
    (events) => Chunk.toReadonlyArray(events).map(toRecord)
  )

/**
 * The period a call covers: from its creation (or the start of retention, whichever is later)
 * to its end (or now while it runs). Core's margin; core's streams clamp it again on the
 * server's clock (`Trtc.nowSeconds`), which a local `now` may trail.
 */
export const callPeriod = (call: Call, now: number): Time.Period => {
  const startTime = Math.max(call.createTime, now - Models.retentionDays * 86400 + Windows.retentionMarginSeconds)
  const end = call.destroyTime > 0 ? Math.min(call.destroyTime, now) : now
  return { startTime, endTime: Math.max(startTime + 1, end) }
}

/** Looks a call up by its CommId (its room id and creation time are inside it). */
export const findCall = (
  sdkAppId: number,
  commId: string,
  now: number
): Effect.Effect<Option.Option<Call>, SourceError, Trtc.Trtc> =>
  Option.match(CommId.parse(commId), {
    onNone: () => Effect.succeed(Option.none()),
    onSome: (parsed) =>
      rooms(sdkAppId, { startTime: parsed.createTime, endTime: Math.min(now, parsed.createTime + 86400) }, parsed.roomId).pipe(
        Stream.filter((call) => call.commId === commId),
        Stream.runHead
      )
  })

/** Every event of one call: by user (first join), then time. */
export const callEvents = (
  call: Call,
  concurrency: number,
  failure?: Deferred.Deferred<never, SourceError>
): Effect.Effect<ReadonlyArray<Records.EventRecord>, SourceError, Trtc.Trtc> =>
  Effect.map(
    Stream.runCollect(TrtcStream.callEvents(call, { ...streamOptions, concurrency, failure })),
    (events) => Chunk.toReadonlyArray(events).map(toRecord)
  )
