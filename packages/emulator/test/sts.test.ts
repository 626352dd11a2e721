/**
 * The emulator's STS and instance metadata service, driven by the signer's role providers over
 * real HTTP. Every test freezes the emulator's clock at a pinned instant and sets the Effect
 * TestClock to the same instant, then moves both together: expiry and refresh happen at exact,
 * repeatable moments whatever the wall clock says.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as RoleCredentials from "@effect-trtc/signer/RoleCredentials"
import * as Signing from "@effect-trtc/signer/Signing"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as util from "node:util"
import { CommonClient, OIDCRoleArnCredential, STSCredential } from "tencentcloud-sdk-nodejs-common"
import * as Emulator from "../src/Emulator.js"
import { appId, tinyDataSet } from "./support.js"

/** 2025-11-25T06:40:00Z: the instant every test starts at. */
const pinnedNow = 1764052800
const roleArn = "qcs::cam::uin/100000000001:roleName/trtc-reader"

const start = (options: Emulator.Options = {}) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make({ ...options, dataSet: tinyDataSet(pinnedNow), clockOffsetSeconds: pinnedNow - Date.now() / 1000 })
    yield* emulator.freezeClock(true)
    yield* TestClock.setTime(yield* emulator.now)
    return emulator
  })

/** Moves the emulator's clock and the client's by the same seconds. */
const advance = (emulator: Emulator.Instance, seconds: number) =>
  Effect.zipRight(emulator.advanceClock(seconds), TestClock.adjust(Duration.seconds(seconds)))

const base = (emulator: Emulator.Instance): Credentials.Provider => Effect.succeed(emulator.credential)

/** A TRTC `DescribeRoomInfo` over the last 4 hours, signed with `credential`: `"ok"` or the error code. */
const describeRooms = (emulator: Emulator.Instance, credential: Effect.Effect<Credentials.Credential, Credentials.CredentialsError>) =>
  Effect.gen(function*() {
    const client = Signing.signRequests(yield* HttpClient.HttpClient, { service: "trtc", credential })
    const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const response = yield* client.execute(
      HttpClientRequest.post(emulator.url).pipe(
        HttpClientRequest.setHeaders({ "x-tc-action": "DescribeRoomInfo", "x-tc-version": "2019-07-22", "x-tc-region": "ap-guangzhou" }),
        HttpClientRequest.bodyText(JSON.stringify({ SdkAppId: appId, StartTime: now - 4 * 3600, EndTime: now }), "application/json")
      )
    )
    const json = (yield* response.json) as { readonly Response: { readonly Error?: { readonly Code: string }; readonly Total?: number } }
    return json.Response.Error?.Code ?? "ok"
  }).pipe(Effect.scoped)

const countOf = (emulator: Emulator.Instance, action: string) =>
  Effect.map(emulator.requests, (log) => log.filter((entry) => entry.action === action).length)

const fixed = (credential: Credentials.Credential) => Effect.succeed(credential)

const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "effect-trtc-sts-"))

describe("STS AssumeRole", () => {
  it.scoped("issues a temporary credential that expires on the emulator's clock; TRTC accepts it with its token", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const provider = yield* RoleCredentials.assumeRole({ roleArn, roleSessionName: "sts-test", durationSeconds: 1800, base: base(emulator), endpoint: emulator.url })
      const credential = yield* provider
      assert.match(credential.secretId, /^AKID/)
      assert.notStrictEqual(credential.secretId, emulator.credential.secretId)
      assert.isTrue(Option.isSome(credential.token))
      // ExpiredTime is the emulator's now plus the duration asked for.
      assert.strictEqual(credential.expiresAtMillis, (pinnedNow + 1800) * 1000)
      assert.strictEqual(yield* describeRooms(emulator, fixed(credential)), "ok")
      // Without its token the temporary key is refused.
      assert.strictEqual(yield* describeRooms(emulator, fixed({ ...credential, token: Option.none() })), "AuthFailure.TokenFailure")
      const log = yield* emulator.requests
      const sts = log.filter((entry) => entry.action === "AssumeRole")
      assert.strictEqual(sts.length, 1)
      assert.deepStrictEqual(sts[0]!.params, { RoleArn: roleArn, RoleSessionName: "sts-test", DurationSeconds: 1800 })
      // The request log never holds what STS handed out.
      const logText = JSON.stringify(log)
      assert.notInclude(logText, Redacted.value(credential.secretKey))
      assert.notInclude(logText, Redacted.value(Option.getOrThrow(credential.token)))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("an expired token is refused with AuthFailure.TokenFailure, as is a revoked one", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const provider = yield* RoleCredentials.assumeRole({ roleArn, durationSeconds: 900, base: base(emulator), endpoint: emulator.url })
      const first = yield* provider
      yield* advance(emulator, 899)
      assert.strictEqual(yield* describeRooms(emulator, fixed(first)), "ok")
      yield* advance(emulator, 1)
      assert.strictEqual(yield* describeRooms(emulator, fixed(first)), "AuthFailure.TokenFailure")
      // The provider has renewed in the meantime; revoking every issued credential refuses it too.
      const second = yield* provider
      assert.notStrictEqual(second.secretId, first.secretId)
      assert.strictEqual(yield* describeRooms(emulator, fixed(second)), "ok")
      assert.strictEqual(yield* emulator.revokeTemporaryCredentials, 2)
      assert.strictEqual(yield* describeRooms(emulator, fixed(second)), "AuthFailure.TokenFailure")
      // The long-term credential is not affected.
      assert.strictEqual(yield* describeRooms(emulator, base(emulator)), "ok")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("refreshes a margin before ExpiredTime, not earlier", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const provider = yield* RoleCredentials.assumeRole({ roleArn, durationSeconds: 900, refreshMargin: "5 minutes", base: base(emulator), endpoint: emulator.url })
      const first = yield* provider
      yield* advance(emulator, 599)
      assert.strictEqual((yield* provider).secretId, first.secretId)
      assert.strictEqual(yield* countOf(emulator, "AssumeRole"), 1)
      yield* advance(emulator, 1)
      // 600 s in: 300 s (the margin) before expiry, a new credential.
      const second = yield* provider
      assert.notStrictEqual(second.secretId, first.secretId)
      assert.strictEqual(second.expiresAtMillis, (pinnedNow + 600 + 900) * 1000)
      assert.strictEqual(yield* countOf(emulator, "AssumeRole"), 2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("concurrent fibers sharing the layer trigger one STS call per refresh", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const layer = RoleCredentials.layerAssumeRole({ roleArn, durationSeconds: 900, base: base(emulator), endpoint: emulator.url })
      const credentials = yield* Layer.build(layer)
      const getAll = Effect.all(Array.from({ length: 64 }, () => Effect.provide(Credentials.get, credentials)), { concurrency: "unbounded" })
      const first = yield* getAll
      assert.strictEqual(new Set(first.map((c) => c.secretId)).size, 1)
      assert.strictEqual(yield* countOf(emulator, "AssumeRole"), 1)
      yield* advance(emulator, 700)
      const second = yield* getAll
      assert.strictEqual(new Set(second.map((c) => c.secretId)).size, 1)
      assert.notStrictEqual(second[0]!.secretId, first[0]!.secretId)
      assert.strictEqual(yield* countOf(emulator, "AssumeRole"), 2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("sequential TRTC requests across three credential rotations: none fails", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const credentials = yield* Layer.build(RoleCredentials.layerAssumeRole({ roleArn, durationSeconds: 900, base: base(emulator), endpoint: emulator.url }))
      const get = Effect.provide(Credentials.get, credentials)
      const codes: Array<string> = []
      const used = new Set<string>()
      // 40 requests a minute apart: 2,400 s, credentials of 900 s renewed 300 s early.
      for (let i = 0; i < 40; i++) {
        used.add((yield* get).secretId)
        codes.push(yield* describeRooms(emulator, get))
        yield* advance(emulator, 60)
      }
      assert.deepStrictEqual(codes.filter((code) => code !== "ok"), [])
      assert.strictEqual(yield* countOf(emulator, "AssumeRole"), 4)
      assert.strictEqual(used.size, 4)
      const trtc = (yield* emulator.requests).filter((entry) => entry.action === "DescribeRoomInfo")
      assert.strictEqual(trtc.length, 40)
      assert.isTrue(trtc.every((entry) => entry.code === undefined))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a wrong base key is a CredentialsError naming STS's code, with no secret in it", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const wrongKey = "WrongSecretKeyMustNeverLeak00000"
      const provider = yield* RoleCredentials.assumeRole({
        roleArn,
        base: Effect.succeed({ ...emulator.credential, secretKey: Redacted.make(wrongKey) }),
        endpoint: emulator.url
      })
      const error = yield* Effect.flip(provider)
      assert.strictEqual(error._tag, "CredentialsError")
      assert.strictEqual(error.reason, "Invalid")
      assert.include(error.problem, "AuthFailure.SignatureFailure")
      for (const rendering of [String(error), JSON.stringify(error), util.inspect(error, { depth: 10 }), error.message]) {
        assert.notInclude(rendering, wrongKey)
        assert.notInclude(rendering, Redacted.value(emulator.credential.secretKey))
      }
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a bad role ARN is refused before any request, naming the field and the fix", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const provider = yield* RoleCredentials.assumeRole({ roleArn: "trtc-reader", base: base(emulator), endpoint: emulator.url })
      const error = yield* Effect.flip(provider)
      assert.include(error.problem, "role ARN")
      assert.include(error.fix, "qcs::cam::uin/")
      assert.strictEqual(yield* countOf(emulator, "AssumeRole"), 0)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("TENCENTCLOUD_ROLE_ARN assumes the role with the environment's keys (tccli)", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const env = {
        HOME: tmpRoot,
        TENCENTCLOUD_SECRET_ID: emulator.credential.secretId,
        TENCENTCLOUD_SECRET_KEY: Redacted.value(emulator.credential.secretKey),
        TENCENTCLOUD_ROLE_ARN: roleArn,
        TENCENTCLOUD_ROLE_SESSION_NAME: "from-env"
      }
      const provider = yield* RoleCredentials.defaultChain({ endpoint: emulator.url, metadataUrl: `${emulator.url}/latest/meta-data/` })
      const credential = yield* withEnv(env)(provider)
      assert.isTrue(Option.isSome(credential.token))
      assert.strictEqual(yield* describeRooms(emulator, fixed(credential)), "ok")
      const sts = (yield* emulator.requests).filter((entry) => entry.action === "AssumeRole")
      assert.deepStrictEqual(sts.map((entry) => (entry.params as Record<string, unknown>)["RoleSessionName"]), ["from-env"])
      // Without the role ARN the same chain signs with the keys themselves.
      const { TENCENTCLOUD_ROLE_ARN: _, ...keysOnly } = env
      const plain = yield* withEnv(keysOnly)(yield* RoleCredentials.defaultChain({ endpoint: emulator.url }))
      assert.strictEqual(plain.secretId, emulator.credential.secretId)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a profile's role_arn assumes the role with the profile's keys", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const file = path.join(tmpRoot, "credentials-role")
      fs.writeFileSync(file, [
        "[ops]",
        `secret_id = ${emulator.credential.secretId}`,
        `secret_key = ${Redacted.value(emulator.credential.secretKey)}`,
        `role_arn = ${roleArn}`,
        "role_session_name = from-profile",
        "duration_seconds = 1200",
        ""
      ].join("\n"), { mode: 0o600 })
      const provider = yield* RoleCredentials.profileRole("ops", { endpoint: emulator.url })
      const credential = yield* withEnv({ HOME: tmpRoot, TENCENTCLOUD_CREDENTIALS_FILE: file })(provider)
      assert.strictEqual(credential.expiresAtMillis, (pinnedNow + 1200) * 1000)
      assert.strictEqual(yield* describeRooms(emulator, fixed(credential)), "ok")
      const sts = (yield* emulator.requests).filter((entry) => entry.action === "AssumeRole")
      assert.deepStrictEqual(sts.map((entry) => entry.params), [{ RoleArn: roleArn, RoleSessionName: "from-profile", DurationSeconds: 1200 }])
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("tccli's credential file", () => {
  it.scoped("\"role-arn\" assumes the role with the file's keys; \"type\": \"cvm-role\" takes the instance role", () =>
    Effect.gen(function*() {
      const emulator = yield* start({ sts: { instanceRole: "trtc-reader" } })
      const home = fs.mkdtempSync(path.join(tmpRoot, "tccli-home-"))
      fs.mkdirSync(path.join(home, ".tccli"))
      const keys = { secretId: emulator.credential.secretId, secretKey: Redacted.value(emulator.credential.secretKey) }
      fs.writeFileSync(path.join(home, ".tccli", "ops.credential"), JSON.stringify({ ...keys, "role-arn": roleArn, "role-session-name": "from-tccli" }), { mode: 0o600 })
      fs.writeFileSync(path.join(home, ".tccli", "node.credential"), JSON.stringify({ type: "cvm-role" }), { mode: 0o600 })
      const options = { endpoint: emulator.url, metadataUrl: `${emulator.url}/latest/meta-data/` }
      const assumed = yield* withEnv({ HOME: home })(yield* RoleCredentials.tccliRole("ops", options))
      assert.strictEqual(yield* describeRooms(emulator, fixed(assumed)), "ok")
      const sts = (yield* emulator.requests).filter((entry) => entry.action === "AssumeRole")
      assert.deepStrictEqual(sts.map((entry) => (entry.params as Record<string, unknown>)["RoleSessionName"]), ["from-tccli"])
      // Through the default chain, TCCLI_PROFILE picks the profile as tccli does.
      const instance = yield* withEnv({ HOME: home, TCCLI_PROFILE: "node" })(yield* RoleCredentials.defaultChain(options))
      assert.strictEqual(yield* describeRooms(emulator, fixed(instance)), "ok")
      assert.isTrue((yield* emulator.requests).some((entry) => entry.action === "metadata /latest/meta-data/cam/security-credentials/trtc-reader"))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("OIDC web identity", () => {
  const webToken = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-must-never-leak.sig"

  it.scoped("AssumeRoleWithWebIdentity is sent unsigned with the token; a wrong token is a typed error without it", () =>
    Effect.gen(function*() {
      const emulator = yield* start({ sts: { webIdentityTokens: [webToken] } })
      const options = { roleArn, providerId: "tke-oidc", region: "ap-guangzhou", endpoint: emulator.url }
      const credential = yield* Effect.flatten(RoleCredentials.webIdentity({ ...options, webIdentityToken: Redacted.make(webToken) }))
      assert.strictEqual(yield* describeRooms(emulator, fixed(credential)), "ok")
      const wrong = "eyJ.wrong-token-must-never-leak.sig"
      const error = yield* Effect.flip(Effect.flatten(RoleCredentials.webIdentity({ ...options, webIdentityToken: Redacted.make(wrong) })))
      assert.include(error.problem, "InvalidParameter.WebIdentityTokenError")
      for (const rendering of [String(error), JSON.stringify(error), util.inspect(error, { depth: 10 })]) assert.notInclude(rendering, wrong)
      const log = yield* emulator.requests
      assert.strictEqual(log.filter((entry) => entry.action === "AssumeRoleWithWebIdentity").length, 2)
      assert.notInclude(JSON.stringify(log), webToken)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("TKE_* variables: the token file is read at each refresh; some variables missing is Invalid, none is NotFound", () =>
    Effect.gen(function*() {
      const rotated = "eyJ.second-projected-token.sig"
      const emulator = yield* start({ sts: { webIdentityTokens: [webToken, rotated], durationSeconds: 900 } })
      const tokenFile = path.join(tmpRoot, "tke-token")
      fs.writeFileSync(tokenFile, webToken)
      const env = { HOME: tmpRoot, TKE_REGION: "ap-guangzhou", TKE_PROVIDER_ID: "tke-oidc", TKE_WEB_IDENTITY_TOKEN_FILE: tokenFile, TKE_ROLE_ARN: roleArn }
      const provider = yield* RoleCredentials.tkeWebIdentity({ endpoint: emulator.url, durationSeconds: 900 })
      const first = yield* withEnv(env)(provider)
      assert.strictEqual(yield* describeRooms(emulator, fixed(first)), "ok")
      // The kubelet rotates the projected token; the old one stops being accepted.
      fs.writeFileSync(tokenFile, rotated)
      yield* advance(emulator, 700)
      const second = yield* withEnv(env)(provider)
      assert.notStrictEqual(second.secretId, first.secretId)
      assert.strictEqual(yield* describeRooms(emulator, fixed(second)), "ok")

      const partial = yield* Effect.flip(withEnv({ HOME: tmpRoot, TKE_REGION: "ap-guangzhou", TKE_ROLE_ARN: roleArn })(yield* RoleCredentials.tkeWebIdentity({ endpoint: emulator.url })))
      assert.strictEqual(partial.reason, "Invalid")
      assert.include(partial.problem, "TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE are not set")
      const none = yield* Effect.flip(withEnv({ HOME: tmpRoot })(yield* RoleCredentials.tkeWebIdentity({ endpoint: emulator.url })))
      assert.strictEqual(none.reason, "NotFound")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("CVM instance role (metadata service)", () => {
  it.scoped("reads the role name, then its credential; TRTC accepts it; it is renewed before expiry", () =>
    Effect.gen(function*() {
      const emulator = yield* start({ sts: { instanceRole: "trtc-reader", durationSeconds: 900 } })
      const provider = yield* RoleCredentials.cvmRole({ metadataUrl: `${emulator.url}/latest/meta-data/` })
      const first = yield* provider
      assert.strictEqual(first.expiresAtMillis, (pinnedNow + 900) * 1000)
      assert.strictEqual(yield* describeRooms(emulator, fixed(first)), "ok")
      const paths = (yield* emulator.requests).map((entry) => entry.action)
      assert.deepStrictEqual(paths, [
        "metadata /latest/meta-data/cam/security-credentials/",
        "metadata /latest/meta-data/cam/security-credentials/trtc-reader",
        "DescribeRoomInfo"
      ])
      yield* advance(emulator, 650)
      const second = yield* provider
      assert.notStrictEqual(second.secretId, first.secretId)
      assert.strictEqual(yield* describeRooms(emulator, fixed(second)), "ok")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("no role bound, or no metadata service: NotFound, and the default chain reports every source", () =>
    Effect.gen(function*() {
      const emulator = yield* start()
      const error = yield* Effect.flip(Effect.flatten(RoleCredentials.cvmRole({ metadataUrl: `${emulator.url}/latest/meta-data/` })))
      assert.strictEqual(error.reason, "NotFound")
      assert.include(error.problem, "HTTP 404")
      const chain = yield* RoleCredentials.defaultChain({ metadataUrl: `${emulator.url}/latest/meta-data/` })
      const none = yield* Effect.flip(withEnv({ HOME: fs.mkdtempSync(path.join(tmpRoot, "empty-home-")) })(chain))
      assert.strictEqual(none.source, "credential chain")
      assert.deepStrictEqual(none.tried?.map((entry) => entry.split(":")[0]!.split(" ")[0]), ["environment", "environment", "profile", "profile", "tccli", "tccli", "CVM", "TKE"])
      // tccli's way: the instance role only when asked for; the metadata service is not read.
      const before = (yield* emulator.requests).length
      const tccliLike = yield* RoleCredentials.defaultChain({ metadataUrl: `${emulator.url}/latest/meta-data/`, useCvmRole: false })
      const without = yield* Effect.flip(withEnv({ HOME: fs.mkdtempSync(path.join(tmpRoot, "empty-home-")) })(tccliLike))
      assert.notInclude(without.tried?.join("; ") ?? "", "CVM role")
      assert.strictEqual((yield* emulator.requests).length, before)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("the default chain falls through to the instance role when no keys are configured", () =>
    Effect.gen(function*() {
      const emulator = yield* start({ sts: { instanceRole: "trtc-reader" } })
      const layer = RoleCredentials.layerDefault({ metadataUrl: `${emulator.url}/latest/meta-data/` })
      const credentials = yield* Layer.build(layer)
      const get = withEnv({ HOME: fs.mkdtempSync(path.join(tmpRoot, "empty-home-")) })(Effect.provide(Credentials.get, credentials))
      const first = yield* get
      assert.isTrue(Option.isSome(first.token))
      assert.strictEqual(yield* describeRooms(emulator, get), "ok")
      // The layer keeps asking the role provider: after the refresh point it hands out the new credential.
      yield* advance(emulator, 7200 - 200)
      const second = yield* get
      assert.notStrictEqual(second.secretId, first.secretId)
      assert.strictEqual(yield* describeRooms(emulator, get), "ok")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("the official Node SDK against the emulator's STS", () => {
  // The SDK reads the wall clock (Date.now) for signing and expiry, so this emulator runs on it
  // too; nothing here depends on the hour.
  const httpProfile = (emulator: Emulator.Instance) => ({ httpProfile: { endpoint: emulator.endpoint, protocol: "http://", reqTimeout: 30 } })

  it.scoped("STSCredential and OIDCRoleArnCredential get credentials that then sign a TRTC call", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ sts: { webIdentityTokens: ["sdk-oidc-token"] } })
      const base = { secretId: emulator.credential.secretId, secretKey: Redacted.value(emulator.credential.secretKey) }
      const sts = new STSCredential({ credential: base, profile: httpProfile(emulator) }, { RoleArn: roleArn, RoleSessionName: "node-sdk", DurationSeconds: 900 })
      const oidc = new OIDCRoleArnCredential(
        // Unsigned (skipSign): the SDK needs no credential for it.
        { credential: {}, region: "ap-guangzhou", profile: httpProfile(emulator) },
        { RoleArn: roleArn, RoleSessionName: "node-sdk-oidc", WebIdentityToken: "sdk-oidc-token", ProviderId: "tke-oidc", DurationSeconds: 900 }
      )
      for (const provider of [sts, oidc]) {
        const credential = yield* Effect.promise(() => provider.getCredential())
        assert.match(credential.secretId ?? "", /^AKIDTMP/)
        assert.isString(credential.token)
        const client = new CommonClient(emulator.endpoint, "2019-07-22", { credential, region: "ap-guangzhou", profile: httpProfile(emulator) })
        const nowSeconds = Math.floor((yield* emulator.now) / 1000)
        const answer = yield* Effect.promise(() =>
          client.request("DescribeRoomInfo", { SdkAppId: Emulator.defaultSdkAppId, StartTime: nowSeconds - 3600, EndTime: nowSeconds }).then(
            (response: { readonly RequestId?: string }) => response.RequestId !== undefined ? "ok" : "no request id",
            (error: { readonly code?: string }) => error.code ?? "no code"
          ))
        assert.strictEqual(answer, "ok")
      }
      const actions = (yield* emulator.requests).map((entry) => entry.action)
      assert.deepStrictEqual(actions, ["AssumeRole", "DescribeRoomInfo", "AssumeRoleWithWebIdentity", "DescribeRoomInfo"])
    }))
})
