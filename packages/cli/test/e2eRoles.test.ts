// The CLI's role credentials, as real `trtc` processes against the emulator's STS and metadata
// service: TENCENTCLOUD_ROLE_ARN, a profile's role_arn, TKE OIDC and (opt-in, as tccli) the CVM
// role; a revoked role credential; the "no credentials" line; an export across two rotations.
//
// How "signed with the temporary credential, with its token" is seen: the emulator's log holds
// no key or token (by design), but it accepts a credential it issued only with that
// credential's own token as X-TC-Token, and revoking what it issued breaks the next request of
// a run that signs with it (and would not touch one signing with the base key).
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { e2eDataSet, expectedEventKeys, keyOf, ndjson, run, type Result, sdkAppId, tempDir } from "./helpers.js"

// The long-term key the roles are assumed with: the emulator accepts it (for AssumeRole and the
// API alike), so only the log and revocation tell which credential signed what.
const baseId = "AKIDROLEBASE000000000000000000000000"
const baseKey = "roleBaseSecretKeyDoNotLeak012345678"
const roleArn = "qcs::cam::uin/100000000001:roleName/trtc-reader"
const oidcToken = "eyJhbGciOiJSUzI1NiJ9.roleTestOidcTokenDoNotLeak.c2lnbmF0dXJl"
const instanceRole = "trtc-node-role"

const dataSet = e2eDataSet()
const commIds = dataSet.apps[0].rooms.map((room) => room.commId).sort()
const listRooms = ["rooms", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", "ndjson", "--rps", "1000"]
const secrets = [baseKey, oidcToken]

const apiActions = new Set(["DescribeRoomInfo", "DescribeUserInfo", "DescribeCallDetailInfo", "DescribeUserEvent", "DescribeUnusualEvent"])

/** A HOME holding `~/.tencentcloud/credentials` with the given text. */
const homeWithProfile = (ini: string) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "trtc-home-"))
  fs.mkdirSync(path.join(home, ".tencentcloud"))
  fs.writeFileSync(path.join(home, ".tencentcloud", "credentials"), ini, { mode: 0o600 })
  return home
}

/** One diagnostic line, no stack trace, no secret in any output. */
const oneLine = (r: Result) => {
  const lines = r.stderr.trim().split("\n")
  assert.strictEqual(lines.length, 1, r.stderr)
  assert.notMatch(r.stderr, /\n\s+at /, r.stderr)
  return lines[0]!
}

const noSecrets = (r: Result) => {
  for (const text of [r.stdout, r.stderr]) for (const secret of secrets) assert.notInclude(text, secret)
}

/** The log since `from`, split into STS calls and API calls. */
const logSince = (emulator: Emulator.Instance, from: number) =>
  Effect.map(emulator.requests, (all) => {
    const entries = all.slice(from)
    return {
      entries,
      sts: entries.filter((e) => e.action === "AssumeRole" || e.action === "AssumeRoleWithWebIdentity"),
      api: entries.filter((e) => apiActions.has(e.action))
    }
  })

const emulatorLayer = Emulator.layer({
  dataSet,
  rps: 0,
  credentials: [{ secretId: baseId, secretKey: baseKey }],
  sts: { webIdentityTokens: [oidcToken], instanceRole }
})

layer(emulatorLayer)("trtc with role credentials", (it) => {
  const roomsIn = (r: Result) => ndjson(r.stdout).map((x) => x.commId).sort()

  it.effect("TENCENTCLOUD_ROLE_ARN + the base key: one AssumeRole signed with the base key, then every request signed with the role's credential", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const from = (yield* emulator.requests).length
      const issuedBefore = yield* emulator.issuedCredentials
      const r = yield* run(listRooms, {
        env: {
          TRTC_ENDPOINT: emulator.url,
          TENCENTCLOUD_SECRET_ID: baseId,
          TENCENTCLOUD_SECRET_KEY: baseKey,
          TENCENTCLOUD_ROLE_ARN: roleArn,
          TENCENTCLOUD_ROLE_SESSION_NAME: "trtc-e2e"
        }
      })
      assert.strictEqual(r.code, 0, r.stderr)
      noSecrets(r)
      assert.deepStrictEqual(roomsIn(r), commIds)
      const log = yield* logSince(emulator, from)
      assert.strictEqual(log.entries[0]?.action, "AssumeRole", "the role is assumed before the first API request")
      assert.strictEqual(log.sts.length, 1)
      assert.strictEqual(log.sts[0]!.status, 200)
      const params = log.sts[0]!.params as Record<string, unknown>
      assert.strictEqual(params["RoleArn"], roleArn)
      assert.strictEqual(params["RoleSessionName"], "trtc-e2e")
      assert.isAbove(log.api.length, 0)
      assert.deepStrictEqual(log.api.map((e) => e.code), log.api.map(() => undefined), "every API request accepted")
      assert.strictEqual((yield* emulator.issuedCredentials) - issuedBefore, 1)
    }))

  it.effect("revoking the role's credential mid-run: the next request is refused AuthFailure.TokenFailure, one line, exit 3", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const from = (yield* emulator.requests).length
      // Slow enough (2 requests a second) that the revocation lands mid-run.
      const fiber = yield* Effect.fork(run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--rps", "2", "--concurrency", "1"], {
        env: { TRTC_ENDPOINT: emulator.url, TENCENTCLOUD_SECRET_ID: baseId, TENCENTCLOUD_SECRET_KEY: baseKey, TENCENTCLOUD_ROLE_ARN: roleArn }
      }))
      // Once one API request has been answered with the role's credential, revoke it.
      for (;;) {
        const log = yield* logSince(emulator, from)
        if (log.sts.length === 1 && log.api.some((e) => e.status === 200)) break
        const done = yield* Fiber.poll(fiber)
        if (done._tag === "Some") assert.fail(`the export ended before any request was answered: ${JSON.stringify(done.value)}`)
        // A real pause (the test's Clock is Effect's TestClock).
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      }
      assert.isAbove(yield* emulator.revokeTemporaryCredentials, 0)
      const r = yield* Fiber.join(fiber)
      assert.strictEqual(r.code, 3, r.stderr)
      noSecrets(r)
      assert.match(oneLine(r), /^error: AuthFailure\.TokenFailure: .*revoked.* — hint: the session token is invalid or expired/)
      const log = yield* logSince(emulator, from)
      assert.strictEqual(log.sts.length, 1, "a refused token is not papered over by assuming the role again")
      assert.deepStrictEqual(log.api.filter((e) => e.code !== undefined).map((e) => e.code), ["AuthFailure.TokenFailure"], "refused once, not retried")
    }))

  it.effect("a profile's role_arn (with --profile, the environment's keys not used): AssumeRole with the profile's keys", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const from = (yield* emulator.requests).length
      const home = homeWithProfile(
        `[ops]\nsecret_id = ${baseId}\nsecret_key = ${baseKey}\nrole_arn = ${roleArn}\nrole_session_name = ops-session\n`
      )
      const r = yield* run([...listRooms, "--profile", "ops"], {
        home,
        env: { TRTC_ENDPOINT: emulator.url, TENCENTCLOUD_SECRET_ID: "AKIDWRONG0000000000", TENCENTCLOUD_SECRET_KEY: "wrongKeyNotUsed012345" }
      })
      assert.strictEqual(r.code, 0, r.stderr)
      noSecrets(r)
      assert.deepStrictEqual(roomsIn(r), commIds)
      const log = yield* logSince(emulator, from)
      assert.deepStrictEqual(log.sts.map((e) => [e.action, e.status, (e.params as Record<string, unknown>)["RoleSessionName"]]), [["AssumeRole", 200, "ops-session"]])
      assert.isTrue(log.api.length > 0 && log.api.every((e) => e.status === 200))
    }))

  it.effect("TKE OIDC: the TKE_* variables and a token file, no key at all → AssumeRoleWithWebIdentity, then the API", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const from = (yield* emulator.requests).length
      const tokenFile = path.join(tempDir(), "token")
      fs.writeFileSync(tokenFile, `${oidcToken}\n`)
      const tke = { TKE_REGION: "ap-guangzhou", TKE_PROVIDER_ID: "tke-oidc", TKE_ROLE_ARN: roleArn, TKE_WEB_IDENTITY_TOKEN_FILE: tokenFile }
      const r = yield* run(listRooms, { env: { TRTC_ENDPOINT: emulator.url, ...tke } })
      assert.strictEqual(r.code, 0, r.stderr)
      noSecrets(r)
      assert.deepStrictEqual(roomsIn(r), commIds)
      const log = yield* logSince(emulator, from)
      assert.deepStrictEqual(log.sts.map((e) => [e.action, e.status]), [["AssumeRoleWithWebIdentity", 200]])
      assert.strictEqual((log.sts[0]!.params as Record<string, unknown>)["ProviderId"], "tke-oidc")

      // A token the identity provider no longer accepts: the STS refusal as a credentials error.
      fs.writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.expiredTokenDoNotLeak.c2ln\n")
      const refused = yield* run(listRooms, { env: { TRTC_ENDPOINT: emulator.url, ...tke } })
      assert.strictEqual(refused.code, 3, refused.stderr)
      assert.notInclude(refused.stderr + refused.stdout, "expiredTokenDoNotLeak")
      assert.match(oneLine(refused), /^error: credentials: .*WebIdentityTokenError.*\(source: TKE OIDC/)
    }))

  it.effect("the CVM role only with --use-cvm-role (as tccli), from the metadata service TRTC_METADATA_URL names", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const env = { TRTC_ENDPOINT: emulator.url, TRTC_METADATA_URL: `${emulator.url}/latest/meta-data/` }
      const issuedBefore = yield* emulator.issuedCredentials
      const without = yield* run(listRooms, { env })
      assert.strictEqual(without.code, 3, without.stderr)
      assert.include(oneLine(without), "CVM role: not asked without --use-cvm-role")
      assert.strictEqual(yield* emulator.issuedCredentials, issuedBefore, "the metadata service was not asked")
      const r = yield* run([...listRooms, "--use-cvm-role"], { env })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.deepStrictEqual(roomsIn(r), commIds)
      assert.strictEqual((yield* emulator.issuedCredentials) - issuedBefore, 1, "one instance credential issued")
    }))

  it.effect("an export across credential rotations (6 s credentials): ≥ 3 AssumeRole, no request refused, the file exactly the data set", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const from = (yield* emulator.requests).length
      // The rotation: the profile asks STS for 6-second credentials (duration_seconds); the
      // emulator dates ExpiredTime on its clock, which here is the wall clock (no offset), as is
      // the CLI's, so the CLI's refresh (at half the lifetime, as it is under twice the 5-minute
      // margin) comes about 3 s before each expiry. --rps 3 makes the export outlast two
      // credentials.
      const home = homeWithProfile(`[default]\nsecret_id = ${baseId}\nsecret_key = ${baseKey}\nrole_arn = ${roleArn}\nduration_seconds = 6\n`)
      const out = path.join(tempDir(), "events.ndjson")
      const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--rps", "3", "--concurrency", "2"], {
        home,
        env: { TRTC_ENDPOINT: emulator.url }
      })
      assert.strictEqual(r.code, 0, r.stderr)
      noSecrets(r)
      const log = yield* logSince(emulator, from)
      assert.deepStrictEqual(log.entries.filter((e) => e.code !== undefined).map((e) => `${e.action} ${e.code}`), [], "no request refused")
      assert.isAtLeast(log.sts.length, 3, "at least two rotations")
      assert.isTrue(log.sts.every((e) => e.action === "AssumeRole" && (e.params as Record<string, unknown>)["DurationSeconds"] === 6))
      // Requests after the second credential's expiry (≤ 6 s after it was issued): the run went
      // past two expiries.
      const secondIssued = log.sts[1]!.time
      assert.isAbove(log.api.at(-1)!.time, secondIssued + 6_000, "the export outlasted the second credential")
      const keys = ndjson(fs.readFileSync(out, "utf8")).map(keyOf).sort()
      assert.deepStrictEqual(keys, expectedEventKeys(dataSet, sdkAppId))
    }), 120_000)

  it.effect("no credentials anywhere: one line naming every source tried and the fix, exit 3", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const r = yield* run(listRooms, { env: { TRTC_ENDPOINT: emulator.url } })
      assert.strictEqual(r.code, 3, r.stderr)
      const line = oneLine(r)
      for (const source of ["TENCENTCLOUD_ROLE_ARN is not set", "environment: ", "profile file ", "tccli file ", "TKE OIDC", "CVM role: not asked"]) {
        assert.include(line, source)
      }
      assert.include(line, "— hint: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (with TENCENTCLOUD_ROLE_ARN to assume a role)")
      // Each source once: a file's role and its keys fail alike and are said once.
      assert.strictEqual(line.split("profile file ").length, 2, line)
    }))
})
