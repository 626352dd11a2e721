/**
 * A strict sliding-window limiter per action: at most `limit` accepted requests in any window
 * of `windowMs`. Refused requests are not counted, so a client that waits is served again.
 *
 * @internal
 */

/** The limiter of all actions. */
export interface SlidingWindow {
  /** `undefined` when accepted, else the count the request would have made. */
  readonly take: (key: string, nowMs: number) => number | undefined
  readonly clear: () => void
}

/** A limiter; `limit` 0 turns it off. */
export const makeSlidingWindow = (limit: number, windowMs = 1000): SlidingWindow => {
  // One ring of the last `limit` accept times per key: the request is allowed when the oldest
  // of them has left the window.
  const rings = new Map<string, { readonly times: Array<number>; next: number }>()
  return {
    take: (key, nowMs) => {
      if (limit <= 0) return undefined
      let ring = rings.get(key)
      if (ring === undefined) {
        ring = { times: new Array<number>(limit).fill(Number.NEGATIVE_INFINITY), next: 0 }
        rings.set(key, ring)
      }
      const oldest = ring.times[ring.next]!
      if (nowMs - oldest < windowMs) {
        let inWindow = 0
        for (const t of ring.times) if (nowMs - t < windowMs) inWindow++
        return inWindow + 1
      }
      ring.times[ring.next] = nowMs
      ring.next = (ring.next + 1) % limit
      return undefined
    },
    clear: () => rings.clear()
  }
}
