import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/**
 * The last `limit` start times of one key in a ring, behind a one-permit gate. A waiter holds
 * the gate while it sleeps: waiters queue behind it in order, and an interrupted waiter leaves
 * the gate without having recorded a start, so no slot is lost.
 *
 * @internal
 */
export const makeSlidingWindow = (limit: number, windowMillis: number) => {
  const starts = new Array<number>(limit).fill(0)
  let count = 0
  let head = 0 // index of the oldest recorded start once the ring is full
  const gate = Effect.unsafeMakeSemaphore(1)

  const record = (now: number) => {
    if (count < limit) {
      starts[(head + count) % limit] = now
      count++
    } else {
      starts[head] = now
      head = (head + 1) % limit
    }
  }

  // Node timers may fire a millisecond before the wall clock agrees, so re-check after waking.
  const admit: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    // A start at `now` is allowed when the start `limit` places earlier is a full window ago.
    const wait = count < limit ? 0 : starts[head]! + windowMillis - now
    if (wait <= 0) return Effect.sync(() => record(now))
    return Effect.zipRight(Effect.sleep(wait), admit)
  })

  const acquire: Effect.Effect<void> = gate.withPermits(1)(admit)

  return { acquire } as const
}
