import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import { RuntimeError, UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Records from "../Records.js"
import * as FileLock from "./fileLock.js"

/** What an existing export file already holds. */
export interface ResumeState {
  /** Calls whose events are all in the file (every call but the last one written). */
  readonly completed: ReadonlySet<string>
  /** The last call in the file, which may have been cut short, with its events' identities. */
  readonly partial: { readonly commId: string; readonly keys: Map<string, number> } | undefined
  readonly records: number
  /** Bytes of a torn last line that were dropped. */
  readonly dropped: number
}

/** An export file open for appending whole records. */
export interface ExportFile {
  readonly format: "ndjson" | "csv"
  readonly state: ResumeState
  /** Appends complete records (one `write` per chunk, with O_APPEND). */
  readonly append: (text: string) => Effect.Effect<void, RuntimeError>
}

const empty: ResumeState = { completed: new Set(), partial: undefined, records: 0, dropped: 0 }

/** The file's format: CSV for `--format csv` or a `.csv` name, otherwise NDJSON. */
export const formatOf = (path: string, format: Output.Format | undefined): Effect.Effect<"ndjson" | "csv", UsageError> => {
  if (format === "json" || format === "table") {
    return Effect.fail(new UsageError({ problem: `--format ${format} cannot be appended to --out`, fix: "use ndjson or csv" }))
  }
  return Effect.succeed(format ?? (path.toLowerCase().endsWith(".csv") ? "csv" : "ndjson"))
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

/**
 * Reads what an export file holds, line by line in fixed-size blocks (resuming a large export
 * costs little memory). Lines are split on the byte 0x0A and each whole line is decoded on its
 * own: UTF-8 never uses 0x0A inside a multibyte character, so a character split across two
 * blocks is never decoded in halves (decoding each block alone turned it into U+FFFD and
 * miscounted the bytes of the valid lines). `validBytes` is the end of the last whole record:
 * what follows it (a line without its newline, or a CSV record whose quoted field is still open)
 * is torn. `blockSize` is a parameter only so tests can put a block boundary everywhere.
 */
export const scan = (
  path: string,
  format: "ndjson" | "csv",
  sdkAppId: number,
  blockSize = 1 << 20
): Effect.Effect<ResumeState & { readonly validBytes: number; readonly size: number }, RuntimeError | UsageError> =>
  Effect.try({
    try: () => {
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
        const completed = new Set<string>()
        let partial: { commId: string; keys: Map<string, number> } | undefined
        const header = Output.csvLine(Records.eventColumns.all).trimEnd()
        const onRecord = (text: string, firstLine: number) => {
          if (text.trim() === "") return
          let fields: Record<string, unknown>
          if (format === "csv") {
            if (firstLine === 1) {
              if (text.replace(/\r?\n$/, "") !== header) throw new UsageError({ problem: `--out ${path}: not a trtc CSV export (unexpected header)`, fix: "choose another file" })
              return
            }
            const parsed = Output.parseCsv(text.replace(/\r?\n$/, "\r\n")).records
            if (parsed.length !== 1 || parsed[0].length !== Records.eventColumns.all.length) throw notRecord(path, firstLine, format)
            fields = Object.fromEntries(Records.eventColumns.all.map((k, i) => [k, parsed[0][i]]))
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
          const commId = fields.commId
          if (String(fields.sdkAppId) !== String(sdkAppId)) {
            throw new UsageError({ problem: `--out ${path}: holds events of SdkAppId ${String(fields.sdkAppId)}, not ${sdkAppId}`, fix: "resume with the same --sdk-app-id" })
          }
          if (partial === undefined || partial.commId !== commId) {
            if (partial !== undefined) completed.add(partial.commId)
            partial = { commId, keys: new Map() }
          }
          const key = Records.eventKey(fields as unknown as Parameters<typeof Records.eventKey>[0])
          partial.keys.set(key, (partial.keys.get(key) ?? 0) + 1)
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
        if (partial !== undefined) completed.delete(partial.commId)
        return { completed, partial, records, dropped: size - validBytes, validBytes, size }
      } finally {
        fs.closeSync(fd)
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
  readonly format: "ndjson" | "csv"
  readonly resume: boolean
  readonly sdkAppId: number
}): Effect.Effect<ExportFile, UsageError | RuntimeError, Scope.Scope> =>
  Effect.gen(function*() {
    const { format, path } = options
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
      const scanned = yield* scan(path, format, options.sdkAppId)
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
    if (format === "csv" && size === 0) yield* append(Output.csvLine(Records.eventColumns.all))
    return { format, state, append }
  })

/** Drops the events the file already holds from a call's events (only its last call can be partial). */
export const remaining = (
  state: ResumeState,
  events: ReadonlyArray<Records.EventRecord>
): ReadonlyArray<Records.EventRecord> => {
  const partial = state.partial
  if (partial === undefined || events.length === 0 || events[0].commId !== partial.commId) return events
  return events.filter((event) => {
    const key = Records.eventKey(event)
    const count = partial.keys.get(key) ?? 0
    if (count === 0) return true
    partial.keys.set(key, count - 1)
    return false
  })
}
