// What the commands that query the API share: resolving the global flags, the period, printing
// rows and providing the signed client.
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as Output from "../Output.js"
import * as Time from "../Time.js"
import * as Api from "./api.js"
import * as Query from "./query.js"
import { type GlobalFlags, type Globals, resolveGlobals } from "./globals.js"
import { Terminal } from "./io.js"
import * as Source from "./source.js"
import * as Telemetry from "./telemetry.js"

/** `3 events`, `1 call`. */
export const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/** The global flags resolved against the environment. */
export const globalsOf = (flags: GlobalFlags) =>
  Effect.flatMap(Terminal, (io) => resolveGlobals(flags, io.env, io.stdoutIsTTY))

/** Now, in epoch seconds. */
export const nowSeconds = Effect.map(Terminal, (io) => Math.floor(io.now() / 1000))

/** The period the user asked for (notes about clamping go to stderr). */
export const period = (
  input: Time.PeriodInput,
  defaultSpanSeconds: number
) =>
  Effect.gen(function*() {
    const io = yield* Terminal
    const resolved = yield* Time.resolvePeriod(input, {
      now: Math.floor(io.now() / 1000),
      defaultSpanSeconds,
      retentionDays: Source.retentionDays
    })
    for (const note of resolved.notes) yield* io.stderr(note + "\n")
    return resolved.period
  })

/** Prints rows in the chosen format to stdout. */
export const print = <E, R>(rows: Stream.Stream<Output.Row, E, R>, globals: Globals, columns: Output.Columns) =>
  Effect.flatMap(Terminal, (io) =>
    globals.query === undefined
      ? Output.writeStream(rows, { format: globals.format, columns, write: io.stdout, width: io.columns })
      : Query.writeStream(rows, globals.query, { format: globals.format, write: io.stdout, width: io.columns }))

/** Runs `effect` with the signed TRTC client the global flags describe. */
export const withApi = <A, E, R>(globals: Globals, effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Terminal, (io) =>
    // The tracer outside the client, so its spans are exported and flushed when the command ends.
    Effect.provide(effect, Api.trtcLayer(globals)).pipe(Effect.provide(Telemetry.layer(io.env))))

/**
 * The period of a command about one call: `--start`/`--end` when given, else the call's own span
 * when the CommId names a call we can find, else the last 24 h.
 */
export const callSpan = (
  flags: { readonly sdkAppId: number; readonly commId: string; readonly start: Option.Option<string>; readonly end: Option.Option<string> },
  now: number
) =>
  Option.isSome(flags.start) || Option.isSome(flags.end)
    ? period({ start: flags.start, end: flags.end }, 86400)
    : Effect.flatMap(Source.findCall(flags.sdkAppId, flags.commId, now), (call) =>
        Option.isSome(call) ? Effect.succeed(Source.callPeriod(call.value, now)) : period({ start: Option.none(), end: Option.none() }, 86400))
