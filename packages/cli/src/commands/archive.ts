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
import { RuntimeError, UsageError } from "../CliError.js"
import * as Time from "../Time.js"
import { count, globalsOf, nowSeconds, print, withApi } from "../internal/apiCommand.js"
import { globalOptions } from "../internal/globals.js"
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
  all: ["sdkAppId", "checkpoint", "rooms", "openCalls", "sessions", "events", "gaps", "lost", "heldBy", "heldSince", "lastRun"],
  table: ["sdkAppId", "checkpoint", "rooms", "openCalls", "sessions", "events", "gaps", "lost", "heldBy", "lastRun"]
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
      lost: app.gaps.map((g) => `${Time.iso(g.fromSeconds)}..${Time.iso(g.toSeconds)}`).join(" "),
      // The worker running the app now (pid on host), if any.
      heldBy: app.holder === undefined ? "" : `pid ${app.holder.pid} on ${app.holder.host}`,
      heldSince: app.holder === undefined ? "" : Time.iso(Math.floor(app.holder.sinceMs / 1000)),
      lastRun: app.lastSyncMs === undefined ? "" : Time.iso(Math.floor(app.lastSyncMs / 1000))
    })))
    yield* print(rows, globals, statusColumns)
  })).pipe(Command.withDescription(Help.describe("Per app: checkpoint, calls (open ones), sessions, events, gaps, the worker holding it now, its last round's run.", [
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

const roundLine = (n: number, r: Archive.RoundSummary) =>
  `round ${n}: ${count(r.synced, "app")} synced, ${r.held} held by another worker, ${r.recent} run within --every, ${r.failed} failed; ` +
  `${count(r.events, "event")} added, ${count(r.requests, "request")}`

/**
 * The `archive` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("archive", {
  ...globalOptions,
  // Text, checked below: @effect/cli repeats only plain options, not integer()'s mapped one.
  sdkAppId: Options.text("sdk-app-id").pipe(
    Options.withPseudoName("integer"),
    Options.withDescription("the application's SdkAppId; repeat it for several apps, shared with any other workers given them"),
    Options.repeated,
    // A default, so that the usage shows the flag as optional (--all-apps needs none).
    Options.withDefault<ReadonlyArray<string>>([])
  ),
  allApps: Options.boolean("all-apps").pipe(
    Options.withDescription("also every app the archive holds already (shared with the other workers, as several --sdk-app-id)")
  ),
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
  every: Options.text("every").pipe(Options.withDescription("with --watch: the time between runs of an app (default 1h)"), Options.optional),
  poll: Options.text("poll").pipe(
    Options.withDescription(
      "with --watch and several apps: how often a worker looks for an app to run (default 10s, at most --every); a killed worker's app is taken over within about this long"
    ),
    Options.optional
  )
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const io = yield* Terminal
    const apps: Array<number> = []
    for (const raw of flags.sdkAppId) {
      const n = Number(raw.trim())
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
        return yield* new UsageError({ problem: `--sdk-app-id: ${JSON.stringify(raw)} is not an SdkAppId`, fix: "a positive integer, e.g. --sdk-app-id 1400000001" })
      }
      if (!apps.includes(n)) apps.push(n)
    }
    if (apps.length === 0 && !flags.allApps) return yield* new UsageError({ problem: "missing required flag --sdk-app-id", fix: "the app to archive, e.g. --sdk-app-id 1400000001" })
    if (Option.isNone(flags.db)) return yield* new UsageError({ problem: "missing required flag --db", fix: "an SQLite file path or a postgres:// URL" })
    if (Option.isSome(flags.every) && !flags.watch) return yield* new UsageError({ problem: "--every needs --watch", fix: "add --watch, or run trtc archive from cron" })
    if (Option.isSome(flags.poll) && !flags.watch) return yield* new UsageError({ problem: "--poll needs --watch", fix: "add --watch, or run trtc archive from cron" })
    const settleMs = Option.isSome(flags.settle) ? yield* Time.parseDuration("--settle", flags.settle.value) : Archive.defaultSettleSeconds * 1000
    const everyMs = Option.isSome(flags.every) ? yield* Time.parseDuration("--every", flags.every.value) : 3_600_000
    if (everyMs < 1000) return yield* new UsageError({ problem: `--every: at least 1s, got ${Option.getOrElse(flags.every, () => "")}` })
    const pollMs = Option.isSome(flags.poll) ? yield* Time.parseDuration("--poll", flags.poll.value) : Math.min(Archive.defaultPollSeconds * 1000, everyMs)
    if (pollMs < 100) return yield* new UsageError({ problem: `--poll: at least 100ms, got ${Option.getOrElse(flags.poll, () => "")}` })
    if (pollMs > everyMs) {
      return yield* new UsageError({
        problem: `--poll ${Option.getOrElse(flags.poll, () => "")} is longer than --every ${Option.getOrElse(flags.every, () => "1h")}`,
        fix: "a worker must look for work at least once per --every: pass a shorter --poll"
      })
    }
    const now = yield* nowSeconds
    const since = Option.isSome(flags.since) ? yield* sinceOf(flags.since.value, now) : undefined
    // Per app, as a worker runs several one after the other.
    const started = new Map<number, number>()
    const onProgress = (p: Archive.SyncProgress) =>
      Effect.flatMap(Clock.currentTimeMillis, (nowMs) => {
        if (!io.stderrIsTTY) return Effect.void
        if (!started.has(p.sdkAppId)) started.set(p.sdkAppId, nowMs)
        const elapsed = (nowMs - started.get(p.sdkAppId)!) / 1000
        const fraction = p.windowsTotal > 0 ? p.windows / p.windowsTotal : 0
        const eta = fraction > 0.01 && fraction < 1 ? ` ETA ${Math.round(elapsed * (1 - fraction) / fraction)}s` : ""
        return io.stderr(
          `\r\u001b[2Karchive ${p.sdkAppId}: ${p.windows}/${p.windowsTotal} windows, ${p.calls + p.revisited} calls, ${p.events} events, ` +
            `${p.requests} requests, ${(elapsed > 0 ? p.events / elapsed : 0).toFixed(0)} events/s${eta}`
        )
      })
    const clearProgress = io.stderrIsTTY ? io.stderr("\r\u001b[2K") : Effect.void
    const syncSettings = { since, settleSeconds: Math.floor(settleMs / 1000), failOnGap: flags.failOnGap, concurrency: globals.concurrency, onProgress }
    // What a --watch worker did, told when it is stopped (SIGINT, SIGTERM).
    const totals = { runs: 0, events: 0, requests: 0 }
    const stoppedLine = Effect.suspend(() =>
      Effect.zipRight(
        clearProgress,
        io.stdout(`stopped: ${count(totals.runs, "run")}, ${count(totals.events, "event")} added, ${count(totals.requests, "request")}\n`)
      ))

    // Several apps (or --all-apps, or --poll): a worker sharing them with any others on the database.
    if (apps.length > 1 || flags.allApps || Option.isSome(flags.poll)) {
      let rounds = 0
      const roundOptions: Archive.RoundOptions = {
        ...syncSettings,
        sdkAppIds: apps,
        allApps: flags.allApps,
        everySeconds: flags.watch ? everyMs / 1000 : 0,
        // Workers start at different apps, so that they spread instead of queueing on one.
        offset: process.pid,
        onApp: (outcome) =>
          Effect.zipRight(
            clearProgress,
            outcome._tag === "Synced"
              ? Effect.sync(() => {
                  totals.runs++
                  totals.events += outcome.summary.events
                  totals.requests += outcome.summary.requests
                }).pipe(Effect.zipRight(io.stdout(summaryLine(outcome.summary) + "\n")))
              : outcome._tag === "Failed"
                ? io.stderr(`app ${outcome.sdkAppId}: ${CliError.render(outcome.error, knownSecrets()).line}\n`)
                : Effect.void
          )
      }
      // A round that did something is told; an idle one (everything recent or held) only at debug.
      const onRound = (summary: Archive.RoundSummary) =>
        Effect.suspend(() => {
          rounds++
          return summary.synced + summary.failed > 0 ? io.stdout(roundLine(rounds, summary) + "\n") : Effect.logDebug(roundLine(rounds, summary))
        })
      const fleet = flags.watch
        ? Effect.flatMap(Archive.Archive, (archive) => archive.work({ ...roundOptions, pollSeconds: pollMs / 1000, onRound })).pipe(
            Effect.onInterrupt(() => stoppedLine)
          )
        : Effect.gen(function*() {
            const summary = yield* Archive.syncRound(roundOptions)
            yield* onRound(summary)
            // Each failure was told with its app above: the exit code says there were some.
            if (summary.failed > 0) {
              return yield* new RuntimeError({
                problem: `${summary.failed} of ${count(summary.outcomes.length, "app")} failed (each told above)`,
                fix: "fix what they say and run trtc archive again: the apps that were archived are not fetched again"
              })
            }
          })
      return yield* withApi(globals, fleet).pipe(Effect.provide(archiveLayer(flags.db.value)))
    }

    const sdkAppId = apps[0]!
    const once = Archive.sync({ sdkAppId, ...syncSettings }).pipe(
      Effect.ensuring(clearProgress),
      Effect.tap((summary) => io.stdout(summaryLine(summary) + "\n")),
      Effect.tap((summary) =>
        Effect.sync(() => {
          totals.runs++
          totals.events += summary.events
          totals.requests += summary.requests
        }))
    )
    const program = flags.watch
      ? Effect.forever(Effect.zipRight(
          // In watch mode a failed run is reported and the next one tries again.
          Effect.catchAll(once, (error) => io.stderr(CliError.render(error, knownSecrets()).line + "\n")),
          Effect.sleep(everyMs)
        )).pipe(Effect.onInterrupt(() => stoppedLine))
      : once
    yield* withApi(globals, program).pipe(Effect.provide(archiveLayer(flags.db.value)))
  })).pipe(
  Command.withDescription(Help.describe("Copy an app's calls, sessions and events into SQLite or PostgreSQL, incrementally, before retention drops them.", [
    "trtc archive --sdk-app-id 1400000001 --db ./trtc-archive.db",
    "trtc archive --sdk-app-id 1400000001 --db ./trtc-archive.db --since 3d --fail-on-gap",
    "trtc archive --sdk-app-id 1400000001 --db postgres://archiver@db.internal/trtc --watch --every 1h",
    "trtc archive --sdk-app-id 1400000001 --sdk-app-id 1400000002 --db postgres://archiver@db.internal/trtc --watch --every 1h --poll 10s"
  ])),
  Command.withSubcommands([status])
)
