// The fixed "now" of these tests, as in packages/core/test/pinnedTime.ts (copied: a package's
// tests do not import another package's test files). The emulator's data set is generated for
// it and its clock set to it; the workers' Clock agrees, both running in real time.
import * as DataSet from "@effect-trtc/emulator/DataSet"
import type * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** 2025-11-25T06:40:00Z, as in core's tests. */
export const pinnedNow = 1764052800

/** Milliseconds from the wall clock to the pinned clock, fixed when the file loads. */
export const offsetMillis = pinnedNow * 1000 - Date.now()

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

/** `Emulator.make` options at the pinned now: the data set generated for it, the clock on it. */
export const pinnedOptions = (options: Emulator.Options & { readonly apps: ReadonlyArray<number> }): Emulator.Options => ({
  ...options,
  dataSet: DataSet.generate({
    seed: options.seed ?? 1,
    anchor: pinnedNow,
    apps: options.apps,
    roomsPerApp: options.roomsPerApp,
    usersPerRoom: options.usersPerRoom,
    eventsPerHour: options.eventsPerHour,
    retentionDays: options.retentionDays
  }),
  clockOffsetSeconds: offsetMillis / 1000
})
