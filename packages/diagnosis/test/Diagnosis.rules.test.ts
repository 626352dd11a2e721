import { assert, describe, it } from "@effect/vitest"
import * as Diagnosis from "../src/Diagnosis.js"

// Hand-made calls: a second counter from a fixed start, events written as the SDK would report
// them, so each rule is seen on the smallest sequence that makes it speak (and one that does not).
const t0 = 1_764_050_000

type Spec = readonly [seconds: number, eventId: number, paramOne?: number, peerId?: string, paramTwo?: number]

const events = (userId: string, specs: ReadonlyArray<Spec>): Array<Diagnosis.Event> =>
  specs.map(([s, eventId, paramOne = -1, peerId = userId, paramTwo = -1]) => ({
    userId,
    peerId,
    type: 0,
    timeMs: Math.round((t0 + s) * 1000),
    eventId,
    paramOne,
    paramTwo
  }))

const user = (userId: string, ...sessions: ReadonlyArray<readonly [number, number]>): Diagnosis.User => ({
  userId,
  sessions: sessions.map(([join, leave]) => ({ joinTs: t0 + join, leaveTs: t0 + leave }))
})

/** An SDK client entering cleanly at +0.1 s, sending audio and video, leaving at `leave`. */
const cleanSdk = (leave = 120): Array<Spec> => [
  [0.1, 5001],
  [0.3, 5002, 1],
  [0.9, 5003, 1],
  [0.92, 7000, 0],
  [1.0, 1003, 1],
  [1.2, 3001, 0],
  [1.5, 5009],
  [1.8, 4001, 0],
  [1.9, 4006, 0],
  [2.1, 5004],
  [leave - 0.5, 5008, 1],
  [leave, 7001, 0]
]

const call = (users: ReadonlyArray<Diagnosis.User>, list: ReadonlyArray<Diagnosis.Event>, quality?: ReadonlyArray<Diagnosis.QualityPoint>): Diagnosis.Call => ({
  commId: `1400000001_room_${t0}`,
  users,
  events: list,
  quality
})

const kinds = (result: Diagnosis.CallDiagnosis, userId: string) => result.users.find((u) => u.userId === userId)!.problems.map((p) => p.kind)

// Two clean SDK users who see each other: the baseline every rule must stay silent on.
const alice = [...cleanSdk(), [4.0, 5006, -1, "bob"], [4.2, 5007, -1, "bob"]] as const
const bob = [...cleanSdk(), [4.0, 5006, -1, "alice"], [4.2, 5007, -1, "alice"]] as const
const baseline = call([user("alice", [0, 120]), user("bob", [0, 120])], [...events("alice", alice), ...events("bob", bob)])

describe("Diagnosis rules", () => {
  it("clean users get an ok verdict with their timings and periods", () => {
    const result = Diagnosis.diagnose(baseline)
    assert.deepStrictEqual(result.users.map((u) => [u.userId, u.verdict]), [["alice", "ok"], ["bob", "ok"]])
    const ev = result.users[0]!.evidence
    assert.deepStrictEqual(ev.timings, {
      enteredMs: 800,
      firstAudioSentMs: 1400,
      firstVideoSentMs: 2000,
      firstAudioReceivedMs: undefined,
      firstVideoReceivedMs: 3900
    })
    assert.deepStrictEqual(ev.sessions, [{ joinMs: t0 * 1000, leaveMs: (t0 + 120) * 1000, durationMs: 120_000 }])
    assert.deepStrictEqual(ev.joinAttempts, [{ startMs: (t0 + 0.1) * 1000, endMs: (t0 + 0.9) * 1000, outcome: "entered", reasons: [] }])
    assert.deepStrictEqual(ev.upstream.video, [{ startMs: (t0 + 1.9) * 1000, endMs: (t0 + 120) * 1000 + 999 }])
    assert.deepStrictEqual(ev.networkChanges, [{ timeMs: (t0 + 1) * 1000, network: "Wi-Fi" }])
  })

  it("failedJoin: attempts that never enter, with the catalogue's reasons", () => {
    const list = events("carol", [[0.1, 5001], [0.2, 5002, 0], [3, 5005], [3.1, 5003, 0], [5, 5001], [8, 5003, 0]])
    const result = Diagnosis.diagnose(call([user("carol", [0, 10])], list))
    assert.deepStrictEqual(kinds(result, "carol"), ["failed-join"])
    const problem = result.users[0]!.problems[0]!
    assert.include(problem.summary, "2 attempt(s)")
    assert.include(problem.summary, "Connection to CVM timed out")
    assert.include(problem.summary, "Failed to obtain IP address info")
    assert.deepStrictEqual(problem.timesMs, [(t0 + 3.1) * 1000, (t0 + 8) * 1000])
    // A started attempt with nothing after it is no entry either.
    assert.deepStrictEqual(kinds(Diagnosis.diagnose(call([user("carol", [0, 10])], events("carol", [[0.1, 5001]]))), "carol"), ["failed-join"])
  })

  it("joinRetried: a failed attempt then a successful one; slowJoin when it took over 5 s", () => {
    const list = events("dave", [[0.1, 5001], [3, 5005], [3.1, 5003, 0], [4, 5001], [4.5, 5003, 1]])
    const result = Diagnosis.diagnose(call([user("dave", [0, 60])], list))
    assert.deepStrictEqual(kinds(result, "dave"), ["join-retried"])
    const slow = events("dave", [[0.1, 5001], [3, 5005], [3.1, 5003, 0], [4, 5001], [6, 5003, 1]])
    const slowResult = Diagnosis.diagnose(call([user("dave", [0, 60])], slow))
    assert.deepStrictEqual(kinds(slowResult, "dave"), ["join-retried", "slow-join"])
    assert.strictEqual(slowResult.users[0]!.evidence.timings.enteredMs, 5900)
    // One attempt that entered after failing to get its IP address info.
    const ipRetry = events("dave", [[0.1, 5001], [0.2, 5002, 0], [2, 5002, 1], [2.5, 5003, 1]])
    const ipResult = Diagnosis.diagnose(call([user("dave", [0, 60])], ipRetry))
    assert.deepStrictEqual(kinds(ipResult, "dave"), ["join-retried"])
    assert.strictEqual(ipResult.users[0]!.problems[0]!.summary, "entered after failures: Failed to obtain IP address info")
  })

  it("reconnects: network drops with their restore, and a second session", () => {
    const list = events("erin", [...cleanSdk(60).slice(0, 10), [20, 1003, 0], [27, 1003, 2], [40, 1003, 0]])
    const ev = Diagnosis.evidenceOf(call([user("erin", [0, 60])], list), "erin")
    assert.deepStrictEqual(ev.drops, [
      { lostMs: (t0 + 20) * 1000, restoredMs: (t0 + 27) * 1000, what: "network" },
      { lostMs: (t0 + 40) * 1000, restoredMs: undefined, what: "network" }
    ])
    assert.deepStrictEqual(ev.networkChanges.map((c) => c.network), ["Wi-Fi", "disconnected", "4G", "disconnected"])
    const result = Diagnosis.diagnose(call([user("erin", [0, 60])], list))
    assert.deepStrictEqual(kinds(result, "erin"), ["reconnects"])
    assert.include(result.users[0]!.problems[0]!.summary, "2 time(s)")
    // Leaving and coming back: two sessions, a gap between them.
    const twice = events("erin", [...cleanSdk(30), [40.1, 5001], [40.5, 5003, 1], [40.6, 7000, 1]])
    const rejoined = Diagnosis.evidenceOf(call([user("erin", [0, 30], [40, 90])], twice), "erin")
    assert.deepStrictEqual(rejoined.drops, [{ lostMs: (t0 + 30) * 1000, restoredMs: (t0 + 40) * 1000, what: "session" }])
    // WebRTC: signaling lost and restored.
    const web = events("erin", [[0.1, 32791], [0.3, 32788], [10, 32790], [12, 32791]])
    assert.deepStrictEqual(Diagnosis.evidenceOf(call([user("erin", [0, 60])], web), "erin").drops, [
      { lostMs: (t0 + 10) * 1000, restoredMs: (t0 + 12) * 1000, what: "signaling" }
    ])
  })

  it("cameraFailure, micFailure, permissionDenied: device and permission failures", () => {
    const list = events("frank", [...cleanSdk(), [30, 4002, 1], [31, 4001, 1], [50, 2002, 4], [60, 2002, 2]])
    const result = Diagnosis.diagnose(call([user("frank", [0, 120])], list))
    assert.deepStrictEqual(kinds(result, "frank"), ["camera-failure", "mic-failure", "permission-denied"])
    const ev = result.users[0]!.evidence
    assert.deepStrictEqual(ev.deviceFailures.map((f) => [f.device, f.description]), [
      ["camera", "Failed to enable rear camera"],
      ["mic", "The application does not have permission to record audio"],
      ["other", "The application does not have permission to read local file"]
    ])
    assert.strictEqual(result.users[0]!.problems[0]!.summary, "Failed to enable rear camera")
    assert.deepStrictEqual(
      kinds(Diagnosis.diagnose(call([user("frank", [0, 120])], events("frank", [...cleanSdk(), [9, 2002, 5]]))), "frank"),
      ["camera-failure"]
    )
  })

  it("noDownstreamVideo: a peer published video, no first frame from them arrived", () => {
    // bob sees nothing of alice: bob's list lacks 5006/5007 from alice.
    const list = [...events("alice", alice), ...events("bob", cleanSdk())]
    const result = Diagnosis.diagnose(call([user("alice", [0, 120]), user("bob", [0, 120])], list))
    assert.deepStrictEqual(kinds(result, "bob"), ["no-downstream-video"])
    assert.deepStrictEqual(result.users[1]!.evidence.unseenPeers, ["alice"])
    assert.deepStrictEqual(kinds(result, "alice"), [])
    // A peer who publishes no video (no 5004/4006) is nobody to miss.
    const noVideo = cleanSdk().filter(([, id]) => id !== 5004 && id !== 4006 && id !== 4001)
    const quiet = Diagnosis.diagnose(call([user("alice", [0, 120]), user("bob", [0, 120])], [...events("alice", noVideo), ...events("bob", cleanSdk())]))
    assert.deepStrictEqual(kinds(quiet, "bob"), [])
    // An overlap shorter than 15 s after entering is too short to expect a frame.
    const brief = Diagnosis.diagnose(call(
      [user("alice", [0, 120]), user("bob", [110, 125])],
      [...events("alice", alice.slice(0, 10)), ...events("bob", cleanSdk(15).map(([s, ...rest]) => [s + 110, ...rest] as Spec))]
    ))
    assert.deepStrictEqual(kinds(brief, "bob"), [])
    // Relay robots are not viewers.
    const robot = Diagnosis.diagnose(call(
      [user("alice", [0, 120]), user("mixer_1", [0, 120])],
      [...events("alice", alice.slice(0, 10)), ...events("mixer_1", [[0.1, 5001], [0.5, 5003, 1]])]
    ))
    assert.deepStrictEqual(kinds(robot, "mixer_1"), [])
  })

  it("noDownstreamAudio: only for WebRTC clients, who report received audio (32777)", () => {
    const webBob = events("bob", [[0.1, 32791], [0.3, 32788], [0.5, 32769], [0.9, 32793]])
    const result = Diagnosis.diagnose(call([user("alice", [0, 120]), user("bob", [0, 120])], [...events("alice", alice.slice(0, 10)), ...webBob]))
    assert.deepStrictEqual(kinds(result, "bob"), ["no-downstream-video", "no-downstream-audio"])
    const heard = [...webBob, ...events("bob", [[3, 32777, -1, "alice"], [3.1, 32776, -1, "alice"]])]
    const ok = Diagnosis.diagnose(call([user("alice", [0, 120]), user("bob", [0, 120])], [...events("alice", alice.slice(0, 10)), ...heard]))
    assert.deepStrictEqual(kinds(ok, "bob"), [])
    assert.strictEqual(ok.users[1]!.evidence.timings.firstAudioReceivedMs, 2900)
  })

  it("decodeFailure and abnormalExit", () => {
    const list = events("grace", [...cleanSdk().slice(0, 10), [30, 4013, 12, "bob", 1], [110, 1003, 0], [120, 7001, 1]])
    const result = Diagnosis.diagnose(call([user("grace", [0, 120])], list))
    assert.deepStrictEqual(kinds(result, "grace"), ["reconnects", "decode-failure", "abnormal-exit"])
    assert.strictEqual(result.users[0]!.problems[2]!.summary, "Timed out")
    assert.include(result.users[0]!.problems[1]!.summary, "from bob")
  })

  it("upstream audio and video on/off periods and app switches", () => {
    const list = events("heidi", [...cleanSdk().slice(0, 10), [10, 3001, 1], [20, 3001, 3], [30, 4006, 1], [40, 2001, 1], [50, 2001, 0]])
    const ev = Diagnosis.evidenceOf(call([user("heidi", [0, 120])], list), "heidi")
    const ms = (s: number) => Math.round((t0 + s) * 1000)
    assert.deepStrictEqual(ev.upstream.audio, [{ startMs: ms(1.2), endMs: ms(10) }, { startMs: ms(20), endMs: (t0 + 120) * 1000 + 999 }])
    assert.deepStrictEqual(ev.upstream.video, [{ startMs: ms(1.9), endMs: ms(30) }])
    assert.deepStrictEqual(ev.appSwitches, [{ timeMs: ms(40), to: "background" }, { timeMs: ms(50), to: "foreground" }])
    assert.deepStrictEqual(Diagnosis.diagnose(call([user("heidi", [0, 120])], list)).users[0]!.verdict, "ok")
  })

  it("quality summary: median, worst and worst minute per upstream metric", () => {
    const points: Array<Diagnosis.QualityPoint> = []
    // 3 minutes of loss: 1% then 9% (the worst minute, starting at the 2nd) then 2%.
    const minuteStart = Math.floor(t0 / 60) * 60 + 60
    for (let s = 0; s < 180; s += 2) {
      const value = s < 60 ? 1 : s < 120 ? 9 : 2
      points.push({ userId: "alice", peerId: "", dataType: "aLoss", time: minuteStart + s, value })
      points.push({ userId: "alice", peerId: "", dataType: "bigvEncFps", time: minuteStart + s, value: s < 60 ? 30 : s < 120 ? 12 : 24 })
      // Downstream series (a peer's stream received) are not the user's own: left out.
      points.push({ userId: "alice", peerId: "bob", dataType: "aLoss", time: minuteStart + s, value: 50 })
    }
    const result = Diagnosis.diagnose(call(baseline.users, baseline.events, points))
    const quality = result.users[0]!.evidence.quality
    assert.deepStrictEqual(quality.map((q) => [q.dataType, q.samples, q.median, q.worst, q.worstMinute]), [
      ["aLoss", 90, 2, 9, { startS: minuteStart + 60, mean: 9 }],
      ["bigvEncFps", 90, 24, 12, { startS: minuteStart + 60, mean: 12 }]
    ])
    assert.isTrue(result.quality)
    assert.isFalse(Diagnosis.diagnose(baseline).quality)
  })

  it("callRefOf reads the room id (underscores and all) and the create time from a CommId", () => {
    assert.deepStrictEqual(Diagnosis.callRefOf(1400000001, "1400000001_team_sync_7_1764050000"), {
      sdkAppId: 1400000001,
      commId: "1400000001_team_sync_7_1764050000",
      roomId: "team_sync_7",
      createTime: 1764050000
    })
    assert.isUndefined(Diagnosis.callRefOf(1400000001, "nounderscore"))
    assert.isUndefined(Diagnosis.callRefOf(1400000001, "1400000001_room_x"))
  })
})
