/**
 * Output formats: `json` (one array), `ndjson` (one object per line, streamed), `csv` (RFC 4180
 * with a header) and `table` (aligned columns fitted to the terminal width).
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as DisplayWidth from "./internal/displayWidth.js"

/**
 * The output formats of every listing command.
 *
 * @since 0.1.0
 * @category models
 */
export const formats = ["json", "ndjson", "table", "csv"] as const

/**
 * @since 0.1.0
 * @category models
 */
export type Format = typeof formats[number]

/**
 * A value in one output column.
 *
 * @since 0.1.0
 * @category models
 */
export type Cell = string | number | boolean | null | undefined

/**
 * One output record: a flat object whose keys are column names.
 *
 * @since 0.1.0
 * @category models
 */
export type Row = object

/**
 * The columns of a record kind: all of them (json/ndjson/csv) and the ones a table shows.
 *
 * @since 0.1.0
 * @category models
 */
export interface Columns {
  readonly all: ReadonlyArray<string>
  readonly table: ReadonlyArray<string>
  /** Table columns that give up width first when the terminal is narrow (ids people copy do not). */
  readonly shrink?: ReadonlyArray<string> | undefined
}

/**
 * Where output goes: one call per piece of text, in order.
 *
 * @since 0.1.0
 * @category models
 */
export type Write = (text: string) => Effect.Effect<void>

/**
 * The default format: a table for a person at a terminal, NDJSON for a pipe or file.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultFormat = (isTTY: boolean): Format => isTTY ? "table" : "ndjson"

const get = (row: Row, key: string): Cell => (row as Record<string, Cell>)[key]

const cellText = (cell: Cell): string => cell === null || cell === undefined ? "" : String(cell)

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled.
 *
 * @since 0.1.0
 * @category csv
 */
export const csvField = (cell: Cell): string => {
  const text = cellText(cell)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, "\"\"")}"` : text
}

/**
 * One RFC 4180 record, CRLF-terminated.
 *
 * @since 0.1.0
 * @category csv
 */
export const csvLine = (cells: ReadonlyArray<Cell>): string => cells.map(csvField).join(",") + "\r\n"

/**
 * Parses RFC 4180 text into records of strings; a trailing record without its line break is
 * returned in `partial` (used by `export --resume` to drop a torn last line).
 *
 * @since 0.1.0
 * @category csv
 */
export const parseCsv = (text: string): { readonly records: Array<Array<string>>; readonly complete: number } => {
  const records: Array<Array<string>> = []
  let field = ""
  let record: Array<string> = []
  let quoted = false
  let complete = 0
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (quoted) {
      if (c === "\"") {
        if (text[i + 1] === "\"") {
          field += "\""
          i += 2
          continue
        }
        quoted = false
      } else {
        field += c
      }
      i++
      continue
    }
    if (c === "\"") {
      quoted = true
    } else if (c === ",") {
      record.push(field)
      field = ""
    } else if (c === "\n" || c === "\r") {
      record.push(field)
      records.push(record)
      field = ""
      record = []
      if (c === "\r" && text[i + 1] === "\n") i++
      complete = i + 1
    } else {
      field += c
    }
    i++
  }
  return { records, complete }
}

/**
 * One NDJSON line.
 *
 * @since 0.1.0
 * @category json
 */
export const ndjsonLine = (row: Row): string => JSON.stringify(row) + "\n"

const ellipsis = "…"

// Widths are terminal columns, not UTF-16 units, so CJK ids (two columns a character) line up.
const fit = (text: string, width: number): string =>
  DisplayWidth.displayWidth(text) <= width
    ? DisplayWidth.pad(text, width)
    : width <= 1
      ? DisplayWidth.pad(DisplayWidth.takeWidth(text, width), width)
      : DisplayWidth.pad(DisplayWidth.takeWidth(text, width - 1) + ellipsis, width)

const numeric = (cell: Cell) => typeof cell === "number"

/**
 * Renders rows as aligned columns no wider than `width` terminal columns (display width: CJK and
 * fullwidth characters count two, combining marks none): columns keep their natural width while
 * they fit; then the `shrinkFirst` columns, and after them the widest, are narrowed
 * (cells cut with `…`) until the table fits.
 * Numbers are right-aligned.
 *
 * @since 0.1.0
 * @category table
 */
export const renderTable = (
  rows: ReadonlyArray<Row>,
  columns: ReadonlyArray<string>,
  width: number = Number.POSITIVE_INFINITY,
  shrinkFirst: ReadonlyArray<string> = []
): string => {
  const gap = 2
  const natural = columns.map((c) =>
    Math.max(DisplayWidth.displayWidth(c), ...rows.map((r) => DisplayWidth.displayWidth(cellText(get(r, c))))))
  const widths = [...natural]
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1)
  const minimum = columns.map((c, i) => Math.min(Math.max(4, Math.min(DisplayWidth.displayWidth(c), 8)), natural[i]))
  for (const name of shrinkFirst) {
    const i = columns.indexOf(name)
    if (i === -1 || total() <= width) continue
    widths[i] -= Math.min(widths[i] - minimum[i], total() - width)
  }
  while (total() > width) {
    let widest = -1
    for (let i = 0; i < widths.length; i++) {
      if (widths[i] > minimum[i] && (widest === -1 || widths[i] > widths[widest])) widest = i
    }
    if (widest === -1) break
    widths[widest] -= Math.min(widths[widest] - minimum[widest], Math.max(1, total() - width))
  }
  const line = (cells: ReadonlyArray<string>, right: ReadonlyArray<boolean>) =>
    cells.map((text, i) => {
      const last = i === cells.length - 1
      if (right[i]) {
        return DisplayWidth.displayWidth(text) <= widths[i] ? DisplayWidth.pad(text, widths[i], "start") : fit(text, widths[i])
      }
      const fitted = fit(text, widths[i])
      return last ? fitted.trimEnd() : fitted
    }).join(" ".repeat(gap))
  const out = [line(columns, columns.map(() => false))]
  for (const row of rows) {
    out.push(line(columns.map((c) => cellText(get(row, c))), columns.map((c) => numeric(get(row, c)))))
  }
  return out.join("\n") + "\n"
}

/**
 * Writes a stream of rows in a format. NDJSON and CSV are written as each chunk arrives; JSON is
 * streamed too and its closing bracket is written even when the run is interrupted, so partial
 * output stays valid; a table needs every row to size its columns.
 *
 * @since 0.1.0
 * @category running
 */
export const writeStream = <E, R>(
  rows: Stream.Stream<Row, E, R>,
  options: {
    readonly format: Format
    readonly columns: Columns
    readonly write: Write
    readonly width?: number | undefined
    readonly onRows?: ((n: number) => Effect.Effect<void>) | undefined
  }
): Effect.Effect<number, E, R> => {
  const { columns, format, write } = options
  const counted = (f: (chunk: Chunk.Chunk<Row>) => string) => {
    let count = 0
    return {
      count: () => count,
      run: Stream.runForEachChunk(rows, (chunk) => {
        if (Chunk.isEmpty(chunk)) return Effect.void
        const text = f(chunk)
        count += chunk.length
        return Effect.zipRight(write(text), options.onRows ? options.onRows(chunk.length) : Effect.void)
      })
    }
  }
  switch (format) {
    case "ndjson": {
      const c = counted((chunk) => Chunk.join(Chunk.map(chunk, ndjsonLine), ""))
      return Effect.map(c.run, () => c.count())
    }
    case "csv": {
      const c = counted((chunk) =>
        Chunk.join(Chunk.map(chunk, (row) => csvLine(columns.all.map((k) => get(row, k)))), ""))
      return write(csvLine(columns.all)).pipe(Effect.zipRight(c.run), Effect.map(() => c.count()))
    }
    case "json": {
      let wrote = false
      const c = counted((chunk) => {
        const parts = Chunk.toReadonlyArray(chunk).map((row) => {
          const text = (wrote ? ",\n" : "\n") + JSON.stringify(row)
          wrote = true
          return text
        })
        return parts.join("")
      })
      return write("[").pipe(
        Effect.zipRight(c.run),
        Effect.ensuring(Effect.suspend(() => write(wrote ? "\n]\n" : "]\n"))),
        Effect.map(() => c.count())
      )
    }
    case "table": {
      return Stream.runCollect(rows).pipe(
        Effect.tap((all) =>
          Chunk.isEmpty(all)
            ? write("(no results)\n")
            : write(renderTable(Chunk.toReadonlyArray(all), columns.table, options.width, columns.shrink))),
        Effect.tap((all) => options.onRows ? options.onRows(all.length) : Effect.void),
        Effect.map((all) => all.length)
      )
    }
  }
}
