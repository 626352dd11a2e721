// `trtc anomalies` end to end: the built bin as a real process against a real emulator serving
// DescribeUnusualEvent over HTTP. The spawned bin signs with the wall clock, so the emulator runs
// on it and the data set is anchored an hour before the test's start; every expectation comes
// from that data set over the period the test asked for (`DataSet.abnormalInWindow`).
import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Records from "../src/Records.js"
import { credentialEnv, emulatorFor, fast, run, sdkAppId } from "./helpers.js"

const anchor = Math.floor(Date.now() / 1000) - 3600
// Calls of 20 users each: enough abnormal experiences in two days for a real listing.
const dataSet = DataSet.generate({ seed: 7, anchor, roomsPerApp: 12, usersPerRoom: { min: 20, max: 20 }, retentionDays: 7 })

// Two days ending at the anchor, in whole seconds: cut into 48 one-hour windows by core.
const start = anchor - 2 * 86400
const end = anchor
const iso = (seconds: number) => new Date(seconds * 1000).toISOString()
const periodArgs = ["--start", iso(start), "--end", iso(end)]

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** What `trtc anomalies --format json` must print for the data set's experiences. */
const expected = (roomId?: string) =>
  DataSet.abnormalInWindow(dataSet, sdkAppId, start, end, { roomId }).map(({ abnormal, room, session }) =>
    Records.anomaly({
      sdkAppId,
      roomId: room.roomId,
      userId: session.userId,
      timeMs: abnormal.eventTime * 1000,
      experienceId: abnormal.experienceId,
      description: EventCatalogue.describeExperience(abnormal.experienceId),
      events: abnormal.events.map((e) => ({ ...e, description: EventCatalogue.describeAbnormalEvent(e.abnormalEventId) }))
    })).sort((a, b) =>
    a.eventTs - b.eventTs || compareStrings(a.roomId, b.roomId) || compareStrings(a.userId, b.userId) || a.experienceId - b.experienceId)

const env = Effect.map(Emulator.Emulator, (e) => credentialEnv(e.url))

layer(emulatorFor(dataSet))("trtc anomalies against the emulator", (it) => {
  describe.concurrent("listing", () => {
    it.effect("--format json prints every abnormal experience of the period once, in time order", () =>
      Effect.gen(function*() {
        const want = expected()
        assert.isAbove(want.length, 20, "the data set has more experiences than one answer holds")
        const r = yield* run(["anomalies", "--sdk-app-id", String(sdkAppId), ...periodArgs, "--format", "json", ...fast], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        const got = JSON.parse(r.stdout) as Array<Records.AnomalyRecord>
        assert.deepStrictEqual(got, want)
        assert.deepStrictEqual(Object.keys(got[0]!), [...Records.anomalyColumns.all])
      }), 120_000)

    it.effect("--room-id narrows the listing to that room", () =>
      Effect.gen(function*() {
        const roomId = expected()[0]!.roomId
        const want = expected(roomId)
        assert.isBelow(want.length, expected().length)
        const r = yield* run(["anomalies", "--sdk-app-id", String(sdkAppId), "--room-id", roomId, ...periodArgs, "--format", "json", ...fast], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.deepStrictEqual(JSON.parse(r.stdout), want)
      }), 120_000)

    it.effect("--format table shows the catalogue's description of each experience and its events, ids whole", () =>
      Effect.gen(function*() {
        const want = expected()
        const r = yield* run(["anomalies", "--sdk-app-id", String(sdkAppId), ...periodArgs, "--format", "table", "--utc", ...fast], {
          env: { ...(yield* env), COLUMNS: "1000" }
        })
        assert.strictEqual(r.code, 0, r.stderr)
        const lines = r.stdout.trimEnd().split("\n")
        const header = lines.findIndex((l) => /^time\s+roomId\s+userId\s+experience/.test(l))
        assert.isAtLeast(header, 0, r.stdout)
        const rows = lines.slice(header + 1)
        assert.strictEqual(rows.length, want.length)
        for (let i = 0; i < want.length; i++) {
          const row = rows[i]!
          assert.include(row, want[i]!.userId)
          assert.include(row, want[i]!.roomId)
          for (const peer of want[i]!.peerIds.split(";").filter((p) => p !== "")) assert.include(row, peer)
        }
        // Whole descriptions: "Video lagged", "2024 The downstream big image lagged".
        for (let i = 0; i < want.length; i++) {
          assert.include(rows[i]!, want[i]!.experience)
          assert.include(rows[i]!, want[i]!.abnormalEvents)
        }
        assert.include(r.stdout, EventCatalogue.describeExperience(want[0]!.experienceId))
      }), 120_000)

    it.effect("--format table on a narrow terminal gives up the events' words, never an id", () =>
      Effect.gen(function*() {
        const want = expected()
        const r = yield* run(["anomalies", "--sdk-app-id", String(sdkAppId), ...periodArgs, "--format", "table", "--utc", ...fast], {
          env: { ...(yield* env), COLUMNS: "100" }
        })
        assert.strictEqual(r.code, 0, r.stderr)
        const lines = r.stdout.trimEnd().split("\n")
        const header = lines.findIndex((l) => /^time\s+roomId\s+userId\s+/.test(l))
        assert.isAtLeast(header, 0, r.stdout)
        const rows = lines.slice(header + 1)
        assert.strictEqual(rows.length, want.length)
        for (let i = 0; i < want.length; i++) {
          assert.include(rows[i]!, want[i]!.userId)
          assert.include(rows[i]!, want[i]!.roomId)
          for (const peer of want[i]!.peerIds.split(";").filter((p) => p !== "")) assert.include(rows[i]!, peer)
        }
      }), 120_000)

    it.effect("a bad --sdk-app-id is a usage error, exit 2, naming the flag", () =>
      Effect.gen(function*() {
        const r = yield* run(["anomalies", "--sdk-app-id", "abc", ...periodArgs], { env: yield* env })
        assert.strictEqual(r.code, 2)
        assert.match(r.stderr, /--sdk-app-id: "abc" is not an integer/)
        assert.notInclude(r.stderr, "    at ")
        assert.strictEqual(r.stdout, "")
      }), 120_000)
  })
})
