import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Records from "../Records.js"
import * as Time from "../Time.js"
import * as Api from "./api.js"
import * as CallStream from "./callStream.js"
import type * as EmulatorCommands from "./emulatorCommands.js"
import * as ExportFile from "./exportFile.js"
import { type GlobalFlags, type Globals, resolveGlobals } from "./globals.js"
import { Terminal } from "./io.js"
import * as Progress from "./progress.js"
import * as Source from "./source.js"

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

const globalsOf = (flags: GlobalFlags) =>
  Effect.flatMap(Terminal, (io) => resolveGlobals(flags, io.env, io.stdoutIsTTY))

const nowSeconds = Effect.map(Terminal, (io) => Math.floor(io.now() / 1000))

const period = (
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

const print = <E, R>(rows: Stream.Stream<Output.Row, E, R>, globals: Globals, columns: Output.Columns) =>
  Effect.flatMap(Terminal, (io) =>
    Output.writeStream(rows, { format: globals.format, columns, write: io.stdout, width: io.columns }))

const withApi = <A, E, R>(globals: Globals, effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, Api.trtcLayer(globals))

/**
 * The period of a command about one call: `--start`/`--end` when given, else the call's own span
 * when the CommId names a call we can find, else the last 24 h.
 */
const callSpan = (
  flags: { readonly sdkAppId: number; readonly commId: string; readonly start: Option.Option<string>; readonly end: Option.Option<string> },
  now: number
) =>
  Option.isSome(flags.start) || Option.isSome(flags.end)
    ? period({ start: flags.start, end: flags.end }, 86400)
    : Effect.flatMap(Source.findCall(flags.sdkAppId, flags.commId, now), (call) =>
        Option.isSome(call) ? Effect.succeed(Source.callPeriod(call.value, now)) : period({ start: Option.none(), end: Option.none() }, 86400))

/** `trtc events`: one user's events in one call. */
export const events = (flags: GlobalFlags & {
  readonly sdkAppId: number
  readonly commId: string
  readonly roomId: string
  readonly userId: string
  readonly start: Option.Option<string>
  readonly end: Option.Option<string>
}) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const now = yield* nowSeconds
    const program = Effect.gen(function*() {
      const span = yield* callSpan(flags, now)
      const records = yield* Source.userEvents(
        { sdkAppId: flags.sdkAppId, commId: flags.commId, roomId: flags.roomId, userId: flags.userId },
        span
      )
      yield* print(Stream.fromIterable(records), globals, Records.eventColumns)
    })
    yield* withApi(globals, program)
  })

/** `trtc rooms`: the calls of an app in a period. */
export const rooms = (flags: GlobalFlags & {
  readonly sdkAppId: number
  readonly roomId: Option.Option<string>
  readonly start: Option.Option<string>
  readonly end: Option.Option<string>
  readonly since: Option.Option<string>
}) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const span = yield* period({ start: flags.start, end: flags.end, since: flags.since }, 86400)
    const io = yield* Terminal
    const windows = Math.ceil((span.endTime - span.startTime) / 86400)
    const progress = windows > 2 ? Progress.make(io, "rooms", Api.requestCount, windows) : Progress.none
    const rows = Source.rooms(flags.sdkAppId, span, Option.getOrUndefined(flags.roomId)).pipe(
      Stream.tap(() => progress.calls(1)),
      Stream.map((call) => Records.room(flags.sdkAppId, { ...call, userId: call.creatorUserId }))
    )
    yield* withApi(globals, Effect.ensuring(print(rows, globals, Records.roomColumns), progress.done))
  })

/** `trtc users`: the users of a call. */
export const users = (flags: GlobalFlags & {
  readonly sdkAppId: number
  readonly commId: string
  readonly start: Option.Option<string>
  readonly end: Option.Option<string>
}) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const now = yield* nowSeconds
    const program = Effect.gen(function*() {
      const span = yield* callSpan(flags, now)
      yield* print(Source.users(flags.sdkAppId, flags.commId, span), globals, Records.userColumns)
    })
    yield* withApi(globals, program)
  })

/** `trtc export`: every event of every call in a period, streamed to stdout or appended to a file. */
export const exportEvents = (flags: GlobalFlags & {
  readonly sdkAppId: number
  readonly start: Option.Option<string>
  readonly end: Option.Option<string>
  readonly since: Option.Option<string>
  readonly out: Option.Option<string>
  readonly resume: boolean
}) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const io = yield* Terminal
    if (flags.resume && Option.isNone(flags.out)) {
      return yield* new UsageError({ problem: "--resume needs --out", fix: "name the file to continue with --out" })
    }
    const span = yield* period({ start: flags.start, end: flags.end, since: flags.since }, 86400)
    const progress = Progress.make(io, "export", Api.requestCount, Math.ceil((span.endTime - span.startTime) / 86400))
    // Each call's events arrive in chunks, then a last item (`end`) once the call is complete:
    // nothing holds a whole call, however large.
    const calls = (skip: (commId: string) => boolean) =>
      Stream.unwrap(Effect.map(Deferred.make<never, Source.SourceError>(), (failure) =>
        // One failure for the whole export: when the rooms or any call fails, no stream sends
        // another request (each alone would fetch on until the failure's turn in output order).
        CallStream.concatPrefetched(
          Source.rooms(flags.sdkAppId, span, undefined, failure).pipe(
            Stream.filter((call) => !skip(call.commId)),
            Stream.map((call) =>
              CallStream.eventChunks(call, globals.concurrency, failure).pipe(
                Stream.map((events) => ({ call, events, end: false })),
                Stream.concat(Stream.succeed({ call, events: [] as ReadonlyArray<Records.EventRecord>, end: true }))
              ))
          ),
          globals.concurrency
        ))).pipe(
        Stream.tap(({ call, end, events }) =>
          end
            ? Effect.zipRight(
                progress.position((call.createTime - span.startTime) / Math.max(1, span.endTime - span.startTime)),
                progress.calls(1)
              )
            : progress.events(events.length))
      )
    if (Option.isNone(flags.out)) {
      const rows = calls(() => false).pipe(Stream.mapConcatChunk(({ events }) => Chunk.fromIterable(events)))
      yield* withApi(globals, Effect.ensuring(print(rows, globals, Records.eventColumns), progress.done))
      return
    }
    const path = flags.out.value
    const format = yield* ExportFile.formatOf(path, Option.getOrUndefined(flags.format))
    yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* ExportFile.open({ path, format, resume: flags.resume, sdkAppId: flags.sdkAppId })
      if (flags.resume) {
        yield* io.stderr(
          `resuming ${path}: ${count(file.state.records, "event")} of ${
            count(file.state.completed.size + (file.state.partial ? 1 : 0), "call")
          } already there${file.state.dropped > 0 ? `, dropped a torn last line (${file.state.dropped} bytes)` : ""}\n`
        )
      }
      const encode = (event: Records.EventRecord) =>
        format === "csv" ? Output.csvLine(Records.eventColumns.all.map((k) => event[k as keyof Records.EventRecord])) : Output.ndjsonLine(event as unknown as Output.Row)
      let written = 0
      yield* calls((commId) => file.state.completed.has(commId)).pipe(
        // One append per chunk, of whole records: a stop at any moment leaves whole records.
        Stream.runForEach(({ events }) => {
          const fresh = ExportFile.remaining(file.state, events)
          written += fresh.length
          return fresh.length === 0 ? Effect.void : file.append(fresh.map(encode).join(""))
        }),
        Effect.ensuring(progress.done),
        (effect) => withApi(globals, effect)
      )
      yield* io.stderr(`wrote ${count(written, "event")} to ${path}\n`)
    }))
  })

/** `trtc emulator`: runs the emulator until interrupted (its code is loaded on demand). */
export const emulator = (flags: EmulatorCommands.EmulatorFlags) =>
  Effect.flatMap(Effect.promise(() => import("./emulatorCommands.js")), (m) => m.emulator(flags))

/** `trtc demo`: the main job against an in-process emulator (its code is loaded on demand). */
export const demo = (flags: EmulatorCommands.DemoFlags) =>
  Effect.flatMap(Effect.promise(() => import("./emulatorCommands.js")), (m) => m.demo(flags))
