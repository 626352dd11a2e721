// End to end: the built `trtc` bin as a real process against a real emulator over HTTP.
import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { join } from "node:path"
import * as Output from "../src/Output.js"
import * as Records from "../src/Records.js"
import {
  credentialEnv,
  expectedEventKeys,
  keyOf,
  ndjson,
  run,
  sdkAppId,
  secretId,
  secretKey,
  tempDir,
  token
} from "./helpers.js"

const now = Math.floor(Date.now() / 1000)
// Calls spread over the 7 days before an hour ago: all well inside the 14-day retention.
const dataSet = DataSet.generate({ seed: 7, anchor: now - 3600, roomsPerApp: 6, retentionDays: 7 })
const expected = expectedEventKeys(dataSet, sdkAppId)
const rooms = dataSet.apps[0].rooms
const sessionsOf = (room: DataSet.Room) => room.sessions
const richRoom = [...rooms].sort((a, b) => b.sessions.length - a.sessions.length)[0]

const EmulatorLive = Emulator.layer({
  dataSet,
  rps: 0,
  credentials: [{ secretId, secretKey, token }]
})

const fast = ["--rps", "1000", "--concurrency", "4"]

layer(EmulatorLive)("trtc against the emulator", (it) => {
  const env = Effect.map(Emulator.Emulator, (e) => credentialEnv(e.url))

  it.effect("--version prints the version", () =>
    Effect.gen(function*() {
      const r = yield* run(["--version"])
      assert.strictEqual(r.code, 0)
      assert.strictEqual(r.stdout.trim(), "0.1.0")
    }))

  describe("rooms", () => {
    for (const format of Output.formats) {
      it.effect(`lists every call as ${format}`, () =>
        Effect.gen(function*() {
          const r = yield* run(["rooms", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", format, ...fast], { env: yield* env })
          assert.strictEqual(r.code, 0, r.stderr)
          const commIds = rooms.map((room) => room.commId).sort()
          if (format === "ndjson") {
            const records = ndjson(r.stdout)
            assert.deepStrictEqual(records.map((x) => x.commId).sort(), commIds)
            assert.deepStrictEqual(Object.keys(records[0]), [...Records.roomColumns.all])
          } else if (format === "json") {
            const records = JSON.parse(r.stdout) as Array<Record<string, unknown>>
            assert.deepStrictEqual(records.map((x) => x.commId).sort(), commIds)
          } else if (format === "csv") {
            const parsed = Output.parseCsv(r.stdout)
            assert.deepStrictEqual(parsed.records[0], [...Records.roomColumns.all])
            assert.deepStrictEqual(parsed.records.slice(1).map((x) => x[1]).sort(), commIds)
            assert.include(r.stdout, "\r\n")
          } else {
            const lines = r.stdout.trimEnd().split("\n")
            assert.match(lines[0], /^commId\s+roomId\s+createTime/)
            assert.strictEqual(lines.length, commIds.length + 1)
            for (const id of commIds) assert.include(r.stdout, id)
          }
        }))
    }
  })

  it.effect("users lists the sessions of a call", () =>
    Effect.gen(function*() {
      const r = yield* run(["users", "--sdk-app-id", String(sdkAppId), "--comm-id", richRoom.commId, "--format", "ndjson", ...fast], {
        env: yield* env
      })
      assert.strictEqual(r.code, 0, r.stderr)
      const got = ndjson(r.stdout).map((u) => `${u.userId}@${u.joinTs}`).sort()
      const want = sessionsOf(richRoom).map((s) => `${s.userId}@${s.joinTs}`).sort()
      assert.deepStrictEqual(got, want)
    }))

  for (const format of Output.formats) {
    it.effect(`events prints one user's events as ${format}`, () =>
      Effect.gen(function*() {
        const session = richRoom.sessions[0]
        const r = yield* run([
          "events",
          "--sdk-app-id",
          String(sdkAppId),
          "--comm-id",
          richRoom.commId,
          "--room-id",
          richRoom.roomId,
          "--user-id",
          session.userId,
          "--format",
          format,
          ...fast
        ], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        const want = richRoom.sessions.filter((s) => s.userId === session.userId)
          .flatMap((s) => s.events.map((e) => keyOf({ sdkAppId, commId: richRoom.commId, userId: s.userId, ...e }))).sort()
        if (format === "table") {
          const lines = r.stdout.trimEnd().split("\n")
          assert.match(lines[0], /^time\s+roomId\s+userId\s+peerId\s+eventId\s+event$/)
          assert.strictEqual(lines.length, want.length + 1)
          const first = session.events[0]
          assert.include(r.stdout, EventCatalogue.describe(first.eventId, first.paramOne, first.paramTwo))
          return
        }
        const records = format === "ndjson"
          ? ndjson(r.stdout)
          : format === "json"
            ? JSON.parse(r.stdout) as Array<Record<string, unknown>>
            : Output.parseCsv(r.stdout).records.slice(1).map((f) =>
                Object.fromEntries(Records.eventColumns.all.map((k, i) => [k, f[i]])))
        assert.deepStrictEqual(records.map(keyOf).sort(), want)
        for (const record of records) {
          assert.deepStrictEqual(Object.keys(record), [...Records.eventColumns.all])
          assert.strictEqual(record.time, new Date(Number(record.timeMs)).toISOString())
          assert.isString(record.event)
          assert.notMatch(String(record.event), /^Unknown event/)
        }
      }))
  }

  it.effect("export streams every event of the period exactly once (ndjson on stdout)", () =>
    Effect.gen(function*() {
      const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", "ndjson", ...fast], {
        env: yield* env
      })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.deepStrictEqual(ndjson(r.stdout).map(keyOf).sort(), expected)
    }))

  it.effect("export --out under injected faults writes every event exactly once", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.setFaults([
        { action: "DescribeUserEvent", when: { everyNth: 3 }, effect: { apiError: "InternalError" } },
        { action: "DescribeUserInfo", when: { everyNth: 4 }, effect: { httpStatus: 503 } },
        { action: "DescribeRoomInfo", when: { nth: 2 }, effect: { reset: true } }
      ])
      const out = join(tempDir(), "events.csv")
      const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, ...fast], {
        env: yield* env
      }).pipe(Effect.ensuring(emulator.setFaults([])))
      assert.strictEqual(r.code, 0, r.stderr)
      const faulted = (yield* emulator.requests).filter((entry) => entry.fault !== undefined)
      assert.isAtLeast(faulted.length, 3, "the faults fired")
      const parsed = Output.parseCsv(fs.readFileSync(out, "utf8"))
      assert.deepStrictEqual(parsed.records[0], [...Records.eventColumns.all])
      const records = parsed.records.slice(1).map((f) => Object.fromEntries(Records.eventColumns.all.map((k, i) => [k, f[i]])))
      assert.deepStrictEqual(records.map(keyOf).sort(), expected)
    }))

  it.effect("export --resume after SIGINT midway completes the file without duplicates or loss", () =>
    Effect.gen(function*() {
      const out = join(tempDir(), "events.ndjson")
      const size = () => fs.existsSync(out) ? fs.statSync(out).size : 0
      // Slow enough to be interrupted after the first calls are written.
      const first = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--rps", "4", "--concurrency", "1"], {
        env: yield* env,
        interruptWhen: () => size() > 0
      })
      assert.strictEqual(first.code, 130, first.stderr)
      const partial = ndjson(fs.readFileSync(out, "utf8"))
      assert.isAbove(partial.length, 0)
      assert.isBelow(partial.length, expected.length)
      // Simulate a torn write as well: half a record at the end must be dropped, not kept.
      fs.appendFileSync(out, "{\"sdkAppId\":1400000001,\"commId\":")
      const second = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--resume", ...fast], {
        env: yield* env
      })
      assert.strictEqual(second.code, 0, second.stderr)
      assert.include(second.stderr, "resuming")
      assert.deepStrictEqual(ndjson(fs.readFileSync(out, "utf8")).map(keyOf).sort(), expected)
      // Resuming a finished export adds nothing.
      const third = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--resume", ...fast], {
        env: yield* env
      })
      assert.strictEqual(third.code, 0, third.stderr)
      assert.strictEqual(ndjson(fs.readFileSync(out, "utf8")).length, expected.length)
    }))

  it.effect("export --out refuses to overwrite without --resume", () =>
    Effect.gen(function*() {
      const out = join(tempDir(), "existing.ndjson")
      fs.writeFileSync(out, "{}\n")
      const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--out", out], { env: yield* env })
      assert.strictEqual(r.code, 2)
      assert.include(r.stderr, "--resume")
      assert.strictEqual(fs.readFileSync(out, "utf8"), "{}\n")
    }))
})

describe("trtc demo and trtc emulator", () => {
  it.live("demo shows a call's users, events and a summary with no setup", () =>
    Effect.gen(function*() {
      const r = yield* run(["demo"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.include(r.stdout, "userId")
      assert.match(r.stdout, /time\s+userId\s+peerId\s+eventId\s+event/)
      assert.match(r.stdout, /Summary: call \S+ in room \S+ .* users? took part/)
    }))

  it.live("emulator prints where it listens and serves until interrupted", () =>
    Effect.gen(function*() {
      const r = yield* run(["emulator", "--port", "0", "--seed", "3"], {
        interruptWhen: ({ stdout }) => stdout.includes("listening on")
      })
      assert.match(r.stdout, /^listening on http:\/\/127\.0\.0\.1:\d+$/m)
      assert.strictEqual(r.code, 130)
    }))
})
