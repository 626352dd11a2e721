// Credential files as people and accidents leave them: CRLF, a BOM, quotes, stray spaces, and
// paths that are not regular files at all (a FIFO, /dev/zero, a directory, a huge file). Each is
// read correctly or refused with a typed error naming the path — never a hang, never the secret.
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as util from "node:util"
import * as Credentials from "../src/Credentials.js"
import { maxCredentialFileBytes } from "../src/internal/credentialFiles.js"

const secretId = "AKIDFILECASES000000000000000000000000"
const secretKey = "FileSecretKeyMustNeverLeak0123456"
const token = "FileSessionTokenMustNeverLeak_xyz"

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "effect-trtc-credential-files-"))
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }))
let homes = 0

/** A fresh HOME; `place` puts whatever is under test at the given path inside it. */
const makeHome = (relative: string, place: (target: string) => void): { readonly home: string; readonly file: string } => {
  const home = path.join(tmpRoot, `home${homes++}`)
  const file = path.join(home, relative)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  place(file)
  return { home, file }
}
const profileAt = ".tencentcloud/credentials"
const writeFile = (content: string | Buffer) => (target: string) => fs.writeFileSync(target, content, { mode: 0o600 })

const run = (effect: Credentials.Provider, home: string) =>
  Effect.either(effect).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["HOME", home]]))))

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

/** A typed Invalid error whose message names the file and the problem, and holds no secret. */
const assertRefused = (
  result: Either.Either<unknown, Credentials.CredentialsError>,
  file: string,
  problem: string
): Credentials.CredentialsError => {
  assert.isTrue(Either.isLeft(result), "expected a CredentialsError")
  const error = (result as Either.Left<Credentials.CredentialsError, unknown>).left
  assert.strictEqual(error._tag, "CredentialsError")
  assert.strictEqual(error.reason, "Invalid")
  assert.include(error.source, file)
  assert.include(error.problem, problem)
  assert.isAbove(error.fix.length, 0)
  for (const rendering of [error.message, JSON.stringify(error), util.inspect(error, { depth: 10 })]) {
    for (const secret of [secretKey, token]) assert.notInclude(rendering, secret)
  }
  return error
}

const profile = (body: string) => `[default]\nsecret_id = ${secretId}\nsecret_key = ${secretKey}\n${body}`

describe("credential file content", () => {
  it.effect("CRLF line endings", () =>
    Effect.gen(function*() {
      const { home } = makeHome(profileAt, writeFile(`[default]\r\nsecret_id = ${secretId}\r\nsecret_key = ${secretKey}\r\ntoken = ${token}\r\n`))
      assertCredential(yield* run(Credentials.fromProfile(), home), { secretId, secretKey, token })
    }))

  it.effect("a UTF-8 BOM, in the INI file and in tccli's JSON", () =>
    Effect.gen(function*() {
      const ini = makeHome(profileAt, writeFile(`\uFEFF[default]\nsecret_id=${secretId}\nsecret_key=${secretKey}\n`))
      assertCredential(yield* run(Credentials.fromProfile(), ini.home), { secretId, secretKey })
      const json = makeHome(".tccli/default.credential", writeFile(`\uFEFF${JSON.stringify({ secretId, secretKey })}`))
      assertCredential(yield* run(Credentials.fromTccli(), json.home), { secretId, secretKey })
    }))

  it.effect("values in double or single quotes lose the quotes", () =>
    Effect.gen(function*() {
      const double = makeHome(profileAt, writeFile(`[default]\nsecret_id = "${secretId}"\nsecret_key = "${secretKey}"\ntoken = "${token}"\n`))
      assertCredential(yield* run(Credentials.fromProfile(), double.home), { secretId, secretKey, token })
      const single = makeHome(profileAt, writeFile(`[default]\nsecret_id = '${secretId}'\nsecret_key = '${secretKey}'\n`))
      assertCredential(yield* run(Credentials.fromProfile(), single.home), { secretId, secretKey })
    }))

  it.effect("trailing spaces and tabs, around keys, values and section names", () =>
    Effect.gen(function*() {
      const { home } = makeHome(profileAt, writeFile(`  [ default ] \t\n\tsecret_id \t=  ${secretId} \t \nsecret_key=${secretKey}\t\t\r\n`))
      assertCredential(yield* run(Credentials.fromProfile(), home), { secretId, secretKey })
    }))

  it.effect("a missing section names the profile, the file and the profiles found", () =>
    Effect.gen(function*() {
      const { file, home } = makeHome(profileAt, writeFile(profile("").replace("[default]", "[prod]")))
      const result = yield* run(Credentials.fromProfile("staging"), home)
      assert.isTrue(Either.isLeft(result))
      const error = (result as Either.Left<Credentials.CredentialsError, unknown>).left
      assert.strictEqual(error.reason, "NotFound")
      assert.include(error.source, file)
      assert.include(error.source, "[staging]")
      assert.include(error.problem, "no [staging] section (found: prod)")
      assert.notInclude(error.message, secretKey)
    }))
})

describe("credential file kinds", () => {
  it.effect("a symlink to a regular file is followed", () =>
    Effect.gen(function*() {
      const real = path.join(tmpRoot, `real${homes}.ini`)
      fs.writeFileSync(real, profile(""), { mode: 0o600 })
      const { home } = makeHome(profileAt, (target) => fs.symlinkSync(real, target))
      assertCredential(yield* run(Credentials.fromProfile(), home), { secretId, secretKey })
    }))

  it.effect("a FIFO is refused without blocking, even with no writer", () =>
    Effect.gen(function*() {
      const { file, home } = makeHome(profileAt, (target) => childProcess.execFileSync("mkfifo", [target]))
      const error = assertRefused(yield* run(Credentials.fromProfile(), home), file, "a FIFO (named pipe), not a regular file")
      assert.include(error.fix, "regular file")
      // tccli's file goes through the same reader.
      const tccli = makeHome(".tccli/default.credential", (target) => childProcess.execFileSync("mkfifo", [target]))
      assertRefused(yield* run(Credentials.fromTccli(), tccli.home), tccli.file, "a FIFO")
    }))

  it.effect("a symlink to /dev/zero is refused as a device, not read", () =>
    Effect.gen(function*() {
      const { file, home } = makeHome(profileAt, (target) => fs.symlinkSync("/dev/zero", target))
      assertRefused(yield* run(Credentials.fromProfile(), home), file, "a character device, not a regular file")
    }))

  it.effect("a directory is refused", () =>
    Effect.gen(function*() {
      const { file, home } = makeHome(profileAt, (target) => fs.mkdirSync(target))
      assertRefused(yield* run(Credentials.fromProfile(), home), file, "a directory")
    }))

  it.effect("a file over the cap is refused; one at the cap is read", () =>
    Effect.gen(function*() {
      const body = profile("")
      const atCap = Buffer.alloc(maxCredentialFileBytes, "#")
      atCap.write(body, 0)
      atCap.write("\n", body.length)
      const fits = makeHome(profileAt, writeFile(atCap))
      assertCredential(yield* run(Credentials.fromProfile(), fits.home), { secretId, secretKey })
      const huge = makeHome(profileAt, writeFile(Buffer.concat([atCap, Buffer.from("#")])))
      assertRefused(yield* run(Credentials.fromProfile(), huge.home), huge.file, `larger than ${maxCredentialFileBytes} bytes`)
    }))
})
