// End to end: `trtc diagnose`, `trtc timeline` and the end of `trtc demo`, the built bin against
// a real emulator serving one call with known problems.
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import { join } from "node:path"
import { defaultOut } from "../src/commands/timeline.js"
import { secretForms } from "../src/CliError.js"
import { credentialEnv, emulatorFor, fast, ndjson, run, sdkAppId, secretKey, tempDir, token } from "./helpers.js"

// The spawned `trtc` signs with the wall clock, so the call is an hour before now (inside the
// retention window at any hour); the verdicts do not depend on the time of day.
const createTime = Math.floor(Date.now() / 1000) - 3_600
const roomId = "support_42"
const commId = `${sdkAppId}_${roomId}_${createTime}`

// The key and the token, raw or encoded, appear nowhere in what the commands print or write.
const assertNoSecret = (text: string, label: string) => {
  for (const form of [...secretForms(secretKey), ...secretForms(token)]) assert.notInclude(text, form, label)
}

type Spec = readonly [ms: number, eventId: number, paramOne?: number]
const entering: ReadonlyArray<Spec> = [[100, 5001], [300, 5002, 1], [900, 5003, 1], [920, 7000, 0], [1_000, 1003, 1], [1_200, 3001, 0], [1_500, 5009]]
const video: ReadonlyArray<Spec> = [[1_800, 4001, 0], [1_900, 4006, 0], [2_100, 5004]]
const leaving = (ms: number): ReadonlyArray<Spec> => [[ms - 500, 5008, 1], [ms, 7001, 0]]

// alice: clean, publishes video; bob: two refused attempts; carol: network drop; dave: camera
// refuses; erin: never receives alice's video.
const people = [
  { userId: "alice", join: 0, leave: 600, own: [...entering, ...video, ...leaving(600_000)], video: true },
  { userId: "bob", join: 20, leave: 40, own: [[100, 5001], [3_000, 5005], [3_100, 5003, 0], [6_000, 5001], [9_100, 5003, 0]] as ReadonlyArray<Spec>, video: false },
  { userId: "carol", join: 5, leave: 600, own: [...entering, [60_000, 1003, 0], [68_000, 1003, 2], ...leaving(595_000)] as ReadonlyArray<Spec>, video: false },
  { userId: "dave", join: 10, leave: 600, own: [...entering, [1_800, 4002, 0], [4_000, 4001, 0], ...leaving(590_000)] as ReadonlyArray<Spec>, video: false },
  { userId: "erin", join: 15, leave: 600, own: [...entering, ...leaving(585_000)], video: false, blind: true }
]
const expected: Record<string, string> = { alice: "", bob: "failed-join", carol: "reconnects", dave: "camera-failure", erin: "no-downstream-video" }

const dataSet = Either.getOrThrow(DataSet.decode({
  seed: 0,
  anchor: createTime + 3_600,
  apps: [{
    sdkAppId,
    rooms: [{
      roomId,
      commId,
      createTime,
      destroyTime: createTime + 600,
      isFinished: true,
      creatorUserId: "alice",
      sessions: people.map((p) => {
        const joinMs = (createTime + p.join) * 1000
        const events = p.own.map(([ms, eventId, paramOne = -1]) => ({ peerId: p.userId, type: 0, timeMs: joinMs + ms, eventId, paramOne, paramTwo: -1 }))
        // Everyone who entered gets alice's first frames, but erin.
        if (p.userId !== "alice" && p.userId !== "bob" && p.blind !== true) {
          events.push({ peerId: "alice", type: 2, timeMs: joinMs + 5_000, eventId: 5006, paramOne: -1, paramTwo: -1 })
          events.push({ peerId: "alice", type: 2, timeMs: joinMs + 5_200, eventId: 5007, paramOne: -1, paramTwo: -1 })
        }
        return {
          userId: p.userId,
          joinTs: createTime + p.join,
          leaveTs: createTime + p.leave,
          finished: true,
          deviceType: "android",
          sdkVersion: "11.4.0",
          clientIp: "10.0.0.1",
          events: events.sort((a, b) => a.timeMs - b.timeMs)
        }
      })
    }]
  }]
}, "e2eDiagnose"))

layer(emulatorFor(dataSet))("trtc diagnose and trtc timeline against the emulator", (it) => {
  const env = Effect.map(Emulator.Emulator, (e) => credentialEnv(e.url))
  const call = ["--sdk-app-id", String(sdkAppId), "--comm-id", commId]

  describe.concurrent("diagnose", () => {
    it.effect("table: the verdicts first, one row per user, then each user's problems and evidence", () =>
      Effect.gen(function*() {
        const r = yield* run(["diagnose", ...call, "--format", "table", "--verbose", ...fast], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        assertNoSecret(r.stdout + r.stderr, "diagnose --verbose")
        // --verbose logs the requests on stderr; the verdicts alone are on stdout.
        const lines = r.stdout.split("\n")
        assert.match(lines[0]!, /^verdict\s+userId\s+problems$/)
        const rows = lines.slice(1, 6).map((l) => l.trim().split(/\s+/))
        // First join first: alice, carol, dave, erin, bob.
        assert.deepStrictEqual(rows, [
          ["ok", "alice"],
          ["problem", "carol", "reconnects"],
          ["problem", "dave", "camera-failure"],
          ["problem", "erin", "no-downstream-video"],
          ["problem", "bob", "failed-join"]
        ])
        assert.include(r.stdout, "! failed-join: never entered the room: 2 attempt(s): Connection to CVM timed out; Failed to enter room")
        assert.include(r.stdout, "could not see: alice")
        assert.match(r.stdout, /connection lost: network at \S+, back after 8\.0 s/)
        assert.include(r.stdout, "devices: ")
        // Quality from DescribeCallDetailInfo: the call is an hour old.
        assert.include(r.stdout, "audio packet loss (%): median ")
      }))

    it.effect("ndjson and json: one record per user with its verdict, problems and evidence", () =>
      Effect.gen(function*() {
        const r = yield* run(["diagnose", ...call, "--format", "ndjson", ...fast], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        const records = ndjson(r.stdout)
        assert.deepStrictEqual(Object.fromEntries(records.map((x) => [x.userId, x.problems])), expected)
        assert.deepStrictEqual(records.map((x) => x.verdict), ["ok", "problem", "problem", "problem", "problem"])
        const carol = records.find((x) => x.userId === "carol") as { evidence: { drops: Array<{ what: string }> } }
        assert.deepStrictEqual(carol.evidence.drops.map((d) => d.what), ["network"])
        const one = yield* run(["diagnose", ...call, "--user-id", "dave", "--format", "json", "--no-quality", ...fast], { env: yield* env })
        assert.strictEqual(one.code, 0, one.stderr)
        const parsed = JSON.parse(one.stdout) as Array<{ userId: string; problems: string; evidence: { quality: Array<unknown> } }>
        assert.deepStrictEqual(parsed.map((x) => [x.userId, x.problems]), [["dave", "camera-failure"]])
        assert.deepStrictEqual(parsed[0]!.evidence.quality, [])
      }))

    it.effect("--room-id with --at finds the call alive then and diagnoses it; a time with no call is exit 4", () =>
      Effect.gen(function*() {
        const byRoom = ["--sdk-app-id", String(sdkAppId), "--room-id", roomId]
        const r = yield* run(["diagnose", ...byRoom, "--at", String(createTime + 300), "--format", "ndjson", "--no-quality", ...fast], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        const records = ndjson(r.stdout)
        assert.deepStrictEqual(records.map((x) => x.commId), records.map(() => commId))
        assert.deepStrictEqual(Object.fromEntries(records.map((x) => [x.userId, x.problems])), expected)
        const before = yield* run(["diagnose", ...byRoom, "--at", String(createTime - 600), ...fast], { env: yield* env })
        assert.strictEqual(before.code, 4, before.stderr)
        assert.include(before.stderr, `no call of room ${roomId} in SdkAppId ${sdkAppId} at `)
        assert.include(before.stderr, `trtc rooms --sdk-app-id ${sdkAppId} --room-id ${roomId}`)
        const both = yield* run(["diagnose", ...call, "--room-id", roomId, ...fast], { env: yield* env })
        assert.strictEqual(both.code, 2, both.stderr)
        const neither = yield* run(["diagnose", "--sdk-app-id", String(sdkAppId), ...fast], { env: yield* env })
        assert.strictEqual(neither.code, 2, neither.stderr)
        assert.include(neither.stderr, "missing --comm-id (or --room-id with --at)")
      }))

    it.effect("bad input: a malformed CommId or an unknown user is a usage error of one line", () =>
      Effect.gen(function*() {
        const bad = yield* run(["diagnose", "--sdk-app-id", String(sdkAppId), "--comm-id", "not-a-call", ...fast], { env: yield* env })
        assert.strictEqual(bad.code, 2)
        assert.include(bad.stderr, "--comm-id: \"not-a-call\" is not a CommId")
        assert.include(bad.stderr, "SdkAppId_RoomId_CreateTime")
        assert.notInclude(bad.stderr, "    at ")
        const nobody = yield* run(["diagnose", ...call, "--user-id", "zed", ...fast], { env: yield* env })
        assert.strictEqual(nobody.code, 2)
        assert.include(nobody.stderr, "--user-id: \"zed\" is not a user of call")
      }))
  })

  describe.concurrent("timeline", () => {
    it.effect("--out --metrics writes one self-contained page with a lane per user and prints its path", () =>
      Effect.gen(function*() {
        const out = join(tempDir(), "call.html")
        const r = yield* run(["timeline", ...call, "--out", out, "--metrics", ...fast], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.strictEqual(r.stdout.trim(), out)
        assert.match(r.stderr, /^5 users, \d+ events, \d+ quality points$/m)
        const html = fs.readFileSync(out, "utf8")
        assertNoSecret(r.stdout + r.stderr + html, "timeline")
        for (const user of people) assert.include(html, `data-lane="${user.userId}"`)
        assert.include(html, `class="metric`)
        // Nothing to fetch: no src/href attribute anywhere.
        assert.notMatch(html, /\s(src|href)=/)
      }))

    it.effect("an unwritable --out is one line naming the file", () =>
      Effect.gen(function*() {
        const r = yield* run(["timeline", ...call, "--out", "/nonexistent-dir/call.html", ...fast], { env: yield* env })
        assert.strictEqual(r.code, 1)
        assert.include(r.stderr, "cannot write the timeline to /nonexistent-dir/call.html: ENOENT")
        assert.strictEqual(r.stderr.trim().split("\n").length, 1, r.stderr)
      }))

    it.effect("the default file name stays in the current directory whatever the CommId holds", () =>
      Effect.sync(() => {
        assert.strictEqual(defaultOut("1400000001_r/../../etc_1764050000"), "1400000001_r_.._.._etc_1764050000.html")
        assert.strictEqual(defaultOut("../x"), "__x.html")
        assert.strictEqual(defaultOut("1400000001_会议室-3_1764050000"), "1400000001_会议室-3_1764050000.html")
      }))
  })
})

describe("trtc demo", () => {
  it.live("ends with the diagnosis of its call, writes its timeline and says where", () =>
    Effect.gen(function*() {
      const out = join(tempDir(), "demo.html")
      const r = yield* run(["demo", "--timeline-out", out])
      assert.strictEqual(r.code, 0, r.stderr)
      const tail = r.stdout.slice(r.stdout.indexOf("$ trtc diagnose"))
      assert.match(tail, /^\$ trtc diagnose --sdk-app-id \d+ --comm-id \S+\nverdict\s+userId\s+problems\n/)
      assert.match(tail, /^(ok|problem)\s+\S+/m)
      assert.include(tail, `wrote the call's timeline to ${out}`)
      assert.include(fs.readFileSync(out, "utf8"), "data-lane=")
    }))
})
