import * as Models from "@effect-trtc/core/Models"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Diagnosis from "@effect-trtc/diagnosis/Diagnosis"
import * as Timeline from "@effect-trtc/diagnosis/Timeline"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Faults from "@effect-trtc/emulator/Faults"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { RuntimeError, UsageError } from "../CliError.js"
import type * as DemoCommand from "../commands/demo.js"
import * as DiagnoseCommand from "../commands/diagnose.js"
import * as TimelineCommand from "../commands/timeline.js"
import type * as EmulatorCommand from "../commands/emulator.js"
import * as Output from "../Output.js"
import * as Records from "../Records.js"
import * as Time from "../Time.js"
import * as Api from "./api.js"
import { nowSeconds } from "./apiCommand.js"
import { Terminal } from "./io.js"
import * as Source from "./source.js"

// `trtc emulator` and `trtc demo`: loaded only by these two commands, so that the emulator's code
// costs nothing to the others' start-up.

const parseCredential = (text: string) => {
  const [secretId, secretKey, ...token] = text.split(":")
  if (!secretId || !secretKey) {
    return Effect.fail(new UsageError({ problem: "--credentials: expected ID:KEY[:TOKEN]" }))
  }
  return Effect.succeed({ secretId, secretKey, ...(token.length > 0 ? { token: token.join(":") } : {}) })
}

/** `--users-per-room`: `N` or `MIN-MAX`. */
const parseUsersPerRoom = (text: string) => {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim())
  const min = m === null ? NaN : Number(m[1])
  const max = m === null ? NaN : m[2] === undefined ? min : Number(m[2])
  return min >= 1 && min <= max
    ? Effect.succeed(m?.[2] === undefined ? min : { min, max })
    : Effect.fail(new UsageError({ problem: `--users-per-room: expected N or MIN-MAX with 1 <= MIN <= MAX, got ${JSON.stringify(text)}` }))
}

const atLeast = (name: string, min: number, value: Option.Option<number>) =>
  Option.isSome(value) && !(value.value >= min)
    ? Effect.fail(new UsageError({ problem: `--${name}: must be at least ${min}, got ${value.value}` }))
    : Effect.succeed(Option.getOrUndefined(value))

/** `trtc emulator`: runs the emulator until interrupted. */
export const emulator = (flags: EmulatorCommand.Flags) =>
  Effect.gen(function*() {
    const io = yield* Terminal
    const credentials = yield* Effect.forEach(flags.credentials, parseCredential)
    const faults = Option.isSome(flags.faults)
      ? yield* Effect.mapError(Faults.load(flags.faults.value), (e) => new UsageError({ problem: `--faults: ${e.message}` }))
      : undefined
    const apps = yield* atLeast("apps", 1, flags.apps)
    const roomsPerApp = yield* atLeast("rooms-per-app", 0, flags.roomsPerApp)
    const usersPerRoom = Option.isSome(flags.usersPerRoom) ? yield* parseUsersPerRoom(flags.usersPerRoom.value) : undefined
    const eventsPerHour = yield* atLeast("events-per-hour", 0, flags.eventsPerHour)
    const maxEventsPerResponse = yield* atLeast("max-events", 1, flags.maxEvents)
    const headersTimeoutMs = yield* atLeast("headers-timeout", 1, flags.headersTimeout)
    const requestTimeoutMs = yield* atLeast("request-timeout", 1, flags.requestTimeout)
    const startAt = yield* atLeast("now", 0, flags.now)
    if (flags.lazy && flags.eager) return yield* new UsageError({ problem: "--lazy and --eager exclude each other", fix: "give one of them" })
    const clockOffsetSeconds = startAt === undefined ? undefined : startAt - (yield* Clock.currentTimeMillis) / 1000
    const dataSet = Option.isSome(flags.data)
      ? yield* Effect.mapError(DataSet.load(flags.data.value), (e) => new UsageError({ problem: `--data: ${e.message}` }))
      : undefined
    yield* Effect.scoped(Effect.gen(function*() {
      const instance = yield* Emulator.make({
        host: flags.host,
        port: flags.port,
        rps: flags.rps,
        retentionDays: flags.retentionDays,
        ...(credentials.length > 0 ? { credentials } : {}),
        ...(Option.isSome(flags.seed) ? { seed: flags.seed.value } : {}),
        ...(faults !== undefined ? { faults } : {}),
        ...(dataSet !== undefined ? { dataSet } : {}),
        apps,
        roomsPerApp,
        usersPerRoom,
        eventsPerHour,
        maxEventsPerResponse,
        ...(flags.lazy ? { lazy: true } : flags.eager ? { lazy: false } : {}),
        ...(Option.isSome(flags.total) ? { total: flags.total.value } : {}),
        ...(headersTimeoutMs !== undefined ? { headersTimeoutMs } : {}),
        ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
        ...(clockOffsetSeconds !== undefined ? { clockOffsetSeconds } : {}),
        progressive: flags.progressive
      })
      const sdkAppIds = instance.dataSet.apps.map((app) => app.sdkAppId).join(", ")
      yield* io.stdout(`listening on ${instance.url}\n`)
      const calls = instance.dataSet.apps.reduce((n, app) => n + app.rooms.length, 0)
      yield* io.stderr(
        `SdkAppId ${sdkAppIds} (${calls} calls); credentials: SecretId ${instance.credential.secretId} (${
          credentials.length > 0 ? "as given" : "the emulator's default key"
        }).\n${tryLine(instance.url, instance.dataSet.apps[0]?.sdkAppId ?? Emulator.defaultSdkAppId, credentials.length > 0)}\n`
      )
      return yield* Effect.never
    }))
  })

/**
 * The command `trtc emulator` suggests, ready to paste: with the emulator's built-in demo
 * credential inline (it is public, documented in `Emulator.defaultCredential`, and accepted by
 * nothing but the emulator), so that it runs as printed. When the user gave their own
 * `--credentials`, their key is never echoed: they are told to export it instead.
 */
export const tryLine = (url: string, sdkAppId: number, ownCredentials: boolean): string => {
  const command = `TRTC_ENDPOINT=${url} trtc rooms --sdk-app-id ${sdkAppId} --since 14d`
  return ownCredentials
    ? `Try, with TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY set to one of the credentials given to --credentials:\n  ${command}`
    : `Try (the emulator's public demo credential inline):\n  TENCENTCLOUD_SECRET_ID=${Emulator.defaultCredential.secretId} TENCENTCLOUD_SECRET_KEY=${Emulator.defaultCredential.secretKey} ${command}`
}

/** `trtc demo`: the main job against an in-process emulator, no setup, no account. */
export const demo = (flags: DemoCommand.Flags) =>
  Effect.scoped(Effect.gen(function*() {
    const io = yield* Terminal
    const instance = yield* Emulator.make({ seed: flags.seed })
    const sdkAppId = instance.dataSet.apps[0]?.sdkAppId ?? Emulator.defaultSdkAppId
    const trtc = Trtc.layer({ endpoint: instance.url }).pipe(
      Layer.provide(Layer.merge(Api.httpLayer(flags.verbose), Credentials.layerStatic(Emulator.defaultCredential))),
      Layer.provideMerge(Api.loggerLayer(flags.verbose))
    )
    const format = Option.getOrElse(flags.format, () => "table" as const)
    const say = (text: string) => format === "table" ? io.stdout(text) : io.stderr(text)
    const now = yield* nowSeconds
    yield* say(`trtc demo: a TRTC API emulator is running at ${instance.url} (seed ${flags.seed}, SdkAppId ${sdkAppId}).\n`)
    yield* say(`$ trtc rooms --sdk-app-id ${sdkAppId} --since 14d   # find a call\n`)
    yield* Effect.gen(function*() {
      const calls = Chunk.toReadonlyArray(yield* Stream.runCollect(
        Source.rooms(sdkAppId, { startTime: now - Models.retentionDays * 86400 + 60, endTime: now })
      ))
      if (calls.length === 0) return yield* new RuntimeError({ problem: "the emulator has no calls in the last 14 days" })
      // Of the most recent finished calls, the busiest: the kind a support engineer is asked about.
      const finished = calls.filter((c) => c.isFinished)
      const recent = [...(finished.length > 0 ? finished : calls)].sort((a, b) => b.createTime - a.createTime).slice(0, 6)
      const candidates = yield* Effect.forEach(recent, (call) =>
        Effect.map(
          Stream.runCollect(Source.users(sdkAppId, call.commId, Source.callPeriod(call, now))),
          (sessions) => ({ call, sessions: Chunk.toReadonlyArray(sessions) })
        ))
      // A call that fits on a screen: the most sessions up to six, else the smallest.
      const score = (n: number) => n <= 6 ? n : -n
      const { call, sessions } = candidates.reduce((best, c) => score(c.sessions.length) > score(best.sessions.length) ? c : best)
      const span = Source.callPeriod(call, now)
      yield* say(`found ${calls.length} calls; showing ${call.commId} (room ${call.roomId}), ${Time.iso(call.createTime)} to ${
        call.destroyTime > 0 ? Time.iso(call.destroyTime) : "now"
      }, the busiest that fits a screen of the ${recent.length} latest.\n\n$ trtc users --sdk-app-id ${sdkAppId} --comm-id ${call.commId}\n`)
      if (format === "table") {
        yield* io.stdout(Output.renderTable(sessions as unknown as ReadonlyArray<Output.Row>, Records.userColumns.table, io.columns, Records.userColumns.shrink))
      }
      const userIds = [...new Set(sessions.map((s) => s.userId))]
      const events = (yield* Effect.forEach(userIds, (userId) =>
        Source.userEvents({ sdkAppId, commId: call.commId, roomId: call.roomId, userId }, span))).flat()
        .sort((a, b) => a.timeMs - b.timeMs)
      yield* say(`\n$ trtc events --sdk-app-id ${sdkAppId} --comm-id ${call.commId} --room-id ${call.roomId} --user-id <each user>\n`)
      if (format === "table") {
        const shown = events.length > maxRows ? [...events.slice(0, maxRows - 10), ...events.slice(-10)] : events
        const table = Output.renderTable(shown, ["time", "userId", "peerId", "eventId", "event"], io.columns, ["event", "peerId"]).split("\n")
        if (events.length > maxRows) {
          table.splice(maxRows - 9, 0, `… ${events.length - maxRows} more events (trtc export prints them all) …`)
        }
        yield* io.stdout(table.join("\n"))
      } else {
        yield* Output.writeStream(Stream.fromIterable(events as unknown as ReadonlyArray<Output.Row>), {
          format,
          columns: Records.eventColumns,
          write: io.stdout
        })
      }
      yield* say(`\n${summary(call, sessions, events)}\n`)
      // The answer to "what went wrong for whom", and the picture of the call.
      const ref = { sdkAppId, commId: call.commId, roomId: call.roomId, createTime: call.createTime }
      const fetched = yield* Diagnosis.fetch(ref, { minSpanSeconds: 1 })
      const diagnosis = Diagnosis.diagnose(fetched)
      yield* say(`\n$ trtc diagnose --sdk-app-id ${sdkAppId} --comm-id ${call.commId}\n`)
      yield* (format === "table" ? io.stdout(DiagnoseCommand.renderText(diagnosis, io.columns)) : io.stderr(DiagnoseCommand.renderText(diagnosis)))
      const out = Option.getOrElse(flags.timelineOut, () => join(tmpdir(), `trtc-demo-${flags.seed}.html`))
      yield* say(`\n$ trtc timeline --sdk-app-id ${sdkAppId} --comm-id ${call.commId} --metrics --out ${out}\n`)
      const path = yield* TimelineCommand.writePage(out, Timeline.render(fetched, { metrics: true, diagnosis }))
      yield* say(`wrote the call's timeline to ${path} (open it in a browser; it needs no network)\n`)
    }).pipe(Effect.provide(trtc))
  }))

// The demo's event table stays readable on a screen.
const maxRows = 60

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

/** One paragraph about a call: who, how long, joins and leaves, failures. */
export const summary = (
  call: Source.Call,
  sessions: ReadonlyArray<Records.UserRecord>,
  events: ReadonlyArray<Records.EventRecord>
): string => {
  const users = new Set(sessions.map((s) => s.userId))
  const rejoined = [...users].filter((u) => sessions.filter((s) => s.userId === u).length > 1)
  const leaves = sessions.filter((s) => s.finished).length
  const minutes = call.destroyTime > 0 ? Math.round((call.destroyTime - call.createTime) / 60) : undefined
  const failures = events.filter((e) => Records.isFailure(e.event))
  const byKind = new Map<string, number>()
  for (const f of failures) byKind.set(f.event, (byKind.get(f.event) ?? 0) + 1)
  const kinds = [...byKind.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([name, n]) => `${name}${n > 1 ? ` (x${n})` : ""}`)
  const failedUsers = new Set(failures.map((f) => f.userId))
  return [
    `Summary: call ${call.commId} in room ${call.roomId}${minutes === undefined ? " is still running" : ` lasted ${minutes} min`};`,
    `${plural(users.size, "user")} took part with ${plural(sessions.length, "join")} and ${plural(leaves, "leave")}${
      rejoined.length > 0 ? ` (${rejoined.join(", ")} rejoined)` : ""
    }.`,
    `They reported ${plural(events.length, "event")}, ${
      failures.length === 0
        ? "none of them a failure."
        : `${plural(failures.length, "failure")} from ${[...failedUsers].join(", ")}: ${kinds.join("; ")}.`
    }`
  ].join(" ")
}
