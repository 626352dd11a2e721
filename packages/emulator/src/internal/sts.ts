/**
 * The emulator's STS (`sts`, version `2018-08-13`): `AssumeRole` (signed with a known
 * credential) and `AssumeRoleWithWebIdentity` (unsigned, as the SDKs send it) issue temporary
 * credentials that expire on the emulator's clock. TRTC requests signed with an issued
 * credential are accepted with its token until `ExpiredTime`, then answered
 * `AuthFailure.TokenFailure`, as a revoked one is.
 *
 * Response shape from the STS API docs (cloud.tencent.com/document/api/1312/48197) and the
 * official Node SDK's `STSCredential` / `OIDCRoleArnCredential`, which read
 * `Credentials.{TmpSecretId,TmpSecretKey,Token}`, `ExpiredTime` (Unix s) and `Expiration`.
 *
 * @internal
 */
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { randomBytes } from "node:crypto"
import { ApiFailure, apiFailure } from "./apiError.js"

/** The STS API version the SDKs call. */
export const version = "2018-08-13"

/** The STS actions the emulator serves. */
export const actions: ReadonlySet<string> = new Set(["AssumeRole", "AssumeRoleWithWebIdentity"])

/** How the STS behaves. */
export interface StsConfig {
  /** Lifetime when a request sends no `DurationSeconds` (the API's default: 7200). */
  readonly defaultDurationSeconds: number
  /** Web identity tokens `AssumeRoleWithWebIdentity` accepts; `undefined`: any non-empty one. */
  readonly webIdentityTokens: ReadonlyArray<Redacted.Redacted<string>> | undefined
}

/** A temporary credential the emulator issued. */
export interface Issued {
  readonly secretId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly token: Redacted.Redacted<string>
  /** Unix seconds of the emulator clock. */
  readonly expiredTime: number
  readonly roleArn: string
  readonly sessionName: string
}

/** The STS state of one server. */
export interface Sts {
  /** The SecretKey of an issued credential (expired ones too: their signature verifies, their token does not). */
  readonly lookup: (secretId: string) => Option.Option<Redacted.Redacted<string>>
  /** `undefined` when `secretId` was not issued here; else the token check's failure, or `null` when accepted. */
  readonly checkToken: (secretId: string, sent: string | undefined, nowSeconds: number) => ApiFailure | null | undefined
  /** Answers an STS action whose caller is authenticated (or needs none). */
  readonly answer: (action: string, params: Readonly<Record<string, unknown>>, nowSeconds: number) => Record<string, unknown> | ApiFailure
  /** Issues a credential directly (the metadata service's role credentials). */
  readonly issue: (roleArn: string, sessionName: string, durationSeconds: number, nowSeconds: number) => Issued
  /** Revokes every issued credential: their next request gets `AuthFailure.TokenFailure`. */
  readonly revokeAll: () => number
  /** How many credentials were issued so far. */
  readonly issuedCount: () => number
}

// The API's limits: DurationSeconds at most 43200 (12 h); a role ARN `qcs::cam::uin/<uin>:roleName/<name>`
// (or `…:role/…`); a session name of 2-128 of `[\w+=,.@-]`.
const maxDurationSeconds = 43_200
const roleArnShape = /^qcs::cam::uin\/\d+:role(?:Name)?\/[\w+=,.@-]{1,128}$/
const sessionNameShape = /^[\w+=,.@-]{2,128}$/

// Parameters arrive as JSON values (POST) or strings (GET / form).
const text = (params: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = params[name]
  return typeof value === "string" ? value : undefined
}

/** The parameters as they may be logged: the web identity token is a secret. */
export const loggable = (params: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...params }
  if (copy["WebIdentityToken"] !== undefined) copy["WebIdentityToken"] = "<redacted>"
  return copy
}

const random = (bytes: number) => randomBytes(bytes).toString("base64url").replace(/[-_]/g, "x")

/** The STS of one server. */
export const make = (config: StsConfig): Sts => {
  const issued = new Map<string, Issued>()
  const revoked = new Set<string>()
  let count = 0

  const issue = (roleArn: string, sessionName: string, durationSeconds: number, nowSeconds: number): Issued => {
    count++
    // A long run issues credentials for ever: forget those expired a day ago (their requests are
    // then SecretIdNotFound, as a long-deleted key's are).
    if (count % 256 === 0) {
      for (const [secretId, old] of issued) {
        if (old.expiredTime < nowSeconds - 86_400) {
          issued.delete(secretId)
          revoked.delete(secretId)
        }
      }
    }
    const credential: Issued = {
      // Issued SecretIds start with AKID like long-term ones; the counter keeps them unique.
      secretId: `AKIDTMP${String(count).padStart(6, "0")}${random(18).slice(0, 24)}`,
      secretKey: Redacted.make(random(24)),
      token: Redacted.make(`emulator-sts-token-${random(36)}`),
      expiredTime: nowSeconds + durationSeconds,
      roleArn,
      sessionName
    }
    issued.set(credential.secretId, credential)
    return credential
  }

  const duration = (params: Readonly<Record<string, unknown>>): number | ApiFailure => {
    const value = params["DurationSeconds"]
    if (value === undefined || value === "") return config.defaultDurationSeconds
    const seconds = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : Number.NaN
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > maxDurationSeconds) {
      return apiFailure("InvalidParameter.ParamError", `The value of parameter \`DurationSeconds\` is invalid: expected whole seconds from 1 to ${maxDurationSeconds}.`)
    }
    return seconds
  }

  const respond = (credential: Issued): Record<string, unknown> => ({
    Credentials: {
      Token: Redacted.value(credential.token),
      TmpSecretId: credential.secretId,
      TmpSecretKey: Redacted.value(credential.secretKey)
    },
    ExpiredTime: credential.expiredTime,
    Expiration: new Date(credential.expiredTime * 1000).toISOString().replace(/\.\d{3}Z$/, "Z")
  })

  const answer = (action: string, params: Readonly<Record<string, unknown>>, nowSeconds: number): Record<string, unknown> | ApiFailure => {
    const roleArn = text(params, "RoleArn")
    if (roleArn === undefined || roleArn === "") return apiFailure("MissingParameter", "The request is missing a required parameter `RoleArn`.")
    if (!roleArnShape.test(roleArn)) {
      return apiFailure("InvalidParameter.ParamError", "The value of parameter `RoleArn` is invalid: expected qcs::cam::uin/<uin>:roleName/<role name>.")
    }
    const sessionName = text(params, "RoleSessionName")
    if (sessionName === undefined || sessionName === "") return apiFailure("MissingParameter", "The request is missing a required parameter `RoleSessionName`.")
    if (!sessionNameShape.test(sessionName)) {
      return apiFailure("InvalidParameter.ParamError", "The value of parameter `RoleSessionName` is invalid: expected 2-128 letters, digits or +=,.@-_.")
    }
    const seconds = duration(params)
    if (seconds instanceof ApiFailure) return seconds
    if (action === "AssumeRoleWithWebIdentity") {
      if ((text(params, "ProviderId") ?? "") === "") return apiFailure("MissingParameter", "The request is missing a required parameter `ProviderId`.")
      const token = text(params, "WebIdentityToken") ?? ""
      if (token === "") return apiFailure("MissingParameter", "The request is missing a required parameter `WebIdentityToken`.")
      if (config.webIdentityTokens !== undefined && !config.webIdentityTokens.some((accepted) => Redacted.value(accepted) === token)) {
        return apiFailure("InvalidParameter.WebIdentityTokenError", "The `WebIdentityToken` is invalid or expired.")
      }
    }
    return respond(issue(roleArn, sessionName, seconds, nowSeconds))
  }

  return {
    lookup: (secretId) => Option.map(Option.fromNullable(issued.get(secretId)), (credential) => credential.secretKey),
    checkToken: (secretId, sent, nowSeconds) => {
      const credential = issued.get(secretId)
      if (credential === undefined) return undefined
      if (sent === undefined || sent === "") return apiFailure("AuthFailure.TokenFailure", "The `X-TC-Token` is missing: temporary credentials require their token.")
      if (sent !== Redacted.value(credential.token)) return apiFailure("AuthFailure.TokenFailure", "The `X-TC-Token` is invalid or expired.")
      if (revoked.has(secretId)) return apiFailure("AuthFailure.TokenFailure", "The temporary credential has been revoked: get a new one.")
      if (nowSeconds >= credential.expiredTime) return apiFailure("AuthFailure.TokenFailure", "The temporary credential has expired: get a new one before `ExpiredTime`.")
      return null
    },
    answer,
    issue,
    revokeAll: () => {
      for (const secretId of issued.keys()) revoked.add(secretId)
      return issued.size
    },
    issuedCount: () => count
  }
}
