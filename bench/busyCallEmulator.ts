/**
 * The emulator the request benchmarks talk to: seed 2026, rate limit off, in a child process so
 * that no client shares its event loop with the server. It answers with the port and the data
 * set's busiest call (the most sessions), and serves until its stdin closes.
 *
 * Run directly (`tsx bench/busyCallEmulator.ts`), this file is that child.
 */
import type * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

/** A numeric `--name value` flag of the benchmark's command line. */
export const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

/** The running child: where it listens, the call to ask about, and how to stop it. */
export interface BusyCallEmulator {
  readonly port: number
  readonly sdkAppId: number
  readonly room: DataSet.Room
  readonly stop: () => void
}

const self = fileURLToPath(import.meta.url)

/** Starts the child and waits for its first line. */
export const startBusyCallEmulator = (): Promise<BusyCallEmulator> => {
  const child = spawn(process.execPath, ["--import", "tsx", self], { stdio: ["pipe", "pipe", "inherit"] })
  return new Promise((resolve, reject) => {
    let text = ""
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8")
      const line = text.indexOf("\n")
      if (line >= 0) resolve({ ...JSON.parse(text.slice(0, line)), stop: () => child.stdin.end() })
    })
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)))
  })
}

if (process.argv[1] === self) {
  await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const emulator = yield* Emulator.make({ seed: 2026, rps: 0, logLimit: 1000 })
    const app = emulator.dataSet.apps[0]!
    const room = [...app.rooms].sort((a, b) => b.sessions.length - a.sessions.length)[0]!
    process.stdout.write(`${JSON.stringify({ port: emulator.port, sdkAppId: app.sdkAppId, room })}\n`)
    yield* Effect.async<void>((resume) => {
      process.stdin.on("close", () => resume(Effect.void))
      process.stdin.resume()
    })
  })))
  process.exit(0)
}
