// A usage error (a ValidationError of @effect/cli) as the one line `trtc` prints.
import * as HelpDoc from "@effect/cli/HelpDoc"
import type * as ValidationError from "@effect/cli/ValidationError"
import type { FlagNames } from "./flagNames.js"
import { stripAnsi } from "./helpText.js"

/**
 * @effect/cli's error for a bad choice says only "Expected one of the following cases: a, b": this
 * names the flag (the one of the command whose choices these are) and the value given.
 */
const nameChoiceError = (text: string, argv: ReadonlyArray<string>, commandFlags: ReadonlyMap<string, FlagNames>): string => {
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

/**
 * The error's text, made to name what is wrong: `args` as typed, `argv` as parsed, and each
 * command's flags (to name a choice flag).
 */
export const renderValidation = (
  error: ValidationError.ValidationError,
  args: ReadonlyArray<string>,
  argv: ReadonlyArray<string>,
  commandFlags: ReadonlyMap<string, FlagNames>
): string => {
  let text = nameChoiceError("error" in error ? stripAnsi(HelpDoc.toAnsiText(error.error)) : "invalid command line", argv, commandFlags)
  if (error._tag === "CommandMismatch" || /^Invalid subcommand/.test(text)) {
    text = `unknown command ${JSON.stringify(args[0] ?? "")}: ${text.replace(/^Invalid subcommand for trtc - /, "")}`
  }
  const missing = [...text.matchAll(/Expected to find option: '(--[\w-]+)'/g)].map((m) => m[1])
  const rest = text.replace(/Expected to find option: '(--[\w-]+)'/g, "").replace(/\s*\n\s*/g, " ").trim()
  const parts = missing.length === 0 ? [] : [`missing required ${missing.length === 1 ? "flag" : "flags"} ${missing.join(", ")}`]
  if (rest !== "") parts.unshift(rest)
  return parts.join("; ")
}
