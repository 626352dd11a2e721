/**
 * The checks a request passes before it is sent, each failure a `RequestValidationError` that
 * names the field, what is wrong with its value and how to fix it. The action declarations
 * compose them with their own limits.
 *
 * @internal
 */
import * as Either from "effect/Either"
import { RequestValidationError } from "../../TrtcError.js"
import * as Constants from "./constants.js"

/**
 * Options of the request checks.
 *
 * @internal
 */
export interface ValidateOptions {
  /**
   * "Now" in Unix seconds: when given, a `startTime` older than the retention window (or an
   * `endTime` before it) is refused before it costs a request.
   */
  readonly nowSeconds?: number | undefined
  /** The retention window in days (default 14, the standard plan's). */
  readonly retentionDays?: number | undefined
}

/** @internal */
export type Check = RequestValidationError | undefined

/** @internal */
export const fail = (action: string, field: string, problem: string, fix: string): RequestValidationError =>
  new RequestValidationError({ action, field, problem, fix })

/** @internal */
export const firstFailure = (checks: ReadonlyArray<() => Check>): Check => {
  for (const check of checks) {
    const failure = check()
    if (failure !== undefined) return failure
  }
  return undefined
}

const isWholeNumber = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n)

/** @internal */
export const requirePositiveInt = (action: string, field: string, value: number) => (): Check =>
  isWholeNumber(value) && value > 0
    ? undefined
    : fail(action, field, `must be a positive integer, got ${String(value)}`, `set ${field} to your app's SdkAppId, e.g. 1400000001`)

/** @internal */
export const requireId = (action: string, field: string, value: string, example: string) => (): Check =>
  typeof value === "string" && value.trim().length > 0
    ? undefined
    : fail(action, field, "is missing or empty", `set ${field}, e.g. ${example}`)

const formatSpan = (seconds: number): string =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`

/** @internal */
export const checkPeriod = (
  action: string,
  startTime: number,
  endTime: number,
  maxSpan: number,
  options: ValidateOptions | undefined
) => (): Check => {
  if (!isWholeNumber(startTime) || startTime < 0) {
    return fail(action, "startTime", `must be Unix seconds (a non-negative integer), got ${String(startTime)}`, "pass Math.floor(Date.now() / 1000)-style seconds, not milliseconds or a Date")
  }
  if (!isWholeNumber(endTime) || endTime < 0) {
    return fail(action, "endTime", `must be Unix seconds (a non-negative integer), got ${String(endTime)}`, "pass Math.floor(Date.now() / 1000)-style seconds, not milliseconds or a Date")
  }
  // Millisecond timestamps are the classic mistake; catch them before the server does.
  if (startTime > 1e11) {
    return fail(action, "startTime", `looks like milliseconds (${startTime})`, "divide by 1000: the API takes Unix seconds")
  }
  if (endTime > 1e11) {
    return fail(action, "endTime", `looks like milliseconds (${endTime})`, "divide by 1000: the API takes Unix seconds")
  }
  if (endTime < startTime) {
    return fail(action, "endTime", `is before startTime (${endTime} < ${startTime})`, "swap them or move endTime after startTime")
  }
  if (endTime - startTime > maxSpan) {
    return fail(action, "endTime", `span ${endTime - startTime} s exceeds the ${formatSpan(maxSpan)} limit of ${action}`, `split the period into windows of at most ${maxSpan} s`)
  }
  if (options?.nowSeconds !== undefined) {
    const days = options.retentionDays ?? Constants.retentionDays
    const oldest = options.nowSeconds - days * 86400
    if (startTime < oldest) {
      return fail(action, "startTime", `is older than the ${days}-day retention window (${startTime} < ${oldest})`, `start at ${oldest} or later; older data is gone`)
    }
  }
  return undefined
}

/** @internal */
export const checkPage = (action: string, pageNumber: number | undefined, pageSize: number | undefined, max: number) => (): Check => {
  if (pageNumber !== undefined && (!isWholeNumber(pageNumber) || pageNumber < 0)) {
    return fail(action, "pageNumber", `must be an integer ≥ 0, got ${String(pageNumber)}`, "pages are numbered from 0")
  }
  if (pageSize !== undefined && (!isWholeNumber(pageSize) || pageSize < 1 || pageSize > max)) {
    return fail(action, "pageSize", `must be an integer in 1..${max}, got ${String(pageSize)}`, `use a page size between 1 and ${max}`)
  }
  return undefined
}

/** @internal */
export const checkUserIds = (action: string, userIds: ReadonlyArray<string> | undefined, max: number, why: string) => (): Check => {
  if (userIds === undefined) return undefined
  if (userIds.length < 1 || userIds.length > max) {
    return fail(action, "userIds", `must hold 1..${max} ids${why}, got ${userIds.length}`, userIds.length < 1 ? "omit userIds to get the default users" : `split the ids into batches of at most ${max}`)
  }
  const blank = userIds.findIndex((id) => typeof id !== "string" || id.trim().length === 0)
  if (blank >= 0) {
    return fail(action, `userIds[${blank}]`, "is empty", "remove empty user ids")
  }
  return undefined
}

/** @internal */
export const toEither = <A>(request: A, failure: Check): Either.Either<A, RequestValidationError> =>
  failure === undefined ? Either.right(request) : Either.left(failure)
