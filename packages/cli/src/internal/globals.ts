import * as HttpProxy from "@effect-trtc/core/HttpProxy"
import * as RateLimiter from "@effect-trtc/core/RateLimiter"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import * as RedisUrl from "@effect-trtc/redis/RedisUrl"
import type * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Time from "../Time.js"
import * as ProfileFiles from "./profileFiles.js"
import * as Query from "./query.js"
import { remember } from "./secrets.js"

const invalid = (text: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(text)))

/** An integer flag whose error names the flag and the value. */
export const integer = (name: string): Options.Options<number> =>
  Options.text(name).pipe(
    Options.withPseudoName("integer"),
    Options.mapEffect((s) =>
      /^-?\d+$/.test(s.trim()) && Number.isSafeInteger(Number(s))
        ? Effect.succeed(Number(s))
        : invalid(`--${name}: ${JSON.stringify(s)} is not an integer`))
  )

/**
 * A choice flag: @effect/cli's own choice, so that shell completion offers the choices
 * (`--format <TAB>`). Its error names neither the flag nor the value; `Cli.ts` adds both.
 */
export const choice = <const A extends string>(name: string, choices: readonly [A, ...Array<A>]): Options.Options<A> =>
  Options.choice(name, choices)

/**
 * A setting a flag falls back to when it is not given: read through Effect's `Config`, so the
 * `ConfigProvider` (the environment in `trtc`, a map in tests) is the one source besides the
 * command line. Blank counts as unset, as in a shell `TRTC_ENDPOINT= trtc …`.
 */
const setting = (name: string): Config.Config<string> =>
  Config.string(name).pipe(
    Config.mapOrFail((value) =>
      value.trim() === "" ? Either.left(ConfigError.MissingData([name], `${name} is blank`)) : Either.right(value.trim()))
  )

const defaultTimeoutSeconds = Duration.toSeconds(TencentCloudClient.defaultTimeout)

/** The flags every API command accepts (issue 6: a contract other tools rely on). */
export const globalOptions = {
  endpoint: Options.text("endpoint").pipe(
    Options.withDescription("API endpoint URL or host (or TRTC_ENDPOINT); http:// only for loopback"),
    Options.withFallbackConfig(setting("TRTC_ENDPOINT")),
    Options.optional
  ),
  region: Options.text("region").pipe(
    // No fallback here: whether TENCENTCLOUD_REGION counts depends on --profile (resolveGlobals).
    Options.withDescription("region (else TENCENTCLOUD_REGION unless --profile is given, else the profile's, else ap-guangzhou)"),
    Options.optional
  ),
  profile: Options.text("profile").pipe(
    Options.withDescription("credentials profile in ~/.tencentcloud/credentials or tccli (else TENCENTCLOUD_PROFILE, TCCLI_PROFILE); given, the environment's keys and region are not used, as in tccli"),
    Options.optional
  ),
  format: choice("format", Output.formats).pipe(
    // `--output`: the name tccli and the AWS CLI give this flag.
    Options.withAlias("output"),
    Options.withDescription("output format (default: table on a terminal, ndjson otherwise)"),
    Options.optional
  ),
  query: Options.text("query").pipe(
    Options.withPseudoName("JMESPATH"),
    Options.withDescription("JMESPath applied to each record (to the whole array for --format json)"),
    Options.optional
  ),
  rps: integer("rps").pipe(
    Options.withDescription(`requests per second per action (default ${RateLimiter.defaultRps}, TRTC's limit)`),
    Options.withDefault(RateLimiter.defaultRps)
  ),
  concurrency: integer("concurrency").pipe(
    Options.withDescription("calls fetched at once (default 4)"),
    Options.withDefault(4)
  ),
  timeout: Options.text("timeout").pipe(
    Options.withDescription(`timeout per request attempt, e.g. 10s (default ${defaultTimeoutSeconds}s, the client's)`),
    Options.optional
  ),
  rateLimit: Options.text("rate-limit").pipe(
    Options.withPseudoName("redis://host:port[/db]"),
    Options.withDescription(
      "share the per-account rate limit with other processes through Redis (or TRTC_RATE_LIMIT); default: this process alone"
    ),
    Options.optional
  ),
  proxy: Options.text("proxy").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription("HTTP proxy for API requests, e.g. http://proxy:3128 (else HTTPS_PROXY/HTTP_PROXY; NO_PROXY honoured)"),
    Options.optional
  ),
  useCvmRole: Options.boolean("use-cvm-role").pipe(
    Options.withDescription(
      "also take the CVM/TKE node's CAM role from the instance metadata service (as tccli's --use-cvm-role; metadata root: TRTC_METADATA_URL, else Tencent Cloud's)"
    )
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withDescription("log requests and retries on stderr (secrets redacted)")
  )
}

/** What the global flags resolve to. */
export interface Globals {
  readonly endpoint: string | undefined
  readonly region: string
  readonly profile: string | undefined
  /** `--profile` was given: its files decide, not the environment's keys or region (tccli's rule). */
  readonly profileExplicit: boolean
  readonly format: Output.Format
  readonly query: Query.Query | undefined
  readonly rps: number
  readonly concurrency: number
  readonly timeoutMillis: number
  /** The Redis of the shared rate limiter (`--rate-limit`), its password redacted. */
  readonly rateLimit: RedisUrl.RedisUrl | undefined
  readonly verbose: boolean
  /** `--use-cvm-role`: the instance role joins the credential chain. */
  readonly useCvmRole?: boolean | undefined
  /** `TRTC_METADATA_URL`: the instance metadata root, when not Tencent Cloud's. */
  readonly metadataUrl?: string | undefined
  /** The proxy settings: `--proxy`, else the environment's. */
  readonly proxy: HttpProxy.Options
}

/** The raw parsed global flags, as @effect/cli infers them from `globalOptions`. */
export type GlobalFlags = Command.Command.ParseConfig<typeof globalOptions>

/**
 * Checks an endpoint (a URL, or a bare host name taken as https) with the client's own rule:
 * https anywhere, plain http only to loopback.
 */
export const checkEndpoint = (endpoint: string): Either.Either<string, UsageError> =>
  Either.mapBoth(TencentCloudClient.resolveEndpoint(endpoint), {
    onLeft: (error) => new UsageError({ problem: `--endpoint: ${error.problem}`, fix: error.fix }),
    onRight: (url) => url.toString().replace(/\/$/, "")
  })

/**
 * Checks the global flags (which already hold their environment fallbacks) and fills in the
 * defaults that depend on the terminal.
 */
export const resolveGlobals = (
  flags: GlobalFlags,
  isTTY: boolean
): Effect.Effect<Globals, UsageError | Time.TimeParseError> =>
  Effect.gen(function*() {
    const endpoint = Option.isSome(flags.endpoint) ? yield* checkEndpoint(flags.endpoint.value) : undefined
    if (flags.rps < 1) return yield* new UsageError({ problem: `--rps: must be at least 1, got ${flags.rps}` })
    if (flags.concurrency < 1) {
      return yield* new UsageError({ problem: `--concurrency: must be at least 1, got ${flags.concurrency}` })
    }
    const rateLimit = yield* rateLimitOf(flags.rateLimit)
    const timeoutMillis = Option.isSome(flags.timeout) ? yield* Time.parseDuration("--timeout", flags.timeout.value) : Duration.toMillis(TencentCloudClient.defaultTimeout)
    if (timeoutMillis <= 0) return yield* new UsageError({ problem: "--timeout: must be positive" })
    // tccli's precedence (tccli/services/*/\*_client.py parse_global_arg): the flag; else, only
    // when no --profile was given, the environment; else the profile's configure file.
    const profileFlag = Option.getOrUndefined(Option.map(flags.profile, (p) => p.trim()))
    const profileExplicit = profileFlag !== undefined && profileFlag !== ""
    const profile = profileExplicit ? profileFlag : (yield* optionalSetting("TENCENTCLOUD_PROFILE")) ?? (yield* optionalSetting("TCCLI_PROFILE"))
    if (profile !== undefined) {
      const invalid = ProfileFiles.checkProfileName(profile)
      if (invalid !== undefined) return yield* invalid
    }
    const regionFlag = Option.getOrUndefined(Option.map(flags.region, (r) => r.trim()))
    const region = (regionFlag === "" ? undefined : regionFlag) ??
      (profileExplicit ? undefined : yield* optionalSetting("TENCENTCLOUD_REGION")) ??
      ProfileFiles.profileRegion(yield* ProfileFiles.home, profile ?? "default") ??
      "ap-guangzhou"
    const fromEnv = HttpProxy.optionsFromEnv(yield* settings(proxySettings))
    const proxy: HttpProxy.Options = Option.isSome(flags.proxy)
      ? { ...fromEnv, proxy: Redacted.make(flags.proxy.value.trim()), proxyField: "--proxy" }
      : fromEnv
    for (const secret of HttpProxy.secretsOf(proxy)) remember(secret)
    // A bad proxy is a usage error before any request, naming where it came from.
    yield* Either.mapLeft(HttpProxy.resolve(proxy), (error) =>
      new UsageError({ problem: `${error.field}: ${error.problem}`, fix: error.fix }))
    const query = Option.isSome(flags.query) ? yield* Query.compile(flags.query.value) : undefined
    return {
      endpoint,
      region,
      profile,
      profileExplicit,
      format: Option.getOrElse(flags.format, () => Output.defaultFormat(isTTY)),
      query,
      rps: flags.rps,
      concurrency: flags.concurrency,
      timeoutMillis,
      rateLimit,
      verbose: flags.verbose,
      useCvmRole: flags.useCvmRole,
      metadataUrl: yield* optionalSetting("TRTC_METADATA_URL"),
      proxy
    }
  })

/** A setting that may be unset (or blank): undefined then, and when unreadable. */
const optionalSetting = (name: string): Effect.Effect<string | undefined> =>
  Effect.orElseSucceed(Effect.map(Config.option(setting(name)), Option.getOrUndefined), () => undefined)

/** The proxy environment, both spellings (curl's lower case wins, as HttpProxy.optionsFromEnv reads it). */
const proxySettings = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"] as const

/** Several optional settings as the record core's `HttpProxy.optionsFromEnv` reads. */
const settings = (names: ReadonlyArray<string>): Effect.Effect<Record<string, string | undefined>> =>
  Effect.map(Effect.forEach(names, (name) => Effect.map(optionalSetting(name), (value) => [name, value] as const)), Object.fromEntries)

/**
 * `--rate-limit` or `TRTC_RATE_LIMIT` parsed; its password is remembered for scrubbing and the
 * error names the source and shows the URL with the password masked.
 */
const rateLimitOf = (flag: Option.Option<string>) =>
  Effect.gen(function*() {
    // Not a withFallbackConfig of the flag: the error names where the URL came from.
    const source = Option.isSome(flag) ? "--rate-limit" : "TRTC_RATE_LIMIT"
    const raw = Option.isSome(flag)
      ? flag.value
      : Option.getOrUndefined(yield* Effect.orElseSucceed(Config.option(setting("TRTC_RATE_LIMIT")), () => Option.none<string>()))
    if (raw === undefined) return undefined
    return yield* parseRateLimit(raw, source)
  })

const parseRateLimit = (raw: string, source: string) =>
  Either.match(RedisUrl.parse(raw.trim()), {
    onLeft: (error) =>
      Effect.fail(new UsageError({ problem: `${source}: "${error.input}" is not a Redis URL: ${error.problem}`, fix: "e.g. redis://127.0.0.1:6379/0" })),
    onRight: (url) =>
      Effect.sync(() => {
        if (url.password !== undefined) remember(Redacted.value(url.password))
        return url
      })
  })
