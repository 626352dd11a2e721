// tccli compatibility: --profile/--region precedence as tccli's parse_global_arg has it, and
// `trtc configure` writing the files the SDKs and tccli read (mode 600), used by a real run.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it, layer } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { resolveGlobals } from "../src/internal/globals.js"
import { credentialEnv, e2eDataSet, emulatorFor, fast, ndjson, run, sdkAppId, secretId, secretKey, token } from "./helpers.js"

const flags = (overrides: { readonly region?: string; readonly profile?: string }) => ({
  endpoint: Option.none(),
  region: Option.fromNullable(overrides.region),
  profile: Option.fromNullable(overrides.profile),
  format: Option.none(),
  query: Option.none(),
  rps: 20,
  concurrency: 4,
  timeout: Option.none(),
  rateLimit: Option.none(),
  proxy: Option.none(),
  useCvmRole: false,
  verbose: false
})

/** The global flags resolved with `env` as the ConfigProvider (the environment in `trtc`). */
const resolveWith = (overrides: { readonly region?: string; readonly profile?: string }, env: Record<string, string>) =>
  resolveGlobals(flags(overrides), false).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))

/** A HOME whose tccli profiles keep the given regions. */
const homeWithRegions = (regions: Record<string, string>) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "trtc-home-"))
  fs.mkdirSync(path.join(home, ".tccli"))
  for (const [profile, region] of Object.entries(regions)) {
    fs.writeFileSync(path.join(home, ".tccli", `${profile}.configure`), JSON.stringify({ _sys_param: { region, output: "json" } }))
  }
  return home
}

describe("--region and --profile precedence (tccli's)", () => {
  const home = homeWithRegions({ default: "ap-shanghai", ops: "ap-tokyo", env: "eu-frankfurt" })
  const cases: ReadonlyArray<{
    readonly name: string
    readonly flags: { readonly region?: string; readonly profile?: string }
    readonly env: Record<string, string>
    readonly region: string
    readonly profile: string | undefined
  }> = [
    { name: "the flag beats everything", flags: { region: "ap-seoul", profile: "ops" }, env: { TENCENTCLOUD_REGION: "na-ashburn" }, region: "ap-seoul", profile: "ops" },
    { name: "no --profile: the environment beats the default profile's file", flags: {}, env: { TENCENTCLOUD_REGION: "na-ashburn" }, region: "na-ashburn", profile: undefined },
    { name: "no --profile, no environment: the default profile's file", flags: {}, env: {}, region: "ap-shanghai", profile: undefined },
    { name: "--profile given: its file beats the environment", flags: { profile: "ops" }, env: { TENCENTCLOUD_REGION: "na-ashburn" }, region: "ap-tokyo", profile: "ops" },
    { name: "TENCENTCLOUD_PROFILE chooses the profile, the environment's region still counts", flags: {}, env: { TENCENTCLOUD_PROFILE: "env", TENCENTCLOUD_REGION: "na-ashburn" }, region: "na-ashburn", profile: "env" },
    { name: "TENCENTCLOUD_PROFILE's file when no region is set", flags: {}, env: { TENCENTCLOUD_PROFILE: "env" }, region: "eu-frankfurt", profile: "env" },
    { name: "TCCLI_PROFILE as tccli reads it", flags: {}, env: { TCCLI_PROFILE: "ops" }, region: "ap-tokyo", profile: "ops" },
    { name: "--profile beats TENCENTCLOUD_PROFILE", flags: { profile: "ops" }, env: { TENCENTCLOUD_PROFILE: "env" }, region: "ap-tokyo", profile: "ops" },
    { name: "a profile without a region: the default", flags: { profile: "nothere" }, env: {}, region: "ap-guangzhou", profile: "nothere" }
  ]
  for (const c of cases) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const globals = yield* resolveWith(c.flags, { HOME: home, ...c.env })
        assert.strictEqual(globals.region, c.region)
        assert.strictEqual(globals.profile, c.profile)
        assert.strictEqual(globals.profileExplicit, c.flags.profile !== undefined)
      }))
  }

  it.effect("a profile name that is not a file name is a usage error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(resolveWith({ profile: "../etc" }, { HOME: home }))
      assert.include(error.message, "--profile: \"../etc\" is not a usable profile name")
    }))
})

/** Runs the bin with `stdin` piped in, HOME as `env` says. */
const runWithStdin = (args: ReadonlyArray<string>, stdin: string, env: Record<string, string>) => run(args, { env, stdin, ...(env.HOME ? { home: env.HOME } : {}) })

const mode = (file: string) => fs.statSync(file).mode & 0o777

const dataSet = e2eDataSet()
const commIds = dataSet.apps[0].rooms.map((room) => room.commId).sort()
const listRooms = ["rooms", "--sdk-app-id", String(sdkAppId), "--since", "8d", ...fast]

layer(emulatorFor(dataSet))("trtc configure", (it) => {
  it.effect("writes ~/.tencentcloud/credentials and tccli's files, mode 600, in their layouts; rooms then runs on the profile", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "trtc-home-"))
      // Another profile already there must survive.
      fs.mkdirSync(path.join(home, ".tencentcloud"))
      fs.writeFileSync(path.join(home, ".tencentcloud", "credentials"), "[other]\nsecret_id = AKIDOTHER\nsecret_key = otherKey\n", { mode: 0o644 })
      const r = yield* runWithStdin(["configure", "--profile", "ops", "--secret-id", secretId, "--region", "ap-singapore"], `${secretKey}\n${token}\n`, { HOME: home })
      assert.strictEqual(r.code, 0, r.stderr)
      for (const text of [r.stdout, r.stderr]) {
        assert.notInclude(text, secretKey)
        assert.notInclude(text, token)
      }
      const ini = path.join(home, ".tencentcloud", "credentials")
      const credential = path.join(home, ".tccli", "ops.credential")
      const configure = path.join(home, ".tccli", "ops.configure")
      for (const file of [ini, credential, configure]) assert.strictEqual(mode(file), 0o600, file)
      assert.strictEqual(
        fs.readFileSync(ini, "utf8"),
        `[other]\nsecret_id = AKIDOTHER\nsecret_key = otherKey\n\n[ops]\nsecret_id = ${secretId}\nsecret_key = ${secretKey}\ntoken = ${token}\n`
      )
      assert.deepStrictEqual(JSON.parse(fs.readFileSync(credential, "utf8")), { secretId, secretKey, token })
      const conf = JSON.parse(fs.readFileSync(configure, "utf8")) as { _sys_param: { region: string }; trtc: { version: string } }
      assert.strictEqual(conf._sys_param.region, "ap-singapore")
      assert.strictEqual(conf.trtc.version, "2019-07-22")

      // The profile works, and with --profile given the environment's (wrong) key is not used.
      const rooms = yield* run([...listRooms, "--profile", "ops", "--format", "ndjson"], {
        env: { HOME: home, TRTC_ENDPOINT: emulator.url, TENCENTCLOUD_SECRET_ID: "AKIDWRONG0000", TENCENTCLOUD_SECRET_KEY: "wrongKeyNotUsed012345" }
      })
      assert.strictEqual(rooms.code, 0, rooms.stderr)
      assert.deepStrictEqual(ndjson(rooms.stdout).map((x) => x.commId).sort(), commIds)
      // Without --profile the environment's key wins, as in tccli: rejected.
      const envWins = yield* run([...listRooms, "--format", "ndjson"], {
        env: { HOME: home, TRTC_ENDPOINT: emulator.url, TENCENTCLOUD_PROFILE: "ops", TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: "wrongKeyNotUsed012345" }
      })
      assert.strictEqual(envWins.code, 3, envWins.stderr)

      // Configuring again replaces the section instead of adding a second one.
      const again = yield* runWithStdin(["configure", "--profile", "ops", "--secret-id", secretId], `${secretKey}\n`, { HOME: home })
      assert.strictEqual(again.code, 0, again.stderr)
      const text = fs.readFileSync(ini, "utf8")
      assert.strictEqual(text.split("[ops]").length, 2)
      assert.notInclude(text, token)
      assert.strictEqual(JSON.parse(fs.readFileSync(configure, "utf8"))._sys_param.region, "ap-singapore", "the region kept")
    }))

  it.effect("no key on stdin is a usage error and writes nothing", () =>
    Effect.gen(function*() {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), "trtc-home-"))
      const r = yield* runWithStdin(["configure", "--secret-id", secretId], "", { HOME: home })
      assert.strictEqual(r.code, 2, r.stderr)
      assert.include(r.stderr, "no SecretKey on stdin")
      assert.isFalse(fs.existsSync(path.join(home, ".tencentcloud")))
    }))

  it.effect("the environment's keys are used without --profile (credentialEnv)", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const r = yield* run([...listRooms, "--format", "ndjson"], { env: credentialEnv(emulator.url) })
      assert.strictEqual(r.code, 0, r.stderr)
    }))
})
