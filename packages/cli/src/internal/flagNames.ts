// The flags a command accepts, read from its usage (what @effect/cli derives from the options):
// the lists that must agree with the command tree are computed from it, never written out.
import type * as Usage from "@effect/cli/Usage"
import * as Option from "effect/Option"

/** A command's flags, split into those that take a value and switches. */
export interface FlagNames {
  readonly value: Set<string>
  readonly switches: Set<string>
  /** What each value flag accepts, as its usage shows it (`json|ndjson|table|csv`, `integer`). */
  readonly accepts: Map<string, string>
}

/** The names of the flags in `usage`, split into those that take a value and switches. */
export const flagNames = (usage: Usage.Usage, into: FlagNames = { value: new Set(), switches: new Set(), accepts: new Map() }): FlagNames => {
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
