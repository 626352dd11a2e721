import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Io } from "./io.js"

/** Progress of a long run (calls, requests, events, rate, ETA) on stderr, only on a terminal. */
export interface Progress {
  readonly calls: (n: number) => Effect.Effect<void>
  readonly events: (n: number) => Effect.Effect<void>
  /** How far through the period the run is, 0..1 (drives the ETA). */
  readonly position: (fraction: number) => Effect.Effect<void>
  readonly done: Effect.Effect<void>
}

/** A no-op progress (not a terminal, or a short run). */
export const none: Progress = {
  calls: () => Effect.void,
  events: () => Effect.void,
  position: () => Effect.void,
  done: Effect.void
}

const seconds = (s: number) => s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${Math.floor(s % 60)}s` : `${Math.round(s)}s`

/** Progress on stderr when it is a terminal, redrawn at most 10 times a second (by `Clock`). */
export const make = (
  io: Io,
  label: string,
  requests: Effect.Effect<number> = Effect.succeed(0),
  windows = 0
): Effect.Effect<Progress> =>
  io.stderrIsTTY ? Effect.map(Clock.currentTimeMillis, (started) => drawing(io, label, requests, windows, started)) : Effect.succeed(none)

const drawing = (io: Io, label: string, requests: Effect.Effect<number>, windows: number, started: number): Progress => {
  let calls = 0
  let events = 0
  let fraction = 0
  let drawn = 0
  const draw = (force: boolean) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (!force && now - drawn < 100) return Effect.void
      drawn = now
      const elapsed = (now - started) / 1000
      const rate = elapsed > 0 ? events / elapsed : 0
      const eta = fraction > 0.01 && fraction < 1 ? ` ETA ${seconds(elapsed * (1 - fraction) / fraction)}` : ""
      return Effect.flatMap(requests, (sent) =>
        io.stderr(`\r\u001b[2K${label}: ${windows > 0 ? `${windows} windows, ` : ""}${sent} requests, ${calls} calls, ${events} events, ${rate.toFixed(0)} events/s, ${seconds(elapsed)}${eta}`))
    })
  return {
    calls: (n) => Effect.suspend(() => { calls += n; return draw(false) }),
    events: (n) => Effect.suspend(() => { events += n; return draw(false) }),
    position: (f) => Effect.sync(() => { fraction = Math.max(fraction, Math.min(1, f)) }),
    done: Effect.suspend(() => {
      fraction = 1
      return Effect.zipRight(draw(true), io.stderr("\n"))
    })
  }
}
