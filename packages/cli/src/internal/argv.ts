// The command line as typed, rearranged into what @effect/cli accepts: global flags before the
// command moved after it, the built-in `--log-level` moved to the one place it is read.
import type { FlagNames } from "./flagNames.js"

/**
 * Moves global flags written before the command (`trtc --format json rooms …`) after it, where
 * @effect/cli expects them; anything else is left for the parser to judge.
 *
 * `isCommand` and `globalFlags` come from the command tree.
 */
export const hoistGlobalFlags = (
  args: ReadonlyArray<string>,
  isCommand: (arg: string) => boolean,
  globalFlags: FlagNames
): ReadonlyArray<string> => {
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
 */
export const placeBuiltInFlags = (args: ReadonlyArray<string>, isCommand: (arg: string) => boolean): ReadonlyArray<string> => {
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
