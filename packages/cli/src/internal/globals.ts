import * as HttpProxy from "@effect-trtc/core/HttpProxy"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import type * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
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

/** A choice flag whose error names the flag, the value and the choices. */
export const choice = <const A extends string>(name: string, choices: ReadonlyArray<A>): Options.Options<A> =>
  Options.text(name).pipe(
    Options.withPseudoName(choices.join("|")),
    Options.mapEffect((s) =>
      (choices as ReadonlyArray<string>).includes(s)
        ? Effect.succeed(s as A)
        : invalid(`--${name}: unknown value ${JSON.stringify(s)} (expected one of ${choices.join(", ")})`))
  )

/** The flags every API command accepts (issue 6: a contract other tools rely on). */
export const globalOptions = {
  endpoint: Options.text("endpoint").pipe(
    Options.withDescription("API endpoint URL or host (or TRTC_ENDPOINT); http:// only for loopback"),
    Options.optional
  ),
  region: Options.text("region").pipe(
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
    Options.withDescription("requests per second per action (default 20)"),
    Options.withDefault(20)
  ),
  concurrency: integer("concurrency").pipe(
    Options.withDescription("calls fetched at once (default 4)"),
    Options.withDefault(4)
  ),
  timeout: Options.text("timeout").pipe(
    Options.withDescription("timeout per request attempt, e.g. 10s (default 10s)"),
    Options.optional
  ),
  proxy: Options.text("proxy").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription("HTTP proxy for API requests, e.g. http://proxy:3128 (else HTTPS_PROXY/HTTP_PROXY; NO_PROXY honoured)"),
    Options.optional
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
  readonly verbose: boolean
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

/** Resolves the global flags against the environment. */
export const resolveGlobals = (
  flags: GlobalFlags,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean
): Effect.Effect<Globals, UsageError | Time.TimeParseError> =>
  Effect.gen(function*() {
    const rawEndpoint = Option.getOrUndefined(flags.endpoint) ?? nonEmpty(env.TRTC_ENDPOINT)
    const endpoint = rawEndpoint === undefined ? undefined : yield* checkEndpoint(rawEndpoint)
    if (flags.rps < 1) return yield* new UsageError({ problem: `--rps: must be at least 1, got ${flags.rps}` })
    if (flags.concurrency < 1) {
      return yield* new UsageError({ problem: `--concurrency: must be at least 1, got ${flags.concurrency}` })
    }
    const timeoutMillis = Option.isSome(flags.timeout) ? yield* Time.parseDuration("--timeout", flags.timeout.value) : 10_000
    if (timeoutMillis <= 0) return yield* new UsageError({ problem: "--timeout: must be positive" })
    // tccli's precedence (tccli/services/*/\*_client.py parse_global_arg): the flag; else, only
    // when no --profile was given, the environment; else the profile's configure file.
    const profileFlag = Option.getOrUndefined(Option.map(flags.profile, (p) => p.trim()))
    const profileExplicit = profileFlag !== undefined && profileFlag !== ""
    const profile = profileExplicit ? profileFlag : nonEmpty(env.TENCENTCLOUD_PROFILE) ?? nonEmpty(env.TCCLI_PROFILE)
    if (profile !== undefined) {
      const invalid = ProfileFiles.checkProfileName(profile)
      if (invalid !== undefined) return yield* invalid
    }
    const region = nonEmpty(Option.getOrUndefined(flags.region)) ??
      (profileExplicit ? undefined : nonEmpty(env.TENCENTCLOUD_REGION)) ??
      ProfileFiles.profileRegion(ProfileFiles.homeOf(env), profile ?? "default") ??
      "ap-guangzhou"
    const fromEnv = HttpProxy.optionsFromEnv(env)
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
      verbose: flags.verbose,
      proxy
    }
  })

const nonEmpty = (s: string | undefined) => s === undefined || s.trim() === "" ? undefined : s.trim()
