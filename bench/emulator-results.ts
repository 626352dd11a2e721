/**
 * bench/results/emulator.md holds several tables, one per benchmark, each under its own
 * heading: a new row goes at the end of its own table, not at the end of the file.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"

/**
 * Adds `row` to the table under `heading` (`## ...`) in `file`, creating the section from
 * `preamble` (the text and table header that follow the heading) when it is missing.
 */
export const addRow = (file: string, heading: string, preamble: ReadonlyArray<string>, row: string): void => {
  const text = existsSync(file) ? readFileSync(file, "utf8") : ""
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n")
  const at = lines.indexOf(heading)
  if (at < 0) {
    writeFileSync(file, [...lines, ...(lines.length > 0 ? [""] : []), heading, "", ...preamble, row, ""].join("\n"))
    return
  }
  // The section ends at the next heading; its table's last row is the last line starting with "|".
  let end = lines.findIndex((line, i) => i > at && line.startsWith("## "))
  if (end < 0) end = lines.length
  let last = end - 1
  while (last > at && !lines[last]!.startsWith("|")) last--
  lines.splice(last + 1, 0, row)
  writeFileSync(file, `${lines.join("\n")}\n`)
}
