import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"

/**
 * The "now" the time-sensitive tests run at: 2025-11-25T06:40:00Z, inside the morning window
 * (06:36–06:45 UTC) where a wall-clock anchored data set once left the examples without a
 * failed join. Fixed, so a test gives the same answer at any hour of any day.
 */
export const pinnedNow = 1764052800

/**
 * A running clock that reads `nowSeconds` at the moment it is made and then advances with
 * real time, sleeping in real time: what a client needs to sign requests an emulator whose
 * clock is pinned the same way accepts, with rate limits and timeouts still real.
 */
export const shiftedClock = (offsetMillis: number): Clock.Clock => {
  const live = Clock.make()
  const millis = () => live.unsafeCurrentTimeMillis() + offsetMillis
  const nanos = () => live.unsafeCurrentTimeNanos() + BigInt(Math.round(offsetMillis * 1_000_000))
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    currentTimeMillis: Effect.sync(millis),
    unsafeCurrentTimeNanos: nanos,
    currentTimeNanos: Effect.sync(nanos),
    sleep: (duration: Duration.Duration) => live.sleep(duration)
  }
}

/** An emulator, and the clock to run its clients under, both at the same pinned instant. */
export interface PinnedEmulator {
  readonly emulator: Emulator.Instance
  /** Runs an effect with the client's Clock on the emulator's time. */
  readonly run: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/**
 * An emulator serving the data set generated for `now` (default {@link pinnedNow}) with its
 * clock set to that instant, and the Clock for its clients. Both clocks then run in real
 * time from the same offset, so signatures, retention and "still running" calls all agree.
 */
export const pinnedEmulator = (
  generate: Omit<DataSet.GenerateOptions, "anchor">,
  options: Omit<Emulator.Options, "dataSet" | "clockOffsetSeconds"> = {},
  now: number = pinnedNow
): Effect.Effect<PinnedEmulator, never, Scope.Scope> =>
  Effect.gen(function*() {
    const dataSet = DataSet.generate({ ...generate, anchor: now })
    const offsetMillis = now * 1000 - Date.now()
    const emulator = yield* Emulator.make({ ...options, dataSet, clockOffsetSeconds: offsetMillis / 1000 })
    const clock = shiftedClock(offsetMillis)
    return { emulator, run: (effect) => Effect.withClock(effect, clock) }
  })
