/**
 * `trtc configure`: stores an API key for a profile where the official tools look for it:
 * `~/.tencentcloud/credentials` (the SDKs' INI file) and tccli's `~/.tccli/<profile>.credential`
 * and `.configure` (with the region), every file mode 600.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { RuntimeError, UsageError } from "../CliError.js"
import { Terminal } from "../internal/io.js"
import * as Help from "../internal/help.js"
import * as ProfileFiles from "../internal/profileFiles.js"
import { remember } from "../internal/secrets.js"

// Everything stdin holds, for a key piped in (`pass show tc | trtc configure …`): a secret on the
// command line would sit in shell history and in every `ps` listing.
const readStdin = Effect.async<string, RuntimeError>((resume) => {
  const chunks: Array<Buffer> = []
  process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
  process.stdin.on("end", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
  process.stdin.on("error", (error) => resume(Effect.fail(new RuntimeError({ problem: `cannot read stdin: ${error.message}` }))))
})

const secretInput = Effect.gen(function*() {
  if (process.stdin.isTTY === true) {
    const key = yield* Prompt.run(Prompt.password({ message: "TencentCloud API secretKey" }))
    return { secretKey: Redacted.value(key).trim(), token: undefined }
  }
  const lines = (yield* readStdin).split(/\r?\n/).map((l) => l.trim())
  const token = lines[1] === undefined || lines[1] === "" ? undefined : lines[1]
  return { secretKey: lines[0] ?? "", token }
})

/**
 * The `configure` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("configure", {
  profile: Options.text("profile").pipe(
    Options.withDescription("the profile to write (default: default)"),
    Options.withDefault("default")
  ),
  secretId: Options.text("secret-id").pipe(Options.withDescription("the API key's SecretId (the SecretKey is read from stdin, or asked for at a terminal; a second stdin line is a session token)")),
  region: Options.text("region").pipe(
    Options.withDescription("the profile's region (default: the one it has, else ap-guangzhou)"),
    Options.optional
  )
}, (flags) =>
  Effect.gen(function*() {
    const io = yield* Terminal
    const invalid = ProfileFiles.checkProfileName(flags.profile)
    if (invalid !== undefined) return yield* invalid
    const home = yield* ProfileFiles.home
    if (home === undefined) {
      return yield* new UsageError({ problem: "HOME is not set", fix: "set HOME to the directory that should hold .tencentcloud and .tccli" })
    }
    const secretId = flags.secretId.trim()
    if (secretId === "") return yield* new UsageError({ problem: "--secret-id: empty", fix: "give the API key's SecretId" })
    const { secretKey, token } = yield* secretInput
    if (secretKey !== "") remember(secretKey)
    if (token !== undefined) remember(token)
    if (secretKey === "") {
      return yield* new UsageError({ problem: "no SecretKey on stdin", fix: "pipe it in: printf '%s\\n' \"$KEY\" | trtc configure --secret-id …" })
    }
    const region = Option.getOrUndefined(flags.region)?.trim() ||
      ProfileFiles.profileRegion(home, flags.profile) || "ap-guangzhou"
    const written = yield* Effect.try({
      try: () => ProfileFiles.writeProfile(home, { profile: flags.profile, secretId, secretKey, token, region }),
      catch: (error) => error instanceof RuntimeError ? error : new RuntimeError({ problem: String(error) })
    })
    yield* io.stderr(`profile ${flags.profile} (region ${region}) written to ${written.files.join(", ")}\n`)
  })).pipe(Command.withDescription(Help.describe("Store an API key (and region) for a profile, as tccli and the SDKs read it (files mode 600).", [
  "printf '%s\\n' \"$SECRET_KEY\" | trtc configure --secret-id AKIDexample --region ap-singapore",
  "trtc configure --profile ops --secret-id AKIDexample"
])))
