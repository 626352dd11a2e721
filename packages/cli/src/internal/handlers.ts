import * as Trtc from "@effect-trtc/core/Trtc"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Faults from "@effect-trtc/emulator/Faults"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { RuntimeError, UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Records from "../Records.js"
import * as Time from "../Time.js"
import * as Api from "./api.js"
import * as ExportFile from "./exportFile.js"
import { type GlobalFlags, type Globals, resolveGlobals } from "./globals.js"
import { Terminal } from "./io.js"
import * as Progress from "./progress.js"
import * as Source from "./source.js"

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
    const explicit = Option.isSome(flags.start) || Option.isSome(flags.end)
    const program = Effect.gen(function*() {
      let span: Time.Period
      if (explicit) {
        span = yield* period({ start: flags.start, end: flags.end }, 86400)
      } else {
        // The call's own span when the CommId names a call we can find, else the last 24 h.
        const call = yield* Source.findCall(flags.sdkAppId, flags.commId, now)
        span = Option.isSome(call) ? Source.callPeriod(call.value, now) : yield* period({ start: Option.none(), end: Option.none() }, 86400)
      }
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
    const progress = windows > 2 ? Progress.make(io, "rooms") : Progress.none
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
    const explicit = Option.isSome(flags.start) || Option.isSome(flags.end)
    const program = Effect.gen(function*() {
      let span: Time.Period
      if (explicit) {
        span = yield* period({ start: flags.start, end: flags.end }, 86400)
      } else {
        const call = yield* Source.findCall(flags.sdkAppId, flags.commId, now)
        span = Option.isSome(call) ? Source.callPeriod(call.value, now) : yield* period({ start: Option.none(), end: Option.none() }, 86400)
      }
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
    const now = yield* nowSeconds
    const progress = Progress.make(io, "export")
    const calls = (skip: (commId: string) => boolean) =>
      Source.rooms(flags.sdkAppId, span).pipe(
        Stream.filter((call) => !skip(call.commId)),
        Stream.mapEffect(
          (call) =>
            Effect.map(Source.callEvents(call, now), (events) => ({ call, events })),
          { concurrency: globals.concurrency }
        ),
        Stream.tap(({ call, events }) =>
          Effect.zipRight(
            progress.position((call.createTime - span.startTime) / Math.max(1, span.endTime - span.startTime)),
            Effect.zipRight(progress.calls(1), progress.events(events.length))
          ))
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
          `resuming ${path}: ${file.state.records} events of ${file.state.completed.size + (file.state.partial ? 1 : 0)} calls already there${
            file.state.dropped > 0 ? `, dropped a torn last line (${file.state.dropped} bytes)` : ""
          }\n`
        )
      }
      const encode = (event: Records.EventRecord) =>
        format === "csv" ? Output.csvLine(Records.eventColumns.all.map((k) => event[k as keyof Records.EventRecord])) : Output.ndjsonLine(event as unknown as Output.Row)
      let written = 0
      yield* calls((commId) => file.state.completed.has(commId)).pipe(
        Stream.runForEach(({ events }) => {
          const fresh = ExportFile.remaining(file.state, events)
          written += fresh.length
          return fresh.length === 0 ? Effect.void : file.append(fresh.map(encode).join(""))
        }),
        Effect.ensuring(progress.done),
        (effect) => withApi(globals, effect)
      )
      yield* io.stderr(`wrote ${written} events to ${path}\n`)
    }))
  })

const parseCredential = (text: string) => {
  const [secretId, secretKey, ...token] = text.split(":")
  if (!secretId || !secretKey) {
    return Effect.fail(new UsageError({ problem: "--credentials: expected ID:KEY[:TOKEN]" }))
  }
  return Effect.succeed({ secretId, secretKey, ...(token.length > 0 ? { token: token.join(":") } : {}) })
}

/** `trtc emulator`: runs the emulator until interrupted. */
export const emulator = (flags: {
  readonly host: string
  readonly port: number
  readonly seed: Option.Option<number>
  readonly credentials: ReadonlyArray<string>
  readonly rps: number
  readonly retentionDays: 7 | 14
  readonly faults: Option.Option<string>
  readonly data: Option.Option<string>
}) =>
  Effect.gen(function*() {
    const io = yield* Terminal
    const credentials = yield* Effect.forEach(flags.credentials, parseCredential)
    const faults = Option.isSome(flags.faults)
      ? yield* Effect.mapError(Faults.load(flags.faults.value), (e) => new UsageError({ problem: `--faults: ${e.message}` }))
      : undefined
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
        ...(dataSet !== undefined ? { dataSet } : {})
      })
      const apps = instance.dataSet.apps.map((app) => app.sdkAppId).join(", ")
      yield* io.stdout(`listening on ${instance.url}\n`)
      yield* io.stderr(
        `SdkAppId ${apps}; credentials: SecretId ${instance.credential.secretId} (${
          credentials.length > 0 ? "as given" : "the emulator's default key"
        }).\nTry: TRTC_ENDPOINT=${instance.url} trtc rooms --sdk-app-id ${instance.dataSet.apps[0]?.sdkAppId} --since 14d\n`
      )
      return yield* Effect.never
    }))
  })

const failurePattern = /fail|error|abnormal|exception|lost|disconnect|timed? ?out|denied|interrupt/i

/** `trtc demo`: the main job against an in-process emulator, no setup, no account. */
export const demo = (flags: { readonly format: Option.Option<Output.Format>; readonly seed: number }) =>
  Effect.scoped(Effect.gen(function*() {
    const io = yield* Terminal
    const instance = yield* Emulator.make({ seed: flags.seed })
    const sdkAppId = instance.dataSet.apps[0]?.sdkAppId ?? Emulator.defaultSdkAppId
    const trtc = Trtc.layer({ endpoint: instance.url }).pipe(
      Layer.provide(Layer.merge(FetchHttpClient.layer, Credentials.layerStatic(Emulator.defaultCredential)))
    )
    const format = Option.getOrElse(flags.format, () => "table" as const)
    const say = (text: string) => format === "table" ? io.stdout(text) : io.stderr(text)
    const now = Math.floor(io.now() / 1000)
    yield* say(`trtc demo: a TRTC API emulator is running at ${instance.url} (seed ${flags.seed}, SdkAppId ${sdkAppId}).\n`)
    yield* say(`$ trtc rooms --sdk-app-id ${sdkAppId} --since 14d   # find a call\n`)
    yield* Effect.gen(function*() {
      const calls = Chunk.toReadonlyArray(yield* Stream.runCollect(
        Source.rooms(sdkAppId, { startTime: now - Source.retentionDays * 86400 + 60, endTime: now })
      ))
      if (calls.length === 0) return yield* new RuntimeError({ problem: "the emulator has no calls in the last 14 days" })
      // The most recent finished call: the one a support engineer is usually asked about.
      const finished = calls.filter((c) => c.isFinished)
      const call = (finished.length > 0 ? finished : calls).reduce((a, b) => b.createTime > a.createTime ? b : a)
      const span = Source.callPeriod(call, now)
      yield* say(`found ${calls.length} calls; the latest finished one is ${call.commId} (room ${call.roomId}), ${Time.iso(call.createTime)} to ${
        call.destroyTime > 0 ? Time.iso(call.destroyTime) : "now"
      }.\n\n$ trtc users --sdk-app-id ${sdkAppId} --comm-id ${call.commId}\n`)
      const sessions = Chunk.toReadonlyArray(yield* Stream.runCollect(Source.users(sdkAppId, call.commId, span)))
      if (format === "table") {
        yield* io.stdout(Output.renderTable(sessions as unknown as ReadonlyArray<Output.Row>, Records.userColumns.table, io.columns))
      }
      const userIds = [...new Set(sessions.map((s) => s.userId))]
      const events = (yield* Effect.forEach(userIds, (userId) =>
        Source.userEvents({ sdkAppId, commId: call.commId, roomId: call.roomId, userId }, span))).flat()
        .sort((a, b) => a.timeMs - b.timeMs)
      yield* say(`\n$ trtc events --sdk-app-id ${sdkAppId} --comm-id ${call.commId} --room-id ${call.roomId} --user-id <each user>\n`)
      if (format === "table") {
        yield* io.stdout(Output.renderTable(events as unknown as ReadonlyArray<Output.Row>, ["time", "userId", "peerId", "eventId", "event"], io.columns))
      } else {
        yield* Output.writeStream(Stream.fromIterable(events as unknown as ReadonlyArray<Output.Row>), {
          format,
          columns: Records.eventColumns,
          write: io.stdout
        })
      }
      yield* say(`\n${summary(call, sessions, events)}\n`)
    }).pipe(Effect.provide(trtc))
  }))

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
  const failures = events.filter((e) => failurePattern.test(e.event))
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
