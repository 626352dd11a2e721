/**
 * `trtc export`: every event of every call in a period, streamed to stdout or appended to a file.
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
import * as Output from "../Output.js"
import * as Records from "../Records.js"
import * as Api from "../internal/api.js"
import { count, globalsOf, period, print, withApi } from "../internal/apiCommand.js"
import * as CallStream from "../internal/callStream.js"
import * as ExportFile from "../internal/exportFile.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
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
  // Text, not `Options.file`: that refuses a directory or a device as a usage error before
  // `export` can say what is wrong with the path (internal/exportFile.ts checks it).
  out: Options.text("out").pipe(
    Options.withPseudoName("FILE"),
    Options.withDescription("write to this file (NDJSON, or CSV for *.csv), appending whole records"),
    Options.optional
  ),
  resume: Options.boolean("resume").pipe(
    Options.withDescription("continue an interrupted export into --out without duplicating events")
  )
}, (flags) =>
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
    if (globals.query !== undefined) {
      return yield* new UsageError({
        problem: "--query cannot be used with --out",
        fix: "the file keeps whole records so --resume can continue it; pipe the export through --query without --out instead"
      })
    }
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
  })).pipe(Command.withDescription("Every event of every call in a period, streamed."))
