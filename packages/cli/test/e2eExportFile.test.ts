// `trtc export --out` file safety as real processes against a real emulator: byte-exact resume
// of files with non-ASCII text cut anywhere, one writer per file (a lock beside it), write
// errors (size limit, full device, directory, read-only directory) on --out and on stdout.
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { execFileSync, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { join } from "node:path"
import * as Output from "../src/Output.js"
import * as Records from "../src/Records.js"
import { credentialEnv, emulatorFor, expectedEventKeys, fast, keyOf, ndjson, run, type Result, sdkAppId, tempDir } from "./helpers.js"

// Calls with Cyrillic, Chinese and German room ids (and their users), about 1.8 MB of NDJSON:
// cuts past 1 MiB fall in the middle of multibyte characters. The anchor follows the clock (the
// spawned CLI signs with it), and the set's size with the anchor's time of day: at 600 events
// an hour the CSV fell under 1 MiB + 4 KiB at some hours; at 900 the smallest set of a day
// (6,133 events, every 15 min checked) has more events than the largest at 600 (5,947).
const dataSet = DataSet.generate({
  seed: 18,
  anchor: Math.floor(Date.now() / 1000) - 3600,
  roomsPerApp: 8,
  eventsPerHour: 900,
  retentionDays: 7
})
const expected = expectedEventKeys(dataSet, sdkAppId)
const callCount = dataSet.apps[0].rooms.length
const period = ["--since", "8d"]

const csvRecords = (text: string) =>
  Output.parseCsv(text).records.slice(1).map((f) => Object.fromEntries(Records.eventColumns.all.map((k, i) => [k, f[i]])))

const recordsOf = (path: string) => {
  const text = fs.readFileSync(path, "utf8")
  return path.endsWith(".csv") ? csvRecords(text) : ndjson(text)
}

/** One diagnostic line, no stack trace. */
const oneLine = (r: Result) => {
  const lines = r.stderr.trim().split("\n")
  assert.strictEqual(lines.length, 1, r.stderr)
  assert.notMatch(r.stderr, /\n\s+at /, r.stderr)
  return lines[0]
}

// A seeded generator, so the cut offsets are the same on every run.
const offsets = (seed: number, n: number, from: number, to: number) => {
  let x = seed
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return from + (x % (to - from))
  })
}

/** Makes a directory nothing can be created in, even by root (who ignores mode bits). */
const readOnlyDir = (): { readonly path: string; readonly undo: () => void } => {
  const path = join(tempDir(), "locked")
  fs.mkdirSync(path)
  if (process.getuid?.() !== 0) {
    fs.chmodSync(path, 0o555)
    return { path, undo: () => fs.chmodSync(path, 0o755) }
  }
  // The immutable attribute (ext4, xfs, btrfs); else a read-only tmpfs mounted over it.
  if (spawnSync("chattr", ["+i", path]).status === 0) return { path, undo: () => void spawnSync("chattr", ["-i", path]) }
  execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", path])
  return { path, undo: () => void spawnSync("umount", [path]) }
}

layer(emulatorFor(dataSet))("trtc export --out file safety", (it) => {
  const env = Effect.map(Emulator.Emulator, (e) => credentialEnv(e.url))
  const exportTo = (out: string, extra: ReadonlyArray<string> = [], options: Parameters<typeof run>[1] = {}) =>
    Effect.flatMap(env, (e) => run(["export", "--sdk-app-id", String(sdkAppId), ...period, "--out", out, ...extra], { env: e, ...options }))

  describe.concurrent("resume", () => {
    for (const format of ["ndjson", "csv"] as const) {
      it.effect(`--resume of a file cut at random bytes past 1 MiB (non-ASCII ids) adds exactly what is missing (${format})`, () =>
        Effect.gen(function*() {
          const dir = tempDir()
          const full = join(dir, `full.${format}`)
          const whole = yield* exportTo(full, fast)
          assert.strictEqual(whole.code, 0, whole.stderr)
          const bytes = fs.readFileSync(full)
          assert.isAbove(bytes.length, (1 << 20) + 4096)
          assert.deepStrictEqual(recordsOf(full).map(keyOf).sort(), expected)
          for (const [i, cut] of offsets(format === "csv" ? 17 : 18, format === "csv" ? 2 : 3, 1 << 20, bytes.length).entries()) {
            const out = join(dir, `cut-${i}.${format}`)
            fs.writeFileSync(out, bytes.subarray(0, cut))
            const resumed = yield* exportTo(out, ["--resume", ...fast])
            assert.strictEqual(resumed.code, 0, resumed.stderr)
            // The report counts what is there: never more calls than the data set has.
            const there = /resuming .*: (\d+) events? of (\d+) calls? already there/.exec(resumed.stderr)
            assert.isNotNull(there, resumed.stderr)
            assert.isAtMost(Number(there![2]), callCount, `cut at ${cut}: ${resumed.stderr}`)
            assert.deepStrictEqual(recordsOf(out).map(keyOf).sort(), expected, `cut at ${cut}`)
            // The file is the same records in the same order as the uncut export.
            assert.isTrue(fs.readFileSync(out).equals(bytes), `cut at ${cut}: bytes differ from the uncut export`)
          }
        }))
    }

    it.effect("a resume file line that is not a record is named (exit 2), not a TypeError", () =>
      Effect.gen(function*() {
        const out = join(tempDir(), "null.ndjson")
        fs.writeFileSync(out, "null\n")
        const r = yield* exportTo(out, ["--resume", ...fast])
        assert.strictEqual(r.code, 2, r.stderr)
        assert.include(oneLine(r), `${out}: line 1 is not a record`)
        assert.strictEqual(fs.readFileSync(out, "utf8"), "null\n")
      }))
  })

  describe.concurrent("one writer per file", () => {
    it.effect("a second export to the same file refuses at once naming the holder's pid; SIGINT removes the lock", () =>
      Effect.gen(function*() {
        const out = join(tempDir(), "events.ndjson")
        const lock = `${out}.lock`
        let holder = 0
        let refused = false
        // Slow (4 requests/s) so it is still writing when the second one starts.
        const first = yield* Effect.fork(exportTo(out, ["--rps", "4", "--concurrency", "1"], {
          onSpawn: (pid) => void (holder = pid),
          interruptWhen: () => refused
        }))
        // A real-time wait (the test's clock is a TestClock): the holder is a real process.
        while (!fs.existsSync(lock)) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))
        const second = yield* exportTo(out, ["--resume", ...fast])
        refused = true
        assert.strictEqual(second.code, 1, second.stderr)
        const line = oneLine(second)
        assert.include(line, out)
        assert.include(line, `pid ${holder}`)
        assert.include(line, `delete ${lock}`)
        const stopped = yield* Fiber.join(first)
        assert.strictEqual(stopped.code, 130, stopped.stderr)
        assert.isFalse(fs.existsSync(lock), "the lock outlived its holder")
        // What the first wrote is whole, and a resume completes it.
        const resumed = yield* exportTo(out, ["--resume", ...fast])
        assert.strictEqual(resumed.code, 0, resumed.stderr)
        assert.deepStrictEqual(recordsOf(out).map(keyOf).sort(), expected)
        assert.isFalse(fs.existsSync(lock))
      }))

    it.effect("a SIGKILLed export leaves a stale lock that the next --resume takes over", () =>
      Effect.gen(function*() {
        const out = join(tempDir(), "events.ndjson")
        const lock = `${out}.lock`
        let killed = 0
        const first = yield* exportTo(out, ["--rps", "4", "--concurrency", "1"], {
          onSpawn: (pid) => void (killed = pid),
          signal: "SIGKILL",
          interruptWhen: () => fs.existsSync(out) && fs.statSync(out).size > 0
        })
        assert.strictEqual(first.signal, "SIGKILL")
        assert.strictEqual(fs.readFileSync(lock, "utf8").split(" ")[0], String(killed))
        const resumed = yield* exportTo(out, ["--resume", ...fast])
        assert.strictEqual(resumed.code, 0, resumed.stderr)
        assert.deepStrictEqual(recordsOf(out).map(keyOf).sort(), expected)
        assert.isFalse(fs.existsSync(lock))
      }))
  })

  describe.concurrent("write errors", () => {
    it.effect("--out past the file size limit (ulimit -f): one line with the path, exit 1, whole records; --resume completes it", () =>
      Effect.gen(function*() {
        const out = join(tempDir(), "events.ndjson")
        const r = yield* exportTo(out, fast, { shell: { before: "ulimit -f 300;" } })
        assert.strictEqual(r.code, 1, r.stderr)
        const line = oneLine(r)
        assert.include(line, `cannot write ${out}`)
        assert.include(line, "EFBIG")
        assert.include(line, "--resume")
        const text = fs.readFileSync(out, "utf8")
        assert.isTrue(text.endsWith("\n"), "the file ends inside a record")
        assert.isBelow(ndjson(text).length, expected.length)
        assert.isFalse(fs.existsSync(`${out}.lock`))
        const resumed = yield* exportTo(out, ["--resume", ...fast])
        assert.strictEqual(resumed.code, 0, resumed.stderr)
        assert.notInclude(resumed.stderr, "torn")
        assert.deepStrictEqual(recordsOf(out).map(keyOf).sort(), expected)
      }))

    it.effect("--out /dev/full: one line naming it, exit 1", () =>
      Effect.gen(function*() {
        const r = yield* exportTo("/dev/full", fast)
        assert.strictEqual(r.code, 1, r.stderr)
        const line = oneLine(r)
        assert.include(line, "cannot write /dev/full")
        assert.include(line, "ENOSPC")
        assert.isFalse(fs.existsSync("/dev/full.lock"))
      }))

    it.effect("--out a directory: one line naming it, exit 1", () =>
      Effect.gen(function*() {
        const dir = tempDir()
        const r = yield* exportTo(dir, fast)
        assert.strictEqual(r.code, 1, r.stderr)
        assert.include(oneLine(r), `--out ${dir} is a directory`)
        assert.deepStrictEqual(fs.readdirSync(dir), [])
      }))

    it.effect("--out in a read-only directory: one line naming the path, exit 1", () =>
      Effect.acquireUseRelease(
        Effect.sync(readOnlyDir),
        (dir) =>
          Effect.gen(function*() {
            const out = join(dir.path, "events.ndjson")
            const r = yield* exportTo(out, fast)
            assert.strictEqual(r.code, 1, r.stderr)
            assert.include(oneLine(r), out)
            assert.isFalse(fs.existsSync(out))
          }),
        (dir) => Effect.sync(dir.undo)
      ))

    it.effect("stdout to /dev/full: one line, exit 1 (was exit 0 and nothing on stderr)", () =>
      Effect.gen(function*() {
        const r = yield* Effect.flatMap(env, (e) =>
          run(["rooms", "--sdk-app-id", String(sdkAppId), ...period, ...fast], { env: e, shell: { before: "", after: "> /dev/full" } }))
        assert.strictEqual(r.code, 1, r.stderr)
        assert.include(oneLine(r), "cannot write to stdout: ENOSPC")
      }))

    it.effect("export > file past the file size limit: one line, exit 1 (was exit 0 with the file cut)", () =>
      Effect.gen(function*() {
        const file = join(tempDir(), "events.ndjson")
        const r = yield* Effect.flatMap(env, (e) =>
          run(["export", "--sdk-app-id", String(sdkAppId), ...period, ...fast], {
            env: e,
            shell: { before: "ulimit -f 200;", after: `> '${file}'` }
          }))
        assert.strictEqual(r.code, 1, r.stderr)
        assert.include(oneLine(r), "cannot write to stdout: EFBIG")
      }))
  })
})
