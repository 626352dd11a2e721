// What the commands that query the API share: resolving the global flags, the period, printing
// rows and providing the signed client.
import * as CommId from "@effect-trtc/core/CommId"
import * as Models from "@effect-trtc/core/Models"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import { NotFoundError, UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Time from "../Time.js"
import * as Api from "./api.js"
import * as Query from "./query.js"
import { type GlobalFlags, type Globals, resolveGlobals } from "./globals.js"
import { Terminal } from "./io.js"
import * as Source from "./source.js"
import * as Telemetry from "./telemetry.js"
import * as TimeZone from "./timeZone.js"

/** An environment setting through the current `ConfigProvider`; unset or unreadable is "". */
const setting = (name: string): Effect.Effect<string> => Effect.orElseSucceed(Config.string(name).pipe(Config.withDefault("")), () => "")

/** `3 events`, `1 call`. */
export const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/** The global flags checked, with the defaults that depend on the terminal. */
export const globalsOf = (flags: GlobalFlags) => Effect.flatMap(Terminal, (io) => resolveGlobals(flags, io.stdoutIsTTY))

/** Now, in epoch seconds, from Effect's `Clock` (the one time source of the CLI). */
export const nowSeconds: Effect.Effect<number> = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

/**
 * The zone times are shown and read in: `--utc`, `--tz ZONE`, else `TZ`, else the system's. A
 * zone name Node does not know is a usage error (a typo would shift every time shown).
 */
export const zoneOf = (flags: { readonly utc: boolean; readonly tz: Option.Option<string> }) =>
  Effect.gen(function*() {
    if (flags.utc && Option.isSome(flags.tz)) {
      return yield* new UsageError({ problem: "--utc and --tz both given", fix: "use one of them" })
    }
    if (flags.utc) return "UTC"
    if (Option.isSome(flags.tz)) {
      if (!TimeZone.isValid(flags.tz.value)) {
        return yield* new UsageError({
          problem: `--tz: ${JSON.stringify(flags.tz.value)} is not a time zone this system knows`,
          fix: "give an IANA zone name like Europe/Berlin, Asia/Shanghai or UTC"
        })
      }
      return flags.tz.value
    }
    const env = (yield* setting("TZ")).replace(/^:/, "")
    if (env !== "" && TimeZone.isValid(env)) return env
    return TimeZone.local()
  })

/** The period the user asked for (notes about clamping go to stderr). */
export const period = (
  input: Time.PeriodInput,
  defaultSpanSeconds: number,
  timeZone?: string
) =>
  Effect.gen(function*() {
    const io = yield* Terminal
    const resolved = yield* Time.resolvePeriod(input, {
      now: yield* nowSeconds,
      defaultSpanSeconds,
      // Core's fact: the one home of the retention (issue 12).
      retentionDays: Models.retentionDays,
      timeZone
    })
    for (const note of resolved.notes) yield* io.stderr(note + "\n")
    return resolved.period
  })

/**
 * Prints rows in the chosen format to stdout: a table's times in `timeZone`, failures in colour
 * on a terminal unless NO_COLOR is set; `beforeWrite` clears a progress line first. With
 * `--query` the rows go through it instead (its results are the user's shape, not our columns).
 */
export const print = <E, R>(
  rows: Stream.Stream<Output.Row, E, R>,
  globals: Globals,
  columns: Output.Columns,
  timeZone?: string,
  beforeWrite?: Effect.Effect<void>
) =>
  Effect.flatMap(Effect.zip(Terminal, setting("NO_COLOR")), ([io, noColor]) =>
    globals.query === undefined
      ? Output.writeStream(rows, {
          format: globals.format,
          columns,
          write: io.stdout,
          width: io.columns,
          timeZone,
          color: io.stdoutIsTTY && noColor === "",
          beforeWrite
        })
      : Query.writeStream(rows, globals.query, {
          format: globals.format,
          write: beforeWrite === undefined ? io.stdout : (text) => Effect.zipRight(beforeWrite, io.stdout(text)),
          width: io.columns
        }))

/** Runs `effect` with the signed TRTC client the global flags describe. */
export const withApi = <A, E, R>(globals: Globals, effect: Effect.Effect<A, E, R>) =>
  // The tracer outside the client, so its spans are exported and flushed when the command ends.
  Effect.provide(effect, Api.trtcLayer(globals)).pipe(Effect.provide(Telemetry.layer))

/**
 * Fresh request counters for core's streams (`TrtcStream.Progress`, which they update when it is
 * provided), and the request count a progress line shows from them.
 */
export const requestCounters = Effect.map(TrtcStream.Progress.make, (counters) => ({
  requests: Effect.map(counters.snapshot, (counts) => counts.requests),
  provide: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provideService(effect, TrtcStream.Progress, counters)
}))

/**
 * The period of a command about one call: `--start`/`--end`/`--since` when given, else the
 * call's own span. A CommId that names no call is a `NotFoundError` (exit code 4), not an empty
 * answer.
 */
export const callSpan = (
  flags: {
    readonly sdkAppId: number
    readonly commId: string
    readonly start: Option.Option<string>
    readonly end: Option.Option<string>
    readonly since: Option.Option<string>
  },
  now: number,
  timeZone: string
) =>
  Option.isSome(flags.start) || Option.isSome(flags.end) || Option.isSome(flags.since)
    ? period({ start: flags.start, end: flags.end, since: flags.since }, 86400, timeZone)
    : Effect.flatMap(Source.findCall(flags.sdkAppId, flags.commId, now), (call) =>
        Option.isSome(call)
          ? Effect.succeed(Source.callPeriod(call.value, now))
          : Effect.fail(
              new NotFoundError({
                problem: `no call ${flags.commId} in SdkAppId ${flags.sdkAppId}${
                  Option.match(CommId.parse(flags.commId), {
                    onNone: () => "",
                    onSome: (c) => ` (no call of room ${c.roomId} was created at ${Time.iso(c.createTime)})`
                  })
                }`,
                fix: `list the calls with trtc rooms --sdk-app-id ${flags.sdkAppId}${
                  Option.match(CommId.parse(flags.commId), { onNone: () => "", onSome: (c) => ` --room-id ${c.roomId}` })
                } --since 14d`
              })
            ))
