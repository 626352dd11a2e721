import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

// Effect's live clock (the default service): under it a timer is a plain `setTimeout`.
const liveClock = Effect.runSync(Effect.clock)

/**
 * `Effect.timeoutFail` for one API attempt, with one forked fiber instead of two: the attempt
 * runs in a child fiber and the caller waits for it or for a timer, whichever comes first.
 * `Effect.timeoutFail` forks both the effect and a sleeping fiber, joins the winner's
 * FiberRefs and waits for the sleeper's interruption on every success, ~130 µs of CPU per
 * request at 16 in flight (bench/results/client.md). An attempt changes no FiberRef that
 * outlives it, so nothing is joined back. On a timeout the attempt is interrupted (and awaited)
 * before the failure; interrupting the caller interrupts the attempt. Under any other clock
 * (`TestClock`) this is `Effect.timeoutFail` itself.
 *
 * @internal
 */
export const timeoutFail = <A, E, E2>(
  self: Effect.Effect<A, E>,
  millis: number,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.clockWith((clock) =>
    clock !== liveClock
      ? Effect.timeoutFail(self, { duration: millis, onTimeout })
      : Effect.flatMap(Effect.fork(self), (child) =>
          Effect.async<A, E | E2>((resume) => {
            let done = false
            const timer = setTimeout(() => {
              if (done) return
              done = true
              resume(Effect.zipRight(Fiber.interrupt(child), Effect.fail(onTimeout())))
            }, millis)
            child.addObserver((exit) => {
              if (done) return
              done = true
              clearTimeout(timer)
              resume(exit)
            })
            return Effect.suspend(() => {
              clearTimeout(timer)
              return Fiber.interrupt(child)
            })
          })))
