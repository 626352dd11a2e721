/**
 * Reading the times and durations a person types on the command line: epoch seconds, ISO 8601
 * and relative forms (`30m`, `2h`, `14d` ago), and turning `--start/--end/--since` into a period.
 *
 * @since 0.1.0
 */
import * as Windows from "@effect-trtc/core/Windows"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TimeZone from "./internal/timeZone.js"

/**
 * A flag value that is not a time or a duration; names the flag and the value.
 *
 * @since 0.1.0
 * @category errors
 */
export class TimeParseError extends Schema.TaggedError<TimeParseError>()("TimeParseError", {
  flag: Schema.String,
  value: Schema.String,
  expected: Schema.String,
  /** What is wrong with a value of the right shape (`2026-11-31: November has 30 days`). */
  problem: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.problem === undefined
      ? `${this.flag}: cannot read ${JSON.stringify(this.value)} as ${this.expected}`
      : `${this.flag}: ${JSON.stringify(this.value)} is not a real time: ${this.problem}`
  }
}

const monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/**
 * Why an ISO 8601 text of the right shape names no real instant, if it does not. `Date.parse`
 * rolls `2026-11-31` over to December 1 and `2026-02-30` to March 2: a typo would silently
 * query the wrong day.
 */
const impossibleIso = (value: string): string | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))?$/i.exec(value.replace(/\.\d+/, ""))
  if (m === null) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = `${m[1]}-${m[2]}-${m[3]}`
  if (month < 1 || month > 12) return `${date}: there is no month ${m[2]} (01 to 12)`
  const days = daysInMonth(year, month)
  if (day < 1 || day > days) {
    const leap = month === 2 ? (isLeapYear(year) ? ` in ${year} (a leap year)` : ` in ${year} (not a leap year)`) : ""
    return `${date}: ${monthNames[month - 1]} has ${days} days${leap}`
  }
  if (m[4] !== undefined && Number(m[4]) > 23) return `hour ${m[4]} is past 23`
  if (m[5] !== undefined && Number(m[5]) > 59) return `minute ${m[5]} is past 59`
  if (m[6] !== undefined && Number(m[6]) > 59) return `second ${m[6]} is past 59`
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return `zone offset ${m[7]}${m[8]}:${m[9]} is out of range`
  return undefined
}

/**
 * A period that cannot be queried: end before start, conflicting flags, or outside retention.
 *
 * @since 0.1.0
 * @category errors
 */
export class PeriodError extends Schema.TaggedError<PeriodError>()("PeriodError", {
  problem: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return `${this.problem} (${this.fix})`
  }
}

const unitSeconds: Record<string, number> = {
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86400,
  w: 604800
}

// The widest instant a JavaScript Date can hold (±8.64e15 ms): beyond it `iso()` throws, so a
// time or duration past it is a usage error, not a crash.
const maxSeconds = 8.64e12
const inRange = (seconds: number): boolean => Number.isFinite(seconds) && Math.abs(seconds) <= maxSeconds

const relativePattern = /^-?\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)(?:\s+ago)?$/i
const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d|w)?$/i
const isoPattern = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i
const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i

const timeExpected = "a time (epoch seconds, ISO 8601 like 2026-11-25T10:00:00Z, relative like 30m, 2h, 1w, or today, yesterday)"

/**
 * The midnight that starts the day `daysBack` days before the one holding `now`, in `zone`: the
 * day people mean by "today" and "yesterday" is their own, not UTC's.
 */
const startOfDay = (now: number, daysBack: number, zone: string): number => {
  const today = TimeZone.fields(now * 1000, zone)
  return Math.floor(TimeZone.midnight(today.year, today.month, today.day - daysBack, zone) / 1000)
}

// A Map, not an object: an input such as `__proto__` or `constructor` must not find anything.
const dayWords: ReadonlyMap<string, number> = new Map([["today", 0], ["yesterday", 1]])

/**
 * Parses a point in time to Unix seconds. `now` is Unix seconds; relative forms count back from
 * it. ISO 8601 without a zone is read as UTC, so a command gives the same answer on every machine.
 * `today` and `yesterday` are the starts of those days in `zone` (an IANA name, default UTC).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTime = (flag: string, input: string, now: number, zone = "UTC"): Either.Either<number, TimeParseError> => {
  const value = input.trim()
  const fail = () => Either.left(new TimeParseError({ flag, value: input, expected: timeExpected }))
  if (value === "") return fail()
  if (value.toLowerCase() === "now") return Either.right(Math.floor(now))
  const daysBack = dayWords.get(value.toLowerCase())
  if (daysBack !== undefined) return Either.right(startOfDay(Math.floor(now), daysBack, zone))
  if (/^\d+$/.test(value)) {
    const n = Number(value)
    // 13 digits is a Unix millisecond stamp (what TRTC's own event times are in).
    const seconds = value.length >= 13 ? Math.floor(n / 1000) : n
    return inRange(seconds) ? Either.right(seconds) : fail()
  }
  const relative = relativePattern.exec(value)
  if (relative !== null) {
    const seconds = Number(relative[1]) * unitSeconds[relative[2].toLowerCase()]
    return inRange(seconds) ? Either.right(Math.floor(now - seconds)) : fail()
  }
  if (isoPattern.test(value)) {
    const problem = impossibleIso(value)
    if (problem !== undefined) return Either.left(new TimeParseError({ flag, value: input, expected: timeExpected, problem }))
    const normalized = value.replace(" ", "T")
    const withZone = normalized.length === 10 || hasZone.test(normalized) ? normalized : `${normalized}Z`
    const ms = Date.parse(withZone)
    if (Number.isFinite(ms)) return Either.right(Math.floor(ms / 1000))
  }
  return fail()
}

/**
 * Parses a duration (`500ms`, `30s`, `5m`, `2h`, `14d`, `1w`; a bare number is seconds) to
 * milliseconds.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseDuration = (flag: string, input: string): Either.Either<number, TimeParseError> => {
  const match = durationPattern.exec(input.trim())
  if (match === null) {
    return Either.left(
      new TimeParseError({ flag, value: input, expected: "a duration (like 500ms, 30s, 5m, 2h, 14d)" })
    )
  }
  const n = Number(match[1])
  const unit = (match[2] ?? "s").toLowerCase()
  const ms = unit === "ms" ? n : n * unitSeconds[unit] * 1000
  return inRange(ms / 1000)
    ? Either.right(ms)
    : Either.left(new TimeParseError({ flag, value: input, expected: "a duration (like 500ms, 30s, 5m, 2h, 14d)" }))
}

/**
 * A half-open query period in Unix seconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface Period {
  readonly startTime: number
  readonly endTime: number
}

/**
 * What the user typed for a period.
 *
 * @since 0.1.0
 * @category models
 */
export interface PeriodInput {
  readonly start: Option.Option<string>
  readonly end: Option.Option<string>
  readonly since?: Option.Option<string> | undefined
}

/**
 * Resolves `--start/--end/--since` against `now` (Unix seconds). `--since` is a duration back
 * from the end (`2h`, `1w`) or a time to start at (`yesterday`, `today`, an ISO time). Without a
 * start the period is `defaultSpanSeconds` long; a start older than the retention window is
 * clamped to it (with a note), and a period that ends before retention begins is an error.
 *
 * @since 0.1.0
 * @category parsing
 */
export const resolvePeriod = (
  input: PeriodInput,
  options: {
    readonly now: number
    readonly defaultSpanSeconds: number
    readonly retentionDays: number
    /** The zone `today` and `yesterday` are read in (IANA name; default UTC). */
    readonly timeZone?: string | undefined
  }
): Either.Either<{ readonly period: Period; readonly notes: ReadonlyArray<string> }, TimeParseError | PeriodError> =>
  Either.gen(function*() {
    const now = Math.floor(options.now)
    const since = input.since ?? Option.none()
    if (Option.isSome(since) && Option.isSome(input.start)) {
      return yield* Either.left(
        new PeriodError({ problem: "--since and --start both given", fix: "use one of them" })
      )
    }
    const zone = options.timeZone ?? "UTC"
    const end = Option.isSome(input.end) ? yield* parseTime("--end", input.end.value, now, zone) : now
    let start: number
    if (Option.isSome(since)) {
      const duration = parseDuration("--since", since.value)
      if (Either.isRight(duration)) {
        start = Math.floor(end - duration.right / 1000)
      } else {
        // Not a duration: a time to start from (`--since yesterday`), else both readings failed.
        const time = parseTime("--since", since.value, now, zone)
        if (Either.isLeft(time)) {
          return yield* Either.left(
            new TimeParseError({
              flag: "--since",
              value: since.value,
              expected: "a duration (like 30m, 2h, 1w) or a time (today, yesterday, ISO 8601)",
              ...(time.left.problem === undefined ? {} : { problem: time.left.problem })
            })
          )
        }
        start = time.right
      }
    } else if (Option.isSome(input.start)) {
      start = yield* parseTime("--start", input.start.value, now, zone)
    } else {
      start = end - options.defaultSpanSeconds
    }
    if (end <= start) {
      return yield* Either.left(
        new PeriodError({
          problem: `--end (${iso(end)}) is not after --start (${iso(start)})`,
          fix: "give an end later than the start"
        })
      )
    }
    const retentionStart = now - options.retentionDays * 86400
    if (end <= retentionStart) {
      return yield* Either.left(
        new PeriodError({
          problem: `the period ends ${iso(end)}, before TRTC's ${options.retentionDays}-day retention begins (${
            iso(retentionStart)
          })`,
          fix: `query within the last ${options.retentionDays} days`
        })
      )
    }
    const notes: Array<string> = []
    // Core's margin and tolerance, so that this clamp and the streams' agree on what to warn about.
    if (start < retentionStart + Windows.retentionMarginSeconds) {
      // `--since 14d` means "everything there is": only a start well before retention is worth a note.
      if (start < retentionStart - Windows.retentionToleranceSeconds) {
        notes.push(`note: start ${iso(start)} is older than the ${options.retentionDays}-day retention; using ${
          iso(retentionStart + Windows.retentionMarginSeconds)
        }`)
      }
      // A margin so the request is still inside retention when it reaches the server.
      start = retentionStart + Windows.retentionMarginSeconds
    }
    return { period: { startTime: start, endTime: Math.min(end, now) > start ? Math.min(end, now) : end }, notes }
  })

/**
 * Unix seconds as ISO 8601 UTC without milliseconds.
 *
 * @since 0.1.0
 * @category formatting
 */
export const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(".000Z", "Z")
