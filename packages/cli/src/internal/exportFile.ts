import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import { RuntimeError, UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Records from "../Records.js"

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

const runtime = (problem: string) => (error: unknown) =>
  new RuntimeError({ problem: `${problem}: ${error instanceof Error ? error.message : String(error)}` })

// Reads the file line by line in fixed-size blocks, so resuming a large export costs little memory.
const scan = (
  path: string,
  format: "ndjson" | "csv",
  sdkAppId: number
): Effect.Effect<ResumeState & { readonly validBytes: number; readonly size: number }, RuntimeError | UsageError> =>
  Effect.try({
    try: () => {
      const fd = fs.openSync(path, "r")
      try {
        const size = fs.fstatSync(fd).size
        const block = Buffer.alloc(1 << 20)
        let position = 0
        let carry = ""
        let validBytes = 0
        let lineNo = 0
        let records = 0
        const completed = new Set<string>()
        let partial: { commId: string; keys: Map<string, number> } | undefined
        const header = Output.csvLine(Records.eventColumns.all).trimEnd()
        const onLine = (line: string) => {
          lineNo++
          if (line.trim() === "") return
          let record: Record<string, string | number>
          if (format === "csv") {
            if (lineNo === 1) {
              if (line.replace(/\r$/, "") !== header) throw new UsageError({ problem: `--out ${path}: not a trtc CSV export (unexpected header)`, fix: "choose another file" })
              return
            }
            const fields = Output.parseCsv(line.replace(/\r?$/, "\r\n")).records[0] ?? []
            record = Object.fromEntries(Records.eventColumns.all.map((k, i) => [k, fields[i] ?? ""]))
          } else {
            try {
              record = JSON.parse(line)
            } catch {
              throw new UsageError({ problem: `--out ${path}: line ${lineNo} is not JSON`, fix: "resume only a trtc NDJSON export" })
            }
          }
          const commId = String(record.commId)
          if (String(record.sdkAppId) !== String(sdkAppId)) {
            throw new UsageError({ problem: `--out ${path}: holds events of SdkAppId ${record.sdkAppId}, not ${sdkAppId}`, fix: "resume with the same --sdk-app-id" })
          }
          if (partial === undefined || partial.commId !== commId) {
            if (partial !== undefined) completed.add(partial.commId)
            partial = { commId, keys: new Map() }
          }
          const key = Records.eventKey(record as unknown as Parameters<typeof Records.eventKey>[0])
          partial.keys.set(key, (partial.keys.get(key) ?? 0) + 1)
          records++
        }
        for (;;) {
          const n = fs.readSync(fd, block, 0, block.length, position)
          if (n === 0) break
          position += n
          const text = carry + block.subarray(0, n).toString("utf8")
          const lines = text.split("\n")
          carry = lines.pop() ?? ""
          for (const line of lines) {
            onLine(line)
            validBytes += Buffer.byteLength(line, "utf8") + 1
          }
        }
        if (partial !== undefined) completed.delete(partial.commId)
        return { completed, partial, records, dropped: size - validBytes, validBytes, size }
      } finally {
        fs.closeSync(fd)
      }
    },
    catch: (error) => error instanceof UsageError ? error : runtime(`cannot read ${path}`)(error)
  })

/** Opens `--out` for appending; with `resume`, reads what it holds and drops a torn last line. */
export const open = (options: {
  readonly path: string
  readonly format: "ndjson" | "csv"
  readonly resume: boolean
  readonly sdkAppId: number
}): Effect.Effect<ExportFile, UsageError | RuntimeError, Scope.Scope> =>
  Effect.gen(function*() {
    const { format, path } = options
    const exists = fs.existsSync(path) && fs.statSync(path).size > 0
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
      Effect.try({ try: () => fs.openSync(path, "a"), catch: runtime(`cannot open ${path}`) }),
      (fd) => Effect.sync(() => {
        try {
          fs.fsyncSync(fd)
        } catch {
          // fsync is best effort (some file systems refuse it); the data is already written.
        }
        fs.closeSync(fd)
      })
    )
    const append = (text: string) =>
      Effect.try({
        try: () => {
          const bytes = Buffer.from(text, "utf8")
          let offset = 0
          while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset)
        },
        catch: runtime(`cannot write ${path}`)
      })
    if (format === "csv" && fs.fstatSync(fd).size === 0) yield* append(Output.csvLine(Records.eventColumns.all))
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
