/**
 * `trtc archive`: copy an app's calls, sessions and events into SQLite or PostgreSQL before the
 * API's retention drops them, incrementally (cron, or `--watch`); `trtc archive status` shows
 * what an archive holds.
 *
 * @since 0.1.0
 */
import * as Archive from "@effect-trtc/archive/Archive"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as CliError from "../CliError.js"
import { UsageError } from "../CliError.js"
import * as Time from "../Time.js"
import { count, globalsOf, nowSeconds, print, withApi } from "../internal/apiCommand.js"
import { globalOptions, integer } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import { Terminal } from "../internal/io.js"
import { knownSecrets, remember } from "../internal/secrets.js"

const db = Options.text("db").pipe(
  Options.withPseudoName("PATH|URL"),
  Options.withDescription("the archive: an SQLite file path (created if new) or a postgres:// URL")
)

/** Remembers the URL's password so that no output can show it, then opens the archive. */
const archiveLayer = (target: string) => {
  try {
    const password = new URL(target).password
    if (password !== "") {
      remember(password)
      remember(decodeURIComponent(password))
    }
  } catch {
    // A path: nothing secret in it.
  }
  return Archive.layer(target)
}

const statusColumns = {
  all: ["sdkAppId", "checkpoint", "rooms", "openCalls", "sessions", "events", "gaps", "lost"],
  table: ["sdkAppId", "checkpoint", "rooms", "openCalls", "sessions", "events", "gaps", "lost"]
}

const status = Command.make("status", { ...globalOptions, db }, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const apps = yield* Archive.status.pipe(Effect.provide(archiveLayer(flags.db)))
    const rows = Stream.fromIterable(apps.map((app) => ({
      sdkAppId: app.sdkAppId,
      checkpoint: app.checkpoint === undefined ? "" : Time.iso(app.checkpoint),
      rooms: app.rooms,
      openCalls: app.openCalls,
      sessions: app.sessions,
      events: app.events,
      gaps: app.gaps.length,
      lost: app.gaps.map((g) => `${Time.iso(g.fromSeconds)}..${Time.iso(g.toSeconds)}`).join(" ")
    })))
    yield* print(rows, globals, statusColumns)
  })).pipe(Command.withDescription(Help.describe("Per app: checkpoint, calls (open ones), sessions, events, gaps.", [
  "trtc archive status --db ./trtc-archive.db",
  "trtc archive status --db postgres://archiver@db.internal/trtc --format json"
])))

/** `--since 14d`, `--since 2026-01-01`, `--since 1767225600`: a start, Unix s. */
const sinceOf = (input: string, now: number) => {
  const asDuration = Time.parseDuration("--since", input)
  if (Either.isRight(asDuration)) return Either.right(now - Math.floor(asDuration.right / 1000))
  return Time.parseTime("--since", input, now)
}

const summaryLine = (s: Archive.SyncSummary) =>
  `archived app ${s.sdkAppId}: ${count(s.windows, "window")}, ${count(s.calls, "new call")}, ${s.revisited} revisited, ` +
  `${count(s.sessions, "session")}, ${count(s.events, "event")} added, ${count(s.requests, "request")}, ${count(s.gaps.length, "gap")}; ` +
  `checkpoint ${Time.iso(s.checkpoint)}, ${count(s.openCalls, "call")} open`

/**
 * The `archive` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("archive", {
  ...globalOptions,
  sdkAppId: integer("sdk-app-id").pipe(Options.withDescription("the application's SdkAppId"), Options.optional),
  db: Options.optional(db),
  since: Options.text("since").pipe(
    Options.withDescription("first run only: start this long ago or at this time (default: as far back as retention allows)"),
    Options.optional
  ),
  settle: Options.text("settle").pipe(
    Options.withDescription("stay this far behind now, as TRTC data arrives late (default 5m)"),
    Options.optional
  ),
  failOnGap: Options.boolean("fail-on-gap").pipe(
    Options.withDescription("exit non-zero when events were lost upstream before they were archived (they are recorded either way)")
  ),
  watch: Options.boolean("watch").pipe(Options.withDescription("keep running, one run every --every")),
  every: Options.text("every").pipe(Options.withDescription("with --watch: the time between runs (default 1h)"), Options.optional)
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const io = yield* Terminal
    if (Option.isNone(flags.sdkAppId)) return yield* new UsageError({ problem: "missing required flag --sdk-app-id", fix: "the app to archive, e.g. --sdk-app-id 1400000001" })
    if (Option.isNone(flags.db)) return yield* new UsageError({ problem: "missing required flag --db", fix: "an SQLite file path or a postgres:// URL" })
    if (Option.isSome(flags.every) && !flags.watch) return yield* new UsageError({ problem: "--every needs --watch", fix: "add --watch, or run trtc archive from cron" })
    const settleMs = Option.isSome(flags.settle) ? yield* Time.parseDuration("--settle", flags.settle.value) : Archive.defaultSettleSeconds * 1000
    const everyMs = Option.isSome(flags.every) ? yield* Time.parseDuration("--every", flags.every.value) : 3_600_000
    if (everyMs < 1000) return yield* new UsageError({ problem: `--every: at least 1s, got ${Option.getOrElse(flags.every, () => "")}` })
    const now = yield* nowSeconds
    const since = Option.isSome(flags.since) ? yield* sinceOf(flags.since.value, now) : undefined
    const sdkAppId = flags.sdkAppId.value
    const started = yield* Clock.currentTimeMillis
    const onProgress = (p: Archive.SyncProgress) =>
      Effect.flatMap(Clock.currentTimeMillis, (nowMs) => {
        if (!io.stderrIsTTY) return Effect.void
        const elapsed = (nowMs - started) / 1000
        const fraction = p.windowsTotal > 0 ? p.windows / p.windowsTotal : 0
        const eta = fraction > 0.01 && fraction < 1 ? ` ETA ${Math.round(elapsed * (1 - fraction) / fraction)}s` : ""
        return io.stderr(
          `\r\u001b[2Karchive ${sdkAppId}: ${p.windows}/${p.windowsTotal} windows, ${p.calls + p.revisited} calls, ${p.events} events, ` +
            `${p.requests} requests, ${(elapsed > 0 ? p.events / elapsed : 0).toFixed(0)} events/s${eta}`
        )
      })
    const once = Archive.sync({
      sdkAppId,
      since,
      settleSeconds: Math.floor(settleMs / 1000),
      failOnGap: flags.failOnGap,
      concurrency: globals.concurrency,
      onProgress
    }).pipe(
      Effect.ensuring(io.stderrIsTTY ? io.stderr("\r\u001b[2K") : Effect.void),
      Effect.tap((summary) => io.stdout(summaryLine(summary) + "\n"))
    )
    const program = flags.watch
      ? Effect.forever(Effect.zipRight(
          // In watch mode a failed run is reported and the next one tries again.
          Effect.catchAll(once, (error) => io.stderr(CliError.render(error, knownSecrets()).line + "\n")),
          Effect.sleep(everyMs)
        ))
      : once
    yield* withApi(globals, program).pipe(Effect.provide(archiveLayer(flags.db.value)))
  })).pipe(
  Command.withDescription(Help.describe("Copy an app's calls, sessions and events into SQLite or PostgreSQL, incrementally, before retention drops them.", [
    "trtc archive --sdk-app-id 1400000001 --db ./trtc-archive.db",
    "trtc archive --sdk-app-id 1400000001 --db ./trtc-archive.db --since 3d --fail-on-gap",
    "trtc archive --sdk-app-id 1400000001 --db postgres://archiver@db.internal/trtc --watch --every 1h"
  ])),
  Command.withSubcommands([status])
)
