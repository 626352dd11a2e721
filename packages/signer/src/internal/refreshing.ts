// The cache behind every expiring credential: one fetch in flight however many fibers ask, a
// refresh a margin before expiry, time from Effect's `Clock`.
import * as Effect from "effect/Effect"
import type { Credential, CredentialsError } from "../Credentials.js"

/** A credential with the instant it stops working. */
export interface Expiring {
  readonly credential: Credential
  /** Unix milliseconds. */
  readonly expiresAtMillis: number
}

/** When to refresh. */
export interface RefreshPolicy {
  /** Refresh this long before expiry. */
  readonly marginMillis: number
  /** After a failed refresh, keep using the still-valid credential this long before trying again. */
  readonly retryAfterFailureMillis: number
}

interface Cached {
  readonly value: Expiring
  /** Unix ms from which a `get` refreshes. */
  readonly refreshAt: number
}

/**
 * A getter over `fetch`. The fast path is a read and a clock look-up; a stale or missing
 * credential is fetched under a one-permit semaphore, and every fiber that waited finds the
 * fresh value instead of fetching again. An interrupted fetch releases the permit, so the next
 * caller fetches. A refresh that fails while the old credential is still valid keeps serving
 * it (logging a warning) rather than failing requests that would have succeeded.
 */
export const make = (
  fetch: Effect.Effect<Expiring, CredentialsError>,
  policy: RefreshPolicy
): Effect.Effect<Effect.Effect<Credential, CredentialsError>> =>
  Effect.map(Effect.makeSemaphore(1), (lock) => {
    let cached: Cached | undefined
    let retryAt = 0

    const refresh = lock.withPermits(1)(
      Effect.suspend(() =>
        Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => {
          const current = cached
          // Another fiber refreshed while this one waited for the permit.
          if (current !== undefined && now < current.refreshAt) return Effect.succeed(current.value.credential)
          const usable = current !== undefined && now < current.value.expiresAtMillis
          if (usable && now < retryAt) return Effect.succeed(current.value.credential)
          return Effect.matchEffect(fetch, {
            onFailure: (error) => {
              if (!usable) return Effect.fail(error)
              retryAt = now + policy.retryAfterFailureMillis
              return Effect.as(
                Effect.logWarning(
                  `refreshing ${error.source} failed (${error.problem}); the current credential stays in use until it expires in ${Math.round((current.value.expiresAtMillis - now) / 1000)} s`
                ),
                current.value.credential
              )
            },
            onSuccess: (value) => {
              // A lifetime shorter than twice the margin would refresh on every request: refresh
              // at half of it instead.
              const lifetime = value.expiresAtMillis - now
              const credential = link(value.credential, getter)
              cached = {
                value: { credential, expiresAtMillis: value.expiresAtMillis },
                refreshAt: value.expiresAtMillis - Math.min(policy.marginMillis, Math.max(0, lifetime) / 2)
              }
              retryAt = 0
              return Effect.succeed(credential)
            }
          })
        }))
    )

    // Runs for every request attempt: no semaphore, no allocation beyond the clock read.
    const getter: Effect.Effect<Credential, CredentialsError> = Effect.clockWith((clock) => {
      const current = cached
      return current !== undefined && clock.unsafeCurrentTimeMillis() < current.refreshAt ? Effect.succeed(current.value.credential) : refresh
    })
    return getter
  })

// A credential from a refreshing getter points back at it (non-enumerable, so it never shows in
// JSON or inspect output): a `Credentials` layer that found it through a chain then asks the
// getter on every `get` instead of keeping the first credential.
const sourceKey = Symbol.for("@effect-trtc/signer/Credentials/refreshingSource")

/** Marks `credential` as coming from `getter`. */
export const link = (credential: Credential, getter: Effect.Effect<Credential, CredentialsError>): Credential => {
  const linked = { ...credential }
  Object.defineProperty(linked, sourceKey, { value: getter, enumerable: false })
  return linked
}

/** The getter a credential came from, if it came from a refreshing one. */
export const sourceOf = (credential: Credential): Effect.Effect<Credential, CredentialsError> | undefined =>
  (credential as unknown as Record<symbol, Effect.Effect<Credential, CredentialsError> | undefined>)[sourceKey]
