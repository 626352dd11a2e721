import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"

// ---------------------------------------------------------------------------
// pinned time (as packages/core/test/pinnedTime.ts): the data sets are built for one fixed
// "now", the emulator's clock is set to it and the client's Clock agrees, so the tests give the
// same answers at any hour of any day.
// ---------------------------------------------------------------------------

/** 2025-11-25T06:40:00Z. */
export const pinnedNow = 1764052800

const offsetMillis = pinnedNow * 1000 - Date.now()

const pinnedClock: Clock.Clock = (() => {
  const live = Clock.make()
  const millis = () => live.unsafeCurrentTimeMillis() + offsetMillis
  const nanos = () => live.unsafeCurrentTimeNanos() + BigInt(Math.round(offsetMillis * 1_000_000))
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    currentTimeMillis: Effect.sync(millis),
    unsafeCurrentTimeNanos: nanos,
    currentTimeNanos: Effect.sync(nanos),
    sleep: (duration: Duration.Duration) => live.sleep(duration)
  }
})()

/** Runs a client of a pinned emulator with its Clock on the pinned time. */
export const atPinnedNow = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => Effect.withClock(effect, pinnedClock)

/** An emulator serving `dataSet` (default: the generated one of seed 1) at the pinned now. */
export const pinnedEmulator = (dataSet?: DataSet.DataSet): Effect.Effect<Emulator.Instance, never, Scope.Scope> =>
  Emulator.make({
    dataSet: dataSet ?? DataSet.generate({ seed: 1, anchor: pinnedNow }),
    clockOffsetSeconds: offsetMillis / 1000,
    // The tests are not about rate limits: the client's limiter is off too.
    rps: 0
  })

/** The `Trtc` service talking to an emulator with its demo credential. */
export const trtcLayer = (emulator: Emulator.Instance) =>
  Trtc.layer({ endpoint: emulator.url, rps: 0, retry: { baseDelay: "5 millis", maxDelay: "50 millis", maxRetries: 10 } }).pipe(
    Layer.provide(Layer.merge(
      Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey }),
      NodeHttpClient.layerUndici
    ))
  )

// ---------------------------------------------------------------------------
// a call with known problems, as a data set the emulator loads
// ---------------------------------------------------------------------------

type Spec = readonly [ms: number, eventId: number, paramOne?: number, peerId?: string | undefined, type?: number]

interface Person {
  readonly userId: string
  readonly join: number
  readonly leave: number
  readonly video: boolean
  /** Events of the user's own, ms after join. */
  readonly own: ReadonlyArray<Spec>
  /** Publishers this user gets no first frames from. */
  readonly blindTo?: ReadonlyArray<string>
  /** Never enters: no first frames at all. */
  readonly neverEnters?: boolean
}

const sdkEntering = (video: boolean): Array<Spec> => [
  [100, 5001],
  [300, 5002, 1],
  [900, 5003, 1],
  [920, 7000, 0],
  [1000, 1003, 1],
  [1200, 3001, 0],
  [1500, 5009],
  ...(video ? [[1800, 4001, 0], [1900, 4006, 0, undefined, 2], [2100, 5004, -1, undefined, 2]] as Array<Spec> : [])
]

const sdkLeaving = (durationMs: number): Array<Spec> => [[durationMs - 500, 5008, 1], [durationMs, 7001, 0]]

/** The room of {@link knownCall}: its create time. */
export const knownCreateTime = pinnedNow - 3_600

const people: ReadonlyArray<Person> = [
  // Clean, publishes audio and video.
  { userId: "alice", join: 0, leave: 600, video: true, own: [...sdkEntering(true), ...sdkLeaving(600_000)] },
  // Two attempts, both refused: never in the room.
  {
    userId: "bob <\"quoted\">",
    join: 20,
    leave: 40,
    video: false,
    neverEnters: true,
    own: [[100, 5001], [300, 5002, 1], [3_000, 5005], [3_100, 5003, 0], [6_000, 5001], [6_300, 5002, 1], [9_000, 5005], [9_100, 5003, 0]]
  },
  // Network drops twice and comes back.
  {
    userId: "carol",
    join: 5,
    leave: 600,
    video: true,
    own: [...sdkEntering(true), [60_000, 1003, 0], [68_000, 1003, 2], [200_000, 1003, 0], [203_000, 1003, 1], ...sdkLeaving(595_000)]
  },
  // Camera refuses, then works.
  {
    userId: "dave",
    join: 10,
    leave: 600,
    video: true,
    own: [...sdkEntering(false), [1_800, 4002, 0], [4_000, 4001, 0], [4_100, 4006, 0, undefined, 2], [4_300, 5004, -1, undefined, 2], ...sdkLeaving(590_000)]
  },
  // Never sees alice's video (sees the others').
  { userId: "李雷_7", join: 15, leave: 600, video: false, blindTo: ["alice"], own: [...sdkEntering(false), ...sdkLeaving(585_000)] }
]

/** The users of {@link knownCall} and the problem kinds each must be diagnosed with. */
export const knownProblems: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["alice", []],
  ["bob <\"quoted\">", ["failed-join"]],
  ["carol", ["reconnects"]],
  ["dave", ["camera-failure"]],
  ["李雷_7", ["no-downstream-video"]]
]

/**
 * One finished call of 10 minutes with the problems of {@link knownProblems}: every user who
 * entered gets the first frames (5006/5007) of every video publisher present, 2 s after both
 * are in, unless `blindTo` says otherwise.
 */
export const knownCall = (): DataSet.DataSet => {
  const roomId = "support_42"
  const commId = `${Emulator.defaultSdkAppId}_${roomId}_${knownCreateTime}`
  const sessions = people.map((p) => {
    const joinMs = (knownCreateTime + p.join) * 1000
    const events: Array<DataSet.Event> = p.own.map(([ms, eventId, paramOne = -1, peerId = p.userId, type = 0]) => ({
      peerId,
      type,
      timeMs: joinMs + ms,
      eventId,
      paramOne,
      paramTwo: -1
    }))
    if (p.neverEnters !== true) {
      for (const other of people) {
        if (other === p || !other.video || other.neverEnters === true || p.blindTo?.includes(other.userId)) continue
        const at = (knownCreateTime + Math.max(p.join, other.join)) * 1000 + 5_000
        events.push({ peerId: other.userId, type: 2, timeMs: at, eventId: 5006, paramOne: -1, paramTwo: -1 })
        events.push({ peerId: other.userId, type: 2, timeMs: at + 200, eventId: 5007, paramOne: -1, paramTwo: -1 })
      }
    }
    events.sort((a, b) => a.timeMs - b.timeMs)
    return {
      userId: p.userId,
      joinTs: knownCreateTime + p.join,
      leaveTs: knownCreateTime + p.leave,
      finished: true,
      deviceType: "android",
      sdkVersion: "11.4.0",
      clientIp: "10.0.0.1",
      events
    }
  })
  const dataSet = {
    seed: 0,
    anchor: pinnedNow,
    apps: [{
      sdkAppId: Emulator.defaultSdkAppId,
      rooms: [{ roomId, commId, createTime: knownCreateTime, destroyTime: knownCreateTime + 600, isFinished: true, creatorUserId: "alice", sessions }]
    }]
  }
  // Through the emulator's own validation, as a data set file would be.
  return Either.getOrThrow(DataSet.decode(JSON.parse(JSON.stringify(dataSet)), "knownCall"))
}

// ---------------------------------------------------------------------------
// the browser: Debian's chromium, never a downloaded one
// ---------------------------------------------------------------------------

/** Headless Chromium for the test, closed with its scope. */
export const browser: Effect.Effect<Browser, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() =>
    chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    })),
  (b) => Effect.promise(() => b.close())
)

/** Where screenshots and pages of the tests go (gitignored). */
export const artifacts = (() => {
  const dir = fileURLToPath(new URL("./artifacts/", import.meta.url))
  mkdirSync(dir, { recursive: true })
  return dir
})()
