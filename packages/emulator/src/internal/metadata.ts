/**
 * The CVM/TKE instance metadata service's role credentials, as the SDKs read them
 * (`CvmRoleCredential` of the official Node SDK, `DefaultCvmRoleProvider` of the Go SDK):
 * `GET /latest/meta-data/cam/security-credentials/` answers the bound role's name as text, and
 * `GET …/security-credentials/<role>` a JSON document
 * `{TmpSecretId, TmpSecretKey, Token, ExpiredTime, Expiration, Code: "Success"}`.
 * The credentials come from the emulator's STS, so TRTC requests signed with them are accepted
 * until they expire.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import type * as Sts from "./sts.js"

/** Where the metadata service's paths start. */
export const pathPrefix = "/latest/meta-data/"

const rolePath = `${pathPrefix}cam/security-credentials/`

/** What the metadata service answers: plain HTTP, no API envelope. */
export interface MetadataAnswer {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/** How the metadata service behaves. */
export interface MetadataConfig {
  /** The role bound to the "instance"; `undefined`: none, the role list answers 404 as on a CVM without a role. */
  readonly roleName: string | undefined
  /** Lifetime of the role credentials it hands out. */
  readonly durationSeconds: number
}

/** The metadata service of one server. */
export interface Metadata {
  readonly answer: (path: string, nowSeconds: number) => MetadataAnswer
}

const notFound: MetadataAnswer = { status: 404, contentType: "text/plain", body: "Not Found\n" }

/** A metadata service handing out `sts`-issued credentials. */
export const make = (config: MetadataConfig, sts: Sts.Sts): Metadata => {
  let current: Sts.Issued | undefined
  // Like the real service, the same credential is handed out until half its life is gone, then
  // a new one: callers that refresh early get a fresh credential, not the one about to expire.
  const credential = (nowSeconds: number): Sts.Issued => {
    if (current === undefined || current.expiredTime - nowSeconds < config.durationSeconds / 2) {
      current = sts.issue(`qcs::cam::uin/100000000001:roleName/${config.roleName}`, "cvm-instance", config.durationSeconds, nowSeconds)
    }
    return current
  }
  return {
    answer: (path, nowSeconds) => {
      if (config.roleName === undefined || !path.startsWith(rolePath)) return notFound
      let role: string
      try {
        role = decodeURIComponent(path.slice(rolePath.length))
      } catch {
        return notFound
      }
      if (role === "") return { status: 200, contentType: "text/plain", body: config.roleName }
      if (role !== config.roleName) return notFound
      const issued = credential(nowSeconds)
      return {
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({
          TmpSecretId: issued.secretId,
          TmpSecretKey: Redacted.value(issued.secretKey),
          ExpiredTime: issued.expiredTime,
          Expiration: new Date(issued.expiredTime * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
          Token: Redacted.value(issued.token),
          Code: "Success"
        })
      }
    }
  }
}
