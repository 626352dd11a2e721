/**
 * The `trtc` command line: the commands of src/commands/ assembled under `trtc`, and the global
 * flags (issue 6 — command names and flags are a contract other tools rely on).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as Options from "@effect/cli/Options"
import type * as Usage from "@effect/cli/Usage"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as CliApp from "@effect/cli/CliApp"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import * as Anomalies from "./commands/anomalies.js"
import * as ArchiveCommand from "./commands/archive.js"
import * as Configure from "./commands/configure.js"
import * as Demo from "./commands/demo.js"
import * as Diagnose from "./commands/diagnose.js"
import * as Emulator from "./commands/emulator.js"
import * as Events from "./commands/events.js"
import * as Export from "./commands/export.js"
import * as Rooms from "./commands/rooms.js"
import * as Timeline from "./commands/timeline.js"
import * as Users from "./commands/users.js"
import * as Argv from "./internal/argv.js"
import { flagNames } from "./internal/flagNames.js"
import { globalOptions } from "./internal/globals.js"
import { fixHelp, stripAnsi } from "./internal/helpText.js"
import { Terminal } from "./internal/io.js"
import * as Secrets from "./internal/secrets.js"
import { renderValidation } from "./internal/usageError.js"
import { version as currentVersion } from "./internal/version.js"

/**
 * The version printed by `trtc --version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const version: string = currentVersion

// Every `trtc` command, in the order `trtc --help` lists them. To add a command: write
// src/commands/<name>.ts exporting `command = Command.make("<name>", { ...flags }, handler)` (spread
// `globalOptions` from internal/globals.ts into the flags if it calls the API), then add one line
// below. Everything else that must know the commands (the root's usage error, `trtc --format json
// <cmd>` hoisting, `$ trtc <cmd>` in the help, the hint of a usage error, the naming of a bad
// choice) is derived from this list.
const commands = [
  Events.command,
  Rooms.command,
  Users.command,
  Anomalies.command,
  Export.command,
  Diagnose.command,
  Timeline.command,
  ArchiveCommand.command,
  Emulator.command,
  Demo.command,
  Configure.command
] as const

const namesOf = (descriptor: Descriptor.Command<unknown>): ReadonlyArray<string> => [...Descriptor.getNames(descriptor)]
const commandNames: ReadonlyArray<string> = commands.flatMap(({ descriptor }) => namesOf(descriptor))

/**
 * The root `trtc` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("trtc", {}, () =>
  Effect.fail(new CliError.UsageError({ problem: "missing command", fix: `one of ${commandNames.join(", ")}; see trtc --help` }))).pipe(
  Command.withDescription("TRTC call-quality data: who joined which call, what happened, what failed."),
  Command.withSubcommands(commands)
)

// Each command's flags as its usage shows them, to name a choice flag in its error.
const usageOf = (descriptor: Descriptor.Command<unknown>): Usage.Usage => Descriptor.getUsage(descriptor)
const commandFlags = new Map(commands.map(({ descriptor }) => [namesOf(descriptor)[0], flagNames(usageOf(descriptor))]))

// The global flags that may come before the command, read from their definitions.
const globalFlags = flagNames(Options.getUsage(Options.all(globalOptions)))
const isCommand = (arg: string) => commandNames.includes(arg)

/**
 * Moves global flags written before the command (`trtc --format json rooms …`) after it, where
 * @effect/cli expects them; anything else is left for the parser to judge.
 *
 * @since 0.1.0
 * @category running
 */
export const hoistGlobalFlags = (args: ReadonlyArray<string>): ReadonlyArray<string> =>
  Argv.hoistGlobalFlags(args, isCommand, globalFlags)

/**
 * Moves `--log-level LEVEL` or `--log-level=LEVEL`, wherever it is before any `--`, to right after
 * the command as `--log-level=LEVEL`, the one place and spelling @effect/cli accepts.
 *
 * @since 0.1.0
 * @category running
 */
export const placeBuiltInFlags = (args: ReadonlyArray<string>): ReadonlyArray<string> => Argv.placeBuiltInFlags(args, isCommand)

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
    yield* Secrets.rememberConfigured
    const terminal = yield* Terminal
    const cli = Command.run(command, { name: "trtc", version })
    const console = yield* Effect.console
    // @effect/cli colours its help whatever the output is: plain text unless stdout is a
    // terminal and NO_COLOR is unset (https://no-color.org).
    const noColor = yield* Effect.orElseSucceed(Config.string("NO_COLOR").pipe(Config.withDefault("")), () => "")
    const plain = !terminal.stdoutIsTTY || noColor !== ""
    const silentErrors = Console.withConsole({
      ...console,
      error: () => Effect.void,
      log: (...args: ReadonlyArray<unknown>) =>
        console.log(...args.map((a) => typeof a === "string" ? fixHelp(plain ? stripAnsi(a) : a, commandNames) : a))
    } as Console.Console)
    const argv = placeBuiltInFlags(hoistGlobalFlags(args))
    // A usage error points to the help of the command it is about, when there is one.
    const help = isCommand(argv[0] ?? "") ? `trtc ${argv[0]} --help` : "trtc --help"
    return yield* cli(["node", "trtc", ...argv]).pipe(
      silentErrors,
      Effect.as(CliError.ExitCode.ok),
      Effect.catchAllCause((cause) => {
        if (Cause.isInterruptedOnly(cause)) return Effect.succeed(CliError.ExitCode.interrupted)
        const failure = Cause.failureOption(cause)
        const error: unknown = Option.isSome(failure) ? failure.value : Cause.squash(cause)
        const rendered = ValidationError.isValidationError(error)
          ? { line: CliError.scrub(`error: ${renderValidation(error, args, argv, commandFlags)} — hint: see ${help}`, secrets()), exitCode: CliError.ExitCode.usage }
          : CliError.render(error, secrets())
        return terminal.stderr(rendered.line + "\n").pipe(Effect.as(rendered.exitCode))
      })
    )
  })
