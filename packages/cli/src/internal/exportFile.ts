import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import { RuntimeError, UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Records from "../Records.js"
import * as FileLock from "./fileLock.js"

/** What an existing export file already holds. */
export interface ResumeState {
  /**
   * Calls whose events are all in the file: finished when written (`callFinished: true`, or a
   * file written before that field) and followed by another call's records.
   */
  readonly completed: ReadonlySet<string>
  /** The last call in the file, which may have been cut short, with its events' identities. */
  readonly partial: { readonly commId: string; readonly keys: Map<string, number> } | undefined
  /**
   * Calls still running when their records were written (`callFinished: false`), with their
   * events' identities: a resume fetches them again and adds only the events not in the file.
   */
  readonly open: ReadonlyMap<string, Map<string, number>>
  readonly records: number
  /** Bytes of a torn last line that were dropped. */
  readonly dropped: number
  /** Whether the file's records carry `callFinished` (a CSV header from before it does not). */
  readonly callFinishedColumn: boolean
}

/** An export file open for appending whole records. */
export interface ExportFile {
  readonly format: "json" | "ndjson" | "csv"
  readonly state: ResumeState
  /** Appends complete records (one `write` per chunk, with O_APPEND). */
  readonly append: (text: string) => Effect.Effect<void, RuntimeError>
  /** Appends records in the file's format, as one write. */
  readonly appendRecords: (records: ReadonlyArray<Records.ExportRecord>) => Effect.Effect<void, RuntimeError>
}

const empty: ResumeState = { completed: new Set(), partial: undefined, open: new Map(), records: 0, dropped: 0, callFinishedColumn: true }

/** The format a file name says: `.json`, `.ndjson`/`.jsonl`, `.csv`; none for other names. */
export const formatOfName = (path: string): "json" | "ndjson" | "csv" | undefined => {
  const name = path.toLowerCase()
  if (name.endsWith(".csv")) return "csv"
  if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) return "ndjson"
  if (name.endsWith(".json")) return "json"
  return undefined
}

/**
 * The file's format: `--format` when given, else the file name's (`.json` → a JSON array,
 * `.ndjson`/`.jsonl` → NDJSON, `.csv` → CSV), else NDJSON. A `--format` the name contradicts
 * is a usage error naming both (`--out o.json` with NDJSON in it fooled every JSON reader).
 */
export const formatOf = (path: string, format: Output.Format | undefined): Effect.Effect<"json" | "ndjson" | "csv", UsageError> => {
  const named = formatOfName(path)
  if (format === "table") {
    return Effect.fail(new UsageError({ problem: "--format table cannot be written to --out", fix: "use ndjson, csv or json (or leave --format out)" }))
  }
  if (format !== undefined && named !== undefined && format !== named) {
    return Effect.fail(new UsageError({
      problem: `--format ${format} does not match --out ${path}, whose name says ${named}`,
      fix: `leave --format out to write ${named}, or name the file *.${format}`
    }))
  }
  return Effect.succeed(format ?? named ?? "ndjson")
}

const runtime = (problem: string, fix?: string) => (error: unknown) =>
  new RuntimeError({ problem: `${problem}: ${error instanceof Error ? error.message : String(error)}`, ...(fix === undefined ? {} : { fix }) })

const notRecord = (path: string, lineNo: number, format: "ndjson" | "csv") =>
  new UsageError({
    problem: `--out ${path}: line ${lineNo} is not a record`,
    fix: `resume only a trtc ${format === "csv" ? "CSV" : "NDJSON"} export, or choose another file`
  })

const newline = 0x0a
const quote = 0x22

const countQuotes = (bytes: Buffer) => {
  let n = 0
  for (let i = bytes.indexOf(quote); i !== -1; i = bytes.indexOf(quote, i + 1)) n++
  return n
}

/** The fields of one record, with the call it belongs to. */
type Visit = (fields: Record<string, unknown>, commId: string) => void

/**
 * Reads an export file's whole records in fixed-size blocks (resuming a large export costs
 * little memory). Lines are split on the byte 0x0A and each whole line is decoded on its own:
 * UTF-8 never uses 0x0A inside a multibyte character, so a character split across two blocks is
 * never decoded in halves (decoding each block alone turned it into U+FFFD and miscounted the
 * bytes of the valid lines). `validBytes` is the end of the last whole record: what follows it
 * (a line without its newline, or a CSV record whose quoted field is still open) is torn.
 */
const readRecords = (
  path: string,
  format: "ndjson" | "csv",
  sdkAppId: number,
  blockSize: number,
  visit: Visit
): { readonly records: number; readonly validBytes: number; readonly size: number; readonly callFinishedColumn: boolean } => {
  const fd = fs.openSync(path, "r")
  try {
    const size = fs.fstatSync(fd).size
    const block = Buffer.alloc(blockSize)
    let position = 0
    // The bytes of the current line read so far (copies: `block` is reused).
    let pending: Array<Buffer> = []
    // The lines of a CSV record whose quoted field spans line breaks.
    let record: Array<Buffer> = []
    let recordQuotes = 0
    let validBytes = 0
    let lineNo = 0
    let records = 0
    // A CSV file's columns, from its header: with `callFinished`, or as written before it.
    let columns: ReadonlyArray<string> = Records.exportColumns.all
    const headers = [Records.exportColumns.all, Records.eventColumns.all].map((c) => ({ columns: c, text: Output.csvLine(c).trimEnd() }))
    const onRecord = (text: string, firstLine: number) => {
      if (text.trim() === "") return
      let fields: Record<string, unknown>
      if (format === "csv") {
        if (firstLine === 1) {
          const header = headers.find((h) => h.text === text.replace(/\r?\n$/, ""))
          if (header === undefined) throw new UsageError({ problem: `--out ${path}: not a trtc CSV export (unexpected header)`, fix: "choose another file" })
          columns = header.columns
          return
        }
        const parsed = Output.parseCsv(text.replace(/\r?\n$/, "\r\n")).records
        if (parsed.length !== 1 || parsed[0].length !== columns.length) throw notRecord(path, firstLine, format)
        fields = Object.fromEntries(columns.map((k, i) => [k, parsed[0][i]]))
      } else {
        let value: unknown
        try {
          value = JSON.parse(text)
        } catch {
          throw new UsageError({ problem: `--out ${path}: line ${firstLine} is not JSON`, fix: "resume only a trtc NDJSON export, or choose another file" })
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw notRecord(path, firstLine, format)
        fields = value as Record<string, unknown>
      }
      if (typeof fields.commId !== "string" || fields.commId === "") throw notRecord(path, firstLine, format)
      if (String(fields.sdkAppId) !== String(sdkAppId)) {
        throw new UsageError({ problem: `--out ${path}: holds events of SdkAppId ${String(fields.sdkAppId)}, not ${sdkAppId}`, fix: "resume with the same --sdk-app-id" })
      }
      visit(fields, fields.commId)
      records++
    }
    const onLine = (line: Buffer, end: number) => {
      lineNo++
      if (format === "ndjson") {
        onRecord(line.toString("utf8"), lineNo)
        validBytes = end
        return
      }
      // A CSV record ends at a line break outside quotes: after an even number of quotes.
      record.push(line)
      recordQuotes += countQuotes(line)
      if (recordQuotes % 2 === 1) return
      const lines = record.length
      onRecord(Buffer.concat(record).toString("utf8"), lineNo - lines + 1)
      record = []
      recordQuotes = 0
      validBytes = end
    }
    for (;;) {
      const n = fs.readSync(fd, block, 0, block.length, position)
      if (n === 0) break
      let start = 0
      for (let nl = block.indexOf(newline, 0); nl !== -1 && nl < n; nl = block.indexOf(newline, start)) {
        const piece = block.subarray(start, nl)
        const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece])
        pending = []
        // Keep the newline inside a CSV record (a quoted field may hold one).
        onLine(format === "csv" ? Buffer.concat([line, Buffer.of(newline)]) : line, position + nl + 1)
        start = nl + 1
      }
      if (start < n) pending.push(Buffer.from(block.subarray(start, n)))
      position += n
    }
    return { records, validBytes, size, callFinishedColumn: format === "ndjson" || columns.includes("callFinished") }
  } finally {
    fs.closeSync(fd)
  }
}

// `callFinished` as written: a boolean in NDJSON, text in CSV; absent (files from before the
// field) counts as finished, the rule those files were written under.
const finishedField = (value: unknown): boolean => !(value === false || value === "false")

/**
 * Reads what an export file holds: which calls are complete (finished when written and followed
 * by another call's records), and the identities of the events of the others, the only ones a
 * resume compares against. Keys are kept only for the call being read and for calls written
 * while running, so a file of a million events of finished calls costs no memory for them. A
 * call whose keys were let go and that shows up again later (a resumed file: its rest was
 * appended after other calls) and is still needed gets a second pass for just those calls.
 * `blockSize` is a parameter only so tests can put a block boundary everywhere.
 */
export const scan = (
  path: string,
  format: "ndjson" | "csv",
  sdkAppId: number,
  blockSize = 1 << 20
): Effect.Effect<ResumeState & { readonly validBytes: number; readonly size: number }, RuntimeError | UsageError> =>
  Effect.try({
    try: () => {
      // Per call, whether its last record says it was finished.
      const finished = new Map<string, boolean>()
      const everOpen = new Set<string>()
      const keys = new Map<string, Map<string, number>>()
      const letGo = new Set<string>()
      let last: string | undefined
      const count = (into: Map<string, number>, fields: Record<string, unknown>) => {
        const key = Records.eventKey(fields as unknown as Parameters<typeof Records.eventKey>[0])
        into.set(key, (into.get(key) ?? 0) + 1)
      }
      const first = readRecords(path, format, sdkAppId, blockSize, (fields, commId) => {
        if (commId !== last && last !== undefined && finished.get(last) === true && !everOpen.has(last) && keys.has(last)) {
          // The previous call ended finished and another follows: complete, its keys not needed.
          keys.delete(last)
          letGo.add(last)
        }
        last = commId
        const done = finishedField(fields.callFinished)
        finished.set(commId, done)
        if (!done) everOpen.add(commId)
        if (letGo.has(commId)) return
        let into = keys.get(commId)
        if (into === undefined) keys.set(commId, into = new Map())
        count(into, fields)
      })
      const completed = new Set<string>()
      const open = new Map<string, Map<string, number>>()
      for (const [commId, done] of finished) {
        if (commId === last) continue
        if (done) completed.add(commId)
        else open.set(commId, keys.get(commId) ?? new Map())
      }
      const partial = last === undefined ? undefined : { commId: last, keys: keys.get(last) ?? new Map<string, number>() }
      const needed = [...open.keys(), ...(last === undefined ? [] : [last])].filter((commId) => letGo.has(commId))
      if (needed.length > 0) {
        const again = new Map(needed.map((commId) => [commId, commId === last ? partial!.keys : open.get(commId)!]))
        for (const m of again.values()) m.clear()
        readRecords(path, format, sdkAppId, blockSize, (fields, commId) => {
          const into = again.get(commId)
          if (into !== undefined) count(into, fields)
        })
      }
      return {
        completed,
        partial,
        open,
        records: first.records,
        dropped: first.size - first.validBytes,
        validBytes: first.validBytes,
        size: first.size,
        callFinishedColumn: first.callFinishedColumn
      }
    },
    catch: (error) => error instanceof UsageError ? error : runtime(`cannot read ${path}`)(error)
  })

// What to do when a write fails: the file keeps whole records only, so a rerun can continue it.
const writeFix = (error: unknown, resumable: boolean) => {
  const code = (error as NodeJS.ErrnoException).code
  const cause = code === "ENOSPC" || code === "EDQUOT"
    ? "free disk space"
    : code === "EFBIG"
      ? "raise the file size limit (ulimit -f) or write to a file system that allows larger files"
      : "fix the cause"
  return resumable ? `${cause}, then rerun with --resume: the file holds whole records only` : `${cause}, then run the command again`
}

/**
 * Opens `--out` for appending, holding its lock (one writer per file) for the scope; with
 * `resume`, reads what it holds and drops a torn last record.
 */
export const open = (options: {
  readonly path: string
  readonly format: "json" | "ndjson" | "csv"
  readonly resume: boolean
  readonly sdkAppId: number
}): Effect.Effect<ExportFile, UsageError | RuntimeError, Scope.Scope> =>
  Effect.gen(function*() {
    const { format, path } = options
    if (format === "json" && options.resume) {
      return yield* new UsageError({
        problem: `--out ${path}: a JSON array cannot be continued with --resume`,
        fix: "export to *.ndjson or *.csv to be able to resume"
      })
    }
    const statOf = Effect.try({
      try: () => fs.statSync(path, { throwIfNoEntry: false }),
      catch: runtime(`cannot read ${path}`, "choose an --out you can read and write")
    })
    const before = yield* statOf
    if (before?.isDirectory() === true) {
      return yield* new RuntimeError({ problem: `--out ${path} is a directory`, fix: `name a file in it, e.g. --out ${path.replace(/\/+$/, "")}/events.${format}` })
    }
    // A device or a pipe (`--out /dev/stdout`) has no content to resume and is not ours to lock.
    const regular = before === undefined || before.isFile()
    if (!regular && options.resume) {
      return yield* new UsageError({ problem: `--out ${path} is not a regular file, so it cannot be resumed`, fix: "resume a file written by trtc export --out" })
    }
    // The lock comes before reading: reading the file for --resume while another process
    // appends to it would read a moving target.
    if (regular) yield* FileLock.hold(path)
    const stat = regular ? yield* statOf : before
    const exists = stat !== undefined && stat.isFile() && stat.size > 0
    if (exists && !options.resume) {
      return yield* new UsageError({ problem: `--out ${path} already exists`, fix: "add --resume to continue it, or choose another file" })
    }
    let state = empty
    if (exists) {
      const scanned = yield* scan(path, format === "csv" ? "csv" : "ndjson", options.sdkAppId)
      if (scanned.validBytes < scanned.size) {
        yield* Effect.try({ try: () => fs.truncateSync(path, scanned.validBytes), catch: runtime(`cannot truncate ${path}`) })
      }
      state = scanned
    }
    const fd = yield* Effect.acquireRelease(
      Effect.try({ try: () => fs.openSync(path, "a"), catch: runtime(`cannot open ${path}`, "choose an --out in a directory you can write to") }),
      (fd) => Effect.sync(() => {
        try {
          fs.fsyncSync(fd)
        } catch {
          // fsync is best effort (some file systems refuse it); the data is already written.
        }
        fs.closeSync(fd)
      })
    )
    // One writer (the lock), so the size is known without asking the file system each time.
    let size = yield* Effect.try({ try: () => fs.fstatSync(fd).size, catch: runtime(`cannot read ${path}`) })
    const append = (text: string) =>
      Effect.try({
        try: () => {
          const bytes = Buffer.from(text, "utf8")
          let offset = 0
          try {
            while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset)
          } catch (error) {
            // A full disk or a size limit can let part of the chunk in: cut it off so the file
            // ends with a whole record (best effort: a resume drops a torn record anyway).
            try {
              fs.ftruncateSync(fd, size)
            } catch {
              // Nothing more to do here; the scan on --resume finds the torn record.
            }
            throw error
          }
          size += bytes.length
        },
        catch: (error) => runtime(`cannot write ${path}`, writeFix(error, regular))(error)
      })
    const columns = state.callFinishedColumn ? Records.exportColumns.all : Records.eventColumns.all
    if (format === "csv" && size === 0) yield* append(Output.csvLine(columns))
    let wroteJson = false
    if (format === "json") {
      yield* append("[")
      // Runs before the file is closed (finalizers run last added first), interrupted or not:
      // the file is a whole JSON array even after Ctrl-C.
      yield* Effect.addFinalizer(() => Effect.ignore(append(wroteJson ? "\n]\n" : "]\n")))
    }
    const encode = (record: Records.ExportRecord): string => {
      switch (format) {
        case "csv":
          return Output.csvLine(columns.map((k) => record[k as keyof Records.ExportRecord]))
        case "ndjson":
          return Output.ndjsonLine(record)
        case "json": {
          const text = (wroteJson ? ",\n" : "\n") + JSON.stringify(record)
          wroteJson = true
          return text
        }
      }
    }
    const appendRecords = (records: ReadonlyArray<Records.ExportRecord>) =>
      records.length === 0 ? Effect.void : Effect.suspend(() => append(records.map(encode).join("")))
    return { format, state, append, appendRecords }
  })

/**
 * Drops the events the file already holds from a call's events: the last call in the file (it
 * may have been cut short) and the calls that were still running when written.
 */
export const remaining = (
  state: ResumeState,
  events: ReadonlyArray<Records.EventRecord>
): ReadonlyArray<Records.EventRecord> => {
  if (events.length === 0) return events
  const commId = events[0].commId
  const keys = state.partial?.commId === commId ? state.partial.keys : state.open.get(commId)
  if (keys === undefined) return events
  return events.filter((event) => {
    const key = Records.eventKey(event)
    const count = keys.get(key) ?? 0
    if (count === 0) return true
    keys.set(key, count - 1)
    return false
  })
}
