/**
 * Embedding: an application service, `JoinDiagnostics`, that answers "why did this user fail to
 * join?" from the events of their call. It depends on the `Trtc` service only; the program
 * wires `Trtc.layer` under it (against `TRTC_ENDPOINT` with the default credential chain, or an
 * in-process emulator when no endpoint is given). The period is the last 3 days.
 *
 *   pnpm exec tsx examples/why-join-failed.ts [roomId userId]
 *     an in-process emulator; without ids, a user of its data whose join failed
 *   TRTC_ENDPOINT=... pnpm exec tsx examples/why-join-failed.ts <sdkAppId> <roomId> <userId>
 *     that endpoint, with the default credential chain
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Trtc } from "@effect-trtc/core/Trtc"
import * as TrtcLayer from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { pathToFileURL } from "node:url"

/** The join sequence of the SDK event table: 5001 start, 5002 IP info, 5003 result, 5005 timeout. */
const joinEvents = new Set([5001, 5002, 5003, 5005])

export interface Diagnosis {
  readonly roomId: string
  readonly userId: string
  readonly commId: string | undefined
  /** Times the user started entering the room. */
  readonly attempts: number
  /** Entered successfully at least once. */
  readonly joined: boolean
  /** Attempts that ended without entering (one attempt may report several failures: 5005 then 5003). */
  readonly failedAttempts: number
  /** What went wrong, in order ("2026-11-25T10:00:01.000Z Failed to enter room"). */
  readonly failures: ReadonlyArray<string>
  readonly verdict: string
}

const isFailure = (event: TrtcStream.Event) =>
  (event.eventId === 5002 && event.paramOne === 0) ||
  (event.eventId === 5003 && event.paramOne === 0) ||
  event.eventId === 5005

const isSuccess = (event: TrtcStream.Event) => event.eventId === 5003 && event.paramOne === 1

/**
 * The join events split into attempts, each starting at a 5001 ("Start entering room"); events
 * before the first 5001 (its start fell outside the period) make an attempt of their own.
 */
const attemptsOf = (join: ReadonlyArray<TrtcStream.Event>): Array<Array<TrtcStream.Event>> => {
  const attempts: Array<Array<TrtcStream.Event>> = []
  for (const event of join) {
    if (event.eventId === 5001 || attempts.length === 0) attempts.push([])
    attempts[attempts.length - 1]!.push(event)
  }
  return attempts
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** Reads a diagnosis from the join events of one user in one call. Pure. */
export const diagnose = (roomId: string, userId: string, commId: string | undefined, events: ReadonlyArray<TrtcStream.Event>): Diagnosis => {
  const join = events.filter((e) => joinEvents.has(e.eventId) && e.peerId === userId)
  const attempts = join.filter((e) => e.eventId === 5001).length
  const joined = join.some(isSuccess)
  // An attempt failed when it reported a failure and did not enter; a 5002 hiccup before
  // a successful 5003 is a failure event but not a failed attempt.
  const failedAttempts = attemptsOf(join).filter((attempt) => attempt.some(isFailure) && !attempt.some(isSuccess)).length
  const failures = join.filter(isFailure).map((e) => `${new Date(e.timeMs).toISOString()} ${e.description}`)
  const verdict = commId === undefined
    ? `No call of room ${roomId} in the period.`
    : events.length === 0
      ? `${userId} left no events in call ${commId}: the client never reached TRTC (network, token or a different room id).`
      : failures.length === 0
        ? (joined ? `${userId} joined at the first attempt.` : `${userId} never finished entering, without a reported failure.`)
        : joined
          ? failedAttempts === 0
            ? `${userId} joined without a failed attempt, after ${plural(failures.length, "reported failure")}; first: ${failures[0]}.`
            : `${userId} joined after ${plural(failedAttempts, "failed attempt")}; first failure: ${failures[0]}.`
          : `${userId} never joined (${plural(failedAttempts, "failed attempt")}); last failure: ${failures[failures.length - 1]}.`
  return { roomId, userId, commId, attempts, joined, failedAttempts, failures, verdict }
}

/**
 * The application service.
 */
export class JoinDiagnostics extends Context.Tag("examples/JoinDiagnostics")<JoinDiagnostics, {
  readonly explain: (query: {
    readonly sdkAppId: number
    readonly roomId: string
    readonly userId: string
    readonly period: TrtcStream.Period
  }) => Effect.Effect<ReadonlyArray<Diagnosis>, TrtcStream.StreamError>
}>() {
  /** Built from the `Trtc` service in context: the caller decides how TRTC is reached. */
  static readonly layer = Layer.effect(
    JoinDiagnostics,
    Effect.gen(function*() {
      const trtc = yield* Trtc
      return {
        explain: Effect.fn("JoinDiagnostics.explain")(function*(query) {
          // Every call of the room in the period, then the user's events in each.
          const calls = yield* Stream.runCollect(TrtcStream.rooms(query.sdkAppId, query.period, query.roomId))
          if (Chunk.isEmpty(calls)) return [diagnose(query.roomId, query.userId, undefined, [])]
          return yield* Effect.forEach(calls, (call) =>
            Effect.map(
              Stream.runCollect(TrtcStream.userEvents(call, query.userId)),
              (events) => diagnose(query.roomId, query.userId, call.commId, Chunk.toArray(events))
            ))
        }, Effect.provideService(Trtc, trtc))
      }
    })
  )
}

/** `Trtc` against an emulator (what a test or a demo uses). */
export const emulatorTrtc = (emulator: Emulator.Instance): Layer.Layer<Trtc> =>
  TrtcLayer.layer({ endpoint: emulator.url }).pipe(
    Layer.provide(Layer.merge(
      Credentials.layerStatic({ secretId: emulator.credential.secretId, secretKey: emulator.credential.secretKey }),
      NodeHttpClient.layerUndici
    )),
    Layer.orDie
  )

/** Who to ask about: an app, a room id and a user. */
export interface JoinQuery {
  readonly sdkAppId: number
  readonly roomId: string
  readonly userId: string
}

/**
 * A user of the first app of a data set whose own join failed ("Failed to enter room") inside
 * `period`, or `undefined` when no join failed there: never a user who did not fail, so a
 * caller cannot be told a story about the wrong call.
 */
export const pickFailedJoin = (dataSet: Emulator.DataSet, period: TrtcStream.Period): JoinQuery | undefined => {
  const app = dataSet.apps[0]
  const from = period.start * 1000
  const to = (period.end + 1) * 1000
  for (const room of app.rooms) {
    if (room.createTime > period.end || room.destroyTime < period.start) continue
    for (const session of room.sessions) {
      const failed = session.events.some((e) =>
        e.peerId === session.userId && e.eventId === 5003 && e.paramOne === 0 && e.timeMs >= from && e.timeMs < to)
      if (failed) return { sdkAppId: app.sdkAppId, roomId: room.roomId, userId: session.userId }
    }
  }
  return undefined
}

const report = (query: { readonly sdkAppId: number; readonly roomId: string; readonly userId: string; readonly period: TrtcStream.Period }) =>
  Effect.gen(function*() {
    const diagnostics = yield* JoinDiagnostics
    for (const d of yield* diagnostics.explain(query)) {
      yield* Console.log(`${d.commId ?? query.roomId} ${d.userId}: ${d.verdict}`)
      for (const f of d.failures) yield* Console.log(`  ${f}`)
    }
  })

const main = Effect.gen(function*() {
  const now = Math.floor(Date.now() / 1000)
  const period = { start: now - 3 * 86_400, end: now }
  const args = process.argv.slice(2)
  if (process.env["TRTC_ENDPOINT"] !== undefined) {
    // A real (or remote) endpoint: credentials from the default chain, ids from the command line.
    const [sdkAppId, roomId, userId] = args
    if (sdkAppId === undefined || roomId === undefined || userId === undefined) {
      return yield* Console.error("usage: TRTC_ENDPOINT=... tsx examples/why-join-failed.ts <sdkAppId> <roomId> <userId>")
    }
    return yield* report({ sdkAppId: Number(sdkAppId), roomId, userId, period }).pipe(
      Effect.provide(JoinDiagnostics.layer.pipe(Layer.provide(TrtcLayer.layerConfig()), Layer.provide(NodeHttpClient.layerUndici)))
    )
  }
  // No endpoint: an emulator in this process, and a user of its data whose join went wrong.
  const emulator = yield* Emulator.make({ seed: 5 })
  const picked = args.length >= 2
    ? { sdkAppId: emulator.dataSet.apps[0].sdkAppId, roomId: args[0]!, userId: args[1]! }
    : pickFailedJoin(emulator.dataSet, period)
  if (picked === undefined) return yield* Console.error("No join failed in the emulator's data in the last 3 days: pass a roomId and a userId.")
  const query = { ...picked, period }
  return yield* report(query).pipe(Effect.provide(JoinDiagnostics.layer.pipe(Layer.provide(emulatorTrtc(emulator)))))
}).pipe(Effect.scoped)

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  NodeRuntime.runMain(main)
}
