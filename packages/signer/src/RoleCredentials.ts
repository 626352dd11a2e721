/**
 * Temporary and role credentials, refreshed before they expire, with the official SDKs'
 * sources and precedence: STS `AssumeRole` (the Node SDK's `STSCredential`, tccli's
 * `TENCENTCLOUD_ROLE_ARN`, a profile's `role_arn`), the CVM/TKE instance role from the metadata
 * service (`CvmRoleCredential`) and OIDC web identity (`OIDCRoleArnCredential`, TKE's `TKE_*`
 * variables). Each is a `Credentials.Provider` that fits in `Credentials.chain`; it needs an
 * `HttpClient` to reach STS or the metadata service.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Credentials from "./Credentials.js"
import { readCredentialFile } from "./internal/credentialFiles.js"
import * as StsClient from "./internal/stsClient.js"

/**
 * Tencent Cloud's STS host, as the SDKs call it.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultStsEndpoint = "sts.tencentcloudapi.com"

/**
 * The region the SDKs send STS calls to.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultStsRegion = "ap-guangzhou"

/**
 * The CVM/TKE instance metadata root the SDKs read role credentials under.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMetadataUrl = "http://metadata.tencentyun.com/latest/meta-data/"

/**
 * STS's default lifetime of a temporary credential, in seconds (its maximum is 43200).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultDurationSeconds = 7200

/**
 * Where STS is and how long to wait for it.
 *
 * @since 0.1.0
 * @category models
 */
export interface StsOptions extends Credentials.RefreshOptions {
  /** A host (default `sts.tencentcloudapi.com`) or a URL; `http://` only towards loopback (the emulator). */
  readonly endpoint?: string | undefined
  /** `X-TC-Region` of the STS call; default `ap-guangzhou`. */
  readonly region?: string | undefined
  /** Lifetime asked for, 1–43200 seconds; default 7200. */
  readonly durationSeconds?: number | undefined
  /** The limit on one STS call; default 10 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * An STS `AssumeRole`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AssumeRoleOptions extends StsOptions {
  /** `qcs::cam::uin/<account uin>:roleName/<role name>`. */
  readonly roleArn: string
  /** Names the session in CloudAudit; default `effect-trtc-<Unix ms>`. */
  readonly roleSessionName?: string | undefined
  /** The long-term (or other temporary) credential that signs the `AssumeRole` call. */
  readonly base: Credentials.Provider
  /** A policy narrowing the role's permissions (JSON text), sent as `Policy`. */
  readonly policy?: string | undefined
  /** `ExternalId`, when the role's trust policy asks for one. */
  readonly externalId?: string | undefined
}

/**
 * An STS `AssumeRoleWithWebIdentity` (OIDC role SSO).
 *
 * @since 0.1.0
 * @category models
 */
export interface WebIdentityOptions extends StsOptions {
  /** `qcs::cam::uin/<account uin>:roleName/<role name>`. */
  readonly roleArn: string
  /** The identity provider's name in CAM (`TKE_PROVIDER_ID`). */
  readonly providerId: string
  /** The OIDC token, or an effect that reads the current one (a file a projector rotates) at each refresh. */
  readonly webIdentityToken: Redacted.Redacted<string> | Effect.Effect<Redacted.Redacted<string>, Credentials.CredentialsError>
  /** Default `effect-trtc-<Unix ms>`. */
  readonly roleSessionName?: string | undefined
}

/**
 * The instance metadata service.
 *
 * @since 0.1.0
 * @category models
 */
export interface CvmRoleOptions extends Credentials.RefreshOptions {
  /** The metadata root; default `http://metadata.tencentyun.com/latest/meta-data/`. */
  readonly metadataUrl?: string | undefined
  /** The role; default: the one the service names under `cam/security-credentials/`. */
  readonly roleName?: string | undefined
  /**
   * The limit on one metadata request; default 1 second. Off Tencent Cloud the host does not
   * resolve or answer, and a chain should move on quickly.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

const roleArnShape = /^qcs::cam::uin\/\d+:role(?:Name)?\/[\w+=,.@-]{1,128}$/
const sessionNameShape = /^[\w+=,.@-]{2,128}$/

const invalid = (source: string, problem: string, fix: string) => new Credentials.CredentialsError({ source, reason: "Invalid", problem, fix })

const checkRole = (source: string, field: string, roleArn: string, sessionName: string | undefined, durationSeconds: number) => {
  if (!roleArnShape.test(roleArn.trim())) {
    return invalid(source, `${field} is not a role ARN`, "write it as qcs::cam::uin/<account uin>:roleName/<role name> (CAM console → Roles → the role → RoleArn)")
  }
  if (sessionName !== undefined && !sessionNameShape.test(sessionName)) {
    return invalid(source, "the role session name must be 2-128 letters, digits or +=,.@-_", "choose a session name such as trtc-export")
  }
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > 43_200) {
    return invalid(source, `the duration ${durationSeconds} is not a whole number of seconds from 1 to 43200`, "ask for at most 43200 seconds (12 hours); the default is 7200")
  }
  return undefined
}

const sessionName = (given: string | undefined) =>
  given !== undefined && given.length > 0
    ? Effect.succeed(given)
    : Effect.map(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => `effect-trtc-${now}`)

const stsCall = (
  options: StsOptions,
  source: string,
  action: "AssumeRole" | "AssumeRoleWithWebIdentity",
  params: Record<string, unknown>,
  signWith: Credentials.Provider | undefined
) =>
  Effect.suspend(() => {
    const url = StsClient.stsUrl(options.endpoint ?? defaultStsEndpoint, source)
    if (url instanceof Credentials.CredentialsError) return Effect.fail(url)
    return StsClient.callSts({
      url,
      region: options.region ?? defaultStsRegion,
      action,
      params,
      signWith,
      timeout: Duration.decode(options.timeout ?? Duration.seconds(10)),
      source
    })
  })

// Effects that need the HttpClient at fetch time; the provider closes over the one in context.
const providing = <R>(build: (fetch: <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) => Effect.Effect<A, E>) => Effect.Effect<Credentials.Provider, never, R>) =>
  Effect.flatMap(Effect.context<HttpClient.HttpClient>(), (context) => build((effect) => Effect.provide(effect, context)))

const fetchAssumeRole = (options: AssumeRoleOptions, source: string) =>
  Effect.gen(function*() {
    const durationSeconds = options.durationSeconds ?? defaultDurationSeconds
    const problem = checkRole(source, "the role ARN", options.roleArn, options.roleSessionName, durationSeconds)
    if (problem !== undefined) return yield* problem
    const params: Record<string, unknown> = {
      RoleArn: options.roleArn.trim(),
      RoleSessionName: yield* sessionName(options.roleSessionName),
      DurationSeconds: durationSeconds
    }
    if (options.policy !== undefined) params["Policy"] = options.policy
    if (options.externalId !== undefined) params["ExternalId"] = options.externalId
    return yield* stsCall(options, source, "AssumeRole", params, options.base)
  })

/**
 * A role's temporary credential from STS `AssumeRole` (the SDKs' `STSCredential`), signed with
 * `base` (TC3, service `sts`, version 2018-08-13); requests then send its `Token` as
 * `X-TC-Token`. Refreshed `refreshMargin` (default 5 min) before its `ExpiredTime`.
 *
 * @since 0.1.0
 * @category providers
 */
export const assumeRole = (options: AssumeRoleOptions): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  providing((provide) =>
    Credentials.refreshing(provide(fetchAssumeRole(options, `STS AssumeRole ${options.roleArn.trim()}`)), options))

/**
 * A role's temporary credential from STS `AssumeRoleWithWebIdentity` (the SDKs'
 * `OIDCRoleArnCredential`): an unsigned call that presents the OIDC token.
 *
 * @since 0.1.0
 * @category providers
 */
export const webIdentity = (options: WebIdentityOptions): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  providing((provide) => {
    const source = `STS AssumeRoleWithWebIdentity ${options.roleArn.trim()}`
    return Credentials.refreshing(provide(fetchWebIdentity(options, source)), options)
  })

const fetchWebIdentity = (options: WebIdentityOptions, source: string) =>
  Effect.gen(function*() {
    const durationSeconds = options.durationSeconds ?? defaultDurationSeconds
    const problem = checkRole(source, "the role ARN", options.roleArn, options.roleSessionName, durationSeconds)
    if (problem !== undefined) return yield* problem
    if (options.providerId.trim().length === 0) return yield* invalid(source, "the OIDC provider id is empty", "set it to the identity provider's name in CAM (TKE_PROVIDER_ID)")
    const token = Redacted.isRedacted(options.webIdentityToken) ? options.webIdentityToken : yield* options.webIdentityToken
    const text = Redacted.value(token).trim()
    if (text.length === 0) return yield* invalid(source, "the web identity token is empty", "point TKE_WEB_IDENTITY_TOKEN_FILE at the projected service account token")
    return yield* stsCall(options, source, "AssumeRoleWithWebIdentity", {
      ProviderId: options.providerId.trim(),
      WebIdentityToken: text,
      RoleArn: options.roleArn.trim(),
      RoleSessionName: yield* sessionName(options.roleSessionName),
      DurationSeconds: durationSeconds
    }, undefined)
  })

/**
 * The CVM or TKE node's CAM role (the SDKs' `CvmRoleCredential`): the role name from
 * `<metadataUrl>cam/security-credentials/`, then its credential from `…/<role>`. When the
 * service cannot be reached or no role is bound it fails with `NotFound`, so a chain moves on.
 *
 * @since 0.1.0
 * @category providers
 */
export const cvmRole = (options: CvmRoleOptions = {}): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  providing((provide) => {
    const root = options.metadataUrl ?? defaultMetadataUrl
    const source = `CVM role (metadata ${root})`
    const fetch = Effect.suspend(() => {
      let url: URL
      try {
        url = new URL(root.endsWith("/") ? root : `${root}/`)
      } catch {
        return Effect.fail(invalid(source, `the metadata URL ${JSON.stringify(root)} is not a URL`, `use a URL such as ${defaultMetadataUrl}`))
      }
      return provide(StsClient.callMetadata({ url, roleName: options.roleName, timeout: Duration.decode(options.timeout ?? Duration.seconds(1)), source }))
    })
    return Credentials.refreshing(fetch, options)
  })

const optionalString = (name: string) =>
  Effect.map(Effect.orElseSucceed(Config.option(Config.string(name)), () => Option.none<string>()), (value) => Option.filter(Option.map(value, (v) => v.trim()), (v) => v.length > 0))

const tkeNames = ["TKE_REGION", "TKE_PROVIDER_ID", "TKE_WEB_IDENTITY_TOKEN_FILE", "TKE_ROLE_ARN"] as const

/**
 * OIDC web identity on TKE (the SDKs' `OIDCRoleArnCredential` in TKE mode), configured by
 * `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN`. The token
 * file is read again at every refresh (the kubelet rotates it). `NotFound` when none of the
 * variables is set; `Invalid`, naming the missing ones, when only some are.
 *
 * @since 0.1.0
 * @category providers
 */
export const tkeWebIdentity = (options: Omit<StsOptions, "region"> = {}): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  providing((provide) => {
    const source = "TKE OIDC (TKE_* variables)"
    const fetch = Effect.gen(function*() {
      const values = yield* Effect.all(tkeNames.map(optionalString))
      const missing = tkeNames.filter((_, i) => Option.isNone(values[i]!))
      if (missing.length === tkeNames.length) {
        return yield* new Credentials.CredentialsError({ source, reason: "NotFound", problem: "none of TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE, TKE_ROLE_ARN is set", fix: "enable OIDC on the TKE cluster (it sets the TKE_* variables), or use another credential source" })
      }
      if (missing.length > 0) {
        return yield* invalid(source, `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set (the others are)`, "set all four TKE_* variables, or none")
      }
      const [region, providerId, tokenFile, roleArn] = values.map((v) => Option.getOrThrow(v)) as [string, string, string, string]
      const token = Effect.mapError(
        Effect.map(readCredentialFile(tokenFile), Redacted.make),
        (read) => invalid(source, `TKE_WEB_IDENTITY_TOKEN_FILE ${tokenFile}: ${read.problem}`, "point it at the projected service account token file")
      )
      return yield* fetchWebIdentity({ ...options, region, providerId, roleArn, webIdentityToken: token }, source)
    })
    return Credentials.refreshing(provide(fetch), options)
  })

/**
 * tccli's role from the environment: with `TENCENTCLOUD_ROLE_ARN` (and optionally
 * `TENCENTCLOUD_ROLE_SESSION_NAME`) set, `AssumeRole` signed with the environment's
 * `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY`. `NotFound` without the role ARN.
 *
 * @since 0.1.0
 * @category providers
 */
export const envRole = (options: StsOptions = {}): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  providing((provide) => {
    const fetch = Effect.gen(function*() {
      const roleArn = yield* optionalString("TENCENTCLOUD_ROLE_ARN")
      if (Option.isNone(roleArn)) {
        return yield* new Credentials.CredentialsError({ source: "environment role", reason: "NotFound", problem: "TENCENTCLOUD_ROLE_ARN is not set", fix: "set TENCENTCLOUD_ROLE_ARN to assume a role" })
      }
      const session = yield* optionalString("TENCENTCLOUD_ROLE_SESSION_NAME")
      const source = `environment role TENCENTCLOUD_ROLE_ARN=${roleArn.value}`
      const base = yield* Effect.mapError(Credentials.fromEnv, (error) =>
        invalid(source, `TENCENTCLOUD_ROLE_ARN is set but the credential to assume it with is not usable: ${error.problem}`, error.fix))
      return yield* fetchAssumeRole({ ...options, roleArn: roleArn.value, roleSessionName: Option.getOrUndefined(session), base: Effect.succeed(base) }, source)
    })
    return Credentials.refreshing(provide(fetch), options)
  })

/**
 * A profile's role (the SDKs' and tccli's `role_arn`): in `~/.tencentcloud/credentials`, a
 * section with `role_arn` (and optionally `role_session_name`, `duration_seconds`) assumes that
 * role with the section's `secret_id` / `secret_key`. `NotFound` when the section has no
 * `role_arn`.
 *
 * @since 0.1.0
 * @category providers
 */
export const profileRole = (profile = "default", options: StsOptions = {}): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  providing((provide) => {
    const fetch = Effect.gen(function*() {
      const { section, source } = yield* Credentials.profileSection(profile)
      const roleArn = section.get("role_arn")?.trim() ?? ""
      if (roleArn.length === 0) {
        return yield* new Credentials.CredentialsError({ source, reason: "NotFound", problem: "the section has no role_arn", fix: "add role_arn = qcs::cam::uin/<uin>:roleName/<name> to assume a role" })
      }
      const duration = section.get("duration_seconds")
      const durationSeconds = duration === undefined ? options.durationSeconds : /^\d+$/.test(duration.trim()) ? Number(duration.trim()) : Number.NaN
      if (Number.isNaN(durationSeconds)) return yield* invalid(source, "duration_seconds is not a whole number", "write duration_seconds = 3600 (at most 43200), or remove it")
      const base = yield* Credentials.fromProfile(profile)
      return yield* fetchAssumeRole({ ...options, durationSeconds, roleArn, roleSessionName: section.get("role_session_name"), base: Effect.succeed(base) }, `${source} role_arn`)
    })
    return Credentials.refreshing(provide(fetch), options)
  })

/**
 * tccli's role in its credential file: `~/.tccli/<profile>.credential` with `"role-arn"` (and
 * optionally `"role-session-name"`) assumes that role with the file's `secretId` / `secretKey`;
 * with `"type": "cvm-role"` it takes the instance role (see {@link cvmRole}). `NotFound` when the
 * file is missing or has neither. The profile defaults to `TCCLI_PROFILE`, then `default`.
 *
 * @since 0.1.0
 * @category providers
 */
export const tccliRole = (
  profile?: string,
  options: StsOptions & Pick<CvmRoleOptions, "metadataUrl"> & { readonly metadataTimeout?: Duration.DurationInput | undefined } = {}
): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { metadataTimeout, metadataUrl, ...sts } = options
    const instance = yield* cvmRole({ ...sts, metadataUrl, timeout: metadataTimeout })
    return yield* providing((provide) => {
      const fetch = Effect.gen(function*() {
        const { file, name } = yield* Credentials.tccliFilePath(profile)
        const source = `tccli file ${file}`
        const text = yield* Effect.mapError(readCredentialFile(file), (read) =>
          new Credentials.CredentialsError({ source, reason: read.reason, problem: read.problem, fix: read.fix ?? `run: tccli configure --profile ${name}` }))
        let json: unknown
        try {
          json = JSON.parse(text.replace(/^\uFEFF/, ""))
        } catch {
          return yield* invalid(source, "the file is not valid JSON", `run: tccli configure --profile ${name}`)
        }
        const record = typeof json === "object" && json !== null && !Array.isArray(json) ? json as Record<string, unknown> : {}
        if (record["type"] === "cvm-role") return yield* instance
        const roleArn = typeof record["role-arn"] === "string" ? record["role-arn"].trim() : ""
        if (roleArn.length === 0) {
          return yield* new Credentials.CredentialsError({ source, reason: "NotFound", problem: "the file names no role-arn and is not \"type\": \"cvm-role\"", fix: "add \"role-arn\" to assume a role" })
        }
        const base = yield* Credentials.fromTccli(profile)
        const session = typeof record["role-session-name"] === "string" ? record["role-session-name"] : undefined
        return yield* fetchAssumeRole({ ...sts, roleArn, roleSessionName: session, base: Effect.succeed(base) }, `${source} role-arn`)
      })
      return Credentials.refreshing(provide(fetch), sts)
    })
  })

/**
 * Settings of {@link defaultChain}.
 *
 * @since 0.1.0
 * @category models
 */
export interface DefaultChainOptions extends StsOptions {
  /** The profile of `~/.tencentcloud/credentials` and tccli; default `default` (tccli: `TCCLI_PROFILE`). */
  readonly profile?: string | undefined
  /** The metadata root for the CVM role; default `http://metadata.tencentyun.com/latest/meta-data/`. */
  readonly metadataUrl?: string | undefined
  /** The limit on one metadata request; default 1 second. */
  readonly metadataTimeout?: Duration.DurationInput | undefined
  /**
   * Whether to ask the metadata service for the instance role; default `true`, as the SDKs do.
   * `false` follows tccli, which asks only with `--use-cvm-role` (a machine off Tencent Cloud then
   * fails at once instead of after `metadataTimeout`).
   */
  readonly useCvmRole?: boolean | undefined
}

/**
 * The SDKs' default chain with roles, in their order: the environment (tccli's
 * `TENCENTCLOUD_ROLE_ARN` role first, then the plain keys), the profile file (its `role_arn`
 * first), tccli's file (its `role-arn` or `"type": "cvm-role"` first), the CVM/TKE instance
 * role, then TKE OIDC. A source that is not
 * configured passes to the next; a configured but broken one stops the chain.
 *
 * @since 0.1.0
 * @category providers
 */
export const defaultChain = (options: DefaultChainOptions = {}): Effect.Effect<Credentials.Provider, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { metadataTimeout, metadataUrl, profile, useCvmRole, ...sts } = options
    return Credentials.chain([
      yield* envRole(sts),
      Credentials.fromEnv,
      yield* profileRole(profile, sts),
      Credentials.fromProfile(profile),
      yield* tccliRole(profile, { ...sts, metadataUrl, metadataTimeout }),
      Credentials.fromTccli(profile),
      ...(useCvmRole === false ? [] : [yield* cvmRole({ ...sts, metadataUrl, timeout: metadataTimeout })]),
      yield* tkeWebIdentity(sts)
    ])
  })

const layerOf = <R>(provider: Effect.Effect<Credentials.Provider, never, R>): Layer.Layer<Credentials.Credentials, never, R> =>
  Layer.unwrapEffect(Effect.map(provider, Credentials.layerFromProvider))

/**
 * `Credentials` from {@link assumeRole}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAssumeRole = (options: AssumeRoleOptions): Layer.Layer<Credentials.Credentials, never, HttpClient.HttpClient> => layerOf(assumeRole(options))

/**
 * `Credentials` from {@link webIdentity}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebIdentity = (options: WebIdentityOptions): Layer.Layer<Credentials.Credentials, never, HttpClient.HttpClient> => layerOf(webIdentity(options))

/**
 * `Credentials` from {@link cvmRole}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCvmRole = (options: CvmRoleOptions = {}): Layer.Layer<Credentials.Credentials, never, HttpClient.HttpClient> => layerOf(cvmRole(options))

/**
 * `Credentials` from {@link tkeWebIdentity}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTkeWebIdentity = (options: Omit<StsOptions, "region"> = {}): Layer.Layer<Credentials.Credentials, never, HttpClient.HttpClient> =>
  layerOf(tkeWebIdentity(options))

/**
 * `Credentials` from {@link defaultChain}: one layer for code that may run with keys, a
 * role, on a CVM or in TKE.
 *
 * @example
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Credentials from "@effect-trtc/signer/Credentials"
 * import * as RoleCredentials from "@effect-trtc/signer/RoleCredentials"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 *
 * // Keys, a role to assume (TENCENTCLOUD_ROLE_ARN or a profile's role_arn), the instance role
 * // or TKE OIDC, whichever is configured; a role's credential is renewed 5 minutes before it
 * // expires, by one STS call however many requests are in flight.
 * const credentials = RoleCredentials.layerDefault().pipe(Layer.provide(NodeHttpClient.layerUndici))
 * const whoAmI = Credentials.get.pipe(
 *   Effect.map((credential) => credential.secretId),
 *   Effect.provide(credentials)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDefault = (options: DefaultChainOptions = {}): Layer.Layer<Credentials.Credentials, never, HttpClient.HttpClient> =>
  layerOf(defaultChain(options))
