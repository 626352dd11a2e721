import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/**
 * The secrets this process could leak, gathered from the environment and from credentials once
 * they are loaded, so that the last line of defence (`CliError.scrub`) can cut them out of any
 * text before it is printed. Process-wide on purpose: the scrubbing of the last error line and of
 * the loggers must know every secret, wherever it was loaded.
 */
const loaded = new Set<string>()

/** Remembers a secret value (a secret key or token) to scrub from output. */
export const remember = (secret: string): void => {
  if (secret.length >= 4) loaded.add(secret)
}

// The settings that hold secrets (the signer reads the same names through `Config`).
const secretSettings = ["TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN", "TENCENTCLOUD_TOKEN"] as const

/**
 * Remembers the secrets of the current `ConfigProvider` (the environment in `trtc`) before
 * anything can be printed, so that even an error raised before credentials are loaded is scrubbed.
 */
export const rememberConfigured: Effect.Effect<void> = Effect.forEach(secretSettings, (name) =>
  Config.option(Config.string(name)).pipe(
    Effect.map(Option.map((value) => remember(value.trim()))),
    Effect.ignore
  ), { discard: true })

/** Every secret known so far: the configured ones and any loaded. */
export const knownSecrets = (): ReadonlyArray<string> => [...loaded]
