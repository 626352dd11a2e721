/**
 * Time windows: how a period is cut into the spans each TRTC query API accepts (each action's
 * `maxSpanSeconds` is in its declaration, `Models.declarations`), clamped to the
 * retention window and to "now", and bisected when the server finds a window too big.
 *
 * Edge semantics. A `Window` is `[start, end]` in Unix seconds with BOTH edges inclusive, as the
 * API's `StartTime` / `EndTime` are. Consecutive windows of a split share their edge second
 * (`windows[i].end === windows[i + 1].start`): TRTC does not say whether a record stamped exactly
 * at `EndTime` belongs to the query, so sharing the edge guarantees no gap whatever the server
 * does, at the price of possible duplicates at the edge, which `Dedupe` removes. For records with
 * a millisecond time (events), `owns` assigns every millisecond to exactly one window, which keeps
 * output order by time and makes the edge duplicates disappear without memory.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Constants from "./internal/models/constants.js"

/**
 * A time window in Unix seconds, both edges inclusive.
 *
 * @since 0.1.0
 * @category models
 */
export interface Window {
  readonly start: number
  readonly end: number
}

/**
 * Builds a window.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (start: number, end: number): Window => ({ start, end })

/**
 * The length of a window in seconds (`end - start`), the quantity the API limits.
 *
 * @since 0.1.0
 * @category getters
 */
export const span = (window: Window): number => window.end - window.start

/**
 * Splits `[range.start, range.end]` into consecutive windows of at most `maxSpan` seconds that
 * cover it exactly: the first starts at `range.start`, the last ends at `range.end`, each starts
 * where the previous one ended (the shared, inclusive edge). A range with `start > end` yields no
 * window; a single instant (`start === end`) yields one.
 *
 * @since 0.1.0
 * @category splitting
 */
export const split = (range: Window, maxSpan: number): Array<Window> => {
  if (!(maxSpan >= 1) || !Number.isFinite(maxSpan)) {
    throw new RangeError(`Windows.split: maxSpan must be a finite number >= 1, got ${maxSpan}`)
  }
  const step = Math.floor(maxSpan)
  const out: Array<Window> = []
  if (range.start > range.end) return out
  if (range.start === range.end) return [range]
  let start = range.start
  while (start < range.end) {
    const end = Math.min(start + step, range.end)
    out.push({ start, end })
    start = end
  }
  return out
}

/**
 * Splits a window in two at its midpoint, sharing the midpoint second, when it is longer than
 * `minSpan`; `None` when it cannot be narrowed any further. Each half is strictly shorter than
 * the window, so repeated bisection always terminates.
 *
 * @since 0.1.0
 * @category splitting
 */
export const bisect = (window: Window, minSpan: number): Option.Option<readonly [Window, Window]> => {
  const length = span(window)
  if (length <= Math.max(1, minSpan)) return Option.none()
  const middle = window.start + Math.floor(length / 2)
  return Option.some([{ start: window.start, end: middle }, { start: middle, end: window.end }] as const)
}

/**
 * Whether a record stamped `timeMs` (Unix milliseconds) belongs to `window` when windows of one
 * split share their edges: a window owns `[start s, end s)`, and the last window (whose `end` is
 * `rangeEnd`) also owns the whole of its final second. Every millisecond of the range is owned by
 * exactly one window.
 *
 * @since 0.1.0
 * @category ownership
 */
export const owns = (window: Window, rangeEnd: number, timeMs: number): boolean =>
  timeMs >= window.start * 1000 &&
  (timeMs < window.end * 1000 || (window.end >= rangeEnd && timeMs < (window.end + 1) * 1000))

/**
 * Whether `timeMs` (Unix ms) lies within the window taken as whole seconds
 * (`start <= floor(timeMs / 1000) <= end`).
 *
 * @since 0.1.0
 * @category ownership
 */
export const containsMs = (window: Window, timeMs: number): boolean =>
  timeMs >= window.start * 1000 && timeMs < (window.end + 1) * 1000

/**
 * The intersection of two windows, `None` when they do not meet.
 *
 * @since 0.1.0
 * @category combinators
 */
export const intersect = (self: Window, that: Window): Option.Option<Window> => {
  const start = Math.max(self.start, that.start)
  const end = Math.min(self.end, that.end)
  return start <= end ? Option.some({ start, end }) : Option.none()
}

/**
 * The seconds kept between a clamped start and the retention edge: the server's "now" moves on
 * between the clamp and the request's arrival (and while a long export runs).
 *
 * @since 0.1.0
 * @category constants
 */
export const retentionMarginSeconds = 60

/**
 * How far before the retention edge a start may lie and still be clamped without a warning.
 * `--since 14d` means "everything there is"; by the time it is clamped (a moment later, perhaps
 * against a server clock some minutes ahead) its start is a little older than the edge. Only a
 * start older than this asked for data that cannot exist.
 *
 * @since 0.1.0
 * @category constants
 */
export const retentionToleranceSeconds = 3_600

/**
 * How a requested period is brought within what TRTC serves.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClampOptions {
  /** "Now" in Unix seconds, on the server's clock. */
  readonly nowSeconds: number
  /** The plan's retention: 7 or 14 days (default 14). */
  readonly retentionDays?: number | undefined
  /** Seconds kept between the clamped start and the retention edge (default {@link retentionMarginSeconds}). */
  readonly marginSeconds?: number | undefined
}

/**
 * The result of clamping a period.
 *
 * @since 0.1.0
 * @category models
 */
export interface Clamped {
  /** The servable part of the period; `None` when nothing of it is servable. */
  readonly window: Option.Option<Window>
  /** The start was moved forward to the retention edge. */
  readonly startClamped: boolean
  /**
   * The start was older than the retention edge by more than {@link retentionToleranceSeconds}:
   * the period asked for data that is gone (worth telling the user).
   */
  readonly startLost: boolean
  /** The end was in the future and was capped at now. */
  readonly endCapped: boolean
}

/**
 * Pure clamping: the start is moved to `now - retention + margin` when older, an end in the
 * future is capped at `now`.
 *
 * @since 0.1.0
 * @category clamping
 */
export const clamp = (period: Window, options: ClampOptions): Clamped => {
  const retentionDays = options.retentionDays ?? Constants.retentionDays
  const margin = options.marginSeconds ?? retentionMarginSeconds
  const edge = options.nowSeconds - retentionDays * 86_400
  const oldest = edge + margin
  const startClamped = period.start < oldest
  const endCapped = period.end > options.nowSeconds
  const start = startClamped ? oldest : period.start
  const end = endCapped ? options.nowSeconds : period.end
  return {
    window: start <= end ? Option.some({ start, end }) : Option.none(),
    startClamped,
    startLost: period.start < edge - retentionToleranceSeconds,
    endCapped
  }
}

/**
 * Settings of {@link clampNow}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClampNowOptions extends Omit<ClampOptions, "nowSeconds"> {
  /**
   * "Now" in Unix seconds on the server's clock (`Trtc.nowSeconds`, corrected by the skew the
   * client learned); default the Effect `Clock`.
   */
  readonly now?: Effect.Effect<number> | undefined
}

const clockSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

/**
 * `clamp` against "now" (the server's corrected clock when given, else the Effect `Clock`, so it
 * runs under `TestClock`), logging a warning when the period asked for data older than the
 * retention window: it is gone, and saying so beats an `InvalidParameter.StartTsOversize` error
 * or a silently short export. A start just at the edge (`--since 14d`) is clamped silently.
 *
 * @since 0.1.0
 * @category clamping
 */
export const clampNow = Effect.fn("Windows.clampNow")(function*(
  period: Window,
  options?: ClampNowOptions
) {
  const nowSeconds = yield* (options?.now ?? clockSeconds)
  const clamped = clamp(period, { retentionDays: options?.retentionDays, marginSeconds: options?.marginSeconds, nowSeconds })
  if (clamped.startLost) {
    yield* Effect.logWarning(
      `Period start ${period.start} is older than the ${options?.retentionDays ?? Constants.retentionDays}-day retention window; ` +
        `clamped to ${Option.match(clamped.window, { onNone: () => "nothing", onSome: (w) => String(w.start) })}`
    )
  }
  if (clamped.endCapped) {
    yield* Effect.logDebug(`Period end ${period.end} is in the future; capped at ${nowSeconds}`)
  }
  return clamped
})
