/**
 * `trtc diagnose`: what went wrong for whom in one call — a verdict per user and its evidence.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Diagnosis from "@effect-trtc/diagnosis/Diagnosis"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { NotFoundError, UsageError } from "../CliError.js"
import { globalsOf, nowSeconds, withApi, zoneOf } from "../internal/apiCommand.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import * as Source from "../internal/source.js"
import { Terminal } from "../internal/io.js"
import * as Output from "../Output.js"
import * as Time from "../Time.js"

/**
 * The call a `--sdk-app-id`/`--comm-id` pair names, or a usage error saying what a CommId looks like.
 *
 * @since 0.1.0
 * @category flags
 */
export const callOf = (sdkAppId: number, commId: string): Effect.Effect<TrtcStream.CallRef, UsageError> => {
  const ref = Diagnosis.callRefOf(sdkAppId, commId)
  return ref === undefined
    ? Effect.fail(new UsageError({ problem: `--comm-id: ${JSON.stringify(commId)} is not a CommId`, fix: "expected SdkAppId_RoomId_CreateTime, as trtc rooms prints it" }))
    : Effect.succeed(ref)
}

const iso = (ms: number) => new Date(ms).toISOString()
const clock = (ms: number) => iso(ms).slice(11, 23) + "Z"
const secs = (ms: number | undefined) => ms === undefined ? undefined : `${(ms / 1000).toFixed(1)} s`
const duration = (ms: number) => {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}
const num = (n: number) => Number.isInteger(n) ? String(n) : n.toFixed(1)

// Long lists (a flaky network gives hundreds of drops) stay a few lines.
const listed = <A>(items: ReadonlyArray<A>, show: (a: A) => string, max = 6) =>
  items.length <= max ? items.map(show).join("; ") : `${items.slice(0, max).map(show).join("; ")}; … ${items.length - max} more`

/**
 * The evidence of one user as indented lines (only those that say something).
 *
 * @since 0.1.0
 * @category rendering
 */
export const evidenceLines = (ev: Diagnosis.Evidence): Array<string> => {
  const out: Array<string> = []
  const line = (label: string, text: string) => text !== "" && out.push(`  ${label}: ${text}`)
  line("sessions", listed(ev.sessions, (s) => `${iso(s.joinMs).replace(".000", "")} → ${clock(s.leaveMs).replace(".000", "")} (${duration(s.durationMs)})`))
  const entered = ev.joinAttempts.filter((a) => a.outcome === "entered").length
  line("join attempts", ev.joinAttempts.length === 0 ? "" : `${ev.joinAttempts.length} (${entered} entered, ${ev.joinAttempts.length - entered} failed or unanswered)`)
  const t = ev.timings
  line("timings from \"Started entering room\"", [
    ["entered", t.enteredMs],
    ["first audio sent", t.firstAudioSentMs],
    ["first video sent", t.firstVideoSentMs],
    ["first audio received", t.firstAudioReceivedMs],
    ["first video received", t.firstVideoReceivedMs]
  ].flatMap(([name, ms]) => ms === undefined ? [] : [`${name} ${secs(ms as number)}`]).join(", "))
  line("failures", listed(ev.failures, (f) => `${clock(f.timeMs)} ${f.description}`))
  line("connection lost", listed(ev.drops, (d) => `${d.what} at ${clock(d.lostMs)}${d.restoredMs === undefined ? ", not restored" : `, back after ${secs(d.restoredMs - d.lostMs)}`}`))
  line("network", listed(ev.networkChanges, (n) => `${clock(n.timeMs)} ${n.network}`))
  line("devices", listed(ev.deviceFailures, (d) => `${clock(d.timeMs)} ${d.device}: ${d.description}`))
  const periods = (ps: ReadonlyArray<Diagnosis.Period>) => listed(ps, (p) => `${clock(p.startMs)}–${clock(p.endMs)}`)
  line("audio sent", periods(ev.upstream.audio))
  line("video sent", periods(ev.upstream.video))
  line("could not see", ev.unseenPeers.join(", "))
  line("could not hear", ev.unheardPeers.join(", "))
  line("app", listed(ev.appSwitches, (s) => `${s.to} at ${clock(s.timeMs)}`))
  for (const q of ev.quality) {
    line(q.label, `median ${num(q.median)}, worst ${num(q.worst)}, worst minute ${iso(q.worstMinute.startS * 1000).slice(11, 16)}Z (mean ${num(q.worstMinute.mean)})`)
  }
  return out
}

/**
 * The table format: the verdicts first (one row per user), then each user's problems and
 * evidence.
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderText = (result: Diagnosis.CallDiagnosis, width: number = Number.POSITIVE_INFINITY): string => {
  const rows = result.users.map((u) => ({ verdict: u.verdict, userId: u.userId, problems: u.problems.map((p) => p.kind).join(", ") }))
  const blocks = result.users.map((u) => [
    `${u.userId}: ${u.verdict}`,
    ...u.problems.map((p) => `  ! ${p.kind}: ${p.summary}`),
    ...evidenceLines(u.evidence)
  ].join("\n"))
  const note = result.quality ? "" : "\n(no quality data: the call is outside DescribeCallDetailInfo's window, or it was not asked for)\n"
  return `${Output.renderTable(rows, ["verdict", "userId", "problems"], width, ["problems"])}\n${blocks.join("\n\n")}\n${note}`
}

/**
 * The columns of `--format csv` (json and ndjson carry the whole verdict and evidence).
 *
 * @since 0.1.0
 * @category rendering
 */
export const columns: Output.Columns = { all: ["commId", "userId", "verdict", "problems"], table: ["verdict", "userId", "problems"] }

/**
 * The records of json/ndjson/csv: one per user.
 *
 * @since 0.1.0
 * @category rendering
 */
export const records = (sdkAppId: number, result: Diagnosis.CallDiagnosis) =>
  result.users.map((u) => ({
    sdkAppId,
    commId: result.commId,
    userId: u.userId,
    verdict: u.verdict,
    problems: u.problems.map((p) => p.kind).join(" "),
    details: u.problems,
    evidence: u.evidence
  }))

/**
 * The call to diagnose: `--comm-id`, or the call of `--room-id` alive at `--at` (the latest
 * created when several were). A room with no call then is a `NotFoundError` (exit code 4).
 */
const resolveCommId = (
  flags: {
    readonly sdkAppId: number
    readonly commId: Option.Option<string>
    readonly roomId: Option.Option<string>
    readonly at: Option.Option<string>
  },
  zone: string
) =>
  Effect.gen(function*() {
    if (Option.isSome(flags.commId)) {
      if (Option.isSome(flags.roomId) || Option.isSome(flags.at)) {
        return yield* new UsageError({ problem: "--comm-id names the call: --room-id and --at are for finding it", fix: "give --comm-id alone, or --room-id with --at" })
      }
      return flags.commId.value
    }
    if (Option.isNone(flags.roomId)) {
      return yield* new UsageError({ problem: "missing --comm-id (or --room-id with --at)", fix: "the call's CommId from trtc rooms, or its room and a time during it" })
    }
    const now = yield* nowSeconds
    const at = Option.isSome(flags.at) ? yield* Time.parseTime("--at", flags.at.value, now, zone) : now
    const roomId = flags.roomId.value
    const alive = Chunk.toReadonlyArray(yield* Stream.runCollect(Source.rooms(flags.sdkAppId, { startTime: at, endTime: at + 1 }, roomId)))
      .filter((call) => call.createTime <= at && (!call.isFinished || call.destroyTime >= at))
      .sort((a, b) => b.createTime - a.createTime)
    const found = alive[0]
    if (found === undefined) {
      return yield* new NotFoundError({
        problem: `no call of room ${roomId} in SdkAppId ${flags.sdkAppId} at ${Time.iso(at)}`,
        fix: `list the room's calls with trtc rooms --sdk-app-id ${flags.sdkAppId} --room-id ${roomId} --since 14d`
      })
    }
    return found.commId
  })

/**
 * The `diagnose` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("diagnose", {
  ...globalOptions,
  sdkAppId: Flags.sdkAppId,
  commId: Options.optional(Flags.commId),
  roomId: Flags.roomId.pipe(Options.withDescription("instead of --comm-id: the room, with --at a time during the call"), Options.optional),
  at: Options.text("at").pipe(
    Options.withDescription("with --room-id: a time during the call (epoch seconds, ISO 8601, relative like 2h; default now)"),
    Options.optional
  ),
  ...Flags.zone,
  userId: Flags.userId.pipe(Options.withDescription("only this user"), Options.optional),
  noQuality: Options.boolean("no-quality").pipe(Options.withDescription("skip DescribeCallDetailInfo's quality series"))
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const io = yield* Terminal
    const zone = yield* zoneOf(flags)
    const commId = yield* withApi(globals, resolveCommId(flags, zone))
    const call = yield* callOf(flags.sdkAppId, commId)
    const result = yield* withApi(
      globals,
      Diagnosis.diagnoseCall(call, {
        concurrency: globals.concurrency,
        minSpanSeconds: 1,
        quality: !flags.noQuality,
        userIds: Option.match(flags.userId, { onNone: () => undefined, onSome: (u) => [u] })
      })
    )
    if (Option.isSome(flags.userId) && result.users.length === 0) {
      return yield* new UsageError({ problem: `--user-id: ${JSON.stringify(flags.userId.value)} is not a user of call ${commId}`, fix: "see trtc users" })
    }
    if (globals.format === "table") return yield* io.stdout(renderText(result, io.columns))
    yield* Output.writeStream(Stream.fromIterable(records(flags.sdkAppId, result)), { format: globals.format, columns, write: io.stdout })
  })).pipe(Command.withDescription(Help.describe("What went wrong for whom in one call: a verdict per user, with its evidence.", [
  "trtc diagnose --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841",
  "trtc diagnose --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841 --user-id alice --format json",
  "trtc diagnose --sdk-app-id 1400000001 --room-id r1 --at 2026-12-02T10:15:00Z"
])))
