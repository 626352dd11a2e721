import type * as Redacted from "effect/Redacted"
import type { HmacKey } from "./sha256.js"

// Keyed by the Redacted instance itself, so no secret is ever part of a cache key and a
// credential's keys are collected with it. Each credential keeps only its few newest
// (date, service) keys: a date changes once a day.
const maxEntriesPerKey = 8
const cache = new WeakMap<Redacted.Redacted<string>, Map<string, HmacKey>>()

/** The signing key for (secret key, date, service), derived once and reused. */
export const cachedSigningKey = (
  secretKey: Redacted.Redacted<string>,
  date: string,
  service: string,
  derive: () => HmacKey
): HmacKey => {
  let keys = cache.get(secretKey)
  if (keys === undefined) {
    keys = new Map()
    cache.set(secretKey, keys)
  }
  const slot = `${date}/${service}`
  const hit = keys.get(slot)
  if (hit !== undefined) return hit
  const derived = derive()
  if (keys.size >= maxEntriesPerKey) keys.delete(keys.keys().next().value!)
  keys.set(slot, derived)
  return derived
}
