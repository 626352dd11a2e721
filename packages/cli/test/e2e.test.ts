// End to end: the built `trtc` bin as a real process against a real emulator over HTTP.
import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
import type * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Output from "../src/Output.js"
import * as Records from "../src/Records.js"
import {
  credentialEnv,
  e2eDataSet,
  emulatorFor,
  fast,
  keyOf,
  ndjson,
  run,
  sdkAppId
} from "./helpers.js"

const dataSet = e2eDataSet()
const rooms = dataSet.apps[0].rooms
const sessionsOf = (room: DataSet.Room) => room.sessions
const richRoom = [...rooms].sort((a, b) => b.sessions.length - a.sessions.length)[0]

const EmulatorLive = emulatorFor(dataSet)

layer(EmulatorLive)("trtc against the emulator", (it) => {
  // Read-only requests, each its own process: run them side by side.
  describe.concurrent("listing", () => {
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
              const [zone, ...lines] = r.stdout.trimEnd().split("\n")
              assert.match(zone, /^times: /)
              assert.match(lines[0], /^commId\s+createTime\s+destroyTime/)
              assert.strictEqual(lines.length, commIds.length + 1)
              for (const id of commIds) assert.include(r.stdout, id)
            }
          }))
      }
    })

    const parse = (format: Output.Format, stdout: string, columns: Output.Columns): Array<Record<string, unknown>> =>
      format === "ndjson"
        ? ndjson(stdout)
        : format === "json"
          ? JSON.parse(stdout) as Array<Record<string, unknown>>
          : Output.parseCsv(stdout).records.slice(1).map((f) => Object.fromEntries(columns.all.map((k, i) => [k, f[i]])))

    for (const format of Output.formats) {
      it.effect(`users lists the sessions of a call as ${format}`, () =>
        Effect.gen(function*() {
          const r = yield* run(["users", "--sdk-app-id", String(sdkAppId), "--comm-id", richRoom.commId, "--format", format, ...fast], {
            env: yield* env
          })
          assert.strictEqual(r.code, 0, r.stderr)
          const want = sessionsOf(richRoom).map((s) => `${s.userId}@${s.joinTs}`).sort()
          if (format === "table") {
            // The zone the times are in, then the table.
            const [zone, ...lines] = r.stdout.trimEnd().split("\n")
            assert.match(zone, /^times: /)
            assert.match(lines[0], /^userId\s+joinTime\s+leaveTime/)
            assert.strictEqual(lines.length, want.length + 1)
            return
          }
          const got = parse(format, r.stdout, Records.userColumns).map((u) => `${u.userId}@${u.joinTs}`).sort()
          assert.deepStrictEqual(got, want)
        }))
    }

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
            // One user in one room: those columns are said once, above the table.
            const [constant, ...lines] = r.stdout.trimEnd().split("\n")
            assert.include(constant, `roomId: ${richRoom.roomId}  userId: ${session.userId}`)
            assert.match(lines[0], /^time\s+(?:peerId\s+)?eventId\s+event$/)
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
  })
})
