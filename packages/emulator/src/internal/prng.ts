/**
 * Small deterministic pseudo-random tools shared by the data set and the fault decider.
 * Nothing here reads `Math.random` or the clock: every stream of numbers is a pure function
 * of its seed, so a data set or a fault schedule can be reproduced byte for byte.
 *
 * @internal
 */

/** A seeded source of uniform numbers in [0, 1). */
export interface Rng {
  /** Uniform float in [0, 1). */
  readonly next: () => number
}

/**
 * mulberry32: 32 bits of state, one multiply-xorshift round per number. Tiny and fast, and
 * good enough for synthetic data (it is not a cryptographic generator).
 */
export const mulberry32 = (seed: number): Rng => {
  let state = seed >>> 0
  return {
    next: () => {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
}

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
export const mix32 = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * Hashes a list of numbers and strings to 32 bits (FNV-1a over UTF-16 code units, then
 * mixed). Used to derive independent seeds for each room, session and quality sample, so
 * any one of them can be regenerated without replaying the ones before it.
 */
export const hash32 = (...parts: ReadonlyArray<number | string>): number => {
  let h = 0x811c9dc5
  for (const part of parts) {
    if (typeof part === "number") {
      // Split into two 32-bit halves so large integers (ms timestamps) keep all their bits.
      const lo = part >>> 0
      const hi = Math.floor(part / 4294967296) >>> 0
      h = Math.imul(h ^ lo, 0x01000193)
      h = Math.imul(h ^ hi, 0x01000193)
    } else {
      for (let i = 0; i < part.length; i++) {
        h = Math.imul(h ^ part.charCodeAt(i), 0x01000193)
      }
    }
    // A separator so ("ab", "c") and ("a", "bc") hash apart.
    h = Math.imul(h ^ 0xff, 0x01000193)
  }
  return mix32(h)
}

/** Uniform float in [0, 1) from a hash of the parts: a stateless random draw. */
export const unit = (...parts: ReadonlyArray<number | string>): number => hash32(...parts) / 4294967296

/** Uniform integer in [min, max] (both inclusive). */
export const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng.next() * (max - min + 1))

/** True with probability p. */
export const chance = (rng: Rng, p: number): boolean => rng.next() < p

/** One element of a non-empty array. */
export const pick = <A>(rng: Rng, items: ReadonlyArray<A>): A => items[Math.floor(rng.next() * items.length)]!

/** One element chosen by weight (weights need not sum to 1). */
export const weighted = <A>(rng: Rng, items: ReadonlyArray<readonly [A, number]>): A => {
  let total = 0
  for (const [, w] of items) total += w
  let r = rng.next() * total
  for (const [item, w] of items) {
    r -= w
    if (r < 0) return item
  }
  return items[items.length - 1]![0]
}
