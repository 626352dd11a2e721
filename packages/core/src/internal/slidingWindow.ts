import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"

/**
 * One use of the limiter: pending until the work it admitted ends.
 *
 * @internal
 */
interface Slot {
  /** Unix ms when the admitted work ended; `undefined` while it runs. */
  end: number | undefined
  readonly done: Deferred.Deferred<void>
}

/**
 * The last `limit` slots of one key in a ring, behind a one-permit gate.
 *
 * A slot counts from the moment its work *ends* (for `acquire`, at once): a server counts a
 * request when it arrives, which is somewhere between our start and the response, so a new
 * start a full window after the earlier response can never land in the same server window,
 * whatever the network did to either request. A waiter holds the gate while it waits, so
 * waiters go in order, and an interrupted waiter leaves the gate having taken no slot.
 *
 * @internal
 */
export const makeSlidingWindow = (limit: number, windowMillis: number) => {
  const ring = new Array<Slot | undefined>(limit).fill(undefined)
  let head = 0 // the oldest slot: the one the next start replaces
  const gate = Effect.unsafeMakeSemaphore(1)

  // Node timers may fire a millisecond before the wall clock agrees, so re-check after waking.
  const admit: Effect.Effect<Slot> = Effect.suspend(() => {
    const oldest = ring[head]
    if (oldest !== undefined && oldest.end === undefined) return Effect.zipRight(Deferred.await(oldest.done), admit)
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const wait = oldest === undefined ? 0 : oldest.end! + windowMillis - now
      if (wait > 0) return Effect.zipRight(Effect.sleep(wait), admit)
      return Effect.map(Deferred.make<void>(), (done) => {
        const slot: Slot = { end: undefined, done }
        ring[head] = slot
        head = (head + 1) % limit
        return slot
      })
    })
  })

  const release = (slot: Slot): Effect.Effect<void> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      slot.end = now
      return Deferred.succeed(slot.done, undefined)
    })

  /** Records a start that ends at once. */
  const acquire: Effect.Effect<void> = Effect.flatMap(gate.withPermits(1)(admit), release)

  /** Runs `self` in a slot that ends when `self` does (success, failure or interruption). */
  const limit_ = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(restore(gate.withPermits(1)(admit)), (slot) => Effect.ensuring(restore(self), release(slot))))

  return { acquire, limit: limit_ } as const
}
