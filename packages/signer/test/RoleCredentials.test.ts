/**
 * The role providers' refresh, concurrency, interruption and error behaviour against tiny real
 * `node:http` servers on 127.0.0.1 that play STS and the metadata service (the emulator's own
 * STS is exercised in packages/emulator/test/sts.test.ts). Time is Effect's TestClock, pinned.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as util from "node:util"
import * as Credentials from "../src/Credentials.js"
import * as RoleCredentials from "../src/RoleCredentials.js"
import * as Tc3 from "../src/Tc3.js"

/** 2025-11-25T06:40:00Z in ms: where the TestClock starts. */
const pinnedMillis = 1764052800_000
const roleArn = "qcs::cam::uin/100000000001:roleName/trtc-reader"
const baseCredential: Credentials.Credential = {
  secretId: "AKIDBASECREDENTIAL000000000000000000",
  secretKey: Redacted.make("BaseSecretKeyMustNeverLeak000000"),
  token: Option.some(Redacted.make("BaseSessionTokenMustNeverLeak000"))
}

interface Seen {
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  readonly url: string
}

type Answer = { readonly status: number; readonly json: unknown } | "hang"

/** A real HTTP server on 127.0.0.1 answering each request with `answer(n, request)` (n from 1). */
const server = (answer: (n: number, seen: Seen) => Answer) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly seen: Array<Seen>; readonly closed: Array<number>; readonly http: Http.Server }>((resume) => {
      const seen: Array<Seen> = []
      const closed: Array<number> = []
      const http = Http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const entry = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), url: req.url ?? "" }
          seen.push(entry)
          const n = seen.length
          res.on("close", () => closed.push(n))
          const result = answer(n, entry)
          if (result === "hang") return
          const text = JSON.stringify(result.json)
          res.writeHead(result.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
          res.end(text)
        })
      })
      http.listen(0, "127.0.0.1", () => {
        const { port } = http.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, closed, http }))
      })
    }),
    ({ http }) => Effect.async<void>((resume) => {
      http.closeAllConnections()
      http.close(() => resume(Effect.void))
    })
  )

let issued = 0
/** An STS AssumeRole success valid `seconds` from `nowMillis`. */
const stsSuccess = (nowMillis: number, seconds: number) => {
  issued++
  return {
    status: 200,
    json: {
      Response: {
        Credentials: { TmpSecretId: `AKIDTMP${String(issued).padStart(8, "0")}`, TmpSecretKey: `TmpKeyMustNeverLeak${issued}`, Token: `TmpTokenMustNeverLeak${issued}` },
        ExpiredTime: Math.floor(nowMillis / 1000) + seconds,
        Expiration: new Date(nowMillis + seconds * 1000).toISOString(),
        RequestId: `req-${issued}`
      }
    }
  }
}

const pin = TestClock.setTime(pinnedMillis)
const now = () => pinnedMillis
let clockMillis = pinnedMillis
const advance = (seconds: number) =>
  Effect.sync(() => {
    clockMillis += seconds * 1000
  }).pipe(Effect.zipRight(TestClock.adjust(Duration.seconds(seconds))))

const renderings = (value: unknown) => [String(value), JSON.stringify(value), util.inspect(value, { depth: 10, showHidden: true })]

describe("Credentials.refreshing", () => {
  it.effect("64 concurrent gets fetch once; the next fetch happens a margin before expiry", () =>
    Effect.gen(function*() {
      yield* pin
      let fetches = 0
      const fetch = Effect.gen(function*() {
        fetches++
        // The fetch takes time, so the other fibers really are waiting while it runs.
        yield* Effect.sleep("1 second")
        const at = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
        return { ...baseCredential, secretId: `AKIDFETCH${fetches}0000`, expiresAtMillis: at + 900_000 }
      })
      const provider = yield* Credentials.refreshing(fetch, { refreshMargin: "5 minutes" })
      const all = yield* Effect.fork(Effect.all(Array.from({ length: 64 }, () => provider), { concurrency: "unbounded" }))
      yield* TestClock.adjust("1 second")
      const first = yield* Fiber.join(all)
      assert.strictEqual(fetches, 1)
      assert.deepStrictEqual(new Set(first.map((c) => c.secretId)), new Set(["AKIDFETCH10000"]))
      // Expires at +901 s; the refresh point is 300 s earlier, at +601 s.
      yield* TestClock.adjust("599 seconds")
      assert.strictEqual((yield* provider).secretId, "AKIDFETCH10000")
      assert.strictEqual(fetches, 1)
      yield* TestClock.adjust("1 second")
      const second = yield* Effect.fork(Effect.all(Array.from({ length: 64 }, () => provider), { concurrency: "unbounded" }))
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(new Set((yield* Fiber.join(second)).map((c) => c.secretId)), new Set(["AKIDFETCH20000"]))
      assert.strictEqual(fetches, 2)
    }))

  it.effect("a lifetime shorter than twice the margin refreshes at half of it, not on every call", () =>
    Effect.gen(function*() {
      yield* pin
      let fetches = 0
      const provider = yield* Credentials.refreshing(
        Effect.clockWith((clock) => clock.currentTimeMillis).pipe(Effect.map((at) => ({ ...baseCredential, expiresAtMillis: at + 120_000, secretId: `AKIDSHORT${++fetches}000` }))),
        { refreshMargin: "5 minutes" }
      )
      yield* provider
      yield* TestClock.adjust("59 seconds")
      yield* provider
      assert.strictEqual(fetches, 1)
      yield* TestClock.adjust("1 second")
      yield* provider
      assert.strictEqual(fetches, 2)
    }))

  it.effect("a layer over a chain keeps asking the refreshing provider it found, and stops running the chain", () =>
    Effect.gen(function*() {
      yield* pin
      let chainRuns = 0
      let fetches = 0
      const notConfigured: Credentials.Provider = Effect.suspend(() => {
        chainRuns++
        return Effect.fail(new Credentials.CredentialsError({ source: "first", reason: "NotFound", problem: "not set", fix: "set it" }))
      })
      const rotating = yield* Credentials.refreshing(
        Effect.clockWith((clock) => clock.currentTimeMillis).pipe(Effect.map((at) => ({ ...baseCredential, secretId: `AKIDROTATE${++fetches}00`, expiresAtMillis: at + 900_000 })))
      )
      const credentials = yield* Layer.build(Credentials.layerChain([notConfigured, rotating]))
      const get = Effect.provide(Credentials.get, credentials)
      assert.strictEqual((yield* get).secretId, "AKIDROTATE100")
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual((yield* get).secretId, "AKIDROTATE200")
      assert.strictEqual(chainRuns, 1)
    }).pipe(Effect.scoped))
})

describe("RoleCredentials.assumeRole over HTTP", () => {
  it.scoped("signs AssumeRole with TC3 for service sts, version 2018-08-13, the base token as X-TC-Token", () =>
    Effect.gen(function*() {
      yield* pin
      const sts = yield* server(() => stsSuccess(now(), 7200))
      const provider = yield* RoleCredentials.assumeRole({ roleArn, roleSessionName: "signer-test", base: Effect.succeed(baseCredential), endpoint: sts.url })
      const credential = yield* provider
      assert.match(credential.secretId, /^AKIDTMP/)
      const request = sts.seen[0]!
      assert.strictEqual(request.headers["x-tc-action"], "AssumeRole")
      assert.strictEqual(request.headers["x-tc-version"], "2018-08-13")
      assert.strictEqual(request.headers["x-tc-region"], "ap-guangzhou")
      assert.strictEqual(request.headers["x-tc-token"], "BaseSessionTokenMustNeverLeak000")
      assert.match(request.headers["authorization"] ?? "", /^TC3-HMAC-SHA256 Credential=AKIDBASECREDENTIAL000000000000000000\/2025-11-25\/sts\/tc3_request, /)
      assert.deepStrictEqual(JSON.parse(request.body), { RoleArn: roleArn, RoleSessionName: "signer-test", DurationSeconds: 7200 })
      // The signature verifies with the base key: the request really was signed with it.
      const verified = Tc3.verify(
        { method: "POST", query: "", headers: request.headers as Record<string, string | undefined>, body: request.body },
        { lookup: () => Option.some(baseCredential.secretKey), nowSeconds: pinnedMillis / 1000 }
      )
      assert.strictEqual(verified._tag, "Right")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("an interrupted refresh closes its request, and the fiber waiting behind it fetches instead of hanging", () =>
    Effect.gen(function*() {
      yield* pin
      const firstArrived = yield* Deferred.make<void>()
      const sts = yield* server((n) => {
        if (n === 1) {
          Deferred.unsafeDone(firstArrived, Effect.void)
          return "hang"
        }
        return stsSuccess(now(), 7200)
      })
      const provider = yield* RoleCredentials.assumeRole({ roleArn, base: Effect.succeed(baseCredential), endpoint: sts.url })
      const stuck = yield* Effect.fork(provider)
      yield* Deferred.await(firstArrived)
      const waiting = yield* Effect.fork(provider)
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(stuck)
      const credential = yield* Fiber.join(waiting)
      assert.match(credential.secretId, /^AKIDTMP/)
      assert.strictEqual(sts.seen.length, 2)
      // The abandoned request's connection was closed, not left open.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      assert.include(sts.closed, 1)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a failed refresh keeps the still-valid credential, retries after retryAfterFailure, and fails once it expired", () =>
    Effect.gen(function*() {
      yield* pin
      clockMillis = pinnedMillis
      const sts = yield* server((n) => n === 1 ? stsSuccess(clockMillis, 900) : { status: 502, json: { error: "bad gateway" } })
      const warnings: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning") warnings.push(String(message))
      })
      const provider = yield* RoleCredentials.assumeRole({ roleArn, base: Effect.succeed(baseCredential), endpoint: sts.url, retryAfterFailure: "10 seconds" })
      const get = Effect.provide(provider, Logger.replace(Logger.defaultLogger, logger))
      const first = yield* get
      yield* advance(650)
      assert.strictEqual((yield* get).secretId, first.secretId)
      assert.strictEqual(sts.seen.length, 2)
      assert.strictEqual(warnings.length, 1)
      assert.include(warnings[0]!, "HTTP 502")
      for (const text of warnings) assert.notInclude(text, Redacted.value(first.secretKey))
      // Within retryAfterFailure no new attempt.
      yield* advance(5)
      yield* get
      assert.strictEqual(sts.seen.length, 2)
      yield* advance(6)
      yield* get
      assert.strictEqual(sts.seen.length, 3)
      yield* advance(900)
      const error = yield* Effect.flip(get)
      assert.strictEqual(error._tag, "CredentialsError")
      assert.include(error.problem, "HTTP 502")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("a malformed answer is an Invalid CredentialsError naming the field, never echoing the secrets in it", () =>
    Effect.gen(function*() {
      yield* pin
      const leakedKey = "AnswerSecretKeyMustNeverLeak0000"
      const sts = yield* server(() => ({ status: 200, json: { Response: { Credentials: { TmpSecretId: "AKIDTMP00000001", TmpSecretKey: leakedKey, Token: 42 }, ExpiredTime: 1, RequestId: "r" } } }))
      const error = yield* Effect.flip(Effect.flatten(RoleCredentials.assumeRole({ roleArn, base: Effect.succeed(baseCredential), endpoint: sts.url })))
      assert.strictEqual(error.reason, "Invalid")
      assert.include(error.problem, "Token is missing or not a string")
      for (const text of renderings(error)) {
        assert.notInclude(text, leakedKey)
        assert.notInclude(text, Redacted.value(baseCredential.secretKey))
        assert.notInclude(text, "BaseSessionTokenMustNeverLeak000")
      }
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("an issued credential prints, encodes and inspects with its key and token redacted", () =>
    Effect.gen(function*() {
      yield* pin
      const sts = yield* server(() => stsSuccess(now(), 7200))
      const credential = yield* Effect.flatten(RoleCredentials.assumeRole({ roleArn, base: Effect.succeed(baseCredential), endpoint: sts.url }))
      const key = Redacted.value(credential.secretKey)
      const token = Redacted.value(Option.getOrThrow(credential.token))
      for (const text of renderings(credential)) {
        assert.notInclude(text, key)
        assert.notInclude(text, token)
      }
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("plain http to a host that is not loopback is refused before any request", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatten(RoleCredentials.assumeRole({ roleArn, base: Effect.succeed(baseCredential), endpoint: "http://sts.example.com" })))
      assert.strictEqual(error.reason, "Invalid")
      assert.include(error.problem, "is not https")
      assert.include(error.fix, "127.0.0.1")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

describe("RoleCredentials.webIdentity and cvmRole over HTTP", () => {
  it.scoped("AssumeRoleWithWebIdentity goes unsigned (Authorization: SKIP) with the token in the body", () =>
    Effect.gen(function*() {
      yield* pin
      const sts = yield* server(() => stsSuccess(now(), 7200))
      const credential = yield* Effect.flatten(RoleCredentials.webIdentity({
        roleArn,
        providerId: "tke-oidc",
        region: "ap-singapore",
        webIdentityToken: Redacted.make("oidc-token-value"),
        roleSessionName: "oidc-test",
        endpoint: sts.url
      }))
      assert.match(credential.secretId, /^AKIDTMP/)
      const request = sts.seen[0]!
      assert.strictEqual(request.headers["authorization"], "SKIP")
      assert.strictEqual(request.headers["x-tc-action"], "AssumeRoleWithWebIdentity")
      assert.strictEqual(request.headers["x-tc-region"], "ap-singapore")
      assert.strictEqual(request.headers["x-tc-timestamp"], String(pinnedMillis / 1000))
      assert.isUndefined(request.headers["x-tc-token"])
      assert.deepStrictEqual(JSON.parse(request.body), { ProviderId: "tke-oidc", WebIdentityToken: "oidc-token-value", RoleArn: roleArn, RoleSessionName: "oidc-test", DurationSeconds: 7200 })
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.scoped("cvmRole: Code other than Success is Invalid; an unreachable service is NotFound", () =>
    Effect.gen(function*() {
      yield* pin
      const metadata = yield* server((_, seen) =>
        seen.url.endsWith("/security-credentials/") ? { status: 200, json: "role-a" } : { status: 200, json: { Code: "Failed", TmpSecretKey: "MetadataKeyMustNeverLeak" } })
      const error = yield* Effect.flip(Effect.flatten(RoleCredentials.cvmRole({ metadataUrl: `${metadata.url}/latest/meta-data/` })))
      assert.strictEqual(error.reason, "Invalid")
      assert.include(error.problem, "Code is Failed")
      for (const text of renderings(error)) assert.notInclude(text, "MetadataKeyMustNeverLeak")
      // Port 1 on loopback: nothing listens, the connection is refused.
      const unreachable = yield* Effect.flip(Effect.flatten(RoleCredentials.cvmRole({ metadataUrl: "http://127.0.0.1:1/latest/meta-data/" })))
      assert.strictEqual(unreachable.reason, "NotFound")
      assert.include(unreachable.problem, "cannot be reached")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
