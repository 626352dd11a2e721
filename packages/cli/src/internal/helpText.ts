// @effect/cli's help and completion text, corrected where it misleads (see each rule).

const ansi = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g")
/** The text without colour codes. */
export const stripAnsi = (text: string) => text.replace(ansi, "")

// Our integer flags are text flags with their own parser (so an error names the flag and the
// value), and @effect/cli describes every text flag as "A user-defined piece of text.":
// wrong for `--rps integer`, noise for the others, whose own description follows.
const esc = String.fromCharCode(27)
const integerHelp = new RegExp(`(--[\\w-]+(?:${esc}\\[[0-9;]*m)*[ \\t]+integer(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:\\s|${esc}\\[[0-9;]*m)*)A user-defined piece of text\\.`, "g")
const genericHelp = new RegExp(`(?:${esc}\\[[0-9;]*m)*A user-defined piece of text\\.(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:[ \\t]*\\r?\\n)?[ \\t]*`, "g")
// A flag with an environment fallback gets "This option can be set from environment variables.":
// our descriptions name the variable, which says more.
const envHelp = new RegExp(`(?:${esc}\\[[0-9;]*m)*This option can be set from environment variables\\.(?:${esc}\\[[0-9;]*m)*[ \\t]*\\r?\\n(?:[ \\t]*\\r?\\n)?[ \\t]*`, "g")
// `trtc --completions bash` writes a choice list as `compgen -W "json,ndjson,table,csv"`, one
// word to bash (it splits on blanks): `--format <TAB>` would offer the whole list as one value.
const bashChoices = /compgen -W "([^" ]*,[^" ]*)"/g
// A command's usage line reads `$ rooms …`: what one types is `trtc rooms …`.
const usageLine = (commandNames: ReadonlyArray<string>) => new RegExp(`^((?:${esc}\\[[0-9;]*m)*)\\$ (${commandNames.join("|")})\\b`, "gm")

/** Help or completion text as printed, for a tree with these command names. */
export const fixHelp = (text: string, commandNames: ReadonlyArray<string>): string =>
  text.replace(integerHelp, "$1An integer (whole number).").replace(genericHelp, "").replace(envHelp, "")
    .replace(usageLine(commandNames), "$1$ trtc $2")
    .replace(bashChoices, (_, list: string) => `compgen -W "${list.replace(/,/g, " ")}"`)
