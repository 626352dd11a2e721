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
import * as TimeZone from "./internal/timeZone.js"

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
  /** Table columns left out, in this order, when the table is still too wide once shrunk. */
  readonly drop?: ReadonlyArray<string> | undefined
  /** Table columns never cut: the ids the next command needs whole. */
  readonly keep?: ReadonlyArray<string> | undefined
  /**
   * Table columns that, when every row has the same value, move to a line above the table
   * (`roomId: 321028495  userId: alice`) instead of repeating on each row.
   */
  readonly constant?: ReadonlyArray<string> | undefined
  /** Table columns shown as times in the chosen zone: the numeric field and its unit. */
  readonly times?: Readonly<Record<string, { readonly from: string; readonly unit: "s" | "ms" }>> | undefined
  /** Rows a table highlights on a colour terminal (failures). */
  readonly highlight?: ((row: Row) => boolean) | undefined
  /** Shorter headings for a table (`durationSeconds` → `seconds`); the keys stay the contract. */
  readonly labels?: Readonly<Record<string, string>> | undefined
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
 * How a table may give up width, and what it shows in colour.
 *
 * @since 0.1.0
 * @category table
 */
export interface TableOptions {
  /** Columns left out, in order, while the table is too wide after `shrinkFirst`. */
  readonly drop?: ReadonlyArray<string> | undefined
  /** Columns never cut (ids). */
  readonly keep?: ReadonlyArray<string> | undefined
  /** Rows shown in red (ANSI) when `color` is on. */
  readonly highlight?: ((row: Row) => boolean) | undefined
  readonly color?: boolean | undefined
  /** Headings shown instead of column names. */
  readonly labels?: Readonly<Record<string, string>> | undefined
}

const red = (text: string) => `\u001b[31m${text}\u001b[0m`

/**
 * Renders rows as aligned columns no wider than `width` terminal columns (display width: CJK and
 * fullwidth characters count two, combining marks none): columns keep their natural width while
 * they fit; then the `shrinkFirst` columns are narrowed, then the `drop` columns left out in
 * order, and last the widest columns not in `keep` narrowed (cells cut with `…`) until the
 * table fits. Ids in `keep` are never cut: a table wider than the terminal beats a CommId that
 * cannot be copied. Numbers are right-aligned.
 *
 * @since 0.1.0
 * @category table
 */
export const renderTable = (
  rows: ReadonlyArray<Row>,
  allColumns: ReadonlyArray<string>,
  width: number = Number.POSITIVE_INFINITY,
  shrinkFirst: ReadonlyArray<string> = [],
  options: TableOptions = {}
): string => {
  const gap = 2
  const keep = new Set(options.keep ?? [])
  const label = (c: string) => options.labels?.[c] ?? c
  let columns = [...allColumns]
  const naturalOf = (c: string) =>
    Math.max(DisplayWidth.displayWidth(label(c)), ...rows.map((r) => DisplayWidth.displayWidth(cellText(get(r, c)))))
  const minimumOf = (c: string) =>
    keep.has(c) ? naturalOf(c) : Math.min(Math.max(4, Math.min(DisplayWidth.displayWidth(label(c)), 8)), naturalOf(c))
  let widths = columns.map(naturalOf)
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1)
  const shrinkNamed = () => {
    for (const name of shrinkFirst) {
      const i = columns.indexOf(name)
      if (i === -1 || keep.has(name) || total() <= width) continue
      widths[i] -= Math.min(widths[i] - minimumOf(name), total() - width)
    }
  }
  shrinkNamed()
  for (const name of options.drop ?? []) {
    if (total() <= width) break
    if (!columns.includes(name) || columns.length <= 1) continue
    columns = columns.filter((c) => c !== name)
    // Widths start again from natural: a column narrowed to make room may not need to be now.
    widths = columns.map(naturalOf)
    shrinkNamed()
  }
  const minimum = columns.map(minimumOf)
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
  const out = [line(columns.map(label), columns.map(() => false))]
  for (const row of rows) {
    const text = line(columns.map((c) => cellText(get(row, c))), columns.map((c) => numeric(get(row, c))))
    out.push(options.color === true && options.highlight?.(row) === true ? red(text) : text)
  }
  return out.join("\n") + "\n"
}

/**
 * A table as a person reads it: time columns in `timeZone` (`2026-11-21 23:30:05`, the zone
 * named once above the table), columns with one value on every row moved to that line, then
 * `renderTable` fitted to `width`.
 *
 * @since 0.1.0
 * @category table
 */
export const renderReadableTable = (
  rows: ReadonlyArray<Row>,
  columns: Columns,
  options: { readonly width?: number | undefined; readonly timeZone?: string | undefined; readonly color?: boolean | undefined } = {}
): string => {
  const zone = options.timeZone ?? "UTC"
  const times = columns.times ?? {}
  const shown = rows.map((row) => {
    const copy: Record<string, Cell> = { ...(row as Record<string, Cell>) }
    for (const [column, { from, unit }] of Object.entries(times)) {
      const value = get(row, from)
      // 0 is "not yet" (a running call's end, a user still in the room).
      if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || Math.abs(value) > 8.64e12) continue
      const ms = unit === "s" ? value * 1000 : value
      const text = TimeZone.format(ms, zone).replace(/(?:Z|[+-]\d{2}:\d{2})$/, "")
      copy[column] = unit === "ms" ? `${text}.${String(Math.floor(ms) % 1000).padStart(3, "0")}` : text
    }
    return copy as Row
  })
  const header: Array<string> = []
  let tableColumns = [...columns.table]
  if (shown.length > 1) {
    for (const c of columns.constant ?? []) {
      if (!tableColumns.includes(c)) continue
      const first = cellText(get(shown[0], c))
      if (shown.every((r) => cellText(get(r, c)) === first)) {
        header.push(`${c}: ${first}`)
        tableColumns = tableColumns.filter((t) => t !== c)
      }
    }
  }
  if (Object.keys(times).some((c) => tableColumns.includes(c)) && shown.length > 0) {
    const first = Object.values(times).map(({ from, unit }) => ({ value: get(rows[0], from), unit })).find(({ value }) => typeof value === "number" && value > 0)
    const suffix = first === undefined ? "Z" : TimeZone.format(first.unit === "s" ? Number(first.value) * 1000 : Number(first.value), zone).slice(19)
    const offset = suffix === "Z" ? (zone === "UTC" ? "" : " (UTC)") : ` (UTC${suffix})`
    header.push(`times: ${zone}${offset}`)
  }
  const table = renderTable(shown, tableColumns, options.width, columns.shrink, {
    drop: columns.drop,
    keep: columns.keep,
    highlight: columns.highlight,
    color: options.color,
    labels: columns.labels
  })
  return (header.length === 0 ? "" : header.join("  ") + "\n") + table
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
    /** The zone a table shows times in (default UTC); json/ndjson/csv keep UTC, a contract. */
    readonly timeZone?: string | undefined
    /** Whether a table may use colour (a terminal without NO_COLOR). */
    readonly color?: boolean | undefined
    /** Runs before each piece of text is written (a progress line on the terminal clears itself). */
    readonly beforeWrite?: Effect.Effect<void> | undefined
  }
): Effect.Effect<number, E, R> => {
  const { columns, format } = options
  const before = options.beforeWrite
  const write: Write = before === undefined ? options.write : (text) => Effect.zipRight(before, options.write(text))
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
            : write(renderReadableTable(Chunk.toReadonlyArray(all), columns, {
                width: options.width,
                timeZone: options.timeZone,
                color: options.color
              }))),
        Effect.tap((all) => options.onRows ? options.onRows(all.length) : Effect.void),
        Effect.map((all) => all.length)
      )
    }
  }
}
