/**
 * Reading and checking the business parameters of the five actions, with the error codes each
 * action documents (reference §4). Parameters arrive either as a JSON object (TC3 POST) or as
 * flattened strings (`UserIds.0=…`, GET query or form body).
 *
 * The limits here (maximum spans, page sizes, the 14-day retention and its grace, the metric
 * names) are the emulator's own copies of the protocol's facts, kept apart from core's on
 * purpose: the emulator is the independent check of the client, so a fact wrong in one of them
 * shows up as a failing test instead of agreeing with itself.
 *
 * @internal
 */
import { ApiFailure, apiFailure } from "./apiError.js"

/** Parameters as received. */
export type RawParams =
  | { readonly kind: "json"; readonly value: Readonly<Record<string, unknown>> }
  | { readonly kind: "flat"; readonly value: Readonly<Record<string, string>> }

const invalid: unique symbol = Symbol("invalid")
type Read<A> = A | undefined | typeof invalid

const intPattern = /^-?\d{1,16}$/

const readInt = (raw: RawParams, name: string): Read<number> => {
  const value = raw.value[name]
  if (value === undefined || value === null) return undefined
  if (raw.kind === "json") return typeof value === "number" && Number.isSafeInteger(value) ? value : invalid
  const text = value as string
  if (!intPattern.test(text)) return invalid
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : invalid
}

// Ids are strings on the wire; a bare integer id (`"RoomId": 223`) is taken as its digits.
const readString = (raw: RawParams, name: string): Read<string> => {
  const value = raw.value[name]
  if (value === undefined || value === null) return undefined
  if (typeof value === "string") return value
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value)
  return invalid
}

const readStringArray = (raw: RawParams, name: string): Read<ReadonlyArray<string>> => {
  if (raw.kind === "json") {
    const value = raw.value[name]
    if (value === undefined || value === null) return undefined
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return invalid
    return value as ReadonlyArray<string>
  }
  const prefix = `${name}.`
  const items: Array<[number, string]> = []
  for (const key in raw.value) {
    if (key === name) return invalid
    if (!key.startsWith(prefix)) continue
    const index = key.slice(prefix.length)
    if (!/^\d{1,3}$/.test(index)) return invalid
    items.push([Number(index), raw.value[key]!])
  }
  if (items.length === 0) return undefined
  items.sort((a, b) => a[0] - b[0])
  // Flattened lists are numbered from 0 without gaps.
  if (items.some(([index], i) => index !== i)) return invalid
  return items.map(([, value]) => value)
}

/** The settings that decide time checks. */
export interface CheckContext {
  readonly nowSeconds: number
  readonly retentionDays: 7 | 14
}

/** How far before the retention edge a start time is still taken, so a client that clamps its
 * start to the edge with a slightly different clock is not refused. */
export const retentionGraceSeconds = 300

const day = 86400
const maxRetentionDays = 14

/** `DescribeRoomInfo`, checked. */
export interface RoomInfoQuery {
  readonly sdkAppId: number
  readonly startTime: number
  readonly endTime: number
  readonly roomId: string | undefined
  readonly pageNumber: number
  readonly pageSize: number
}

/** `DescribeUserInfo` and `DescribeCallDetailInfo`, checked. */
export interface UserInfoQuery {
  readonly commId: string
  readonly sdkAppId: number
  readonly startTime: number
  readonly endTime: number
  readonly userIds: ReadonlyArray<string> | undefined
  readonly dataTypes: ReadonlyArray<string> | undefined
  readonly pageNumber: number
  readonly pageSize: number
}

/** `DescribeUserEvent`, checked. */
export interface UserEventQuery {
  readonly commId: string
  readonly sdkAppId: number
  readonly startTime: number
  readonly endTime: number
  readonly userId: string
  readonly roomId: string
}

/** `DescribeUnusualEvent`, checked. */
export interface UnusualEventQuery {
  readonly sdkAppId: number
  readonly startTime: number
  readonly endTime: number
  readonly roomId: string | undefined
}

/**
 * Every metric `DataType` may name (`all` expands to these), from reference §4. The emulator keeps
 * its own copy of the wire facts on purpose: it is the independent check of the client, and
 * core's test `EmulatorWire.test.ts` compares the two.
 */
export const metrics: ReadonlyArray<string> = [
  "appCpu",
  "sysCpu",
  "aBit",
  "aBlock",
  "bigvBit",
  "bigvCapFps",
  "bigvEncFps",
  "bigvDecFps",
  "bigvBlock",
  "aLoss",
  "bigvLoss",
  "bigvWidth",
  "bigvHeight",
  "aCapEnergy",
  "aPlayEnergy",
  "rtt",
  "bigvRecFps"
]

const metricSet = new Set(metrics)

type Result<A> = A | ApiFailure

const checkTimes = (
  raw: RawParams,
  ctx: CheckContext,
  codes: { readonly endTs: string; readonly planOversize: string; readonly maxSpan: number }
): Result<{ readonly startTime: number; readonly endTime: number }> => {
  const startTime = readInt(raw, "StartTime")
  if (startTime === invalid || (startTime !== undefined && startTime < 0)) {
    return apiFailure("InvalidParameter.StartTs", "Invalid `StartTs`: `StartTime` must be Unix seconds, a non-negative integer.")
  }
  const endTime = readInt(raw, "EndTime")
  if (endTime === invalid || (endTime !== undefined && endTime < 0)) {
    return apiFailure(codes.endTs, "Invalid `EndTs`: `EndTime` must be Unix seconds, a non-negative integer.")
  }
  if (startTime === undefined) return apiFailure("MissingParameter.StartTs", "`startTS_s` is missing: the request is missing a required parameter `StartTime`.")
  if (endTime === undefined) return apiFailure("MissingParameter.EndTs", "`endTS_s` is missing: the request is missing a required parameter `EndTime`.")
  if (endTime < startTime) return apiFailure(codes.endTs, `Invalid \`EndTs\`: \`EndTime\` (${endTime}) is earlier than \`StartTime\` (${startTime}).`)
  if (endTime - startTime > codes.maxSpan) {
    return apiFailure("InvalidParameter.QueryScaleOversize", `The query period exceeds the limit: \`EndTime\` - \`StartTime\` is ${endTime - startTime} s, at most ${codes.maxSpan} s is allowed.`)
  }
  if (startTime < ctx.nowSeconds - maxRetentionDays * day - retentionGraceSeconds) {
    return apiFailure("InvalidParameter.StartTsOversize", `The start time for query exceeded the limit: only data of the last ${maxRetentionDays} days can be queried.`)
  }
  if (startTime < ctx.nowSeconds - ctx.retentionDays * day - retentionGraceSeconds) {
    return apiFailure(codes.planOversize, `The query start time exceeds the range allowed by the current dashboard edition: only data of the last ${ctx.retentionDays} days can be queried.`)
  }
  return { startTime, endTime }
}

const checkPaging = (
  raw: RawParams,
  defaultSize: number,
  maxSize: number
): Result<{ readonly pageNumber: number; readonly pageSize: number }> => {
  const pageNumber = readInt(raw, "PageNumber")
  if (pageNumber === invalid || (pageNumber !== undefined && pageNumber < 0)) {
    return apiFailure("InvalidParameter.PageNumber", "Invalid `PageNumber`: it must be an integer from 0.")
  }
  const pageSize = readInt(raw, "PageSize")
  if (pageSize === invalid || (pageSize !== undefined && pageSize < 1)) {
    return apiFailure("InvalidParameter.PageSize", "Invalid `PageSize`: it must be an integer from 1 to 100.")
  }
  if (pageSize !== undefined && pageSize > 100) return apiFailure("InvalidParameter.PageSizeOversize", "The value of `PageSize` exceeds 100.")
  if (pageSize !== undefined && pageSize > maxSize) {
    return apiFailure("InvalidParameter.PageSize", `Invalid \`PageSize\`: at most ${maxSize} when \`DataType\` is set.`)
  }
  return { pageNumber: pageNumber ?? 0, pageSize: pageSize ?? defaultSize }
}

const checkSdkAppId = (raw: RawParams, missingCode: string, invalidCode: string): Result<number> => {
  const sdkAppId = readInt(raw, "SdkAppId")
  if (sdkAppId === undefined) return apiFailure(missingCode, "The request is missing a required parameter `SdkAppId`.")
  if (sdkAppId === invalid || sdkAppId <= 0) return apiFailure(invalidCode, "`SdkAppId` is incorrect: it must be a positive integer.")
  return sdkAppId
}

const checkCommId = (raw: RawParams): Result<string> => {
  const value = raw.value["CommId"]
  // A call id is never a bare number: it holds the app id, the room id and a time.
  const commId = typeof value === "number" ? invalid : readString(raw, "CommId")
  if (commId === undefined || commId === "") return apiFailure("MissingParameter.CommId", "`CommId` is missing.")
  if (commId === invalid) return apiFailure("InvalidParameter", "Parameter `CommId` type error: it must be a string.")
  return commId
}

const missingBoth = (raw: RawParams): ApiFailure | undefined =>
  (raw.value["CommId"] === undefined || raw.value["CommId"] === null) && (raw.value["SdkAppId"] === undefined || raw.value["SdkAppId"] === null)
    ? apiFailure("MissingParameter.CommIdOrSdkAppId", "`SdkAppId` or `CommId` missing.")
    : undefined

/** Checks a `DescribeRoomInfo` request. */
export const roomInfo = (raw: RawParams, ctx: CheckContext): Result<RoomInfoQuery> => {
  const sdkAppId = checkSdkAppId(raw, "MissingParameter.SdkAppId", "InvalidParameter.SdkAppId")
  if (sdkAppId instanceof ApiFailure) return sdkAppId
  const times = checkTimes(raw, ctx, { endTs: "InvalidParameter.EndTs", planOversize: "InvalidParameter.StartTimeOversize", maxSpan: day })
  if (times instanceof ApiFailure) return times
  const roomId = readString(raw, "RoomId")
  if (roomId === invalid || roomId === "") return apiFailure("MissingParameter.RoomNum", "`RoomNum` is missing: `RoomId` must be a non-empty string when given.")
  const paging = checkPaging(raw, 10, 100)
  if (paging instanceof ApiFailure) return paging
  return { sdkAppId, ...times, roomId, ...paging }
}

const userIdsAndTypes = (raw: RawParams, withTypes: boolean): Result<Pick<UserInfoQuery, "userIds" | "dataTypes">> => {
  let dataTypes: ReadonlyArray<string> | undefined = undefined
  if (withTypes) {
    const types = readStringArray(raw, "DataType")
    if (types === invalid) return apiFailure("InvalidParameter", "Parameter `DataType` type error: it must be an array of strings.")
    if (types !== undefined && types.length > 0) {
      const unknown = types.find((type) => type !== "all" && !metricSet.has(type))
      if (unknown !== undefined) return apiFailure("InvalidParameter", `Parameter \`DataType\` value \`${unknown.slice(0, 40)}\` is not supported.`)
      dataTypes = types.includes("all") ? metrics : [...new Set(types)]
    }
  }
  const userIds = readStringArray(raw, "UserIds")
  if (userIds === invalid) return apiFailure("InvalidParameter", "Parameter `UserIds` type error: it must be an array of strings.")
  if (userIds !== undefined) {
    if (userIds.some((id) => id === "")) return apiFailure("InvalidParameter", "Parameter `UserIds` must not contain an empty user id.")
    if (dataTypes !== undefined && userIds.length > 6) return apiFailure("InvalidParameter.UserIdsMorethanSix", "The number of users exceeds 6: with `DataType` at most 6 `UserIds` are allowed.")
    if (userIds.length > 100) return apiFailure("InvalidParameter", "Parameter `UserIds` holds more than 100 user ids.")
  }
  return { userIds: userIds !== undefined && userIds.length > 0 ? userIds : undefined, dataTypes }
}

const userQuery = (raw: RawParams, ctx: CheckContext, withTypes: boolean): Result<UserInfoQuery> => {
  const both = missingBoth(raw)
  if (both !== undefined) return both
  const commId = checkCommId(raw)
  if (commId instanceof ApiFailure) return commId
  const sdkAppId = checkSdkAppId(raw, "MissingParameter.SdkAppId", "InvalidParameter.SdkAppId")
  if (sdkAppId instanceof ApiFailure) return sdkAppId
  const lists = userIdsAndTypes(raw, withTypes)
  if (lists instanceof ApiFailure) return lists
  const maxSpan = lists.dataTypes !== undefined ? 3600 : 4 * 3600
  const times = checkTimes(raw, ctx, { endTs: "InvalidParameter", planOversize: "InvalidParameter.StartTimeOversize", maxSpan })
  if (times instanceof ApiFailure) return times
  const paging = checkPaging(raw, 6, lists.dataTypes !== undefined ? 6 : 100)
  if (paging instanceof ApiFailure) return paging
  return { commId, sdkAppId, ...times, ...lists, ...paging }
}

/** Checks a `DescribeUserInfo` request. */
export const userInfo = (raw: RawParams, ctx: CheckContext): Result<UserInfoQuery> => userQuery(raw, ctx, false)

/** Checks a `DescribeCallDetailInfo` request. */
export const callDetailInfo = (raw: RawParams, ctx: CheckContext): Result<UserInfoQuery> => userQuery(raw, ctx, true)

/** Checks a `DescribeUserEvent` request. */
export const userEvent = (raw: RawParams, ctx: CheckContext): Result<UserEventQuery> => {
  const both = missingBoth(raw)
  if (both !== undefined) return both
  const commId = checkCommId(raw)
  if (commId instanceof ApiFailure) return commId
  const sdkAppId = checkSdkAppId(raw, "MissingParameter.AppId", "InvalidParameter")
  if (sdkAppId instanceof ApiFailure) return sdkAppId
  const userId = readString(raw, "UserId")
  if (userId === undefined) return apiFailure("MissingParameter.UserId", "Missing `UserId` parameter.")
  if (userId === invalid || userId === "") return apiFailure("InvalidParameter.UserId", "Invalid `UserId`: it must be a non-empty string.")
  const roomId = readString(raw, "RoomId")
  if (roomId === undefined) return apiFailure("MissingParameter.RoomId", "`RoomId` is missing.")
  if (roomId === invalid || roomId === "") return apiFailure("InvalidParameter", "Parameter `RoomId` must be a non-empty string.")
  const times = checkTimes(raw, ctx, { endTs: "InvalidParameter.EndTs", planOversize: "InvalidParameter.StartTsOversize", maxSpan: Number.POSITIVE_INFINITY })
  if (times instanceof ApiFailure) return times
  return { commId, sdkAppId, userId, roomId, ...times }
}

/**
 * Checks a `DescribeUnusualEvent` request: a window of at most 1 h. Its codes are the ones the
 * official Go SDK lists for this action (tencentcloud-sdk-go `trtc/v20190722/client.go`): no
 * `InvalidParameter.EndTs` (a bad end is `InvalidParameter`) and `StartTimeExpire` where the
 * other actions say `StartTimeOversize` for the plan's window.
 */
export const unusualEvent = (raw: RawParams, ctx: CheckContext): Result<UnusualEventQuery> => {
  const sdkAppId = checkSdkAppId(raw, "MissingParameter.SdkAppId", "InvalidParameter.SdkAppId")
  if (sdkAppId instanceof ApiFailure) return sdkAppId
  const times = checkTimes(raw, ctx, { endTs: "InvalidParameter", planOversize: "InvalidParameter.StartTimeExpire", maxSpan: 3600 })
  if (times instanceof ApiFailure) return times
  const roomId = readString(raw, "RoomId")
  if (roomId === invalid || roomId === "") return apiFailure("InvalidParameter", "Parameter `RoomId` must be a non-empty string when given.")
  return { sdkAppId, ...times, roomId }
}

/**
 * Decodes a query string or form body strictly: a malformed percent escape is an error (the
 * real service answers `UrlParamsError` / `EncodeParams`), unlike `URLSearchParams`.
 */
export const decodeFlat = (text: string): Record<string, string> | undefined => {
  const out: Record<string, string> = Object.create(null)
  if (text.length === 0) return out
  for (const pair of text.split("&")) {
    if (pair.length === 0) continue
    const eq = pair.indexOf("=")
    const rawName = eq < 0 ? pair : pair.slice(0, eq)
    const rawValue = eq < 0 ? "" : pair.slice(eq + 1)
    try {
      out[decodeURIComponent(rawName.replace(/\+/g, " "))] = decodeURIComponent(rawValue.replace(/\+/g, " "))
    } catch {
      return undefined
    }
  }
  return out
}
