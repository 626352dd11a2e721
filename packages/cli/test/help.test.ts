// What a newcomer reads first: every command's --help, from the real bin.
import * as Command from "@effect/cli/Command"
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { command } from "../src/Cli.js"
import { run } from "./helpers.js"

const integerFlags: Record<string, ReadonlyArray<string>> = {
  events: ["--sdk-app-id", "--rps", "--concurrency"],
  rooms: ["--sdk-app-id", "--rps", "--concurrency"],
  users: ["--sdk-app-id", "--rps", "--concurrency"],
  anomalies: ["--sdk-app-id", "--rps", "--concurrency"],
  export: ["--sdk-app-id", "--rps", "--concurrency"],
  diagnose: ["--sdk-app-id", "--rps", "--concurrency"],
  timeline: ["--sdk-app-id", "--rps", "--concurrency"],
  emulator: ["--port", "--seed", "--rps", "--apps", "--rooms-per-app", "--max-events"],
  demo: ["--seed"]
}

/** The paragraph under `--flag integer` in a help text. */
const blockOf = (help: string, flag: string): string => {
  const start = help.indexOf(`\n${flag} integer`)
  assert.isAtLeast(start, 0, `${flag} integer is listed`)
  const next = help.indexOf("\n--", start + 1)
  return help.slice(start, next < 0 ? undefined : next)
}

for (const [command, flags] of Object.entries(integerFlags)) {
  it.effect(`trtc ${command} --help describes integer flags as integers, never as "A user-defined piece of text"`, () =>
    Effect.gen(function*() {
      const result = yield* run([command, "--help"])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.notInclude(result.stdout, "A user-defined piece of text")
      for (const flag of flags) assert.include(blockOf(result.stdout, flag), "An integer", flag)
    }), 60_000)
}

// Every command of the real tree, so that a command added later is held to the same help.
const treeCommands = [...HashMap.keys(Command.getSubcommands(command))]

for (const name of treeCommands) {
  it.effect(`trtc ${name} --help: usage as typed (trtc ${name} …) and examples of trtc ${name}`, () =>
    Effect.gen(function*() {
      const result = yield* run([name, "--help"])
      assert.strictEqual(result.code, 0, result.stderr)
      assert.match(result.stdout, new RegExp(`\\nUSAGE\\n\\n\\$ trtc ${name} `))
      assert.notMatch(result.stdout, new RegExp(`^\\$ ${name}\\b`, "m"))
      const examples = result.stdout.slice(result.stdout.indexOf("\nEXAMPLES\n"), result.stdout.indexOf("\nOPTIONS\n"))
      assert.isAbove(result.stdout.indexOf("\nEXAMPLES\n"), 0, "an EXAMPLES section")
      assert.match(examples, new RegExp(`^\\$ trtc ${name}( |$)`, "m"))
    }), 60_000)
}

it.effect("trtc emulator --help shows --credentials as optional (it may be given zero or more times)", () =>
  Effect.gen(function*() {
    const result = yield* run(["emulator", "--help"])
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, " [--credentials text...] ")
  }), 60_000)

it.effect("a usage error points to the command's own help; an unknown command to trtc --help", () =>
  Effect.gen(function*() {
    const missing = yield* run(["rooms"])
    assert.strictEqual(missing.code, 2)
    assert.match(missing.stderr, /^error: missing required flag --sdk-app-id — hint: see trtc rooms --help\n$/)
    const hoisted = yield* run(["--format", "json", "users", "--sdk-app-id", "1"])
    assert.match(hoisted.stderr, /missing required flag --comm-id — hint: see trtc users --help\n$/)
    const badChoice = yield* run(["emulator", "--retention-days", "9"])
    assert.match(badChoice.stderr, /^error: --retention-days: unknown value "9" \(expected one of 7, 14\) — hint: see trtc emulator --help\n$/)
    const unknown = yield* run(["bogus"])
    assert.match(unknown.stderr, /^error: unknown command "bogus".* — hint: see trtc --help\n$/)
  }), 60_000)

it.effect("--log-level is accepted anywhere before --, with its value after a space or =", () =>
  Effect.gen(function*() {
    // Parsed past --log-level: the error is about the next flag, not "unknown argument".
    for (const args of [["rooms", "--log-level", "debug", "--sdk-app-id", "x"], ["rooms", "--log-level=debug", "--sdk-app-id", "x"]]) {
      const result = yield* run(args)
      assert.strictEqual(result.code, 2, args.join(" "))
      assert.match(result.stderr, /^error: --sdk-app-id: "x" is not an integer/, args.join(" "))
    }
    // Last on the line (where @effect/cli alone answered "unknown argument"): the command runs and
    // stops at the missing credentials (the empty HOME has none), exit 3.
    for (const args of [["rooms", "--sdk-app-id", "1", "--since", "1h", "--log-level", "debug"], ["rooms", "--sdk-app-id", "1", "--log-level=debug", "--since", "1h"]]) {
      const result = yield* run(args)
      assert.strictEqual(result.code, 3, `${args.join(" ")}: ${result.stderr}`)
      assert.match(result.stderr, /^error: credentials: no credentials found/)
    }
  }), 60_000)

it.effect("bash completion of --format offers the four formats as four words", () =>
  Effect.gen(function*() {
    const script = yield* run(["--completions", "bash"])
    assert.strictEqual(script.code, 0, script.stderr)
    // The generated script, sourced in a real bash, asked what follows `trtc rooms --format `.
    const dir = fs.mkdtempSync(join(os.tmpdir(), "trtc-completion-"))
    fs.writeFileSync(join(dir, "trtc.bash"), script.stdout)
    const words = execFileSync("bash", ["-c", `source ${join(dir, "trtc.bash")}
COMP_WORDS=(trtc rooms --format ""); COMP_CWORD=3; _trtc_bash_completions trtc
printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: "utf8" }).split("\n").filter((w) => w !== "")
    assert.deepStrictEqual(words, ["json", "ndjson", "table", "csv"])
  }), 60_000)
