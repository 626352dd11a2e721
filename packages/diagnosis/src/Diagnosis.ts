/**
 * What went wrong for whom in one call: the call's users and events (what `DescribeUserInfo`
 * and `DescribeUserEvent` report) and optionally its quality series (`DescribeCallDetailInfo`)
 * in, one verdict per user out, each with the evidence it rests on.
 *
 * The work is in two steps so each stays readable: {@link evidenceOf} reads a user's events
 * into facts (sessions, join attempts, failures, drops, first frames, on/off periods, …), then
 * each {@link Rule} looks at those facts and names one kind of problem or stays silent. A user
 * none of the rules speaks about is `ok`. Everything here is pure; {@link fetch} and
 * {@link diagnoseCall} get the data through core's `TrtcStream`.
 *
 * @since 0.1.0
 */
import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
import type * as Models from "@effect-trtc/core/Models"
import type { Trtc } from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { categoryOf, isWebRtcEvent, networkNames } from "./internal/eventKinds.js"

// ---------------------------------------------------------------------------
// input
// ---------------------------------------------------------------------------

/**
 * One event of a user's event list: core's `Models.EventMessage` fields plus whose list it
 * came from (`userId`) and whom it is about (`peerId`: the user for their own events, a remote
 * user for events about a received stream). `TrtcStream.Event` is one.
 *
 * @since 0.1.0
 * @category models
 */
export interface Event extends Pick<Models.EventMessage, "type" | "timeMs" | "eventId" | "paramOne" | "paramTwo"> {
  readonly userId: string
  readonly peerId: string
}

/**
 * One stay in the room, Unix seconds (`Models.UserInformation` is one).
 *
 * @since 0.1.0
 * @category models
 */
export interface Session {
  readonly joinTs: number
  readonly leaveTs: number
}

/**
 * A user of the call with every session (`TrtcStream.User` is one).
 *
 * @since 0.1.0
 * @category models
 */
export interface User {
  readonly userId: string
  readonly sessions: ReadonlyArray<Session>
}

/**
 * One sample of a quality series (`TrtcStream.QualityPoint` is one); `peerId` `""` is the
 * user's own (upstream) series.
 *
 * @since 0.1.0
 * @category models
 */
export interface QualityPoint {
  readonly userId: string
  readonly peerId: string
  readonly dataType: string
  /** Unix s. */
  readonly time: number
  readonly value: number
}

/**
 * Everything known about one call.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly sdkAppId?: number | undefined
  readonly commId: string
  readonly roomId?: string | undefined
  readonly users: ReadonlyArray<User>
  readonly events: ReadonlyArray<Event>
  /** Absent when the call was outside `DescribeCallDetailInfo`'s window or not asked for. */
  readonly quality?: ReadonlyArray<QualityPoint> | undefined
}

// ---------------------------------------------------------------------------
// evidence
// ---------------------------------------------------------------------------

/**
 * A period in Unix ms; `endMs` is the session's end when nothing closed it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Period {
  readonly startMs: number
  readonly endMs: number
}

/**
 * One stay: when, and how long.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionFacts {
  readonly joinMs: number
  readonly leaveMs: number
  readonly durationMs: number
}

/**
 * One try to enter the room: from "Started entering room" (5001; for Web clients the session's
 * first event) to "Entered room successfully" (5003/1, WebRTC 32788) or "Failed to enter room"
 * (5003/0). `no-outcome`: the session's events end before either.
 *
 * @since 0.1.0
 * @category models
 */
export interface JoinAttempt {
  readonly startMs: number
  readonly endMs: number | undefined
  readonly outcome: "entered" | "failed" | "no-outcome"
  /** Catalogue descriptions of the failures reported during the attempt. */
  readonly reasons: ReadonlyArray<string>
}

/**
 * An event the catalogue calls a failure, with its description.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failure {
  readonly timeMs: number
  readonly eventId: number
  readonly paramOne: number
  readonly paramTwo: number
  readonly peerId: string
  readonly description: string
}

/**
 * A lost connection and, if reported, when it came back.
 *
 * @since 0.1.0
 * @category models
 */
export interface Drop {
  readonly lostMs: number
  readonly restoredMs: number | undefined
  /** What was lost: `network` (1003/0), `signaling` (32790, 36864), `media` (32792), `session` (left and came back). */
  readonly what: "network" | "signaling" | "media" | "session"
}

/**
 * A camera or microphone that could not be used.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeviceFailure {
  readonly timeMs: number
  readonly device: "camera" | "mic" | "other"
  readonly description: string
}

/**
 * Milliseconds from the first "Started entering room" of the first session that entered, to
 * each milestone; absent when it never happened.
 *
 * @since 0.1.0
 * @category models
 */
export interface Timings {
  readonly enteredMs?: number | undefined
  readonly firstAudioSentMs?: number | undefined
  readonly firstVideoSentMs?: number | undefined
  readonly firstAudioReceivedMs?: number | undefined
  readonly firstVideoReceivedMs?: number | undefined
}

/**
 * One metric of the user's own (upstream) series: median, worst sample and the minute whose
 * mean is worst.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricSummary {
  readonly dataType: string
  readonly label: string
  readonly samples: number
  readonly median: number
  readonly worst: number
  /** Start of the worst minute, Unix s, and its mean. */
  readonly worstMinute: { readonly startS: number; readonly mean: number }
}

/**
 * What the events say about one user.
 *
 * @since 0.1.0
 * @category models
 */
export interface Evidence {
  readonly sessions: ReadonlyArray<SessionFacts>
  readonly joinAttempts: ReadonlyArray<JoinAttempt>
  readonly failures: ReadonlyArray<Failure>
  readonly drops: ReadonlyArray<Drop>
  readonly networkChanges: ReadonlyArray<{ readonly timeMs: number; readonly network: string }>
  readonly deviceFailures: ReadonlyArray<DeviceFailure>
  readonly timings: Timings
  readonly upstream: { readonly audio: ReadonlyArray<Period>; readonly video: ReadonlyArray<Period> }
  /** Peers who published video while both were in the room, with no first video frame from them. */
  readonly unseenPeers: ReadonlyArray<string>
  /** Same for audio; only known for Web clients (the SDK table has no received-audio event). */
  readonly unheardPeers: ReadonlyArray<string>
  readonly appSwitches: ReadonlyArray<{ readonly timeMs: number; readonly to: "background" | "foreground" }>
  /** Empty when the call had no quality series. */
  readonly quality: ReadonlyArray<MetricSummary>
}

const byTime = (a: Event, b: Event) => a.timeMs - b.timeMs

const sessionsMs = (user: User): Array<Period> =>
  [...user.sessions]
    .sort((a, b) => a.joinTs - b.joinTs)
    // The API's times are whole seconds; events inside the leave second still belong to it.
    .map((s) => ({ startMs: s.joinTs * 1000, endMs: s.leaveTs * 1000 + 999 }))

const inPeriod = (p: Period, timeMs: number) => timeMs >= p.startMs && timeMs <= p.endMs

const own = (e: Event) => e.peerId === e.userId || e.peerId === ""

/** What a user's events say about one kind of period (on/off), own events only. */
const periods = (
  events: ReadonlyArray<Event>,
  sessions: ReadonlyArray<Period>,
  isOn: (e: Event) => boolean,
  isOff: (e: Event) => boolean
): Array<Period> => {
  const out: Array<Period> = []
  for (const session of sessions) {
    let since: number | undefined
    for (const e of events) {
      if (!inPeriod(session, e.timeMs) || !own(e)) continue
      if (isOn(e) && since === undefined) since = e.timeMs
      else if (isOff(e) && since !== undefined) {
        out.push({ startMs: since, endMs: e.timeMs })
        since = undefined
      }
    }
    if (since !== undefined) out.push({ startMs: since, endMs: session.endMs })
  }
  return out
}

const is = (eventId: number, paramOne?: number) => (e: Event) =>
  e.eventId === eventId && (paramOne === undefined || e.paramOne === paramOne)
const any = (...tests: ReadonlyArray<(e: Event) => boolean>) => (e: Event) => tests.some((t) => t(e))

const audioOn = any(is(3001, 0), is(3001, 3), is(5009), is(32769), is(32774))
const audioOff = any(is(3001, 1), is(3001, 2), is(32771), is(32772))
const videoOn = any(is(4006, 0), is(5004), is(32768), is(32775))
const videoOff = any(is(4006, 1), is(32770), is(32773))
/** Evidence that a user published video / audio at all in a session. */
const publishedVideo = any(is(5004), is(32768), is(32775), is(4006, 0))
const publishedAudio = any(is(5009), is(32769), is(32774), is(3001, 0))
const firstVideoFrame = any(is(5006), is(5007), is(32776))
const firstAudioFrame = is(32777)
const entered = any(is(5003, 1), is(32788))

const joinAttemptsOf = (events: ReadonlyArray<Event>, sessions: ReadonlyArray<Period>): Array<JoinAttempt> => {
  const out: Array<JoinAttempt> = []
  for (const session of sessions) {
    const mine = events.filter((e) => own(e) && inPeriod(session, e.timeMs))
    const web = mine.some((e) => isWebRtcEvent(e.eventId))
    let start: number | undefined = web && mine.length > 0 ? mine[0]!.timeMs : undefined
    let reasons: Array<string> = []
    for (const e of mine) {
      if (e.eventId === 5001) {
        if (start !== undefined) out.push({ startMs: start, endMs: undefined, outcome: "no-outcome", reasons })
        start = e.timeMs
        reasons = []
      } else if (start === undefined) {
        continue
      } else if (entered(e)) {
        out.push({ startMs: start, endMs: e.timeMs, outcome: "entered", reasons })
        start = undefined
        reasons = []
      } else if (is(5003, 0)(e)) {
        out.push({ startMs: start, endMs: e.timeMs, outcome: "failed", reasons: [...reasons, EventCatalogue.describeMessage(e)] })
        start = undefined
        reasons = []
      } else if (categoryOf(e.eventId, e.paramOne) === "failure") {
        reasons.push(EventCatalogue.describeMessage(e))
      }
    }
    if (start !== undefined) out.push({ startMs: start, endMs: undefined, outcome: "no-outcome", reasons })
  }
  return out
}

const dropsOf = (events: ReadonlyArray<Event>, sessions: ReadonlyArray<Period>): Array<Drop> => {
  const out: Array<Drop> = []
  const mine = events.filter(own)
  for (const session of sessions) {
    const open: Partial<Record<Drop["what"], number>> = {}
    const close = (what: Drop["what"], at: number | undefined) => {
      const lost = open[what]
      if (lost === undefined) return
      out.push({ lostMs: lost, restoredMs: at, what })
      delete open[what]
    }
    for (const e of mine) {
      if (!inPeriod(session, e.timeMs)) continue
      if (is(1003, 0)(e)) open.network ??= e.timeMs
      else if (e.eventId === 1003) close("network", e.timeMs)
      else if (e.eventId === 32790 || e.eventId === 36864) open.signaling ??= e.timeMs
      else if (e.eventId === 32791) close("signaling", e.timeMs)
      else if (e.eventId === 32792) open.media ??= e.timeMs
      else if (e.eventId === 32793) close("media", e.timeMs)
    }
    close("network", undefined)
    close("signaling", undefined)
    close("media", undefined)
  }
  // Leaving and coming back is a drop too, restored when the next session starts.
  for (let i = 1; i < sessions.length; i++) {
    out.push({ lostMs: sessions[i - 1]!.endMs - 999, restoredMs: sessions[i]!.startMs, what: "session" })
  }
  // A signaling drop as the very first event of a Web session (a retried connect) is a join
  // retry, not a drop mid-call: it stays, it is what happened.
  return out.sort((a, b) => a.lostMs - b.lostMs)
}

const deviceFailureOf = (e: Event): DeviceFailure | undefined => {
  const description = EventCatalogue.describeMessage(e)
  if (e.eventId === 4002 || is(2002, 5)(e)) return { timeMs: e.timeMs, device: "camera", description }
  if (is(2002, 4)(e)) return { timeMs: e.timeMs, device: "mic", description }
  if (e.eventId === 2002) return { timeMs: e.timeMs, device: "other", description }
  return undefined
}

/** Minimum overlap, after the viewer entered, for a missing first frame to count (see `noDownstreamVideo`). */
const overlapNeededMs = 15_000

/**
 * Peers who published while both were in the room long enough (15 s after the viewer
 * entered) and from whom no first frame arrived within that overlap.
 */
const missingPeers = (
  userId: string,
  userSessions: ReadonlyArray<Period>,
  events: ReadonlyArray<Event>,
  call: CallIndex,
  published: (e: Event) => boolean,
  frame: (e: Event) => boolean
): Array<string> => {
  const missing = new Set<string>()
  for (const session of userSessions) {
    const enteredAt = events.find((e) => own(e) && entered(e) && inPeriod(session, e.timeMs))?.timeMs
    if (enteredAt === undefined) continue
    for (const [peerId, peer] of call.users) {
      if (peerId === userId || isRelayRobot(peerId)) continue
      for (const peerSession of peer.sessions) {
        if (!peer.events.some((e) => own(e) && published(e) && inPeriod(peerSession, e.timeMs))) continue
        const from = Math.max(enteredAt, peerSession.startMs)
        const to = Math.min(session.endMs, peerSession.endMs)
        if (to - from < overlapNeededMs) continue
        const lo = Math.max(session.startMs, peerSession.startMs)
        if (!events.some((e) => e.peerId === peerId && frame(e) && e.timeMs >= lo && e.timeMs <= to)) missing.add(peerId)
      }
    }
  }
  return [...missing]
}

/**
 * TRTC's cloud mixing/relay robots (user ids `mixer_…`, as in the official examples) publish a
 * mixed stream and subscribe to nothing: they are not viewers whose missing frames mean a
 * problem.
 *
 * @since 0.1.0
 * @category rules
 */
export const isRelayRobot = (userId: string): boolean => userId.startsWith("mixer_")

const metricLabels: Readonly<Record<string, string>> = {
  aLoss: "audio packet loss (%)",
  bigvLoss: "video packet loss (%)",
  rtt: "RTT (ms)",
  aBit: "audio bitrate (bps)",
  bigvBit: "video bitrate (bps)",
  bigvEncFps: "video frame rate sent (fps)",
  bigvCapFps: "video frame rate captured (fps)"
}

/**
 * The `DescribeCallDetailInfo` metrics the quality summary reads: packet loss, RTT, bitrate,
 * frame rate.
 *
 * @since 0.1.0
 * @category quality
 */
export const qualityDataTypes: ReadonlyArray<string> = ["aLoss", "bigvLoss", "rtt", "aBit", "bigvBit", "bigvEncFps"]

// For loss and RTT higher is worse; for bitrate and frame rate lower is.
const higherIsWorse = (dataType: string) => dataType.endsWith("Loss") || dataType === "rtt"

const median = (sorted: ReadonlyArray<number>) => {
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Median, worst and worst minute of each metric of one user's own series.
 *
 * @since 0.1.0
 * @category quality
 */
export const summarizeQuality = (points: ReadonlyArray<QualityPoint>): Array<MetricSummary> => {
  const byType = new Map<string, Array<QualityPoint>>()
  for (const p of points) {
    if (p.peerId !== "") continue
    const list = byType.get(p.dataType)
    if (list === undefined) byType.set(p.dataType, [p])
    else list.push(p)
  }
  const out: Array<MetricSummary> = []
  for (const [dataType, list] of byType) {
    const worse = higherIsWorse(dataType) ? (a: number, b: number) => a > b : (a: number, b: number) => a < b
    const values = list.map((p) => p.value).sort((a, b) => a - b)
    const minutes = new Map<number, { sum: number; n: number }>()
    for (const p of list) {
      const m = Math.floor(p.time / 60) * 60
      const acc = minutes.get(m) ?? { sum: 0, n: 0 }
      acc.sum += p.value
      acc.n += 1
      minutes.set(m, acc)
    }
    let worstMinute = { startS: 0, mean: Number.NaN }
    for (const [startS, { n, sum }] of [...minutes].sort((a, b) => a[0] - b[0])) {
      const mean = sum / n
      if (Number.isNaN(worstMinute.mean) || worse(mean, worstMinute.mean)) worstMinute = { startS, mean }
    }
    out.push({
      dataType,
      label: metricLabels[dataType] ?? dataType,
      samples: values.length,
      median: median(values),
      worst: higherIsWorse(dataType) ? values[values.length - 1]! : values[0]!,
      worstMinute
    })
  }
  return out.sort((a, b) => qualityOrder(a.dataType) - qualityOrder(b.dataType))
}

const qualityOrder = (dataType: string) => {
  const i = qualityDataTypes.indexOf(dataType)
  return i === -1 ? qualityDataTypes.length : i
}

interface UserIndex {
  readonly sessions: ReadonlyArray<Period>
  readonly events: ReadonlyArray<Event>
}

interface CallIndex {
  readonly users: ReadonlyMap<string, UserIndex>
  readonly quality: ReadonlyMap<string, ReadonlyArray<QualityPoint>>
}

const indexCall = (call: Call): CallIndex => {
  const events = new Map<string, Array<Event>>()
  for (const e of call.events) {
    const list = events.get(e.userId)
    if (list === undefined) events.set(e.userId, [e])
    else list.push(e)
  }
  const users = new Map<string, UserIndex>()
  for (const user of call.users) {
    const mine = (events.get(user.userId) ?? []).sort(byTime)
    const previous = users.get(user.userId)
    // The same user listed twice (sessions not merged) is one user.
    const sessions = previous === undefined ? sessionsMs(user) : [...previous.sessions, ...sessionsMs(user)].sort((a, b) => a.startMs - b.startMs)
    users.set(user.userId, { sessions, events: mine })
  }
  const quality = new Map<string, Array<QualityPoint>>()
  for (const p of call.quality ?? []) {
    const list = quality.get(p.userId)
    if (list === undefined) quality.set(p.userId, [p])
    else list.push(p)
  }
  return { users, quality }
}

const evidenceIn = (userId: string, call: CallIndex): Evidence => {
  const user = call.users.get(userId) ?? { sessions: [], events: [] }
  const { events, sessions } = user
  const attempts = joinAttemptsOf(events, sessions)
  const firstEntered = attempts.find((a) => a.outcome === "entered")
  let timings: Timings = {}
  if (firstEntered !== undefined) {
    const session = sessions.find((s) => inPeriod(s, firstEntered.startMs))!
    const origin = attempts.find((a) => inPeriod(session, a.startMs))!.startMs
    const after = (test: (e: Event) => boolean, ownOnly: boolean) => {
      const e = events.find((x) => inPeriod(session, x.timeMs) && x.timeMs >= origin && (!ownOnly || own(x)) && test(x))
      return e === undefined ? undefined : e.timeMs - origin
    }
    timings = {
      enteredMs: firstEntered.endMs! - origin,
      firstAudioSentMs: after(any(is(5009), is(32769)), true),
      firstVideoSentMs: after(any(is(5004), is(32768)), true),
      firstAudioReceivedMs: after((e) => !own(e) && firstAudioFrame(e), false),
      firstVideoReceivedMs: after((e) => !own(e) && firstVideoFrame(e), false)
    }
  }
  const web = events.some((e) => isWebRtcEvent(e.eventId))
  return {
    sessions: sessions.map((s) => ({ joinMs: s.startMs, leaveMs: s.endMs - 999, durationMs: s.endMs - 999 - s.startMs })),
    joinAttempts: attempts,
    failures: events
      .filter((e) => categoryOf(e.eventId, e.paramOne) === "failure")
      .map((e) => ({ timeMs: e.timeMs, eventId: e.eventId, paramOne: e.paramOne, paramTwo: e.paramTwo, peerId: e.peerId, description: EventCatalogue.describeMessage(e) })),
    drops: dropsOf(events, sessions),
    networkChanges: events
      .filter((e) => own(e) && e.eventId === 1003)
      .map((e) => ({ timeMs: e.timeMs, network: networkNames[e.paramOne] ?? `network type ${e.paramOne}` })),
    deviceFailures: events.filter(own).flatMap((e) => deviceFailureOf(e) ?? []),
    timings,
    upstream: { audio: periods(events, sessions, audioOn, audioOff), video: periods(events, sessions, videoOn, videoOff) },
    unseenPeers: isRelayRobot(userId) ? [] : missingPeers(userId, sessions, events, call, publishedVideo, firstVideoFrame),
    unheardPeers: isRelayRobot(userId) || !web ? [] : missingPeers(userId, sessions, events, call, publishedAudio, firstAudioFrame),
    appSwitches: events
      .filter((e) => own(e) && e.eventId === 2001)
      .map((e) => ({ timeMs: e.timeMs, to: e.paramOne === 1 ? "background" as const : "foreground" as const })),
    quality: summarizeQuality(call.quality.get(userId) ?? [])
  }
}

/**
 * The facts about one user of a call.
 *
 * @since 0.1.0
 * @category evidence
 */
export const evidenceOf = (call: Call, userId: string): Evidence => evidenceIn(userId, indexCall(call))

// ---------------------------------------------------------------------------
// rules
// ---------------------------------------------------------------------------

/**
 * The kinds of problem the rules name.
 *
 * @since 0.1.0
 * @category models
 */
export type ProblemKind =
  | "failed-join"
  | "join-retried"
  | "slow-join"
  | "reconnects"
  | "camera-failure"
  | "mic-failure"
  | "permission-denied"
  | "no-downstream-video"
  | "no-downstream-audio"
  | "decode-failure"
  | "abnormal-exit"

/**
 * One problem a rule found: its kind, one line saying it, and when it showed (Unix ms).
 *
 * @since 0.1.0
 * @category models
 */
export interface Problem {
  readonly kind: ProblemKind
  readonly summary: string
  readonly timesMs: ReadonlyArray<number>
}

/**
 * A named rule: the event IDs it reads (through the evidence) and the check.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rule {
  readonly kind: ProblemKind
  readonly eventIds: ReadonlyArray<number>
  readonly check: (evidence: Evidence) => Problem | undefined
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/**
 * `failed-join`: the user tried to enter (5001 "Started entering room"; WebRTC clients:
 * their first event) and no attempt ever reached "Entered room successfully" (5003/1, WebRTC
 * 32788). Reasons: 5003/0, 5002/0, 5005 reported during the attempts.
 *
 * @since 0.1.0
 * @category rules
 */
export const failedJoin: Rule = {
  kind: "failed-join",
  eventIds: [5001, 5002, 5003, 5005, 32788],
  check: (ev) => {
    if (ev.joinAttempts.length === 0 || ev.joinAttempts.some((a) => a.outcome === "entered")) return undefined
    const reasons = [...new Set(ev.joinAttempts.flatMap((a) => a.reasons))]
    return {
      kind: "failed-join",
      summary: `never entered the room: ${ev.joinAttempts.length} attempt(s)${reasons.length > 0 ? `: ${reasons.join("; ")}` : ", no outcome reported"}`,
      timesMs: ev.joinAttempts.map((a) => a.endMs ?? a.startMs)
    }
  }
}

/**
 * `join-retried`: an attempt failed (5003/0 "Failed to enter room") before a later one entered
 * (5003/1), or the attempt that entered reported failures on its way (5002/0 "Failed to obtain
 * IP address info", 5005 "Connection to CVM timed out").
 *
 * @since 0.1.0
 * @category rules
 */
export const joinRetried: Rule = {
  kind: "join-retried",
  eventIds: [5001, 5002, 5003, 5005],
  check: (ev) => {
    if (!ev.joinAttempts.some((a) => a.outcome === "entered")) return undefined
    const troubled = ev.joinAttempts.filter((a) => a.outcome !== "entered" || a.reasons.length > 0)
    if (troubled.length === 0) return undefined
    const failed = troubled.filter((a) => a.outcome !== "entered").length
    const reasons = [...new Set(troubled.flatMap((a) => a.reasons))]
    return {
      kind: "join-retried",
      summary: `${failed === 0 ? "entered after failures" : `${failed} failed attempt(s) before entering`}${reasons.length > 0 ? `: ${reasons.join("; ")}` : ""}`,
      timesMs: troubled.map((a) => a.endMs ?? a.startMs)
    }
  }
}

/**
 * How long entering may take before `slow-join` says so (5 s; the catalogue's exception
 * table has "Room entry was slow" but no figure).
 *
 * @since 0.1.0
 * @category rules
 */
export const slowJoinMs = 5_000

/**
 * `slow-join`: more than {@link slowJoinMs} from the first 5001 "Started entering room" to
 * 5003/1 "Entered room successfully" (WebRTC: first event to 32788).
 *
 * @since 0.1.0
 * @category rules
 */
export const slowJoin: Rule = {
  kind: "slow-join",
  eventIds: [5001, 5003, 32788],
  check: (ev) =>
    ev.timings.enteredMs !== undefined && ev.timings.enteredMs > slowJoinMs
      ? { kind: "slow-join", summary: `took ${seconds(ev.timings.enteredMs)} to enter the room`, timesMs: [] }
      : undefined
}

/**
 * `reconnects`: the connection was lost: 1003/0 "disconnected from the network" (restored by
 * the next 1003), 32790/36864 signaling and 32792 media channel disconnected (restored by
 * 32791/32793), or the user left and came back (more than one session).
 *
 * @since 0.1.0
 * @category rules
 */
export const reconnects: Rule = {
  kind: "reconnects",
  eventIds: [1003, 32790, 32791, 32792, 32793, 36864],
  check: (ev) => {
    if (ev.drops.length === 0) return undefined
    const restored = ev.drops.filter((d) => d.restoredMs !== undefined)
    const kinds = [...new Set(ev.drops.map((d) => d.what))].join(", ")
    const longest = Math.max(0, ...restored.map((d) => d.restoredMs! - d.lostMs))
    return {
      kind: "reconnects",
      summary: `connection lost ${ev.drops.length} time(s) (${kinds}), ${restored.length} restored${restored.length > 0 ? `, longest gap ${seconds(longest)}` : ""}`,
      timesMs: ev.drops.map((d) => d.lostMs)
    }
  }
}

const deviceRule = (kind: ProblemKind, device: DeviceFailure["device"], eventIds: ReadonlyArray<number>): Rule => ({
  kind,
  eventIds,
  check: (ev) => {
    const failures = ev.deviceFailures.filter((f) => f.device === device)
    if (failures.length === 0) return undefined
    return { kind, summary: [...new Set(failures.map((f) => f.description))].join("; "), timesMs: failures.map((f) => f.timeMs) }
  }
})

/**
 * `camera-failure`: 4002 "Failed to enable front/rear camera" or 2002/5 "does not have
 * permission to use camera".
 *
 * @since 0.1.0
 * @category rules
 */
export const cameraFailure: Rule = deviceRule("camera-failure", "camera", [4002, 2002])

/**
 * `mic-failure`: 2002/4 "does not have permission to record audio".
 *
 * @since 0.1.0
 * @category rules
 */
export const micFailure: Rule = deviceRule("mic-failure", "mic", [2002])

/**
 * `permission-denied`: 2002/1–3, no network access or no permission to read or write files.
 *
 * @since 0.1.0
 * @category rules
 */
export const permissionDenied: Rule = deviceRule("permission-denied", "other", [2002])

/**
 * `no-downstream-video`: a peer published video (their 5004 "Started sending video data",
 * 4006/0, WebRTC 32768/32775) while both were in the room for at least 15 s after this user
 * entered, and this user's list has no first video frame from them (5006 "first video packet
 * received", 5007 "first video frame played", WebRTC 32776 "Subscribed to video"). Relay
 * robots (`mixer_…`) are neither viewers nor peers here.
 *
 * @since 0.1.0
 * @category rules
 */
export const noDownstreamVideo: Rule = {
  kind: "no-downstream-video",
  eventIds: [5004, 4006, 32768, 32775, 5006, 5007, 32776],
  check: (ev) =>
    ev.unseenPeers.length === 0 ? undefined : {
      kind: "no-downstream-video",
      summary: `never received video from ${ev.unseenPeers.join(", ")}, who published it`,
      timesMs: []
    }
}

/**
 * `no-downstream-audio`: like {@link noDownstreamVideo} for audio (peer's 5009 "Sent first
 * audio frame", 3001/0, WebRTC 32769/32774; this user's WebRTC 32777 "Subscribed to audio").
 * Only Web clients report received audio, so only they are checked.
 *
 * @since 0.1.0
 * @category rules
 */
export const noDownstreamAudio: Rule = {
  kind: "no-downstream-audio",
  eventIds: [5009, 3001, 32769, 32774, 32777],
  check: (ev) =>
    ev.unheardPeers.length === 0 ? undefined : {
      kind: "no-downstream-audio",
      summary: `never received audio from ${ev.unheardPeers.join(", ")}, who published it`,
      timesMs: []
    }
}

/**
 * `decode-failure`: 4011 "Failed to start hardware decoder" or 4013 "decoding failed" for a
 * received stream.
 *
 * @since 0.1.0
 * @category rules
 */
export const decodeFailure: Rule = {
  kind: "decode-failure",
  eventIds: [4011, 4013],
  check: (ev) => {
    const found = ev.failures.filter((f) => f.eventId === 4011 || f.eventId === 4013)
    if (found.length === 0) return undefined
    const peers = [...new Set(found.map((f) => f.peerId))].join(", ")
    return { kind: "decode-failure", summary: `${found.length} decoding failure(s) of video from ${peers}`, timesMs: found.map((f) => f.timeMs) }
  }
}

/**
 * `abnormal-exit`: 7001/1 "Timed out", 7001/2 "Kicked out" or 5008/0 "Failed to exit room".
 *
 * @since 0.1.0
 * @category rules
 */
export const abnormalExit: Rule = {
  kind: "abnormal-exit",
  eventIds: [7001, 5008],
  check: (ev) => {
    const found = ev.failures.filter((f) => f.eventId === 7001 || f.eventId === 5008)
    if (found.length === 0) return undefined
    return { kind: "abnormal-exit", summary: [...new Set(found.map((f) => f.description))].join("; "), timesMs: found.map((f) => f.timeMs) }
  }
}

/**
 * Every rule, in the order verdicts list their problems.
 *
 * @since 0.1.0
 * @category rules
 */
export const rules: ReadonlyArray<Rule> = [
  failedJoin,
  joinRetried,
  slowJoin,
  reconnects,
  cameraFailure,
  micFailure,
  permissionDenied,
  noDownstreamVideo,
  noDownstreamAudio,
  decodeFailure,
  abnormalExit
]

// ---------------------------------------------------------------------------
// verdicts
// ---------------------------------------------------------------------------

/**
 * One user's verdict: `ok` when no rule found anything, else `problem` with what they found.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserDiagnosis {
  readonly userId: string
  readonly verdict: "ok" | "problem"
  readonly problems: ReadonlyArray<Problem>
  readonly evidence: Evidence
}

/**
 * The verdicts of a call, one per user in the order the call lists them.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallDiagnosis {
  readonly commId: string
  readonly users: ReadonlyArray<UserDiagnosis>
  /** Whether quality series were part of the input. */
  readonly quality: boolean
}

/**
 * Runs the rules on one user's evidence.
 *
 * @since 0.1.0
 * @category verdicts
 */
export const verdictOf = (userId: string, evidence: Evidence, ruleSet: ReadonlyArray<Rule> = rules): UserDiagnosis => {
  const problems = ruleSet.flatMap((rule) => rule.check(evidence) ?? [])
  return { userId, verdict: problems.length === 0 ? "ok" : "problem", problems, evidence }
}

/**
 * Diagnoses every user of a call (or only `userIds`).
 *
 * @example
 * ```ts
 * import * as Diagnosis from "@effect-trtc/diagnosis/Diagnosis"
 *
 * const ev = (timeMs: number, eventId: number, paramOne = -1) =>
 *   ({ userId: "bob", peerId: "bob", type: 0, timeMs, eventId, paramOne, paramTwo: -1 })
 * const result = Diagnosis.diagnose({
 *   commId: "1400000001_1_1764050000",
 *   users: [{ userId: "bob", sessions: [{ joinTs: 1764050000, leaveTs: 1764050060 }] }],
 *   // Started entering room, Connection to CVM timed out, Failed to enter room
 *   events: [ev(1764050000100, 5001), ev(1764050003000, 5005), ev(1764050003100, 5003, 0)]
 * })
 * assert.deepStrictEqual(result.users[0]?.problems.map((p) => p.kind), ["failed-join"])
 * ```
 *
 * @since 0.1.0
 * @category verdicts
 */
export const diagnose = (call: Call, options?: { readonly userIds?: ReadonlyArray<string> | undefined }): CallDiagnosis => {
  const index = indexCall(call)
  const wanted = options?.userIds === undefined ? undefined : new Set(options.userIds)
  const users = [...index.users.keys()].filter((u) => wanted === undefined || wanted.has(u))
  return {
    commId: call.commId,
    users: users.map((userId) => verdictOf(userId, evidenceIn(userId, index))),
    quality: call.quality !== undefined
  }
}

// ---------------------------------------------------------------------------
// fetching
// ---------------------------------------------------------------------------

/**
 * Options of {@link fetch}: core's stream options, and whether to ask for quality series
 * (default `true`; skipped anyway when the call started before the retention window).
 *
 * @since 0.1.0
 * @category fetching
 */
export interface FetchOptions extends TrtcStream.Options {
  readonly quality?: boolean | undefined
  /** Metrics to ask for (default {@link qualityDataTypes}). */
  readonly dataTypes?: ReadonlyArray<string> | undefined
}

/**
 * A call's parts from a `CommId` (`SdkAppId_RoomId_CreateTime`; the room id may itself hold
 * underscores), or `undefined` when it is not shaped like one.
 *
 * @since 0.1.0
 * @category fetching
 */
export const callRefOf = (sdkAppId: number, commId: string): TrtcStream.CallRef | undefined => {
  const first = commId.indexOf("_")
  const last = commId.lastIndexOf("_")
  if (first <= 0 || last <= first + 1) return undefined
  const createTime = Number(commId.slice(last + 1))
  if (!Number.isSafeInteger(createTime) || createTime < 0) return undefined
  return { sdkAppId, commId, roomId: commId.slice(first + 1, last), createTime }
}

/**
 * Fetches what {@link diagnose} needs: the call's users (`DescribeUserInfo`), each user's
 * events (`DescribeUserEvent`) and, when the call is inside the retention window of
 * `DescribeCallDetailInfo`, its quality series.
 *
 * @since 0.1.0
 * @category fetching
 */
export const fetch = Effect.fn("Diagnosis.fetch")(function*(call: TrtcStream.CallRef, options?: FetchOptions) {
  const users = Chunk.toReadonlyArray(yield* Stream.runCollect(TrtcStream.users(call, undefined, options)))
  const lists = yield* Effect.forEach(
    users,
    (user) => Stream.runCollect(TrtcStream.userEvents(call, user, undefined, options)),
    { concurrency: options?.concurrency ?? 4 }
  )
  const nowS = Math.floor((yield* Clock.currentTimeMillis) / 1000)
  const createTime = call.createTime ?? callRefOf(call.sdkAppId, call.commId)?.createTime ?? 0
  const inWindow = nowS - createTime < (options?.retentionDays ?? 14) * 86_400
  const quality = options?.quality === false || !inWindow || users.length === 0
    ? undefined
    : Chunk.toReadonlyArray(yield* Stream.runCollect(TrtcStream.callQuality(call, options?.dataTypes ?? qualityDataTypes, undefined, options)))
  const result: Call = {
    sdkAppId: call.sdkAppId,
    commId: call.commId,
    roomId: call.roomId,
    users,
    events: lists.flatMap(Chunk.toReadonlyArray),
    quality
  }
  return result
})

/**
 * {@link fetch} then {@link diagnose}.
 *
 * @since 0.1.0
 * @category fetching
 */
export const diagnoseCall = (
  call: TrtcStream.CallRef,
  options?: FetchOptions & { readonly userIds?: ReadonlyArray<string> | undefined }
): Effect.Effect<CallDiagnosis, TrtcStream.StreamError, Trtc> => Effect.map(fetch(call, options), (c) => diagnose(c, options))
