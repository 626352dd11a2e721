// What a newcomer reads first: every command's --help, from the real bin.
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { run } from "./helpers.js"

const integerFlags: Record<string, ReadonlyArray<string>> = {
  events: ["--sdk-app-id", "--rps", "--concurrency"],
  rooms: ["--sdk-app-id", "--rps", "--concurrency"],
  users: ["--sdk-app-id", "--rps", "--concurrency"],
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
