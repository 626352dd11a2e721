/**
 * The `trtc` command line: the commands of src/commands/ assembled under `trtc`, and the global
 * flags (issue 6 — command names and flags are a contract other tools rely on).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Descriptor from "@effect/cli/CommandDescriptor"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import type * as Usage from "@effect/cli/Usage"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as CliApp from "@effect/cli/CliApp"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import * as Configure from "./commands/configure.js"
import * as Demo from "./commands/demo.js"
import * as Emulator from "./commands/emulator.js"
import * as Events from "./commands/events.js"
import * as Export from "./commands/export.js"
import * as Rooms from "./commands/rooms.js"
import * as Users from "./commands/users.js"
import { globalOptions } from "./internal/globals.js"
import { Terminal } from "./internal/io.js"
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
// <cmd>` hoisting) is derived from this list.
const commands = [
  Events.command,
  Rooms.command,
  Users.command,
  Export.command,
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

/** The names of the flags in `usage`, split into those that take a value and switches. */
const flagNames = (usage: Usage.Usage, into: { readonly value: Set<string>; readonly switches: Set<string> }) => {
  switch (usage._tag) {
    case "Named":
      for (const name of usage.names) (Option.isSome(usage.acceptedValues) ? into.value : into.switches).add(name)
      break
    case "Optional":
    case "Repeated":
      flagNames(usage.usage, into)
      break
    case "Alternation":
    case "Concat":
      flagNames(usage.left, into)
      flagNames(usage.right, into)
      break
  }
  return into
}

// The global flags that may come before the command, read from their definitions.
const globalFlags = flagNames(Options.getUsage(Options.all(globalOptions)), { value: new Set(), switches: new Set() })
const isCommand = (arg: string) => commandNames.includes(arg)

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
  while (i < args.length && !isCommand(args[i])) {
    const [name] = args[i].split("=", 1)
    if (globalFlags.switches.has(args[i]) || (globalFlags.value.has(name) && args[i].includes("="))) {
      leading.push(args[i])
      i += 1
    } else if (globalFlags.value.has(name) && i + 1 < args.length) {
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
