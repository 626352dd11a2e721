// The HTTP side of the role providers: STS calls (signed AssumeRole, unsigned
// AssumeRoleWithWebIdentity) and the instance metadata service. Responses carry secrets, so
// no message here ever quotes a response body or a parse error (which would echo values):
// problems name fields and codes only.
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { type Credential, CredentialsError, make as makeCredential } from "../Credentials.js"
import * as Signing from "../Signing.js"

/** The STS API version the SDKs call (`sts.tencentcloudapi.com`, 2018-08-13). */
export const stsVersion = "2018-08-13"

const loopback = new Set(["127.0.0.1", "localhost", "[::1]", "::1"])

/**
 * An STS endpoint as a URL: a host means `https://host/`; `http://` only towards loopback,
 * since the answer holds a secret key.
 */
export const stsUrl = (endpoint: string, source: string): URL | CredentialsError => {
  const trimmed = endpoint.trim()
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`)
  } catch {
    return new CredentialsError({ source, reason: "Invalid", problem: `the STS endpoint ${JSON.stringify(endpoint)} is not a host or URL`, fix: "use a host such as sts.tencentcloudapi.com or a URL such as https://sts.tencentcloudapi.com" })
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback.has(url.hostname))) {
    return new CredentialsError({ source, reason: "Invalid", problem: `the STS endpoint ${url.origin} is not https (its answer holds a secret key)`, fix: "use https://, or http:// only to 127.0.0.1, [::1] or localhost" })
  }
  return new URL("/", url)
}

const transportProblem = (error: HttpClientError.HttpClientError): string =>
  error._tag === "RequestError" ? `the request failed (${error.reason}${error.description === undefined ? "" : `: ${error.description}`})` : `the response could not be read (${error.reason})`

const object = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined

/** The fields STS and the metadata service answer, checked by name without quoting values. */
export const decodeTemporary = (
  document: Record<string, unknown>,
  source: string,
  where: string
): Effect.Effect<Credential, CredentialsError> => {
  const invalid = (problem: string) =>
    new CredentialsError({ source, reason: "Invalid", problem: `${where}: ${problem}`, fix: "check the endpoint is Tencent Cloud's (or the emulator's)" })
  const credentials = object(document["Credentials"]) ?? document
  const secretId = credentials["TmpSecretId"]
  const secretKey = credentials["TmpSecretKey"]
  const token = credentials["Token"]
  const expiredTime = document["ExpiredTime"]
  for (const [name, value] of [["TmpSecretId", secretId], ["TmpSecretKey", secretKey], ["Token", token]] as const) {
    if (typeof value !== "string" || value.length === 0) return Effect.fail(invalid(`${name} is missing or not a string`))
  }
  if (typeof expiredTime !== "number" || !Number.isFinite(expiredTime)) return Effect.fail(invalid("ExpiredTime is missing or not a number of Unix seconds"))
  return Effect.map(
    makeCredential({ secretId: secretId as string, secretKey: Redacted.make(secretKey as string), token: Redacted.make(token as string) }, source),
    (credential): Credential => ({ ...credential, expiresAtMillis: expiredTime * 1000 })
  )
}

const readJson = (response: HttpClientResponse.HttpClientResponse, source: string, what: string) =>
  Effect.flatMap(
    Effect.mapError(response.json, () => new CredentialsError({ source, reason: "Invalid", problem: `${what} is not JSON`, fix: "check the endpoint is Tencent Cloud's (or the emulator's)" })),
    (json) => {
      const document = object(json)
      return document === undefined
        ? Effect.fail(new CredentialsError({ source, reason: "Invalid", problem: `${what} is not a JSON object`, fix: "check the endpoint is Tencent Cloud's (or the emulator's)" }))
        : Effect.succeed(document)
    }
  )

/** What to call STS with. */
export interface StsCall {
  readonly url: URL
  readonly region: string
  readonly action: "AssumeRole" | "AssumeRoleWithWebIdentity"
  readonly params: Readonly<Record<string, unknown>>
  /** The credential to sign with; `undefined`: unsigned (`Authorization: SKIP`, as the SDKs send AssumeRoleWithWebIdentity). */
  readonly signWith: Effect.Effect<Credential, CredentialsError> | undefined
  readonly timeout: Duration.Duration
  readonly source: string
}

/** Calls STS and decodes the temporary credential it answers. */
export const callSts = (call: StsCall): Effect.Effect<Credential, CredentialsError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const { source } = call
    const base = yield* HttpClient.HttpClient
    const client = call.signWith === undefined ? base : Signing.signRequests(base, { service: "sts", credential: call.signWith })
    const headers: Record<string, string> = { "x-tc-action": call.action, "x-tc-version": stsVersion, "x-tc-region": call.region }
    if (call.signWith === undefined) {
      headers["authorization"] = "SKIP"
      headers["x-tc-timestamp"] = String(Math.floor((yield* Effect.clockWith((clock) => clock.currentTimeMillis)) / 1000))
    }
    const request = HttpClientRequest.post(call.url.href).pipe(
      HttpClientRequest.setHeaders(headers),
      HttpClientRequest.bodyText(JSON.stringify(call.params), "application/json")
    )
    const response = yield* client.execute(request).pipe(
      Effect.timeoutFail({
        duration: call.timeout,
        onTimeout: () => new CredentialsError({ source, reason: "Invalid", problem: `STS ${call.action} did not answer within ${Duration.format(call.timeout)}`, fix: "check the network path to the STS endpoint, or raise the timeout" })
      }),
      Effect.catchTags({
        RequestError: (error) => Effect.fail(new CredentialsError({ source, reason: "Invalid", problem: `STS ${call.action}: ${transportProblem(error)}`, fix: "check the STS endpoint and the network" })),
        ResponseError: (error) => Effect.fail(new CredentialsError({ source, reason: "Invalid", problem: `STS ${call.action}: ${transportProblem(error)}`, fix: "check the STS endpoint and the network" }))
      })
    )
    if (response.status !== 200) {
      return yield* new CredentialsError({ source, reason: "Invalid", problem: `STS ${call.action} answered HTTP ${response.status}`, fix: "check the STS endpoint; retry later if it is a 5xx" })
    }
    const document = yield* readJson(response, source, `the STS ${call.action} answer`)
    const answer = object(document["Response"])
    if (answer === undefined) {
      return yield* new CredentialsError({ source, reason: "Invalid", problem: `the STS ${call.action} answer has no Response object`, fix: "check the endpoint is Tencent Cloud's STS (or the emulator's)" })
    }
    const error = object(answer["Error"])
    if (error !== undefined) {
      const code = typeof error["Code"] === "string" ? error["Code"] : "an unknown error"
      const message = typeof error["Message"] === "string" ? ` (${error["Message"].slice(0, 200)})` : ""
      const requestId = typeof answer["RequestId"] === "string" ? `, request id ${answer["RequestId"]}` : ""
      return yield* new CredentialsError({
        source,
        reason: "Invalid",
        problem: `STS ${call.action} answered ${code}${message}${requestId}`,
        fix: code.startsWith("AuthFailure")
          ? "check the base credential that signs AssumeRole (and its token, if temporary)"
          : code.startsWith("ResourceNotFound") || code.includes("Role")
            ? "check the role ARN (qcs::cam::uin/<uin>:roleName/<name>) and that the role trusts this caller"
            : "check the role ARN, session name and duration"
      })
    }
    return yield* decodeTemporary(answer, source, `the STS ${call.action} answer`)
  })

/** What to ask the metadata service. */
export interface MetadataCall {
  /** The metadata root, e.g. `http://metadata.tencentyun.com/latest/meta-data/`. */
  readonly url: URL
  /** The role; `undefined`: ask the service which role is bound. */
  readonly roleName: string | undefined
  readonly timeout: Duration.Duration
  readonly source: string
}

const notReachable = (source: string, url: URL, why: string) =>
  new CredentialsError({ source, reason: "NotFound", problem: `the instance metadata service at ${url.origin} ${why}`, fix: "run on a CVM or TKE node with a CAM role bound, or use another credential source" })

/** Reads the role's credential from the instance metadata service. */
export const callMetadata = (call: MetadataCall): Effect.Effect<Credential, CredentialsError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const { source } = call
    const get = (url: URL) =>
      client.execute(HttpClientRequest.get(url.href)).pipe(
        Effect.timeoutFail({ duration: call.timeout, onTimeout: () => notReachable(source, call.url, `did not answer within ${Duration.format(call.timeout)}`) }),
        Effect.catchTags({
          RequestError: () => Effect.fail(notReachable(source, call.url, "cannot be reached")),
          ResponseError: () => Effect.fail(notReachable(source, call.url, "answered unreadably"))
        })
      )
    const base = new URL("cam/security-credentials/", call.url)
    let roleName = call.roleName
    if (roleName === undefined) {
      const listed = yield* Effect.flatMap(get(base), (response) =>
        response.status === 200
          ? Effect.mapError(response.text, () => notReachable(source, call.url, "answered unreadably"))
          : Effect.fail(notReachable(source, call.url, `answered HTTP ${response.status} for the role name (no CAM role is bound)`)))
      roleName = listed.split(/\r?\n/)[0]!.trim()
      if (roleName.length === 0) return yield* notReachable(source, call.url, "names no role (no CAM role is bound)")
    }
    const where = `the metadata credential of role ${roleName}`
    const document = yield* Effect.flatMap(get(new URL(encodeURIComponent(roleName), base)), (response) =>
      response.status === 200
        ? readJson(response, source, where)
        : Effect.fail(new CredentialsError({ source, reason: "Invalid", problem: `${where}: the metadata service answered HTTP ${response.status}`, fix: "check the role name bound to the instance (CVM console → Instance → Bind role)" })))
    if (document["Code"] !== undefined && document["Code"] !== "Success") {
      const code = typeof document["Code"] === "string" ? document["Code"] : "not a string"
      return yield* new CredentialsError({ source, reason: "Invalid", problem: `${where}: Code is ${code.slice(0, 64)}, not Success`, fix: "check the CAM role bound to the instance" })
    }
    return yield* decodeTemporary(document, source, where)
  })
