// Credentials edge cases: an expired or missing temporary token surfaces as
// AuthFailure.TokenFailure with a hint (CLI exit 3) and a typed error in the library; a profile
// or tccli file readable by every user gives a warning naming the fix (and still works), while
// a private one (0600) gives none; a FIFO or a /dev/zero symlink in place of a credential file
// is refused at once with one line and exit 3.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Models from "@effect-trtc/core/Models"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import { assert, layer } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import { dirname, join } from "node:path"
import { credentialEnv, emptyHome, leaks, run, sdkAppId, secretId, secretKey, token } from "./helpers.js"

const expiredToken = "expiredTokenFromYesterday0123456789"

const profileHome = (mode: number, section = "default") => {
  const home = emptyHome()
  fs.mkdirSync(join(home, ".tencentcloud"), { mode: 0o700 })
  const file = join(home, ".tencentcloud", "credentials")
  fs.writeFileSync(file, `[${section}]\nsecret_id = ${secretId}\nsecret_key = ${secretKey}\ntoken = ${token}\n`)
  fs.chmodSync(file, mode)
  return { home, file }
}

layer(Emulator.layer({ rps: 0, seed: 4, credentials: [{ secretId, secretKey, token }] }))("credentials", (it) => {
  const rooms = ["rooms", "--sdk-app-id", String(sdkAppId), "--since", "1d", "--format", "ndjson"]

  it.effect("an expired or missing session token: exit 3, AuthFailure.TokenFailure with a hint, no secret", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      for (const env of [
        { ...credentialEnv(emulator.url), TENCENTCLOUD_SESSION_TOKEN: expiredToken },
        credentialEnv(emulator.url, false)
      ]) {
        const r = yield* run(rooms, { env })
        assert.strictEqual(r.code, 3, r.stderr)
        const lines = r.stderr.trimEnd().split("\n")
        assert.strictEqual(lines.length, 1, r.stderr)
        assert.match(lines[0], /^error: AuthFailure\.TokenFailure: .*RequestId .* — hint: .*token.*(expired|refresh)/i)
        assert.deepStrictEqual(leaks(r.stdout + r.stderr, [secretKey, token, expiredToken]), [])
      }
    }))

  it.effect("library: an expired token is a typed AuthFailure (TokenFailure), not retried", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const before = (yield* emulator.requests).length
      const result = yield* Effect.flatMap(Trtc.Trtc, (trtc) =>
        trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId, startTime: Math.floor(Date.now() / 1000) - 3600, endTime: Math.floor(Date.now() / 1000) }))).pipe(
        Effect.provide(Trtc.layer({ endpoint: emulator.url, rps: 0 }).pipe(
          Layer.provide(Layer.merge(NodeHttpClient.layerUndici, Credentials.layerStatic({ secretId, secretKey, token: expiredToken })))
        )),
        Effect.either,
        // The real clock: under the TestClock the first attempt would be signed in 1970.
        Effect.withClock(Clock.make())
      )
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "AuthFailure")
        assert.strictEqual((result.left as { code: string }).code, "AuthFailure.TokenFailure")
      }
      const sent = (yield* emulator.requests).slice(before)
      assert.deepStrictEqual(sent.map((e) => e.code), ["AuthFailure.TokenFailure"], "sent once, not retried")
    }))

  it.effect("a world-readable profile file: a warning naming chmod 600, and the command still works", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const open = profileHome(0o644)
      const r = yield* run(rooms, { env: { TRTC_ENDPOINT: emulator.url }, home: open.home })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(r.stderr, /readable by every user.*chmod 600/)
      assert.include(r.stderr, open.file)
      assert.deepStrictEqual(leaks(r.stdout + r.stderr, [secretKey, token]), [])
      // Private: no warning. Group-readable is not world-readable: no warning either.
      for (const mode of [0o600, 0o640]) {
        const closed = profileHome(mode)
        const quiet = yield* run(rooms, { env: { TRTC_ENDPOINT: emulator.url }, home: closed.home })
        assert.strictEqual(quiet.code, 0, quiet.stderr)
        assert.notMatch(quiet.stderr, /readable by every user/, `mode ${mode.toString(8)}`)
      }
      // A named profile (--profile) is checked the same way.
      const named = profileHome(0o604, "ops")
      const r2 = yield* run([...rooms, "--profile", "ops"], { env: { TRTC_ENDPOINT: emulator.url }, home: named.home })
      assert.strictEqual(r2.code, 0, r2.stderr)
      assert.match(r2.stderr, /readable by every user/)
    }))

  it.effect("a FIFO or a /dev/zero symlink as the credentials file: refused at once, exit 3, one line, no secret", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const cases: Array<{ readonly relative: string; readonly place: (file: string) => void; readonly what: RegExp }> = [
        // Before the fix a FIFO hung the CLI forever (issue 18.6); the test timeout would catch that.
        { relative: ".tencentcloud/credentials", place: (file) => childProcess.execFileSync("mkfifo", [file]), what: /a FIFO \(named pipe\), not a regular file/ },
        // ... and /dev/zero was read for 635 MB before an "unknown error".
        { relative: ".tencentcloud/credentials", place: (file) => fs.symlinkSync("/dev/zero", file), what: /a character device, not a regular file/ },
        // tccli's file is read the same way once the profile file is absent.
        { relative: ".tccli/default.credential", place: (file) => childProcess.execFileSync("mkfifo", [file]), what: /a FIFO/ }
      ]
      for (const { place, relative, what } of cases) {
        const home = emptyHome()
        const file = join(home, relative)
        fs.mkdirSync(dirname(file), { recursive: true })
        place(file)
        const r = yield* run(rooms, { env: { TRTC_ENDPOINT: emulator.url }, home })
        assert.strictEqual(r.signal, null, r.stderr)
        assert.strictEqual(r.code, 3, r.stderr)
        assert.strictEqual(r.stdout, "")
        const lines = r.stderr.trimEnd().split("\n")
        assert.strictEqual(lines.length, 1, r.stderr)
        assert.include(lines[0], file)
        assert.match(lines[0], what)
        assert.match(lines[0], /regular file/)
        assert.notMatch(r.stderr, /\n\s+at /, "no stack trace")
        assert.deepStrictEqual(leaks(r.stdout + r.stderr, [secretKey, token]), [])
      }
    }))

  it.effect("library: layerProfile logs the warning for a world-readable file", () =>
    Effect.gen(function*() {
      const open = profileHome(0o644)
      const messages: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => void messages.push(`${logLevel.label}: ${String(message)}`))
      const credential = yield* Effect.flatMap(Credentials.Credentials, (c) => c.get).pipe(
        Effect.provide(Credentials.layerProfile()),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["HOME", open.home]]))),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
      assert.strictEqual(credential.secretId, secretId)
      assert.isTrue(messages.some((m) => /^WARN: .*readable by every user.*chmod 600/.test(m)), messages.join("\n"))
      assert.deepStrictEqual(leaks(messages.join("\n"), [secretKey, token]), [])
    }))
})
