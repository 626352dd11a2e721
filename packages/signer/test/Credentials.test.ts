import { afterAll, assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as util from "node:util"
import * as Credentials from "../src/Credentials.js"

const secretId = "AKIDTESTCREDENTIALS00000000000000000"
const secretKey = "SecretKeyMustNeverLeak0123456789"
const token = "SessionTokenMustNeverLeak_abcdef"

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "effect-trtc-credentials-"))
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))
let homes = 0

/** A fresh fake HOME with the given files (relative path → content, mode). */
const makeHome = (files: Record<string, string | { readonly content: string; readonly mode: number }> = {}): string => {
  const home = path.join(tmpRoot, `home${homes++}`)
  fs.mkdirSync(home)
  for (const [relative, file] of Object.entries(files)) {
    const target = path.join(home, relative)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    const { content, mode } = typeof file === "string" ? { content: file, mode: 0o600 } : file
    fs.writeFileSync(target, content)
    fs.chmodSync(target, mode)
  }
  return home
}

/** Runs a provider with the given "environment" (HOME always points into the temp dir). */
const run = <A>(effect: Effect.Effect<A, Credentials.CredentialsError>, env: Record<string, string>, home = makeHome()) =>
  Effect.either(effect).pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ HOME: home, ...env }))))
  )

/** Asserts a typed failure, and that nothing secret appears in any rendering of it. */
const assertError = (
  result: Either.Either<unknown, Credentials.CredentialsError>,
  expected: { readonly source: string; readonly problem: string; readonly reason?: "NotFound" | "Invalid" }
): Credentials.CredentialsError => {
  assert.isTrue(Either.isLeft(result), "expected a CredentialsError")
  const error = (result as Either.Left<Credentials.CredentialsError, unknown>).left
  assert.strictEqual(error._tag, "CredentialsError")
  assert.include(error.source, expected.source)
  assert.include(error.problem, expected.problem)
  assert.isAbove(error.fix.length, 0)
  if (expected.reason !== undefined) assert.strictEqual(error.reason, expected.reason)
  for (const rendering of [error.message, String(error), JSON.stringify(error), util.inspect(error, { depth: 10 })]) {
    assert.notInclude(rendering, secretKey)
    assert.notInclude(rendering, token)
    assert.notInclude(rendering, "SecretKeyMustNeverLeak")
  }
  return error
}

const assertCredential = (
  result: Either.Either<Credentials.Credential, Credentials.CredentialsError>,
  expected: { readonly secretId: string; readonly secretKey: string; readonly token?: string }
) => {
  assert.isTrue(Either.isRight(result), Either.isLeft(result) ? result.left.message : "")
  const credential = (result as Either.Right<unknown, Credentials.Credential>).right
  assert.strictEqual(credential.secretId, expected.secretId)
  assert.strictEqual(Redacted.value(credential.secretKey), expected.secretKey)
  assert.deepStrictEqual(Option.map(credential.token, Redacted.value), Option.fromNullable(expected.token))
}

describe("Credential redaction", () => {
  it.effect("printing, JSON-encoding and inspecting never show the key or token", () =>
    Effect.gen(function*() {
      const credential = yield* Credentials.make({ secretId, secretKey, token })
      const renderings = [
        String(credential.secretKey),
        `${credential.secretKey}`,
        JSON.stringify(credential),
        util.inspect(credential, { depth: 10 }),
        util.format("%o %O %s %j", credential, credential, credential, credential),
        String(credential.token),
        JSON.stringify({ nested: { credential } })
      ]
      for (const rendering of renderings) {
        assert.notInclude(rendering, secretKey)
        assert.notInclude(rendering, token)
      }
      assert.include(JSON.stringify(credential), secretId)
      assert.include(JSON.stringify(credential), "<redacted>")
    }))
})

describe("Credentials.make (static)", () => {
  it.effect("trims whitespace padding", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(Credentials.make({ secretId: ` ${secretId}\n`, secretKey: Redacted.make(`\t${secretKey} `), token: ` ${token} ` }))
      assertCredential(result, { secretId, secretKey, token })
    }))

  it.effect("an empty token means no token", () =>
    Effect.gen(function*() {
      assertCredential(yield* Effect.either(Credentials.make({ secretId, secretKey, token: "  " })), { secretId, secretKey })
    }))

  it.effect("rejects empty, broken and swapped values by name", () =>
    Effect.gen(function*() {
      assertError(yield* Effect.either(Credentials.make({ secretId, secretKey: "" })), { source: "static", problem: "secretKey is empty", reason: "Invalid" })
      assertError(yield* Effect.either(Credentials.make({ secretId: "  ", secretKey })), { source: "static", problem: "secretId is empty" })
      assertError(yield* Effect.either(Credentials.make({ secretId, secretKey: "SecretKeyMustNeverLeak 0123456789" })), { source: "static", problem: "secretKey contains whitespace" })
      assertError(yield* Effect.either(Credentials.make({ secretId: "AKID 123456789", secretKey })), { source: "static", problem: "secretId contains whitespace" })
      assertError(yield* Effect.either(Credentials.make({ secretId: "AKID/123456789", secretKey })), { source: "static", problem: "secretId is not a SecretId" })
      assertError(yield* Effect.either(Credentials.make({ secretId: secretKey, secretKey: secretId })), { source: "static", problem: "look swapped" })
      assertError(yield* Effect.either(Credentials.make({ secretId, secretKey: "SecretKeyMustNeverLeak\u00e9" })), { source: "static", problem: "printable ASCII" })
      assertError(yield* Effect.either(Credentials.make({ secretId, secretKey, token: "SessionTokenMustNeverLeak_ab cdef" })), { source: "static", problem: "token contains whitespace" })
    }))

  it.effect("layerStatic keeps one credential, so the signing key cache keeps hitting", () =>
    Effect.gen(function*() {
      const credentials = yield* Credentials.Credentials
      const first = yield* credentials.get
      const second = yield* credentials.get
      assert.strictEqual(first.secretKey, second.secretKey)
    }).pipe(Effect.provide(Credentials.layerStatic({ secretId, secretKey }))))
})

describe("Credentials.fromEnv", () => {
  it.effect("reads the three variables through Config", () =>
    Effect.gen(function*() {
      const result = yield* run(Credentials.fromEnv, {
        TENCENTCLOUD_SECRET_ID: secretId,
        TENCENTCLOUD_SECRET_KEY: secretKey,
        TENCENTCLOUD_SESSION_TOKEN: token
      })
      assertCredential(result, { secretId, secretKey, token })
    }))

  it.effect("takes tccli's TENCENTCLOUD_TOKEN, preferring TENCENTCLOUD_SESSION_TOKEN", () =>
    Effect.gen(function*() {
      assertCredential(
        yield* run(Credentials.fromEnv, { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey, TENCENTCLOUD_TOKEN: token }),
        { secretId, secretKey, token }
      )
      assertCredential(
        yield* run(Credentials.fromEnv, { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey, TENCENTCLOUD_TOKEN: "other", TENCENTCLOUD_SESSION_TOKEN: token }),
        { secretId, secretKey, token }
      )
    }))

  it.effect("trims padded values", () =>
    Effect.gen(function*() {
      assertCredential(
        yield* run(Credentials.fromEnv, { TENCENTCLOUD_SECRET_ID: `${secretId} `, TENCENTCLOUD_SECRET_KEY: ` ${secretKey}\n` }),
        { secretId, secretKey }
      )
    }))

  it.effect("missing, empty and malformed values are typed errors naming the variable", () =>
    Effect.gen(function*() {
      assertError(yield* run(Credentials.fromEnv, {}), { source: "environment", problem: "neither TENCENTCLOUD_SECRET_ID nor TENCENTCLOUD_SECRET_KEY is set", reason: "NotFound" })
      assertError(yield* run(Credentials.fromEnv, { TENCENTCLOUD_SECRET_ID: secretId }), { source: "environment", problem: "TENCENTCLOUD_SECRET_KEY is missing", reason: "Invalid" })
      assertError(yield* run(Credentials.fromEnv, { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: "  " }), { source: "environment", problem: "TENCENTCLOUD_SECRET_KEY is empty", reason: "Invalid" })
      assertError(yield* run(Credentials.fromEnv, { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: "SecretKeyMustNeverLeak\t0123" }), { source: "environment", problem: "TENCENTCLOUD_SECRET_KEY contains whitespace" })
      assertError(
        yield* run(Credentials.fromEnv, { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey, TENCENTCLOUD_TOKEN: "SessionTokenMustNeverLeak_ab cd" }),
        { source: "environment", problem: "TENCENTCLOUD_TOKEN contains whitespace" }
      )
    }))
})

const ini = (body: string) => ({ ".tencentcloud/credentials": body })

describe("Credentials.fromProfile", () => {
  it.effect("reads [default] and named profiles, trimming values", () =>
    Effect.gen(function*() {
      const home = makeHome(ini(`# comment\n[default]\nsecret_id = ${secretId}\nsecret_key =   ${secretKey}  \n\n[prod]\r\nsecret_id=AKIDPROD0000000000000000000000000000\r\nsecret_key=prodKey\r\ntoken = ${token}\r\n`))
      assertCredential(yield* run(Credentials.fromProfile(), {}, home), { secretId, secretKey })
      assertCredential(yield* run(Credentials.fromProfile("prod"), {}, home), { secretId: "AKIDPROD0000000000000000000000000000", secretKey: "prodKey", token })
    }))

  it.effect("honours TENCENTCLOUD_CREDENTIALS_FILE", () =>
    Effect.gen(function*() {
      const other = makeHome({ "elsewhere.ini": `[default]\nsecret_id=${secretId}\nsecret_key=${secretKey}\n` })
      assertCredential(
        yield* run(Credentials.fromProfile(), { TENCENTCLOUD_CREDENTIALS_FILE: path.join(other, "elsewhere.ini") }),
        { secretId, secretKey }
      )
    }))

  it.effect("missing, empty, malformed and incomplete files are typed errors naming the file", () =>
    Effect.gen(function*() {
      const missing = makeHome()
      assertError(yield* run(Credentials.fromProfile(), {}, missing), { source: path.join(missing, ".tencentcloud", "credentials"), problem: "does not exist", reason: "NotFound" })
      assertError(yield* run(Credentials.fromProfile(), {}, makeHome(ini("  \n"))), { source: "profile file", problem: "the file is empty", reason: "Invalid" })
      assertError(yield* run(Credentials.fromProfile(), {}, makeHome(ini(`[default\nsecret_key=${secretKey}\n`))), { source: "[default]", problem: "line 1: a section header is not closed", reason: "Invalid" })
      assertError(yield* run(Credentials.fromProfile(), {}, makeHome(ini(`[default]\n${secretKey}\n`))), { source: "profile file", problem: "line 2: a line is neither", reason: "Invalid" })
      assertError(yield* run(Credentials.fromProfile("prod"), {}, makeHome(ini(`[default]\nsecret_id=${secretId}\nsecret_key=${secretKey}\n`))), { source: "[prod]", problem: "no [prod] section (found: default)", reason: "NotFound" })
      assertError(yield* run(Credentials.fromProfile(), {}, makeHome(ini(`[default]\nsecret_id=${secretId}\nsecret_key=\n`))), { source: "[default]", problem: "secret_key is empty", reason: "Invalid" })
      assertError(yield* run(Credentials.fromProfile(), {}, makeHome(ini(`[default]\nregion=ap-guangzhou\n`))), { source: "[default]", problem: "neither secret_id nor secret_key is set", reason: "Invalid" })
      assertError(yield* run(Credentials.fromProfile(), {}, makeHome(ini(`[default]\nsecret_id=${secretId}\nsecret_key=SecretKeyMustNeverLeak 01\n`))), { source: "[default]", problem: "secret_key contains whitespace" })
    }))

  it.effect("warns when the file is readable by everyone", () =>
    Effect.gen(function*() {
      const messages: Array<string> = []
      const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ logLevel, message }) => {
        messages.push(`${logLevel.label} ${String(message)}`)
      }))
      const file = `[default]\nsecret_id=${secretId}\nsecret_key=${secretKey}\n`
      assertCredential(yield* run(Credentials.fromProfile(), {}, makeHome({ ".tencentcloud/credentials": { content: file, mode: 0o644 } })).pipe(Effect.provide(capture)), { secretId, secretKey })
      assert.strictEqual(messages.length, 1)
      assert.match(messages[0]!, /^WARN credential file .* is readable by every user; run: chmod 600/)
      assert.notInclude(messages[0]!, secretKey)
      messages.length = 0
      yield* run(Credentials.fromProfile(), {}, makeHome(ini(file))).pipe(Effect.provide(capture))
      assert.deepStrictEqual(messages, [])
    }))
})

const tccli = (profile: string, body: string) => ({ [`.tccli/${profile}.credential`]: body })

describe("Credentials.fromTccli", () => {
  it.effect("reads ~/.tccli/<profile>.credential, the profile defaulting to TCCLI_PROFILE", () =>
    Effect.gen(function*() {
      const home = makeHome({
        ...tccli("default", JSON.stringify({ secretId, secretKey: ` ${secretKey} `, token: "" })),
        ...tccli("dev", JSON.stringify({ secretId, secretKey, token, region: "ap-guangzhou" }))
      })
      assertCredential(yield* run(Credentials.fromTccli(), {}, home), { secretId, secretKey })
      assertCredential(yield* run(Credentials.fromTccli(), { TCCLI_PROFILE: "dev" }, home), { secretId, secretKey, token })
      assertCredential(yield* run(Credentials.fromTccli("dev"), {}, home), { secretId, secretKey, token })
    }))

  it.effect("missing, empty and malformed files are typed errors naming the file", () =>
    Effect.gen(function*() {
      assertError(yield* run(Credentials.fromTccli(), {}), { source: "default.credential", problem: "does not exist", reason: "NotFound" })
      assertError(yield* run(Credentials.fromTccli(), {}, makeHome(tccli("default", ""))), { source: "tccli file", problem: "the file is empty", reason: "Invalid" })
      assertError(yield* run(Credentials.fromTccli(), {}, makeHome(tccli("default", `{"secretId": "${secretId}", "secretKey": "${secretKey}"`))), { source: "tccli file", problem: "not valid JSON", reason: "Invalid" })
      assertError(yield* run(Credentials.fromTccli(), {}, makeHome(tccli("default", `[]`))), { source: "tccli file", problem: "not a JSON object" })
      assertError(yield* run(Credentials.fromTccli(), {}, makeHome(tccli("default", `{"secretId": 42, "secretKey": "${secretKey}"}`))), { source: "tccli file", problem: "\"secretId\" is not a string" })
      assertError(yield* run(Credentials.fromTccli(), {}, makeHome(tccli("default", `{"secretId": "${secretId}"}`))), { source: "tccli file", problem: "secretKey is missing" })
    }))
})

describe("Credentials chain", () => {
  it.effect("reports every source it tried when none has credentials", () =>
    Effect.gen(function*() {
      const home = makeHome()
      const error = assertError(yield* run(Credentials.fromDefaultChain(), {}, home), { source: "credential chain", problem: "no credentials found", reason: "NotFound" })
      assert.strictEqual(error.tried?.length, 3)
      assert.include(error.problem, "environment: neither TENCENTCLOUD_SECRET_ID nor TENCENTCLOUD_SECRET_KEY is set")
      assert.include(error.problem, `profile file ${path.join(home, ".tencentcloud", "credentials")} [default]: the file does not exist`)
      assert.include(error.problem, `tccli file ${path.join(home, ".tccli", "default.credential")}: the file does not exist`)
    }))

  it.effect("takes the first configured source, in order env → profile → tccli", () =>
    Effect.gen(function*() {
      const home = makeHome({
        ...ini(`[default]\nsecret_id=AKIDPROFILE00000000000000000000000000\nsecret_key=${secretKey}\n`),
        ...tccli("default", JSON.stringify({ secretId: "AKIDTCCLI000000000000000000000000000", secretKey }))
      })
      assertCredential(yield* run(Credentials.fromDefaultChain(), {}, home), { secretId: "AKIDPROFILE00000000000000000000000000", secretKey })
      assertCredential(yield* run(Credentials.fromDefaultChain(), { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey }, home), { secretId, secretKey })
      const tccliOnly = makeHome(tccli("default", JSON.stringify({ secretId: "AKIDTCCLI000000000000000000000000000", secretKey })))
      assertCredential(yield* run(Credentials.fromDefaultChain(), {}, tccliOnly), { secretId: "AKIDTCCLI000000000000000000000000000", secretKey })
    }))

  it.effect("stops at a configured but broken source instead of using another identity", () =>
    Effect.gen(function*() {
      const home = makeHome(tccli("default", JSON.stringify({ secretId: "AKIDTCCLI000000000000000000000000000", secretKey })))
      assertError(
        yield* run(Credentials.fromDefaultChain(), { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: "" }, home),
        { source: "environment", problem: "TENCENTCLOUD_SECRET_KEY is empty", reason: "Invalid" }
      )
    }))

  it.effect("layerDefault serves the chain through the Credentials service", () =>
    Effect.gen(function*() {
      const result = yield* run(Credentials.get.pipe(Effect.provide(Credentials.Credentials.layerDefault)), { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey })
      assertCredential(result, { secretId, secretKey })
    }))
})
