// Shell completion (@effect/cli's `--completions`): the bash script loaded into a real bash,
// completing as bash's `complete -F` would call it (`$1` the command, `$2` the word, `$3` the one
// before it).
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFile } from "node:child_process"
import { bin, emptyHome } from "./helpers.js"

const bash = (script: string): Effect.Effect<{ readonly code: number; readonly stdout: string; readonly stderr: string }> =>
  Effect.async((resume) => {
    const child = execFile("bash", ["-c", script], {
      env: { PATH: process.env.PATH ?? "", HOME: emptyHome, NO_COLOR: "1", TRTC: `${process.execPath} ${bin}` }
    }, (error, stdout, stderr) => resume(Effect.succeed({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

/** What bash offers for the words typed so far (the last one being completed). */
const complete = (words: ReadonlyArray<string>) =>
  bash([
    "set -e",
    "source <($TRTC --completions bash)",
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length - 1}`,
    `_trtc_bash_completions trtc '${words[words.length - 1]}' '${words[words.length - 2]}'`,
    "echo \"${COMPREPLY[@]}\""
  ].join("\n"))

describe.concurrent("trtc --completions", () => {
  it.effect("bash: `trtc ex` completes to `export`", () =>
    Effect.gen(function*() {
      const r = yield* complete(["trtc", "ex"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.deepStrictEqual(r.stdout.trim().split(/\s+/), ["export"])
    }))

  it.effect("bash: `trtc e` offers every command starting with e", () =>
    Effect.gen(function*() {
      const r = yield* complete(["trtc", "e"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.deepStrictEqual(r.stdout.trim().split(/\s+/).sort(), ["emulator", "events", "export"])
    }))

  it.effect("bash: a command's flags, global ones included (`trtc export --q` → `--query`)", () =>
    Effect.gen(function*() {
      const flags = yield* complete(["trtc", "export", "--q"])
      assert.strictEqual(flags.code, 0, flags.stderr)
      assert.deepStrictEqual(flags.stdout.trim().split(/\s+/), ["--query"])
      const sdk = yield* complete(["trtc", "rooms", "--sdk"])
      assert.deepStrictEqual(sdk.stdout.trim().split(/\s+/), ["--sdk-app-id"])
    }))

  it.effect("bash: `complete` registers the function for trtc", () =>
    Effect.gen(function*() {
      const r = yield* bash("source <($TRTC --completions bash)\ncomplete -p trtc")
      assert.strictEqual(r.code, 0, r.stderr)
      assert.include(r.stdout, "-F _trtc_bash_completions")
    }))

  // zsh and fish are not installed here: check the scripts are theirs and know the commands.
  for (const [shell, head] of [["zsh", "#compdef trtc"], ["fish", "complete -c trtc"]] as const) {
    it.effect(`${shell}: a ${shell} script naming every command`, () =>
      Effect.gen(function*() {
        const r = yield* bash(`$TRTC --completions ${shell}`)
        assert.strictEqual(r.code, 0, r.stderr)
        assert.isTrue(r.stdout.startsWith(head), r.stdout.slice(0, 80))
        for (const command of ["events", "rooms", "users", "export", "emulator", "demo"]) assert.include(r.stdout, command)
      }))
  }
})
