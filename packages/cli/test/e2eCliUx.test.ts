// Issue 19 through the built `trtc` against real emulators: period bounds that partition
// events, --resume of calls that were still running, ids that cannot match, the format an --out
// name says, tables that fit, Ctrl-C on export, relative times.
import type * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { join } from "node:path"
import * as Output from "../src/Output.js"
import * as Records from "../src/Records.js"
import { credentialEnv, steadyCall, fast, keyOf, ndjson, run, sdkAppId, secretId, secretKey, tempDir, token } from "./helpers.js"

// The spawned CLI signs with the wall clock and checks retention against it, so the data sits
// at fixed offsets before it: midnight M (UTC) is two or three days ago at any hour.
const wallNow = Math.floor(Date.now() / 1000)
const M = Math.floor(wallNow / 86400) * 86400 - 2 * 86400

// Two calls crossing midnight M, one inside each day, and one ending exactly at M.
const midnightSet: DataSet.DataSet = {
  seed: 0,
  anchor: wallNow,
  apps: [{
    sdkAppId,
    rooms: [
      steadyCall("day1", M - 20000, M - 15000, ["ann", "bob"]),
      steadyCall("cross-a", M - 3600, M + 1800, ["ann", "cat"]),
      steadyCall("upto-m", M - 600, M, ["dan"]),
      steadyCall("cross-b", M - 120, M + 7200, ["eve", "fay", "gus"]),
      steadyCall("day2", M + 30000, M + 33000, ["hal"])
    ]
  }]
}

const keysOf = (dataSet: DataSet.DataSet, from: number, to: number) =>
  dataSet.apps[0].rooms.flatMap((room) =>
    room.sessions.flatMap((s) =>
      s.events.filter((e) => e.timeMs >= from * 1000 && e.timeMs < to * 1000).map((e) =>
        keyOf({ sdkAppId, commId: room.commId, userId: s.userId, ...e })))).sort()

const emulator = (dataSet: DataSet.DataSet, progressive = false) =>
  Emulator.make({ dataSet, rps: 0, progressive, credentials: [{ secretId, secretKey, token }] })

const iso = (s: number) => new Date(s * 1000).toISOString()

// Each test spawns the CLI several times in a row: they run one after the other, with time for a
// loaded machine (2 cores shared by several test runs).
describe("issue 19", { timeout: 240_000 }, () => {
  it.effect("export: two consecutive days across midnight partition the events (union all, intersection empty)", () =>
    Effect.scoped(Effect.gen(function*() {
      const e = yield* emulator(midnightSet)
      const env = credentialEnv(e.url)
      const day = (start: number, extra: ReadonlyArray<string> = []) =>
        run(["export", "--sdk-app-id", String(sdkAppId), "--start", iso(start), "--end", iso(start + 86400), ...extra, ...fast], { env })
      const [one, two] = [yield* day(M - 86400), yield* day(M)]
      assert.strictEqual(one.code, 0, one.stderr)
      assert.strictEqual(two.code, 0, two.stderr)
      const first = ndjson(one.stdout).map(keyOf)
      const second = ndjson(two.stdout).map(keyOf)
      // Every event timed in a day, and only those.
      assert.deepStrictEqual([...first].sort(), keysOf(midnightSet, M - 86400, M))
      assert.deepStrictEqual([...second].sort(), keysOf(midnightSet, M, M + 86400))
      const inFirst = new Set(first)
      assert.deepStrictEqual(second.filter((k) => inFirst.has(k)), [], "no event in both days")
      assert.deepStrictEqual([...first, ...second].sort(), keysOf(midnightSet, 0, Number.MAX_SAFE_INTEGER))
      // The calls crossing midnight are in both files, each with its own part.
      for (const commId of [`${sdkAppId}_cross-a_${M - 3600}`, `${sdkAppId}_cross-b_${M - 120}`]) {
        assert.isTrue(ndjson(one.stdout).some((r) => r.commId === commId), commId)
        assert.isTrue(ndjson(two.stdout).some((r) => r.commId === commId), commId)
      }
      // --calls-in-period keeps the old meaning: the crossing calls whole in both days.
      const whole = yield* day(M, ["--calls-in-period"])
      assert.strictEqual(whole.code, 0, whole.stderr)
      const wholeKeys = ndjson(whole.stdout).map(keyOf)
      assert.isTrue(wholeKeys.some((k) => inFirst.has(k)), "--calls-in-period repeats the crossing calls' earlier events")
    })))

  it.effect("export --resume fetches again the calls that were running when written, adding only their new events", () =>
    Effect.scoped(Effect.gen(function*() {
      // "long" runs from M-7200 to M+3600; "short" (created later) ends before the first run,
      // so the running call is in the middle of the file, not its last call.
      const dataSet: DataSet.DataSet = {
        seed: 0,
        anchor: wallNow,
        apps: [{ sdkAppId, rooms: [steadyCall("long", M - 7200, M + 3600, ["ann", "bob"]), steadyCall("short", M - 3000, M - 1200, ["cat"])] }]
      }
      const e = yield* emulator(dataSet, true)
      // The emulator's clock stopped at M, inside the long call: its later events do not exist yet.
      yield* e.freezeClock(true)
      yield* e.advanceClock(M - (yield* e.now) / 1000)
      const dir = tempDir()
      const out = join(dir, "calls.ndjson")
      const args = ["export", "--sdk-app-id", String(sdkAppId), "--start", iso(M - 86400), "--end", iso(M + 86400), "--out", out, ...fast]
      const env = credentialEnv(e.url)
      const first = yield* run(args, { env })
      assert.strictEqual(first.code, 0, first.stderr)
      const before = ndjson(fs.readFileSync(out, "utf8"))
      assert.deepStrictEqual(before.map((r) => r.commId).filter((c, i, a) => a.indexOf(c) === i), [
        `${sdkAppId}_long_${M - 7200}`,
        `${sdkAppId}_short_${M - 3000}`
      ])
      assert.isTrue(before.filter((r) => r.commId === `${sdkAppId}_long_${M - 7200}`).every((r) => r.callFinished === false))
      // What existed at M (the emulator answers events up to nowSeconds * 1000; these are at +7 ms).
      assert.deepStrictEqual(before.map(keyOf).sort(), keysOf(dataSet, 0, M))
      // Later: the call has ended.
      yield* e.advanceClock(7200)
      const second = yield* run([...args, "--resume"], { env })
      assert.strictEqual(second.code, 0, second.stderr)
      const after = ndjson(fs.readFileSync(out, "utf8"))
      assert.deepStrictEqual(after.map(keyOf).sort(), keysOf(dataSet, 0, Number.MAX_SAFE_INTEGER), "every event once")
      assert.include(second.stderr, "2 calls already there (1 call still running when written")
      assert.include(second.stderr, `wrote ${after.length - before.length} events`)
      // A third run finds everything complete and fetches no call again.
      const third = yield* run([...args, "--resume"], { env })
      assert.strictEqual(third.code, 0, third.stderr)
      assert.include(third.stderr, "wrote 0 events")
      assert.strictEqual(fs.readFileSync(out, "utf8").split("\n").length - 1, after.length)
    })))

  it.effect("ids that cannot match: a room id as CommId, a room id the CommId contradicts, an unknown call", () =>
    Effect.scoped(Effect.gen(function*() {
      const e = yield* emulator(midnightSet)
      const env = credentialEnv(e.url)
      const events = (extra: ReadonlyArray<string>) => run(["events", "--sdk-app-id", String(sdkAppId), ...extra, ...fast], { env })
      const cross = `${sdkAppId}_cross-a_${M - 3600}`
      const roomAsCommId = yield* events(["--comm-id", "321028495", "--user-id", "ann"])
      assert.strictEqual(roomAsCommId.code, 2, roomAsCommId.stderr)
      assert.include(roomAsCommId.stderr, "--comm-id: \"321028495\" is not a CommId")
      assert.include(roomAsCommId.stderr, "looks like a room id")
      const mismatch = yield* events(["--comm-id", cross, "--room-id", "999", "--user-id", "ann"])
      assert.strictEqual(mismatch.code, 2, mismatch.stderr)
      assert.include(mismatch.stderr, `--room-id 999 does not match --comm-id ${cross}, a call of room cross-a`)
      const unknown = yield* events(["--comm-id", `${sdkAppId}_cross-a_${M - 3599}`, "--user-id", "ann"])
      assert.strictEqual(unknown.code, 4, unknown.stderr)
      assert.include(unknown.stderr, `no call ${sdkAppId}_cross-a_${M - 3599} in SdkAppId ${sdkAppId}`)
      assert.include(unknown.stderr, "hint: list the calls with trtc rooms")
      assert.strictEqual(unknown.stdout, "")
      const ancient = yield* events(["--comm-id", `${sdkAppId}_bogus_1`, "--user-id", "ann"])
      assert.strictEqual(ancient.code, 4, ancient.stderr)
      assert.include(ancient.stderr, "before TRTC's 14-day retention")
      assert.notInclude(ancient.stderr, "Period start")
      const nobody = yield* events(["--comm-id", cross, "--user-id", "zed"])
      assert.strictEqual(nobody.code, 4, nobody.stderr)
      assert.include(nobody.stderr, `no events of user zed in call ${cross}`)
      // The room id is read from the CommId: no --room-id needed.
      const derived = yield* events(["--comm-id", cross, "--user-id", "ann"])
      assert.strictEqual(derived.code, 0, derived.stderr)
      const expected = midnightSet.apps[0].rooms[1].sessions[0].events.length
      assert.strictEqual(ndjson(derived.stdout).length, expected)
      assert.isTrue(ndjson(derived.stdout).every((r) => r.roomId === "cross-a"))
      // By room and user, without a CommId: the user's events in every call of the room.
      const byRoom = yield* events(["--room-id", "cross-a", "--user-id", "ann", "--start", iso(M - 86400), "--end", iso(M + 86400)])
      assert.strictEqual(byRoom.code, 0, byRoom.stderr)
      assert.deepStrictEqual(ndjson(byRoom.stdout).map(keyOf), ndjson(derived.stdout).map(keyOf))
      const noRoom = yield* events(["--room-id", "nowhere", "--user-id", "ann", "--since", "1w"])
      assert.strictEqual(noRoom.code, 4, noRoom.stderr)
      assert.include(noRoom.stderr, "no call of room nowhere")
    })))

  it.effect("--out takes its format from the name (.json array, .jsonl, .csv) and refuses a --format it contradicts", () =>
    Effect.scoped(Effect.gen(function*() {
      const e = yield* emulator(midnightSet)
      const env = credentialEnv(e.url)
      const dir = tempDir()
      const exportTo = (name: string, extra: ReadonlyArray<string> = []) =>
        run(["export", "--sdk-app-id", String(sdkAppId), "--start", iso(M), "--end", iso(M + 86400), "--out", join(dir, name), ...extra, ...fast], { env })
      const expected = keysOf(midnightSet, M, M + 86400)
      assert.strictEqual((yield* exportTo("o.json")).code, 0)
      const array = JSON.parse(fs.readFileSync(join(dir, "o.json"), "utf8")) as Array<Record<string, unknown>>
      assert.deepStrictEqual(array.map(keyOf).sort(), expected)
      assert.strictEqual((yield* exportTo("o.jsonl")).code, 0)
      assert.deepStrictEqual(ndjson(fs.readFileSync(join(dir, "o.jsonl"), "utf8")).map(keyOf).sort(), expected)
      assert.strictEqual((yield* exportTo("o.csv")).code, 0)
      const csv = Output.parseCsv(fs.readFileSync(join(dir, "o.csv"), "utf8")).records
      assert.deepStrictEqual(csv[0], [...Records.exportColumns.all])
      assert.strictEqual(csv.length - 1, expected.length)
      const mismatch = yield* exportTo("p.json", ["--format", "ndjson"])
      assert.strictEqual(mismatch.code, 2, mismatch.stderr)
      assert.include(mismatch.stderr, "--format ndjson does not match --out")
      assert.include(mismatch.stderr, "p.json, whose name says json")
      assert.isFalse(fs.existsSync(join(dir, "p.json")))
      const resumeJson = yield* exportTo("o.json", ["--resume"])
      assert.strictEqual(resumeJson.code, 2, resumeJson.stderr)
      assert.include(resumeJson.stderr, "a JSON array cannot be continued")
    })))

  it.effect("tables fit COLUMNS=80: CommId whole, constant columns above, times in --tz / TZ / --utc", () =>
    Effect.scoped(Effect.gen(function*() {
      const e = yield* emulator(midnightSet)
      const base = { ...credentialEnv(e.url), COLUMNS: "80" }
      const period = ["--start", iso(M - 86400), "--end", iso(M + 86400)]
      const rooms = yield* run(["rooms", "--sdk-app-id", String(sdkAppId), ...period, "--format", "table", "--tz", "Asia/Shanghai", ...fast], { env: base })
      assert.strictEqual(rooms.code, 0, rooms.stderr)
      const lines = rooms.stdout.trimEnd().split("\n")
      assert.strictEqual(lines[0], "times: Asia/Shanghai (UTC+08:00)")
      for (const line of lines) assert.isAtMost(line.length, 80, line)
      for (const room of midnightSet.apps[0].rooms) assert.include(rooms.stdout, room.commId)
      // Shanghai wall clock: M (00:00Z) is 08:00 there.
      const local = new Date((M - 3600 + 8 * 3600) * 1000).toISOString().slice(0, 19).replace("T", " ")
      assert.include(rooms.stdout, local)
      const viaTz = yield* run(["rooms", "--sdk-app-id", String(sdkAppId), ...period, "--format", "table", ...fast], {
        env: { ...base, TZ: "Asia/Shanghai" }
      })
      assert.strictEqual(viaTz.stdout, rooms.stdout)
      const utc = yield* run(["rooms", "--sdk-app-id", String(sdkAppId), ...period, "--format", "table", "--utc", ...fast], {
        env: { ...base, TZ: "Asia/Shanghai" }
      })
      assert.match(utc.stdout, /^times: UTC\n/)
      assert.include(utc.stdout, new Date((M - 3600) * 1000).toISOString().slice(0, 19).replace("T", " "))
      const badZone = yield* run(["rooms", "--sdk-app-id", String(sdkAppId), "--tz", "Mars/Olympus"], { env: base })
      assert.strictEqual(badZone.code, 2, badZone.stderr)
      assert.include(badZone.stderr, "--tz: \"Mars/Olympus\" is not a time zone")
      const events = yield* run(
        ["events", "--sdk-app-id", String(sdkAppId), "--comm-id", `${sdkAppId}_cross-a_${M - 3600}`, "--user-id", "ann", "--format", "table", "--utc", ...fast],
        { env: base }
      )
      assert.strictEqual(events.code, 0, events.stderr)
      const [header, columns] = events.stdout.split("\n")
      assert.strictEqual(header, "roomId: cross-a  userId: ann  peerId: ann  times: UTC")
      assert.match(columns, /^time\s+eventId\s+event$/)
    })))

  it.effect("Ctrl-C during export --out says how many whole events the file holds and the command that continues it", () =>
    Effect.scoped(Effect.gen(function*() {
      // Many calls, slowly (2 requests a second), so the interrupt lands mid-run.
      const many: DataSet.DataSet = {
        seed: 0,
        anchor: wallNow,
        apps: [{ sdkAppId, rooms: Array.from({ length: 40 }, (_, i) => steadyCall(`r${i}`, M + i * 600, M + i * 600 + 300, ["ann"])) }]
      }
      const e = yield* emulator(many)
      const env = credentialEnv(e.url)
      const out = join(tempDir(), "slow.ndjson")
      const size = () => fs.existsSync(out) ? fs.statSync(out).size : 0
      const r = yield* run(
        ["export", "--sdk-app-id", String(sdkAppId), "--start", iso(M), "--end", iso(M + 86400), "--out", out, "--rps", "2", "--concurrency", "1"],
        { env, interruptWhen: () => size() > 0 }
      )
      assert.strictEqual(r.code, 130, r.stderr)
      const lines = fs.readFileSync(out, "utf8").split("\n").filter((l) => l !== "")
      const said = /interrupted: .* holds (\d+) whole events? \((\d+) written now\); to continue: (trtc export .*)$/m.exec(r.stderr)
      assert.isNotNull(said, r.stderr)
      assert.strictEqual(Number(said![1]), lines.length)
      const continueWith = said![3]
      assert.include(continueWith, `--start ${iso(M).replace(".000Z", "Z")} --end ${iso(M + 86400).replace(".000Z", "Z")}`)
      assert.include(continueWith, `--out ${out} --resume`)
      // The printed command completes the file.
      const rest = yield* run([...continueWith.replace(/^trtc /, "").split(" "), ...fast], { env })
      assert.strictEqual(rest.code, 0, rest.stderr)
      assert.match(rest.stderr, new RegExp(`resuming .*: ${lines.length} events? of \\d+ calls? already there`))
      assert.deepStrictEqual(ndjson(fs.readFileSync(out, "utf8")).map(keyOf).sort(), keysOf(many, 0, Number.MAX_SAFE_INTEGER))
    })))

  it.effect("--since yesterday / 1w on rooms, users and events; one call is '1 call'", () =>
    Effect.scoped(Effect.gen(function*() {
      const e = yield* emulator(midnightSet)
      const env = { ...credentialEnv(e.url), TZ: "UTC" }
      const rooms = (since: string) => run(["rooms", "--sdk-app-id", String(sdkAppId), "--since", since, ...fast], { env })
      const week = yield* rooms("1w")
      assert.strictEqual(week.code, 0, week.stderr)
      assert.strictEqual(ndjson(week.stdout).length, midnightSet.apps[0].rooms.length)
      // "yesterday" is the start of the previous day, after every call of the set (M is 2-3 days ago).
      const yesterday = yield* rooms("yesterday")
      assert.strictEqual(yesterday.code, 0, yesterday.stderr)
      assert.deepStrictEqual(ndjson(yesterday.stdout), [])
      const bad = yield* rooms("the day before")
      assert.strictEqual(bad.code, 2)
      assert.include(bad.stderr, "--since: cannot read \"the day before\" as a duration (like 30m, 2h, 1w) or a time (today, yesterday")
      const commId = `${sdkAppId}_cross-a_${M - 3600}`
      const users = yield* run(["users", "--sdk-app-id", String(sdkAppId), "--comm-id", commId, "--since", "1w", ...fast], { env })
      assert.strictEqual(users.code, 0, users.stderr)
      assert.deepStrictEqual(ndjson(users.stdout).map((u) => u.userId), ["ann", "cat"])
      const out = join(tempDir(), "one.ndjson")
      const one = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--start", iso(M + 30000), "--end", iso(M + 34000), "--out", out, ...fast], { env })
      assert.strictEqual(one.code, 0, one.stderr)
      const resumed = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--start", iso(M + 30000), "--end", iso(M + 34000), "--out", out, "--resume", ...fast], { env })
      assert.include(resumed.stderr, "of 1 call already there")
    })))
})
