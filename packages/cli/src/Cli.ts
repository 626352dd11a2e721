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
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import * as Demo from "./commands/demo.js"
import * as Emulator from "./commands/emulator.js"
import * as Events from "./commands/events.js"
import * as Export from "./commands/export.js"
import * as Rooms from "./commands/rooms.js"
import * as Users from "./commands/users.js"
import { globalOptions } from "./internal/globals.js"
import { Terminal } from "./internal/io.js"
import * as Secrets from "./internal/secrets.js"
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
  Demo.command
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

interface FlagNames {
  readonly value: Set<string>
  readonly switches: Set<string>
  /** What each value flag accepts, as its usage shows it (`json|ndjson|table|csv`, `integer`). */
  readonly accepts: Map<string, string>
}

/** The names of the flags in `usage`, split into those that take a value and switches. */
const flagNames = (usage: Usage.Usage, into: FlagNames = { value: new Set(), switches: new Set(), accepts: new Map() }): FlagNames => {
  switch (usage._tag) {
    case "Named":
      for (const name of usage.names) {
        if (Option.isSome(usage.acceptedValues)) {
          into.value.add(name)
          into.accepts.set(name, usage.acceptedValues.value)
        } else {
          into.switches.add(name)
        }
      }
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
const globalFlags = flagNames(Options.getUsage(Options.all(globalOptions)))
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

// @effect/cli reads its built-in `--log-level` only right after the command name, and only as
// `--log-level=LEVEL`: elsewhere, or spaced, it answers "unknown argument".
const builtInValueFlags = new Set(["--log-level"])

/**
 * Moves `--log-level LEVEL` or `--log-level=LEVEL`, wherever it is before any `--`, to right after
 * the command as `--log-level=LEVEL`, the one place and spelling @effect/cli accepts.
 *
 * @since 0.1.0
 * @category running
 */
export const placeBuiltInFlags = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const builtIns: Array<string> = []
  const rest: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") {
      rest.push(...args.slice(i))
      break
    }
    const [name] = args[i].split("=", 1)
    const value = args[i + 1]
    if (builtInValueFlags.has(name) && args[i].includes("=")) {
      builtIns.push(args[i])
    } else if (builtInValueFlags.has(name) && value !== undefined && !value.startsWith("-")) {
      builtIns.push(`${name}=${value}`)
      i += 1
    } else {
      rest.push(args[i])
    }
  }
  if (builtIns.length === 0) return args
  const at = isCommand(rest[0] ?? "") ? 1 : 0
  return [...rest.slice(0, at), ...builtIns, ...rest.slice(at)]
}

// Each command's flags as its usage shows them, to name a choice flag in its error.
const usageOf = (descriptor: Descriptor.Command<unknown>): Usage.Usage => Descriptor.getUsage(descriptor)
const commandFlags = new Map(commands.map(({ descriptor }) => [namesOf(descriptor)[0], flagNames(usageOf(descriptor))]))

/**
 * @effect/cli's error for a bad choice says only "Expected one of the following cases: a, b": this
 * names the flag (the one of the command whose choices these are) and the value given.
 */
const nameChoiceError = (text: string, argv: ReadonlyArray<string>): string => {
  const m = /Expected one of the following cases: ([^\n]+)/.exec(text)
  const flags = commandFlags.get(argv[0] ?? "")
  if (m === null || flags === undefined) return text
  const cases = m[1].split(",").map((c) => c.trim())
  const flag = [...flags.accepts].find(([, accepts]) => accepts.split("|").map((c) => c.trim()).join(",") === cases.join(","))?.[0]
  if (flag === undefined) return text
  const at = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`))
  const value = at < 0 ? undefined : argv[at] === flag ? argv[at + 1] : argv[at].slice(flag.length + 1)
  return `${flag}: unknown value ${JSON.stringify(value ?? "")} (expected one of ${cases.join(", ")})`
}

const ansi = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g")
const stripAnsi = (text: string) => text.replace(ansi, "")

// Our integer and choice flags are text flags with their own parser (so an error names the flag
// and the value), and @effect/cli describes every text flag as "A user-defined piece of text.":
// wrong for `--rps integer`, noise for the others, whose own description follows.
const esc = String.fromCharCode(27)
const integerHelp = new RegExp(`(--[\\w-]+(?:${esc}\\[[0-9;]*m)*[ \\t]+integer(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:\\s|${esc}\\[[0-9;]*m)*)A user-defined piece of text\\.`, "g")
const genericHelp = new RegExp(`(?:${esc}\\[[0-9;]*m)*A user-defined piece of text\\.(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:[ \\t]*\\r?\\n)?[ \\t]*`, "g")
// A flag with an environment fallback gets "This option can be set from environment variables.":
// our descriptions name the variable, which says more.
const envHelp = new RegExp(`(?:${esc}\\[[0-9;]*m)*This option can be set from environment variables\\.(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:[ \\t]*\\r?\\n)?[ \\t]*`, "g")
// A command's usage line reads `$ rooms …`: what one types is `trtc rooms …`.
const usageLine = new RegExp(`^((?:${esc}\\[[0-9;]*m)*)\\$ (${commandNames.join("|")})\\b`, "gm")
// `trtc --completions bash` writes a choice list as `compgen -W "json,ndjson,table,csv"`, one
// word to bash (it splits on blanks): `--format <TAB>` would offer the whole list as one value.
const bashChoices = /compgen -W "([^" ]*,[^" ]*)"/g
const fixHelp = (text: string): string =>
  text.replace(integerHelp, "$1An integer (whole number).").replace(genericHelp, "").replace(envHelp, "")
    .replace(usageLine, "$1$ trtc $2")
    .replace(bashChoices, (_, list: string) => `compgen -W "${list.replace(/,/g, " ")}"`)

const renderValidation = (error: ValidationError.ValidationError, args: ReadonlyArray<string>, argv: ReadonlyArray<string>): string => {
  let text = nameChoiceError("error" in error ? stripAnsi(HelpDoc.toAnsiText(error.error)) : "invalid command line", argv)
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
        console.log(...args.map((a) => typeof a === "string" ? fixHelp(plain ? stripAnsi(a) : a) : a))
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
          ? { line: CliError.scrub(`error: ${renderValidation(error, args, argv)} — hint: see ${help}`, secrets()), exitCode: CliError.ExitCode.usage }
          : CliError.render(error, secrets())
        return terminal.stderr(rendered.line + "\n").pipe(Effect.as(rendered.exitCode))
      })
    )
  })
