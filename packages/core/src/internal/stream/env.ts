/**
 * What a run of a stream shares (the service, progress, settings, the first failure) and the steps every request goes through: the failure check, counting, bisection of a window refused as too big, re-clamping on the server's clock.
 *
 * @internal
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Action from "../../Action.js"
import * as CallSpan from "../callSpan.js"
import * as Models from "../../Models.js"
import * as Paginate from "../../Paginate.js"
import { Trtc } from "../../Trtc.js"
import type * as TrtcService from "../../Trtc.js"
import * as TrtcError from "../../TrtcError.js"
import type * as TrtcStream from "../../TrtcStream.js"
import * as Windows from "../../Windows.js"

/** @internal */
export interface Env {
  readonly trtc: TrtcService.Service
  readonly add: (delta: Partial<TrtcStream.Counts>) => Effect.Effect<void>
  readonly concurrency: number
  readonly retentionDays: number
  readonly pageSize: number
  readonly minSpan: number
  readonly eventSpan: number | undefined
  /**
   * The first failure of this run of the stream (or of the streams sharing `TrtcStream.Options.failure`). `mapEffect` interrupts its other fetches when
   * one of them fails, but a failure upstream of it (a user list, a room window) waits for its
   * turn in output order while the fetches in flight go on with their next windows and pages.
   * Every request checks this first, so that after a failure nothing new is sent.
   */
  readonly failed: Deferred.Deferred<never, TrtcStream.StreamError>
}

/** @internal */
export const make = (
  options: TrtcStream.Options | undefined,
  progress: Option.Option<{ readonly add: (delta: Partial<TrtcStream.Counts>) => Effect.Effect<void> }>
): Effect.Effect<Env, never, Trtc> =>
  Effect.gen(function*() {
    const trtc = yield* Trtc
    return {
      trtc,
      add: Option.match(progress, { onNone: () => () => Effect.void, onSome: (p) => p.add }),
      concurrency: Math.max(1, Math.floor(options?.concurrency ?? 4)),
      retentionDays: options?.retentionDays ?? Models.retentionDays,
      pageSize: options?.pageSize ?? Paginate.maxPageSize,
      minSpan: Math.max(1, options?.minSpanSeconds ?? 60),
      eventSpan: options?.eventSpanSeconds,
      failed: options?.failure ?? (yield* Deferred.make<never, TrtcStream.StreamError>())
    }
  })

/** `request`, counted, unless the run has failed already: then that failure, without sending or counting. */
/** @internal */
export const send = <A, R>(e: Env, request: Effect.Effect<A, TrtcStream.StreamError, R>): Effect.Effect<A, TrtcStream.StreamError, R> =>
  Effect.flatMap(Deferred.poll(e.failed), Option.getOrElse(() => Effect.zipRight(e.add({ requests: 1 }), request)))

/** A unit of work whose failure ends the run: it is recorded for {@link send} to see. */
/** @internal */
export const fatal = <A, R>(e: Env, work: Effect.Effect<A, TrtcStream.StreamError, R>): Effect.Effect<A, TrtcStream.StreamError, R> =>
  Effect.tapError(work, (error) => Deferred.fail(e.failed, error))

/** A window refused as too big, which a narrower window may fix. */
/** @internal */
export const isTooBig = (error: TrtcStream.StreamError): boolean =>
  error._tag === "ResponseSizeLimitExceeded" ||
  (error._tag === "InvalidParameter" && error.code === "InvalidParameter.QueryScaleOversize")

/**
 * `fetch(window)`, and when the window is refused as too big its two halves (recursively, down
 * to `minSpan`), concatenated in time order. `combine` joins the halves' results. A window whose
 * start the server refuses as older than retention is clamped again, once, on the server's clock
 * as the client now knows it (a skewed clock is learned from that very refusal).
 */
/** @internal */
export const withBisection = <A, R>(
  e: Env,
  window: Windows.Window,
  fetch: (window: Windows.Window) => Effect.Effect<A, TrtcStream.StreamError, R>,
  combine: (left: A, right: A, middle: number) => A
): Effect.Effect<A, TrtcStream.StreamError, R> => {
  const reclamp = (w: Windows.Window, error: TrtcStream.StreamError): Effect.Effect<A, TrtcStream.StreamError, R> =>
    Effect.flatMap(e.trtc.nowSeconds, (nowSeconds) => {
      const again = Windows.clamp(w, { nowSeconds, retentionDays: e.retentionDays }).window
      return Option.isSome(again) && again.value.start > w.start
        ? Effect.zipRight(
            Effect.logDebug(`Window ${w.start}..${w.end} refused as older than retention (${error._tag}); clamped again to start at ${again.value.start}`),
            go(again.value, true)
          )
        : Effect.fail(error)
    })
  // Traced, each window (and each half of a bisected one) is a span, its calls its children.
  const go = (w: Windows.Window, reclamped: boolean): Effect.Effect<A, TrtcStream.StreamError, R> =>
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

/** The period clamped once, on the server's clock, with a warning when it asked for data that is gone. */
/** @internal */
export const clampPeriod = (e: Env, period: TrtcStream.Period) => Windows.clampNow(period, { retentionDays: e.retentionDays, now: e.trtc.nowSeconds })

/**
 * How `Paginate.pages` walks a paged action's windows: named after it, the run's page size
 * within the action's maximum (with `DataType` the smaller one), each page counted.
 *
 * @internal
 */
export const pagingOf = (e: Env, declaration: Action.Any, withDataType: boolean) => {
  const paging = declaration.paging
  const max = paging.style !== "PageNumber"
    ? 1
    : withDataType && paging.maxPageSizeWithDataType !== undefined
      ? paging.maxPageSizeWithDataType
      : paging.maxPageSize
  return { action: declaration.name, pageSize: Math.min(e.pageSize, max), onPage: () => e.add({ pages: 1 }) }
}
