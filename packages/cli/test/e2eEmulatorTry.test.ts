// End to end: the `Try:` command that `trtc emulator` prints runs as printed, pasted into a shell
// where no credentials are set; and with the user's own --credentials it never echoes a key.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { join } from "node:path"
import { bin, emptyHome, run, secretId, secretKey, tempDir } from "./helpers.js"

/** The pasteable command: the line after `Try…:` in the emulator's stderr. */
const printedCommand = (stderr: string): string | undefined => /^Try[^\n]*:\n {2}(\S[^\n]*)$/m.exec(stderr)?.[1]

/** Runs `command` with `bash -c` as a user would, with `trtc` on PATH and no credentials set. */
const paste = (command: string) =>
  Effect.async<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resume) => {
    const shims = tempDir()
    fs.writeFileSync(join(shims, "trtc"), `#!/bin/sh\nexec '${process.execPath}' '${bin}' "$@"\n`, { mode: 0o755 })
    const child = spawn("bash", ["-c", command], {
      env: { PATH: `${shims}:${process.env.PATH ?? ""}`, HOME: emptyHome, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (d: string) => void (stdout += d))
    child.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr += d))
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

describe("trtc emulator's Try line", () => {
  it.live("with the default credential, the printed command runs as pasted and lists the emulator's calls", () =>
    Effect.gen(function*() {
      let pasted: { readonly code: number | null; readonly stdout: string; readonly stderr: string } | undefined
      let started = false
      const r = yield* run(["emulator", "--port", "0", "--seed", "5"], {
        interruptWhen: ({ stderr }) => {
          const command = printedCommand(stderr)
          if (command !== undefined && !started) {
            started = true
            Effect.runPromise(paste(command)).then((p) => void (pasted = p))
          }
          // Stop too when the hint is printed but holds no pasteable command, so the test fails, not hangs.
          return pasted !== undefined || (command === undefined && /^Try[^\n]*\n/m.test(stderr))
        }
      })
      assert.strictEqual(r.code, 130, r.stderr)
      const command = printedCommand(r.stderr) ?? ""
      assert.notStrictEqual(command, "", r.stderr)
      assert.include(command, `TENCENTCLOUD_SECRET_ID=${Emulator.defaultCredential.secretId}`)
      assert.include(command, `TENCENTCLOUD_SECRET_KEY=${Emulator.defaultCredential.secretKey}`)
      assert.strictEqual(pasted!.code, 0, pasted!.stderr)
      // Not a pipe to a terminal: NDJSON rows of calls of the emulator's first application.
      const rows = pasted!.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
      assert.isAbove(rows.length, 0)
    }))

  it.live("with --credentials, it prints no key and tells to use those credentials", () =>
    Effect.gen(function*() {
      const r = yield* run(["emulator", "--port", "0", "--credentials", `${secretId}:${secretKey}`], {
        interruptWhen: ({ stderr }) => /^Try[^\n]*\n/m.test(stderr)
      })
      assert.strictEqual(r.code, 130, r.stderr)
      const output = r.stdout + r.stderr
      assert.notInclude(output, secretKey)
      assert.notInclude(output, Emulator.defaultCredential.secretKey)
      assert.notInclude(output, "TENCENTCLOUD_SECRET_KEY=")
      assert.include(output, "credentials given to --credentials")
    }))
})

describe("trtc emulator has every flag of trtc-emulator", () => {
  it.live("--progressive --now --total --request-timeout reach the emulator (GET /_admin/clock answers them)", () =>
    Effect.gen(function*() {
      const at = 1_764_000_000
      let clock: Record<string, unknown> | undefined
      let asked = false
      const r = yield* run(
        ["emulator", "--port", "0", "--progressive", "--now", String(at), "--total", "grand", "--request-timeout", "5000", "--headers-timeout", "4000"],
        {
          interruptWhen: ({ stdout }) => {
            const url = /listening on (\S+)/.exec(stdout)?.[1]
            if (url !== undefined && !asked) {
              asked = true
              fetch(`${url}/_admin/clock`).then((res) => res.json()).then((body) => void (clock = body as Record<string, unknown>))
            }
            return clock !== undefined
          }
        }
      )
      assert.strictEqual(r.code, 130, r.stderr)
      assert.strictEqual(clock!["progressive"], true)
      // The clock started at --now and has run for the seconds since (well under a minute).
      const now = Number(clock!["nowSeconds"] ?? clock!["now"])
      assert.isAtLeast(now, at, JSON.stringify(clock))
      assert.isBelow(now, at + 600, JSON.stringify(clock))
    }))

  it.live("--lazy with --eager is a usage error", () =>
    Effect.gen(function*() {
      const r = yield* run(["emulator", "--port", "0", "--lazy", "--eager"])
      assert.strictEqual(r.code, 2, r.stderr)
      assert.include(r.stderr, "--lazy and --eager exclude each other")
    }))
})
