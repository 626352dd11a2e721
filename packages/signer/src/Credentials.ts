/**
 * Tencent Cloud API credentials and where they come from: static values, the environment,
 * the `~/.tencentcloud/credentials` profile file, tccli's `~/.tccli/<profile>.credential`, and a
 * chain of those. Secrets stay `Redacted` from the source to the HMAC.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import {
  maxCredentialFileBytes,
  parseIni,
  parseTccli,
  type RawCredential,
  readCredentialFile,
  validate
} from "./internal/credentialFiles.js"
import * as Refreshing from "./internal/refreshing.js"

/**
 * A SecretId with its SecretKey and, for temporary credentials, the session token sent as
 * `X-TC-Token`. Printing, JSON-encoding or inspecting it shows `<redacted>` for both secrets.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credential {
  readonly secretId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
  /** For a temporary credential: when it stops working (Unix milliseconds, `ExpiredTime`). */
  readonly expiresAtMillis?: number | undefined
}

/**
 * Why no usable credential was found: which `source` was read, the `problem`, and the `fix`.
 * `reason` is `NotFound` when the source is simply not configured (a chain moves on) and
 * `Invalid` when it is configured but broken (a chain stops, rather than silently using
 * another identity). Never carries a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsError extends Schema.TaggedError<CredentialsError>()("CredentialsError", {
  source: Schema.String,
  reason: Schema.Literal("NotFound", "Invalid"),
  problem: Schema.String,
  fix: Schema.String,
  /** For a chain: each source tried, with its problem. */
  tried: Schema.optional(Schema.Array(Schema.String))
}) {
  override get message(): string {
    return `${this.source}: ${this.problem} — ${this.fix}`
  }
}

/**
 * The service that yields the credential to sign with. `get` is cheap after the first success:
 * providers keep the loaded credential, so its `Redacted` key stays the same instance and the
 * derived signing key cache keeps hitting.
 *
 * @since 0.1.0
 * @category tags
 */
export class Credentials extends Context.Tag("@effect-trtc/signer/Credentials")<
  Credentials,
  { readonly get: Effect.Effect<Credential, CredentialsError> }
>() {
  /** See {@link layerStatic}. */
  static readonly layerStatic = (input: StaticInput): Layer.Layer<Credentials> => layerStatic(input)
  /** See {@link layerEnv}. */
  static get layerEnv(): Layer.Layer<Credentials> {
    return layerEnv
  }

  /** See {@link layerProfile}. */
  static readonly layerProfile = (profile?: string): Layer.Layer<Credentials> => layerProfile(profile)
  /** See {@link layerTccli}. */
  static readonly layerTccli = (profile?: string): Layer.Layer<Credentials> => layerTccli(profile)
  /** See {@link layerChain}. */
  static readonly layerChain = (providers: ReadonlyArray<Provider>): Layer.Layer<Credentials> => layerChain(providers)
  /** See {@link layerDefault}. */
  static get layerDefault(): Layer.Layer<Credentials> {
    return layerDefault
  }
}

/**
 * A loader of one credential source: what `Credentials.get` runs until it succeeds once.
 *
 * @since 0.1.0
 * @category models
 */
export type Provider = Effect.Effect<Credential, CredentialsError>

const toCredential = (
  source: string,
  raw: RawCredential,
  names: { readonly secretId: string; readonly secretKey: string; readonly token: string },
  notFoundIsInvalid = false
): Effect.Effect<Credential, CredentialsError> => {
  const result = validate(raw, names)
  if ("problem" in result) {
    return Effect.fail(new CredentialsError({ source, ...result, reason: notFoundIsInvalid ? "Invalid" : result.reason }))
  }
  return Effect.succeed({
    secretId: result.secretId,
    secretKey: Redacted.make(result.secretKey),
    token: result.token === undefined ? Option.none() : Option.some(Redacted.make(result.token))
  })
}

/**
 * Validates a credential given in code: trims the values and checks their shape.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: StaticInput, source = "static credential"): Effect.Effect<Credential, CredentialsError> => {
  const reveal = (value: string | Redacted.Redacted<string> | undefined) =>
    value === undefined || typeof value === "string" ? value : Redacted.value(value)
  return toCredential(
    source,
    { secretId: input.secretId, secretKey: reveal(input.secretKey), token: reveal(input.token) },
    { secretId: "secretId", secretKey: "secretKey", token: "token" },
    true
  )
}

/**
 * A credential given in code.
 *
 * @since 0.1.0
 * @category models
 */
export interface StaticInput {
  readonly secretId: string
  readonly secretKey: string | Redacted.Redacted<string>
  readonly token?: string | Redacted.Redacted<string> | undefined
}

// Keeps the first success; a failure is retried on the next call (a file may appear later).
// A credential from a refreshing provider (see `refreshing`) keeps its provider instead: every
// later call asks it, so rotation needs no restart and the chain is not run again.
const memoize = (load: Provider): Effect.Effect<Provider> =>
  Effect.sync(() => {
    let loaded: Credential | undefined
    let source: Provider | undefined
    return Effect.suspend(() =>
      source !== undefined ? source : loaded !== undefined ? Effect.succeed(loaded) : Effect.tap(load, (credential) => {
        source = Refreshing.sourceOf(credential)
        if (source === undefined) loaded = credential
      }))
  })

/**
 * How a refreshing provider renews its credential.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshOptions {
  /** Refresh this long before `ExpiredTime`; default 5 minutes. */
  readonly refreshMargin?: Duration.DurationInput | undefined
  /** After a failed refresh, keep using the still-valid credential this long before trying again; default 10 seconds. */
  readonly retryAfterFailure?: Duration.DurationInput | undefined
}

/**
 * Makes a provider of expiring credentials from `fetch`, which must answer a credential with
 * `expiresAtMillis` (one without it is kept for good). The provider fetches on first use and
 * again `refreshMargin` before expiry, once however many fibers ask at the same time (they wait
 * for that one fetch); time comes from Effect's `Clock`. A fiber interrupted while fetching
 * lets the next caller fetch. If a refresh fails while the credential is still valid, the
 * credential stays in use (a warning is logged) and the refresh is retried after
 * `retryAfterFailure`; once it has expired the failure is returned.
 *
 * In a {@link chain} under a `Credentials` layer, a refreshing provider that answers is asked
 * again on every `get`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const refreshing = (fetch: Provider, options: RefreshOptions = {}): Effect.Effect<Provider> =>
  Refreshing.make(
    Effect.map(fetch, (credential) => ({ credential, expiresAtMillis: credential.expiresAtMillis ?? Number.POSITIVE_INFINITY })),
    {
      marginMillis: Duration.toMillis(options.refreshMargin ?? Duration.minutes(5)),
      retryAfterFailureMillis: Duration.toMillis(options.retryAfterFailure ?? Duration.seconds(10))
    }
  )

/**
 * A `Credentials` layer from a provider effect, loaded on first use and then kept (a
 * refreshing provider is asked on every use; see {@link refreshing}).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromProvider = (provider: Provider): Layer.Layer<Credentials> =>
  Layer.effect(Credentials, Effect.map(memoize(provider), (get) => Credentials.of({ get })))

/**
 * Fixed credentials (validated when first used).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (input: StaticInput): Layer.Layer<Credentials> => layerFromProvider(make(input))

const envNames = {
  secretId: "TENCENTCLOUD_SECRET_ID",
  secretKey: "TENCENTCLOUD_SECRET_KEY",
  token: "TENCENTCLOUD_SESSION_TOKEN"
} as const

// An empty variable counts as set (so "TENCENTCLOUD_SECRET_KEY is empty" can be reported);
// callers decide what empty means.
const optionalString = (name: string) => Config.option(Config.string(name))
const nonEmpty = (value: Option.Option<string>) => Option.filter(value, (v) => v.trim().length > 0)

/**
 * Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and the token from
 * `TENCENTCLOUD_SESSION_TOKEN` (the SDKs' name) or `TENCENTCLOUD_TOKEN` (tccli's), through
 * Effect's `Config`, so a `ConfigProvider` can stand in for the environment.
 *
 * @since 0.1.0
 * @category providers
 */
export const fromEnv: Provider = Effect.gen(function*() {
  const source = "environment"
  const read = Effect.mapError(
    Config.all([
      optionalString(envNames.secretId),
      optionalString(envNames.secretKey),
      optionalString(envNames.token),
      optionalString("TENCENTCLOUD_TOKEN")
    ]),
    () => new CredentialsError({ source, reason: "Invalid", problem: "the environment could not be read", fix: "check the TENCENTCLOUD_* variables" })
  )
  const [secretId, secretKey, sessionToken, tccliToken] = yield* read
  const token = Option.orElse(nonEmpty(sessionToken), () => nonEmpty(tccliToken))
  const tokenName = Option.isSome(nonEmpty(sessionToken)) || Option.isNone(nonEmpty(tccliToken)) ? envNames.token : "TENCENTCLOUD_TOKEN"
  return yield* toCredential(
    source,
    {
      secretId: Option.getOrUndefined(secretId),
      secretKey: Option.getOrUndefined(secretKey),
      token: Option.getOrUndefined(token)
    },
    { ...envNames, token: tokenName }
  )
}).pipe(Effect.withSpan("Credentials.fromEnv"))

/**
 * Credentials from the environment.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEnv: Layer.Layer<Credentials> = layerFromProvider(fromEnv)

const homeDirectory = Effect.map(
  Effect.orElseSucceed(optionalString("HOME"), () => Option.none<string>()),
  (home) => Option.getOrElse(Option.filter(home, (h) => h.length > 0), () => os.homedir())
)

const readText = (file: string, source: string, createFix: string) =>
  Effect.mapError(readCredentialFile(file), (read) =>
    new CredentialsError({
      source,
      reason: read.reason,
      problem: read.problem,
      fix: read.reason === "NotFound"
        ? createFix
        : read.fix !== undefined
          ? read.fix
          : `replace it with a regular file (at most ${maxCredentialFileBytes} bytes, chmod 600) holding the credentials, or ${createFix}`
    }))

// A key file others can read is a key others can use; say so, but do not refuse to work.
const warnIfWorldReadable = (file: string) =>
  Effect.promise(() => fs.stat(file).then((stat) => stat.mode, () => 0)).pipe(
    Effect.flatMap((mode) =>
      process.platform !== "win32" && (mode & 0o004) !== 0
        ? Effect.logWarning(`credential file ${file} is readable by every user; run: chmod 600 ${file}`)
        : Effect.void)
  )

/**
 * The path of the profile file: `TENCENTCLOUD_CREDENTIALS_FILE` (as the Go SDK honours) or
 * `$HOME/.tencentcloud/credentials`.
 *
 * @since 0.1.0
 * @category providers
 */
export const profileFilePath: Effect.Effect<string> = Effect.gen(function*() {
  const explicit = yield* Effect.orElseSucceed(optionalString("TENCENTCLOUD_CREDENTIALS_FILE"), () => Option.none<string>())
  if (Option.isSome(explicit) && explicit.value.trim().length > 0) return explicit.value.trim()
  return path.join(yield* homeDirectory, ".tencentcloud", "credentials")
})

/**
 * Reads a profile (default `default`) of the INI file `~/.tencentcloud/credentials`: keys
 * `secret_id`, `secret_key` and optional `token`.
 *
 * @since 0.1.0
 * @category providers
 */
export const fromProfile = (profile = "default"): Provider =>
  Effect.gen(function*() {
    const { section, source } = yield* profileSection(profile)
    return yield* toCredential(
      source,
      { secretId: section.get("secret_id"), secretKey: section.get("secret_key"), token: section.get("token") },
      { secretId: "secret_id", secretKey: "secret_key", token: "token" },
      true
    )
  }).pipe(Effect.withSpan("Credentials.fromProfile"))

/**
 * One profile of the INI file `~/.tencentcloud/credentials` (see {@link profileFilePath}): its
 * keys (lowercased) and values, and the `source` to name in errors. For providers that read
 * more than the secret, such as a profile's `role_arn`. Fails with `NotFound` when the file or
 * the section is missing.
 *
 * @since 0.1.0
 * @category providers
 */
export const profileSection = (profile = "default"): Effect.Effect<
  { readonly source: string; readonly section: ReadonlyMap<string, string> },
  CredentialsError
> =>
  Effect.gen(function*() {
    const file = yield* profileFilePath
    const source = `profile file ${file} [${profile}]`
    const text = yield* readText(
      file,
      source,
      `create it with a [${profile}] section holding secret_id = … and secret_key = … (chmod 600), or set TENCENTCLOUD_CREDENTIALS_FILE`
    )
    yield* warnIfWorldReadable(file)
    if (text.trim().length === 0) {
      return yield* new CredentialsError({ source, reason: "Invalid", problem: "the file is empty", fix: `add a [${profile}] section with secret_id and secret_key` })
    }
    const ini = parseIni(text)
    if (!(ini instanceof Map)) {
      return yield* new CredentialsError({ source, reason: "Invalid", problem: `line ${ini.line}: ${ini.problem}`, fix: "write it as [profile] followed by key = value lines" })
    }
    const section = ini.get(profile)
    if (section === undefined) {
      const known = [...ini.keys()]
      return yield* new CredentialsError({
        source,
        reason: "NotFound",
        problem: `there is no [${profile}] section${known.length > 0 ? ` (found: ${known.join(", ")})` : ""}`,
        fix: `add a [${profile}] section, or choose one of the existing profiles`
      })
    }
    return { source, section }
  })

/**
 * Credentials from a profile of `~/.tencentcloud/credentials`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerProfile = (profile?: string): Layer.Layer<Credentials> => layerFromProvider(fromProfile(profile))

/**
 * Where tccli keeps a profile's credential: `$HOME/.tccli/<profile>.credential`, the profile
 * defaulting to `TCCLI_PROFILE`, then `default`.
 *
 * @since 0.1.0
 * @category providers
 */
export const tccliFilePath = (profile?: string): Effect.Effect<{ readonly file: string; readonly name: string }> =>
  Effect.gen(function*() {
    const name = profile ?? Option.getOrElse(
      yield* Effect.orElseSucceed(optionalString("TCCLI_PROFILE"), () => Option.none<string>()),
      () => "default"
    )
    return { file: path.join(yield* homeDirectory, ".tccli", `${name}.credential`), name }
  })

/**
 * Reads tccli's `~/.tccli/<profile>.credential` JSON (`secretId`, `secretKey`, `token`); the
 * profile defaults to `TCCLI_PROFILE`, then `default`, as tccli does.
 *
 * @since 0.1.0
 * @category providers
 */
export const fromTccli = (profile?: string): Provider =>
  Effect.gen(function*() {
    const { file, name } = yield* tccliFilePath(profile)
    const source = `tccli file ${file}`
    const text = yield* readText(file, source, `run: tccli configure --profile ${name}`)
    yield* warnIfWorldReadable(file)
    if (text.trim().length === 0) {
      return yield* new CredentialsError({ source, reason: "Invalid", problem: "the file is empty", fix: `run: tccli configure --profile ${name}` })
    }
    const raw = parseTccli(text)
    if (typeof raw === "string") {
      return yield* new CredentialsError({ source, reason: "Invalid", problem: raw, fix: `run: tccli configure --profile ${name}` })
    }
    return yield* toCredential(source, raw, { secretId: "secretId", secretKey: "secretKey", token: "token" }, true)
  }).pipe(Effect.withSpan("Credentials.fromTccli"))

/**
 * Credentials from tccli's credential file.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTccli = (profile?: string): Layer.Layer<Credentials> => layerFromProvider(fromTccli(profile))

/**
 * Tries providers in order. A source that is not configured (`NotFound`) passes to the next;
 * a configured but broken one stops the chain. When none has credentials, the error lists
 * every source tried and why.
 *
 * @since 0.1.0
 * @category providers
 */
export const chain = (providers: ReadonlyArray<Provider>): Provider =>
  Effect.suspend(() => {
    const tried: Array<string> = []
    const step = (i: number): Provider =>
      i >= providers.length
        ? Effect.fail(
            new CredentialsError({
              source: "credential chain",
              reason: "NotFound",
              problem: `no credentials found (tried ${tried.join("; ")})`,
              fix: "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or write ~/.tencentcloud/credentials, or run tccli configure",
              tried
            })
          )
        : Effect.catchIf(providers[i]!, (error) => error.reason === "NotFound", (error) => {
            tried.push(`${error.source}: ${error.problem}`)
            return step(i + 1)
          })
    return step(0)
  })

/**
 * Environment, then the profile file (`profile`, default `default`), then tccli's file.
 *
 * @since 0.1.0
 * @category providers
 */
export const fromDefaultChain = (profile?: string): Provider => chain([fromEnv, fromProfile(profile), fromTccli(profile)])

/**
 * A `Credentials` layer over {@link chain}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerChain = (providers: ReadonlyArray<Provider>): Layer.Layer<Credentials> => layerFromProvider(chain(providers))

/**
 * The default chain as a layer: environment → profile file → tccli.
 *
 * @example
 * ```ts
 * import * as Credentials from "@effect-trtc/signer/Credentials"
 * import * as Effect from "effect/Effect"
 *
 * // Which identity requests would be signed with. The secrets stay `Redacted`, and a missing
 * // credential is a `CredentialsError` naming each source tried and the fix.
 * const whoAmI: Effect.Effect<string> = Credentials.get.pipe(
 *   Effect.map((credential) => `signing as ${credential.secretId}`),
 *   Effect.catchTag("CredentialsError", (error) => Effect.succeed(`no credential: ${error.message}`)),
 *   Effect.provide(Credentials.layerDefault)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDefault: Layer.Layer<Credentials> = layerFromProvider(fromDefaultChain())

/**
 * The default chain for a named profile (for a `--profile` flag).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDefaultProfile = (profile: string): Layer.Layer<Credentials> => layerFromProvider(fromDefaultChain(profile))

/**
 * The `Credentials.get` of the current context.
 *
 * @since 0.1.0
 * @category accessors
 */
export const get: Effect.Effect<Credential, CredentialsError, Credentials> = Effect.flatMap(Credentials, (c) => c.get)
