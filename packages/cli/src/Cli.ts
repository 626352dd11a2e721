/**
 * The `trtc` command line: `events | rooms | users | export | emulator | demo` and the global
 * flags (issue 6 — command names and flags are a contract other tools rely on).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as CliApp from "@effect/cli/CliApp"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import { globalOptions, integer } from "./internal/globals.js"
import * as Handlers from "./internal/handlers.js"
import { Terminal } from "./internal/io.js"
import { version as currentVersion } from "./internal/version.js"

/**
 * The version printed by `trtc --version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const version: string = currentVersion

const sdkAppId = integer("sdk-app-id").pipe(Options.withDescription("the application's SdkAppId"))
const commId = Options.text("comm-id").pipe(Options.withDescription("the call id (CommId, from `trtc rooms`)"))
const roomId = Options.text("room-id").pipe(Options.withDescription("the room id"))
const userId = Options.text("user-id").pipe(Options.withDescription("the user id"))
const start = Options.text("start").pipe(
  Options.withDescription("start: epoch seconds, ISO 8601, or relative (30m, 2h, 14d ago)"),
  Options.optional
)
const end = Options.text("end").pipe(
  Options.withDescription("end: epoch seconds, ISO 8601, or relative (default now)"),
  Options.optional
)
const since = Options.text("since").pipe(
  Options.withDescription("a period ending now (or at --end), e.g. 2h, 14d"),
  Options.optional
)

const events = Command.make("events", {
  ...globalOptions,
  sdkAppId,
  commId,
  roomId,
  userId,
  start,
  end
}, Handlers.events).pipe(Command.withDescription("One user's events in one call, with the catalogue's names."))

const rooms = Command.make("rooms", {
  ...globalOptions,
  sdkAppId,
  roomId: Options.optional(roomId),
  start,
  end,
  since
}, Handlers.rooms).pipe(Command.withDescription("Calls (rooms with their CommId) in a period (default the last 24 h)."))

const users = Command.make("users", {
  ...globalOptions,
  sdkAppId,
  commId,
  start,
  end
}, Handlers.users).pipe(Command.withDescription("The users of a call."))

const exportCommand = Command.make("export", {
  ...globalOptions,
  sdkAppId,
  start,
  end,
  since,
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
}, Handlers.exportEvents).pipe(Command.withDescription("Every event of every call in a period, streamed."))

const emulator = Command.make("emulator", {
  host: Options.text("host").pipe(Options.withDescription("address to bind"), Options.withDefault("127.0.0.1")),
  port: integer("port").pipe(Options.withDescription("port (0 = any free port)"), Options.withDefault(0)),
  seed: integer("seed").pipe(Options.withDescription("data set seed"), Options.optional),
  credentials: Options.text("credentials").pipe(
    Options.withDescription("accepted credential ID:KEY[:TOKEN] (default: the emulator's demo credential)"),
    Options.repeated
  ),
  rps: integer("rps").pipe(Options.withDescription("requests per second per action, 0 = off"), Options.withDefault(20)),
  retentionDays: Options.choiceWithValue("retention-days", [["7", 7], ["14", 14]] as const).pipe(
    Options.withDescription("data retention in days (7 or 14)"),
    Options.withDefault(14 as const)
  ),
  faults: Options.file("faults", { exists: "yes" }).pipe(Options.withDescription("fault rules JSON file"), Options.optional),
  data: Options.file("data", { exists: "yes" }).pipe(Options.withDescription("data set JSON file"), Options.optional),
  apps: integer("apps").pipe(Options.withDescription("applications in the generated data set (default 1)"), Options.optional),
  roomsPerApp: integer("rooms-per-app").pipe(Options.withDescription("calls per application (default 24)"), Options.optional),
  usersPerRoom: Options.text("users-per-room").pipe(
    Options.withPseudoName("N|MIN-MAX"),
    Options.withDescription("distinct users per call, N or MIN-MAX (default 2-6)"),
    Options.optional
  ),
  eventsPerHour: Options.float("events-per-hour").pipe(
    Options.withDescription("mean events per session hour (default 24)"),
    Options.optional
  ),
  lazy: Options.boolean("lazy").pipe(
    Options.withDescription("generate events on demand (a few MB for a million events; default above 200 calls)")
  ),
  maxEvents: integer("max-events").pipe(
    Options.withDescription("above this many events DescribeUserEvent answers ResponseSizeLimitExceeded (default 10000)"),
    Options.optional
  )
}, Handlers.emulator).pipe(Command.withDescription("Run the local TRTC API emulator."))

const demo = Command.make("demo", {
  format: globalOptions.format,
  verbose: globalOptions.verbose,
  seed: integer("seed").pipe(Options.withDescription("data set seed"), Options.withDefault(42))
}, Handlers.demo).pipe(
  Command.withDescription("Start an emulator in-process and show one call: its users, events and a summary.")
)

/**
 * The root `trtc` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("trtc", {}, () =>
  Effect.fail(new CliError.UsageError({ problem: "missing command", fix: "one of events, rooms, users, export, emulator, demo; see trtc --help" }))).pipe(
  Command.withDescription("TRTC call-quality data: who joined which call, what happened, what failed."),
  Command.withSubcommands([events, rooms, users, exportCommand, emulator, demo])
)

const commandNames = new Set(["events", "rooms", "users", "export", "emulator", "demo"])
const valueFlags = new Set(["--endpoint", "--region", "--profile", "--format", "--rps", "--concurrency", "--timeout"])

/**
 * Moves global flags written before the command (`trtc --format json rooms …`) after it, where
 * @effect/cli expects them; anything else is left for the parser to judge.
 *
 * @since 0.1.0
 * @category running
 */
export const hoistGlobalFlags = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const leading: Array<string> = []
  let i = 0
  while (i < args.length && !commandNames.has(args[i])) {
    const [name] = args[i].split("=", 1)
    if (name === "--verbose" || (valueFlags.has(name) && args[i].includes("="))) {
      leading.push(args[i])
      i += 1
    } else if (valueFlags.has(name) && i + 1 < args.length) {
      leading.push(args[i], args[i + 1])
      i += 2
    } else {
      return args
    }
  }
  if (leading.length === 0 || i >= args.length) return args
  return [args[i], ...leading, ...args.slice(i + 1)]
}

const ansi = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g")
const stripAnsi = (text: string) => text.replace(ansi, "")

// Our integer and choice flags are text flags with their own parser (so an error names the flag
// and the value), and @effect/cli describes every text flag as "A user-defined piece of text.":
// wrong for `--rps integer`, noise for the others, whose own description follows.
const esc = String.fromCharCode(27)
const integerHelp = new RegExp(`(--[\\w-]+(?:${esc}\\[[0-9;]*m)*[ \\t]+integer(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:\\s|${esc}\\[[0-9;]*m)*)A user-defined piece of text\\.`, "g")
const genericHelp = new RegExp(`(?:${esc}\\[[0-9;]*m)*A user-defined piece of text\\.(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:[ \\t]*\\r?\\n)?[ \\t]*`, "g")
const fixHelp = (text: string): string =>
  text.replace(integerHelp, "$1An integer (whole number).").replace(genericHelp, "")

const renderValidation = (error: ValidationError.ValidationError, args: ReadonlyArray<string>): string => {
  let text = "error" in error ? stripAnsi(HelpDoc.toAnsiText(error.error)) : "invalid command line"
  if (error._tag === "CommandMismatch" || /^Invalid subcommand/.test(text)) {
    text = `unknown command ${JSON.stringify(args[0] ?? "")}: ${text.replace(/^Invalid subcommand for trtc - /, "")}`
  }
  const missing = [...text.matchAll(/Expected to find option: '(--[\w-]+)'/g)].map((m) => m[1])
  const rest = text.replace(/Expected to find option: '(--[\w-]+)'/g, "").replace(/\s*\n\s*/g, " ").trim()
  const parts = missing.length === 0 ? [] : [`missing required ${missing.length === 1 ? "flag" : "flags"} ${missing.join(", ")}`]
  if (rest !== "") parts.unshift(rest)
  return parts.join("; ")
}

/**
 * Runs `trtc` on the given arguments (without `node` and the script) and returns the exit code,
 * having written any failure as one line on stderr.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (
  args: ReadonlyArray<string>,
  secrets: () => ReadonlyArray<string> = () => []
): Effect.Effect<number, never, Terminal | CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const terminal = yield* Terminal
    const cli = Command.run(command, { name: "trtc", version })
    const console = yield* Effect.console
    // @effect/cli colours its help whatever the output is: plain text unless stdout is a
    // terminal and NO_COLOR is unset (https://no-color.org).
    const plain = !terminal.stdoutIsTTY || (terminal.env.NO_COLOR ?? "") !== ""
    const silentErrors = Console.withConsole({
      ...console,
      error: () => Effect.void,
      log: (...args: ReadonlyArray<unknown>) =>
        console.log(...args.map((a) => typeof a === "string" ? fixHelp(plain ? stripAnsi(a) : a) : a))
    } as Console.Console)
    return yield* cli(["node", "trtc", ...hoistGlobalFlags(args)]).pipe(
      silentErrors,
      Effect.as(CliError.ExitCode.ok),
      Effect.catchAllCause((cause) => {
        if (Cause.isInterruptedOnly(cause)) return Effect.succeed(CliError.ExitCode.interrupted)
        const failure = Cause.failureOption(cause)
        const error: unknown = Option.isSome(failure) ? failure.value : Cause.squash(cause)
        const rendered = ValidationError.isValidationError(error)
          ? { line: CliError.scrub(`error: ${renderValidation(error, args)} — hint: see trtc --help`, secrets()), exitCode: CliError.ExitCode.usage }
          : CliError.render(error, secrets())
        return terminal.stderr(rendered.line + "\n").pipe(Effect.as(rendered.exitCode))
      })
    )
  })
