import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Io } from "./io.js"

/**
 * Progress of a long run on stderr, only on a terminal, in the words of what is fetched: calls
 * done out of the calls there are (`109/300 calls, 36 %`), events, requests, time, ETA. The line
 * is erased before anything else is written to the terminal and when the run ends, so results
 * and the progress never share a line.
 */
export interface Progress {
  /** The number of calls the run goes through, once known. */
  readonly total: (n: number) => Effect.Effect<void>
  /** Calls finished. */
  readonly calls: (n: number) => Effect.Effect<void>
  readonly events: (n: number) => Effect.Effect<void>
  /** Erases the line (it is drawn again at the next update). */
  readonly clear: Effect.Effect<void>
  /** Erases the line for good. */
  readonly done: Effect.Effect<void>
}

/** A no-op progress (not a terminal, or a short run). */
export const none: Progress = {
  total: () => Effect.void,
  calls: () => Effect.void,
  events: () => Effect.void,
  clear: Effect.void,
  done: Effect.void
}

const seconds = (s: number) => s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${Math.floor(s % 60)}s` : `${Math.round(s)}s`

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`

/**
 * Progress on stderr when it is a terminal, redrawn at most 10 times a second (timed by
 * `Clock`). `requests`: what the streams have sent (core's `TrtcStream.Progress` counters).
 * `already`: what an earlier run (`--resume`) did, counted in but not in the rate.
 */
export const make = (
  io: Io,
  label: string,
  requests: Effect.Effect<number> = Effect.succeed(0),
  already: { readonly calls: number; readonly events: number } = { calls: 0, events: 0 }
): Effect.Effect<Progress> =>
  io.stderrIsTTY ? Effect.map(Clock.currentTimeMillis, (started) => drawing(io, label, requests, already, started)) : Effect.succeed(none)

const drawing = (
  io: Io,
  label: string,
  requests: Effect.Effect<number>,
  already: { readonly calls: number; readonly events: number },
  started: number
): Progress => {
  let total: number | undefined
  let calls = already.calls
  let events = already.events
  let drawn = 0
  let visible = false
  let finished = false
  const text = (now: number, sent: number) => {
    const elapsed = (now - started) / 1000
    const rate = elapsed > 0 ? (events - already.events) / elapsed : 0
    const callsText = total === undefined
      ? plural(calls, "call")
      : `${calls.toLocaleString("en-US")}/${plural(total, "call")} (${Math.floor(total === 0 ? 100 : (100 * calls) / total)}%)`
    const fraction = total === undefined || total === 0 ? 0 : (calls - already.calls) / Math.max(1, total - already.calls)
    const eta = fraction > 0.01 && fraction < 1 ? `, ETA ${seconds(elapsed * (1 - fraction) / fraction)}` : ""
    return `${label}: ${callsText}, ${plural(events, "event")} (${rate.toFixed(0)}/s), ${plural(sent, "request")}, ${seconds(elapsed)}${eta}`
  }
  const draw = (force: boolean) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (finished || (!force && now - drawn < 100)) return Effect.void
      drawn = now
      visible = true
      // Cut to the terminal's width: a wrapped line cannot be erased with one \r.
      const width = Number.isFinite(io.columns) ? io.columns - 1 : 200
      return Effect.flatMap(requests, (sent) => io.stderr(`\r\u001b[2K${text(now, sent).slice(0, width)}`))
    })
  const clear = Effect.suspend(() => {
    if (!visible) return Effect.void
    visible = false
    drawn = 0
    return io.stderr("\r\u001b[2K")
  })
  return {
    total: (n) => Effect.sync(() => { total = n }),
    calls: (n) => Effect.suspend(() => { calls += n; return draw(false) }),
    events: (n) => Effect.suspend(() => { events += n; return draw(false) }),
    clear,
    done: Effect.suspend(() => {
      finished = true
      return clear
    })
  }
}
