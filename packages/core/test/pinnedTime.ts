import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

// The generated data sets depend on the time of day of their anchor (calls start in office
// hours, the long call sits on a UTC midnight) and the emulator refuses periods outside its
// retention window, so a test anchored to the wall clock gives different answers at different
// hours. These tests run at one fixed "now" instead: the data set is generated for it, the
// emulator's clock is set to it and the client's Clock agrees, both then running in real time
// (rate limits, timeouts and retries stay real).

/**
 * The "now" of the time-sensitive tests: 2025-11-25T06:40:00Z, inside the morning window
 * (06:36–06:45 UTC) where a wall-clock anchored data set once left the examples without a
 * failed join.
 */
export const pinnedNow = 1764052800

/** Milliseconds from the wall clock to the pinned clock, fixed when the test file loads. */
export const offsetMillis = pinnedNow * 1000 - Date.now()

/** The pinned clock's offset as the emulator takes it (`clockOffsetSeconds`, `setClockOffset`). */
export const offsetSeconds = offsetMillis / 1000

/** A Clock that reads the wall clock plus `offset` ms and sleeps in real time. */
export const shiftedClock = (offset: number): Clock.Clock => {
  const live = Clock.make()
  const millis = () => live.unsafeCurrentTimeMillis() + offset
  const nanos = () => live.unsafeCurrentTimeNanos() + BigInt(Math.round(offset * 1_000_000))
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    currentTimeMillis: Effect.sync(millis),
    unsafeCurrentTimeNanos: nanos,
    currentTimeNanos: Effect.sync(nanos),
    sleep: (duration: Duration.Duration) => live.sleep(duration)
  }
}

/** The client's Clock, on the pinned emulator's time. */
export const pinnedClock = shiftedClock(offsetMillis)

/** The pinned clock's Unix seconds now (`pinnedNow` plus the seconds since the file loaded). */
export const pinnedSeconds = (): number => Math.floor(pinnedClock.unsafeCurrentTimeMillis() / 1000)

/** Runs an effect (a client of a pinned emulator) with its Clock on the pinned time. */
export const atPinnedNow = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => Effect.withClock(effect, pinnedClock)

/**
 * The data set `Emulator.make(options)` would generate, anchored at `anchor` (default
 * {@link pinnedNow}) instead of the wall clock: same defaults, lazy above the same threshold.
 */
export const generateAt = (options: Emulator.Options, anchor: number = pinnedNow): DataSet.DataSet => {
  const apps = typeof options.apps === "number"
    ? Array.from({ length: Math.max(1, options.apps) }, (_, i) => Emulator.defaultSdkAppId + i)
    : options.apps
  const roomsPerApp = options.roomsPerApp ?? 24
  const calls = (apps?.length ?? 1) * (typeof roomsPerApp === "number" ? roomsPerApp : Math.max(roomsPerApp.min, roomsPerApp.max))
  const generate: DataSet.GenerateOptions = {
    seed: options.seed ?? 1,
    anchor,
    apps,
    roomsPerApp: options.roomsPerApp,
    usersPerRoom: options.usersPerRoom,
    eventsPerHour: options.eventsPerHour,
    retentionDays: options.retentionDays
  }
  return (options.lazy ?? calls > Emulator.lazyRoomThreshold) ? DataSet.generateLazy(generate) : DataSet.generate(generate)
}

/** `Emulator.make` options at the pinned now: its data set generated for it, its clock on it. */
export const pinnedOptions = (options: Emulator.Options = {}): Emulator.Options => ({
  ...options,
  dataSet: options.dataSet ?? generateAt(options),
  clockOffsetSeconds: offsetSeconds
})
