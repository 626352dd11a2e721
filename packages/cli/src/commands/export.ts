/**
 * `trtc export`: every event timed in a period (or every event of the calls alive in it), streamed
 * to stdout or appended to a file.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { UsageError } from "../CliError.js"
import * as Records from "../Records.js"
import * as Time from "../Time.js"
import { count, globalsOf, period, print, requestCounters, withApi, zoneOf } from "../internal/apiCommand.js"
import * as CallStream from "../internal/callStream.js"
import * as ExportFile from "../internal/exportFile.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import { Terminal } from "../internal/io.js"
import * as Progress from "../internal/progress.js"
import * as Source from "../internal/source.js"

/**
 * The `export` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("export", {
  ...globalOptions,
  sdkAppId: Flags.sdkAppId,
  start: Flags.start,
  end: Flags.end,
  since: Flags.since,
  ...Flags.zone,
  // The default is what a daily file needs: events of consecutive periods partition the
  // events, with no event in two files and none in neither, however calls cross midnight.
  callsInPeriod: Options.boolean("calls-in-period").pipe(
    Options.withDescription(
      "every event of every call alive in the period, also those timed before --start or at/after --end " +
        "(default: only events timed in [start, end), so consecutive periods never share an event)"
    )
  ),
  // Text, not `Options.file`: that refuses a directory or a device as a usage error before
  // `export` can say what is wrong with the path (internal/exportFile.ts checks it).
  out: Options.text("out").pipe(
    Options.withPseudoName("FILE"),
    Options.withDescription(
      "write to this file, appending whole records; the format is --format's or the name's (*.ndjson/*.jsonl, *.csv, *.json), else NDJSON"
    ),
    Options.optional
  ),
  resume: Options.boolean("resume").pipe(
    Options.withDescription("continue an interrupted export into --out without duplicating events; calls still running when written are fetched again")
  )
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const zone = yield* zoneOf(flags)
    const io = yield* Terminal
    if (flags.resume && Option.isNone(flags.out)) {
      return yield* new UsageError({ problem: "--resume needs --out", fix: "name the file to continue with --out" })
    }
    if (globals.query !== undefined && Option.isSome(flags.out)) {
      return yield* new UsageError({
        problem: "--query cannot be used with --out",
        fix: "the file keeps whole records so --resume can continue it; pipe the export through --query without --out instead"
      })
    }
    const span = yield* period({ start: flags.start, end: flags.end, since: flags.since }, 86400, zone)
    // Fresh counters of core's streams: the progress line's request count.
    const counters = yield* requestCounters
    const format = Option.isSome(flags.out) ? yield* ExportFile.formatOf(flags.out.value, Option.getOrUndefined(flags.format)) : undefined
    const inPeriod = (event: Records.EventRecord) =>
      flags.callsInPeriod || (event.timeMs >= span.startTime * 1000 && event.timeMs < span.endTime * 1000)
    // Each call's events arrive in chunks, then a last item (`end`) once the call is complete:
    // nothing holds a whole call, however large. The list of calls is read first (it is small)
    // so that progress can say how many there are.
    const calls = (list: ReadonlyArray<Source.Call>, progress: Progress.Progress) =>
      Stream.unwrap(Effect.map(Deferred.make<never, Source.SourceError>(), (failure) =>
        // One failure for the whole export: when any call fails, no stream sends another
        // request (each alone would fetch on until the failure's turn in output order).
        CallStream.concatPrefetched(
          Stream.fromIterable(list).pipe(
            Stream.map((call) =>
              CallStream.eventChunks(call, globals.concurrency, failure).pipe(
                Stream.map((events) => ({
                  call,
                  events: events.filter(inPeriod).map((e): Records.ExportRecord => ({ ...e, callFinished: call.isFinished })),
                  end: false
                })),
                Stream.concat(Stream.succeed({ call, events: [] as ReadonlyArray<Records.ExportRecord>, end: true }))
              ))
          ),
          globals.concurrency
        ))).pipe(Stream.tap(({ end, events }) => end ? progress.calls(1) : progress.events(events.length)))
    const listCalls = Effect.map(Stream.runCollect(Source.rooms(flags.sdkAppId, span)), Chunk.toReadonlyArray)
    if (Option.isNone(flags.out)) {
      const program = Effect.gen(function*() {
        const progress = yield* Progress.make(io, "export", counters.requests)
        const list = yield* listCalls
        yield* progress.total(list.length)
        const rows = calls(list, progress).pipe(Stream.mapConcatChunk(({ events }) => Chunk.fromIterable(events)))
        yield* Effect.ensuring(print(rows, globals, Records.exportColumns, zone, progress.clear), progress.done)
      })
      return yield* withApi(globals, counters.provide(program))
    }
    const path = flags.out.value
    yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* ExportFile.open({ path, format: format ?? "ndjson", resume: flags.resume, sdkAppId: flags.sdkAppId })
      const state = file.state
      if (flags.resume) {
        const callsThere = state.completed.size + state.open.size + (state.partial ? 1 : 0)
        yield* io.stderr(
          `resuming ${path}: ${count(state.records, "event")} of ${count(callsThere, "call")} already there${
            state.open.size > 0 ? ` (${count(state.open.size, "call")} still running when written: fetched again, only new events added)` : ""
          }${state.dropped > 0 ? `, dropped a torn last line (${state.dropped} bytes)` : ""}\n`
        )
      }
      let written = 0
      const continueWith = [
        "trtc export",
        `--sdk-app-id ${flags.sdkAppId}`,
        `--start ${Time.iso(span.startTime)}`,
        `--end ${Time.iso(span.endTime)}`,
        ...(flags.callsInPeriod ? ["--calls-in-period"] : []),
        ...(Option.isSome(flags.format) ? [`--format ${flags.format.value}`] : []),
        `--out ${/^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`}`,
        "--resume"
      ].join(" ")
      const program = Effect.gen(function*() {
        const list = (yield* listCalls).filter((call) => !state.completed.has(call.commId))
        const already = state.completed.size
        const progress = yield* Progress.make(io, "export", counters.requests, { calls: already, events: state.records })
        yield* progress.total(already + list.length)
        yield* calls(list, progress).pipe(
          // One append per chunk, of whole records: a stop at any moment leaves whole records.
          Stream.runForEach(({ events }) => {
            const fresh = ExportFile.remaining(state, events) as ReadonlyArray<Records.ExportRecord>
            written += fresh.length
            return file.appendRecords(fresh)
          }),
          Effect.ensuring(progress.done)
        )
      })
      yield* withApi(globals, counters.provide(program)).pipe(
        Effect.onInterrupt(() =>
          io.stderr(
            `interrupted: ${path} holds ${count(state.records + written, "whole event")} (${written} written now)${
              file.format === "json" ? "" : `; to continue: ${continueWith}`
            }\n`
          ))
      )
      yield* io.stderr(`wrote ${count(written, "event")} to ${path}\n`)
    }))
  })).pipe(Command.withDescription(Help.describe(
  "Every event timed in a period ([start, end): daily files never overlap), or with --calls-in-period every event of the calls alive in it; streamed.",
  [
    "trtc export --sdk-app-id 1400000001 --since 2h > events.ndjson",
    "trtc export --sdk-app-id 1400000001 --start yesterday --end today --out day.csv",
    "trtc export --sdk-app-id 1400000001 --since 14d --out events.csv --resume"
  ]
)))
