// `trtc archive --watch` and the TTY progress of `trtc archive` (issue 13), through the built
// bin: a watching worker picks up what a call does after its first run (the emulator's calls
// progress with its clock, moved through the test) and stops on SIGTERM with its summary; under
// a real pseudo-terminal (`script` from util-linux) the progress line shows windows, calls,
// events, rate and ETA and is erased before the summary; without a terminal no escape code.
import type * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import { join } from "node:path"
import * as CliProcess from "../src/CliProcess.js"
import { credentialEnv, steadyCall, emptyHome, keyOf, run, sdkAppId, secretId, secretKey, tempDir, token } from "./helpers.js"

// The spawned CLI signs with the wall clock and checks retention against it, so the data sits at
// fixed offsets before it: M is a whole hour two days ago.
const wallNow = Math.floor(Date.now() / 1000)
const M = Math.floor(wallNow / 3600) * 3600 - 2 * 86400

const keysOf = (dataSet: DataSet.DataSet, before: number) =>
  dataSet.apps[0].rooms.flatMap((room) =>
    room.sessions.flatMap((s) =>
      s.events.filter((e) => e.timeMs < before * 1000).map((e) => keyOf({ sdkAppId, commId: room.commId, userId: s.userId, ...e })))).sort()

const summary = /archived app (\d+): (\d+) windows?, (\d+) new calls?, (\d+) revisited, (\d+) sessions?, (\d+) events? added, (\d+) requests?, (\d+) gaps?; checkpoint \S+, (\d+) calls? open/g

const sleep = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

describe("trtc archive --watch and progress", { timeout: 240_000 }, () => {
  it.live("--watch --every 2s archives what a running call does after the first run, then stops on SIGTERM with its summary", () =>
    Effect.scoped(Effect.gen(function*() {
      // "long" runs from M-2h to M+1h; the emulator's clock stands at M, inside it.
      const dataSet: DataSet.DataSet = {
        seed: 0,
        anchor: wallNow,
        apps: [{ sdkAppId, rooms: [steadyCall("long", M - 7200, M + 3600, ["ann", "bob"]), steadyCall("short", M - 3000, M - 1200, ["cat"])] }]
      }
      const e = yield* Emulator.make({ dataSet, rps: 0, progressive: true, credentials: [{ secretId, secretKey, token }] })
      yield* e.freezeClock(true)
      yield* e.advanceClock(M - (yield* e.now) / 1000)
      const db = join(tempDir(), "watch.db")
      let output = { stdout: "", stderr: "" }
      let stop = false
      const worker = yield* Effect.fork(run(
        ["archive", "--sdk-app-id", String(sdkAppId), "--db", db, "--since", "8d", "--watch", "--every", "2s", "--rps", "1000"],
        { env: credentialEnv(e.url), interruptWhen: (o) => ((output = o), stop), signal: "SIGTERM", pollMillis: 50 }
      ))
      const runs = () => [...output.stdout.matchAll(summary)]
      for (let i = 0; i < 1200 && runs().length === 0; i++) yield* sleep(100)
      const first = runs()[0]
      assert.isDefined(first, output.stderr)
      // The first run: both calls, the long one still open, its events up to M.
      const before = keysOf(dataSet, M)
      assert.strictEqual(Number(first![3]), 2, first![0])
      assert.strictEqual(Number(first![6]), before.length, first![0])
      assert.strictEqual(Number(first![9]), 1, first![0])

      // Later: the long call has ended and its last events exist. A later run of the same worker brings them.
      yield* e.advanceClock(7200)
      const all = keysOf(dataSet, Number.MAX_SAFE_INTEGER)
      let later: RegExpMatchArray | undefined
      for (let i = 0; i < 1200 && later === undefined; i++) {
        later = runs().slice(1).find((m) => Number(m[6]) > 0)
        if (later === undefined) yield* sleep(100)
      }
      assert.isDefined(later, output.stdout + output.stderr)
      assert.strictEqual(Number(later![4]), 1, later![0])
      assert.strictEqual(Number(later![6]), all.length - before.length, later![0])
      // Settled: the runs after it have nothing to revisit.
      const settled = runs().length
      for (let i = 0; i < 1200 && runs().length <= settled; i++) yield* sleep(100)
      const last = runs().at(-1)!
      assert.strictEqual(Number(last[9]), 0, last[0])
      assert.strictEqual(Number(last[6]), 0, last[0])

      stop = true
      const result = yield* Fiber.join(worker)
      assert.strictEqual(result.code, 130, result.stderr)
      const total = [...result.stdout.matchAll(summary)]
      const stopped = /^stopped: (\d+) runs?, (\d+) events? added, (\d+) requests?$/m.exec(result.stdout)
      assert.isNotNull(stopped, result.stdout)
      assert.strictEqual(Number(stopped![1]), total.length)
      assert.strictEqual(Number(stopped![2]), all.length)
      assert.strictEqual(Number(stopped![3]), total.reduce((n, m) => n + Number(m[7]), 0))
      assert.strictEqual(result.stderr, "")
    })))

  it.live("on a terminal the progress shows windows, calls, events, rate and ETA and is erased before the summary; off one, no escape code", () =>
    Effect.scoped(Effect.gen(function*() {
      const rooms = Array.from({ length: 8 }, (_, i) => {
        const create = M - 5 * 86400 + i * 50000
        return steadyCall(`r${i}`, create, create + 1800, ["ann", "bob"], 120)
      })
      const dataSet: DataSet.DataSet = { seed: 0, anchor: wallNow, apps: [{ sdkAppId, rooms }] }
      const e = yield* Emulator.make({ dataSet, rps: 0, credentials: [{ secretId, secretKey, token }] })
      const env = credentialEnv(e.url)
      const expected = keysOf(dataSet, Number.MAX_SAFE_INTEGER).length
      // Slow (2 requests/s per action): the line is drawn many times, with an ETA.
      const base = ["archive", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--concurrency", "1"]
      const args = [...base, "--rps", "2"]
      const dir = tempDir()
      const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`
      const underScript = (command: string) =>
        Effect.async<{ code: number | null; out: string }>((resume) => {
          const child = spawn("script", ["-qfec", command, "/dev/null"], {
            env: { PATH: process.env.PATH ?? "", HOME: emptyHome, TERM: "xterm", ...env },
            stdio: ["ignore", "pipe", "pipe"]
          })
          let out = ""
          child.stdout.setEncoding("utf8").on("data", (d: string) => void (out += d))
          child.stderr.setEncoding("utf8").on("data", (d: string) => void (out += d))
          child.on("close", (code) => resume(Effect.succeed({ code, out })))
          return Effect.sync(() => child.kill("SIGKILL"))
        })
      const bin = [process.execPath, CliProcess.binPath].map(quote).join(" ")

      // Both streams on the terminal.
      const tty = yield* underScript(`${bin} ${[...args, "--db", join(dir, "tty.db")].map(quote).join(" ")}`)
      assert.strictEqual(tty.code, 0, tty.out)
      // The terminal's erase-line code is what is under test here.
      // eslint-disable-next-line no-control-regex
      const progress = [...tty.out.matchAll(/\r\u001b\[2Karchive (\d+): (\d+)\/(\d+) windows, (\d+) calls, (\d+) events, (\d+) requests, (\d+) events\/s( ETA (\d+)s)?/g)]
      assert.isAtLeast(progress.length, 3, JSON.stringify(tty.out))
      assert.isTrue(progress.every((m) => Number(m[1]) === sdkAppId))
      assert.isTrue(progress.some((m) => m[8] !== undefined), `an ETA while windows remain: ${JSON.stringify(tty.out)}`)
      const lastProgress = progress.at(-1)!
      assert.strictEqual(Number(lastProgress[4]), rooms.length)
      assert.strictEqual(Number(lastProgress[5]), expected)
      assert.isTrue(progress.some((m) => Number(m[7]) > 0), "a rate")
      // Erased before the summary line: nothing of it is left on the summary's line.
      assert.match(tty.out, new RegExp(`\\r\\u001b\\[2Karchived app ${sdkAppId}: `))
      assert.notInclude(tty.out.slice(tty.out.indexOf("archived app")), "\u001b")

      // stdout to a file, stderr still on the terminal: the summary in the file, no escape code in it.
      const file = join(dir, "out.txt")
      const redirected = yield* underScript(`${bin} ${[...args, "--db", join(dir, "file.db")].map(quote).join(" ")} > ${quote(file)}`)
      assert.strictEqual(redirected.code, 0, redirected.out)
      const written = Fs.readFileSync(file, "utf8")
      assert.match(written, new RegExp(`^archived app ${sdkAppId}: .* ${expected} events added`))
      assert.notInclude(written, "\u001b")

      // No terminal at all: no progress, no escape code anywhere.
      const piped = yield* run([...base, "--rps", "1000", "--db", join(dir, "piped.db")], { env })
      assert.strictEqual(piped.code, 0, piped.stderr)
      assert.notInclude(piped.stdout + piped.stderr, "\u001b")
      assert.notInclude(piped.stderr, "windows,")
      assert.match(piped.stdout, /^archived app \d+: /)
    })))
})
