/**
 * Wire models of the TRTC Call Quality Monitoring API (version `2019-07-22`): one
 * `Schema.Class` per request, response and data type, camelCase in TypeScript and PascalCase
 * on the wire, plus the constants (actions, version, regions, limits) and the checks a request
 * must pass before it is sent.
 *
 * Numbers that the API declares as int64/uint64 (`SdkAppId`, times, `ParamOne`, `ParamTwo`)
 * stay `number`: every value the API documents fits in 2^53 (app ids ~1.4e9, Unix ms ~1.7e12,
 * event parameters are resolutions, rates and enum codes), and `JSON.parse` yields a `number`
 * anyway, so a `bigint` type would only promise a precision the decoder cannot deliver. In a
 * response they must be safe integers ({@link WireInt}; `TimeValue.Value` finite,
 * {@link WireFloat}): a number past 2^53 is no longer exact, and `1e400` parses to `Infinity`.
 * Request numbers stay `Schema.Number` so that a wrong one reaches the `validate*` checks and
 * fails as a `RequestValidationError` naming the field, not as a constructor's parse error.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as FastDecode from "./internal/fastDecode.js"
import { RequestValidationError } from "./TrtcError.js"

// ---------------------------------------------------------------------------
// constants
// ---------------------------------------------------------------------------

/**
 * The four TRTC Call Quality Monitoring actions this library speaks.
 *
 * @since 0.1.0
 * @category constants
 */
export const actions = [
  "DescribeRoomInfo",
  "DescribeUserInfo",
  "DescribeCallDetailInfo",
  "DescribeUserEvent"
] as const

/**
 * One of {@link actions}.
 *
 * @since 0.1.0
 * @category models
 */
export type Action = typeof actions[number]

/**
 * The API version sent as `X-TC-Version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "2019-07-22"

/**
 * The product name: the service in the TC3 credential scope and the first label of the host.
 *
 * @since 0.1.0
 * @category constants
 */
export const service = "trtc"

/**
 * Regions the TRTC monitoring API documents for `X-TC-Region` (international docs; the CN docs
 * list only `ap-beijing` and `ap-guangzhou`).
 *
 * @since 0.1.0
 * @category constants
 */
export const regions = [
  "ap-beijing",
  "ap-guangzhou",
  "ap-mumbai",
  "ap-singapore",
  "na-toronto"
] as const

/**
 * One of {@link regions}.
 *
 * @since 0.1.0
 * @category models
 */
export type Region = typeof regions[number]

/**
 * The default endpoint (nearest CN access point; the official SDKs' default).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultEndpoint = "trtc.tencentcloudapi.com"

/**
 * The international "local access region" endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const internationalEndpoint = "trtc.intl.tencentcloudapi.com"

/**
 * Regions that have their own endpoint `trtc.<region>.tencentcloudapi.com`.
 *
 * @since 0.1.0
 * @category constants
 */
export const endpointRegions = [
  "ap-guangzhou",
  "ap-shanghai",
  "ap-nanjing",
  "ap-beijing",
  "ap-chengdu",
  "ap-chongqing",
  "ap-hongkong",
  "ap-singapore",
  "ap-jakarta",
  "ap-bangkok",
  "ap-seoul",
  "ap-tokyo",
  "na-ashburn",
  "na-siliconvalley",
  "sa-saopaulo",
  "eu-frankfurt"
] as const

/**
 * The regional endpoint host for a region.
 *
 * @since 0.1.0
 * @category constants
 */
export const regionalEndpoint = (region: string): string => `trtc.${region}.tencentcloudapi.com`

/**
 * The documented request rate limit of each action, per second.
 *
 * @since 0.1.0
 * @category constants
 */
export const requestsPerSecond = 20

/**
 * How many days back the API keeps data (14; 7 on the smaller paid plans).
 *
 * @since 0.1.0
 * @category constants
 */
export const retentionDays = 14

/**
 * The longest `EndTime − StartTime` each action accepts, in seconds. `DescribeCallDetailInfo`
 * allows 1 h when `DataType` is set and 4 h otherwise; `DescribeUserEvent` documents no limit.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxSpanSeconds = {
  DescribeRoomInfo: 86400,
  DescribeUserInfo: 14400,
  DescribeCallDetailInfo: 14400,
  DescribeCallDetailInfoWithDataType: 3600,
  DescribeUserEvent: Number.POSITIVE_INFINITY
} as const

/**
 * The largest `PageSize` any action accepts.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSize = 100

/**
 * The largest `PageSize` (and `UserIds` length) of `DescribeCallDetailInfo` with `DataType`.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSizeWithDataType = 6

/**
 * The largest `UserIds` length.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxUserIds = 100

/**
 * The page size the API uses when `PageNumber` or `PageSize` is omitted.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPageSize = {
  DescribeRoomInfo: 10,
  DescribeUserInfo: 6,
  DescribeCallDetailInfo: 6
} as const

/**
 * Metric names accepted in `DataType` (`all` asks for every metric). Other strings are passed
 * through: the CN docs list more than the EN ones, and the list grows.
 *
 * @since 0.1.0
 * @category constants
 */
export const dataTypes = [
  "all",
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
] as const

// ---------------------------------------------------------------------------
// field helpers
// ---------------------------------------------------------------------------

// The wire key is a literal type parameter: with `key: string` the Encoded side of every class
// became an index signature, and the emitted .d.ts did not typecheck (TS2411) for users.
const field = <const K extends string, S extends Schema.Schema.All>(key: K, schema: S) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(key))

const optionalField = <const K extends string, S extends Schema.Schema.All>(key: K, schema: S) =>
  Schema.optional(schema).pipe(Schema.fromKey(key))

// The docs say list keys "may be null"; a missing or null list is an empty one.
const listField = <const K extends string, S extends Schema.Schema.Any>(key: K, schema: S) =>
  Schema.optionalWith(Schema.Array(schema), { nullable: true, default: () => [] }).pipe(Schema.fromKey(key))

/**
 * A wire integer (times, ids, counts, event codes and parameters, `Total`): a safe integer.
 * `JSON.parse` turns `1e400` into `Infinity` and `1.5` stays `1.5`; neither is a time or an id,
 * so such a body is refused as a `ResponseDecodeError` (UnexpectedShape) instead of handing a
 * non-number on to arithmetic, windows and `Date`s.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WireInt = Schema.Int

/**
 * A wire time (Unix seconds or milliseconds: `CreateTime`, `JoinTs`, `Time`, …): a safe integer
 * that is not negative. A negative time is a broken server, not a moment before 1970: it is a
 * `ResponseDecodeError` naming the field rather than a record sorted first and clamped away.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WireTime = Schema.NonNegativeInt

/**
 * A wire float (`TimeValue.Value`): any finite number, never `Infinity` or `NaN`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WireFloat = Schema.Finite

// `Total` is documented but ambiguous; tolerate it missing or null rather than fail a page.
const totalField = Schema.optionalWith(WireInt, { nullable: true, default: () => 0 }).pipe(
  Schema.fromKey("Total")
)

const requestIdField = field("RequestId", Schema.String)

// ---------------------------------------------------------------------------
// data types
// ---------------------------------------------------------------------------

/**
 * One event reported by a client SDK (`EventMessage`).
 *
 * @since 0.1.0
 * @category models
 */
export class EventMessage extends Schema.Class<EventMessage>("EventMessage")({
  /** Video stream type: 0 non-video event, 2 big, 3 small, 7 relayed. */
  type: field("Type", WireInt),
  /** Report time, Unix milliseconds. */
  timeMs: field("Time", WireTime),
  /** See `EventCatalogue`. */
  eventId: field("EventId", WireInt),
  /** First parameter (e.g. width); -1 when none. int64 on the wire. */
  paramOne: field("ParamOne", WireInt),
  /** Second parameter (e.g. height); -1 when none. int64 on the wire. */
  paramTwo: field("ParamTwo", WireInt)
}) {}

/**
 * The events sent by one peer (`EventList`).
 *
 * @since 0.1.0
 * @category models
 */
export class EventList extends Schema.Class<EventList>("EventList")({
  /** The sender's user id. */
  peerId: field("PeerId", Schema.String),
  content: listField("Content", EventMessage)
}) {}

/**
 * One room (call) of an app (`RoomState`).
 *
 * @since 0.1.0
 * @category models
 */
export class RoomState extends Schema.Class<RoomState>("RoomState")({
  /** The call id `SdkAppId_RoomId_CreateTime`. */
  commId: field("CommId", Schema.String),
  roomId: field("RoomString", Schema.String),
  /** Unix seconds. */
  createTime: field("CreateTime", WireTime),
  /** Unix seconds. */
  destroyTime: field("DestroyTime", WireTime),
  isFinished: field("IsFinished", Schema.Boolean),
  /** The room's creator. */
  userId: field("UserId", Schema.String)
}) {}

/**
 * One user session in a call (`UserInformation`).
 *
 * @since 0.1.0
 * @category models
 */
export class UserInformation extends Schema.Class<UserInformation>("UserInformation")({
  roomId: field("RoomStr", Schema.String),
  userId: field("UserId", Schema.String),
  /** Unix seconds. */
  joinTs: field("JoinTs", WireTime),
  /** Unix seconds; the current time while the user is still in the room. */
  leaveTs: field("LeaveTs", WireTime),
  deviceType: field("DeviceType", Schema.String),
  sdkVersion: field("SdkVersion", Schema.String),
  clientIp: field("ClientIp", Schema.String),
  /** The user has left. */
  finished: field("Finished", Schema.Boolean)
}) {}

/**
 * One sample of a metric (`TimeValue`).
 *
 * @since 0.1.0
 * @category models
 */
export class TimeValue extends Schema.Class<TimeValue>("TimeValue")({
  /** Unix seconds. */
  time: field("Time", WireTime),
  value: field("Value", WireFloat)
}) {}

/**
 * A metric's samples for one user (and peer) (`QualityData`).
 *
 * @since 0.1.0
 * @category models
 */
export class QualityData extends Schema.Class<QualityData>("QualityData")({
  content: listField("Content", TimeValue),
  userId: field("UserId", Schema.String),
  /** The remote user; empty for upstream data (the docs say it may be null). */
  peerId: Schema.optionalWith(Schema.String, { nullable: true, default: () => "" }).pipe(Schema.fromKey("PeerId")),
  dataType: field("DataType", Schema.String)
}) {}

// ---------------------------------------------------------------------------
// requests
// ---------------------------------------------------------------------------

/**
 * `DescribeRoomInfo`: the rooms of an app in a period of at most 24 h.
 *
 * @since 0.1.0
 * @category requests
 */
export class DescribeRoomInfoRequest extends Schema.Class<DescribeRoomInfoRequest>("DescribeRoomInfoRequest")({
  sdkAppId: field("SdkAppId", Schema.Number),
  /** Unix seconds. */
  startTime: field("StartTime", Schema.Number),
  /** Unix seconds. */
  endTime: field("EndTime", Schema.Number),
  roomId: optionalField("RoomId", Schema.String),
  /** 0-based page index. */
  pageNumber: optionalField("PageNumber", Schema.Number),
  pageSize: optionalField("PageSize", Schema.Number)
}) {}

/**
 * `DescribeUserInfo`: the users of a call in a period of at most 4 h.
 *
 * @since 0.1.0
 * @category requests
 */
export class DescribeUserInfoRequest extends Schema.Class<DescribeUserInfoRequest>("DescribeUserInfoRequest")({
  commId: field("CommId", Schema.String),
  /** Unix seconds. */
  startTime: field("StartTime", Schema.Number),
  /** Unix seconds. */
  endTime: field("EndTime", Schema.Number),
  sdkAppId: field("SdkAppId", Schema.Number),
  userIds: optionalField("UserIds", Schema.Array(Schema.String)),
  pageNumber: optionalField("PageNumber", Schema.Number),
  pageSize: optionalField("PageSize", Schema.Number)
}) {}

/**
 * `DescribeCallDetailInfo`: users and quality metrics of a call (at most 1 h with `DataType`,
 * 4 h without).
 *
 * @since 0.1.0
 * @category requests
 */
export class DescribeCallDetailInfoRequest
  extends Schema.Class<DescribeCallDetailInfoRequest>("DescribeCallDetailInfoRequest")({
    commId: field("CommId", Schema.String),
    /** Unix seconds. */
    startTime: field("StartTime", Schema.Number),
    /** Unix seconds. */
    endTime: field("EndTime", Schema.Number),
    sdkAppId: field("SdkAppId", Schema.Number),
    userIds: optionalField("UserIds", Schema.Array(Schema.String)),
    /** Metric names, see {@link dataTypes}. */
    dataType: optionalField("DataType", Schema.Array(Schema.String)),
    pageNumber: optionalField("PageNumber", Schema.Number),
    pageSize: optionalField("PageSize", Schema.Number)
  }) {}

/**
 * `DescribeUserEvent`: the events one user saw in one call.
 *
 * @since 0.1.0
 * @category requests
 */
export class DescribeUserEventRequest extends Schema.Class<DescribeUserEventRequest>("DescribeUserEventRequest")({
  commId: field("CommId", Schema.String),
  /** Unix seconds. */
  startTime: field("StartTime", Schema.Number),
  /** Unix seconds; later than the room's end means the room's end. */
  endTime: field("EndTime", Schema.Number),
  userId: field("UserId", Schema.String),
  roomId: field("RoomId", Schema.String),
  sdkAppId: field("SdkAppId", Schema.Number)
}) {}

// ---------------------------------------------------------------------------
// responses (the object inside `{"Response": ...}`)
// ---------------------------------------------------------------------------

/**
 * The success body of `DescribeRoomInfo`.
 *
 * @since 0.1.0
 * @category responses
 */
export class DescribeRoomInfoResponse extends Schema.Class<DescribeRoomInfoResponse>("DescribeRoomInfoResponse")({
  /** Ambiguous in the docs (page count or grand total); do not page by it. */
  total: totalField,
  roomList: listField("RoomList", RoomState),
  requestId: requestIdField
}) {}

/**
 * The success body of `DescribeUserInfo`.
 *
 * @since 0.1.0
 * @category responses
 */
export class DescribeUserInfoResponse extends Schema.Class<DescribeUserInfoResponse>("DescribeUserInfoResponse")({
  total: totalField,
  userList: listField("UserList", UserInformation),
  requestId: requestIdField
}) {}

/**
 * The success body of `DescribeCallDetailInfo`.
 *
 * @since 0.1.0
 * @category responses
 */
export class DescribeCallDetailInfoResponse
  extends Schema.Class<DescribeCallDetailInfoResponse>("DescribeCallDetailInfoResponse")({
    total: totalField,
    userList: listField("UserList", UserInformation),
    data: listField("Data", QualityData),
    requestId: requestIdField
  }) {}

/**
 * The success body of `DescribeUserEvent`.
 *
 * @since 0.1.0
 * @category responses
 */
export class DescribeUserEventResponse extends Schema.Class<DescribeUserEventResponse>("DescribeUserEventResponse")({
  data: listField("Data", EventList),
  requestId: requestIdField
}) {}

// The fast path of decoding the four responses and encoding the four requests (see
// internal/fastDecode.ts): the same fields, wire keys and defaults as the classes above; change
// them together (the property test in test/fastDecode.test.ts fails when they drift apart).
const list = <A>(element: FastDecode.Decoder<A>) => FastDecode.orDefault(FastDecode.array(element), () => [])
const total = FastDecode.orDefault(FastDecode.int, () => 0)
const eventMessage = FastDecode.classOf(EventMessage, [
  ["type", "Type", FastDecode.int],
  ["timeMs", "Time", FastDecode.time],
  ["eventId", "EventId", FastDecode.int],
  ["paramOne", "ParamOne", FastDecode.int],
  ["paramTwo", "ParamTwo", FastDecode.int]
])
const eventList = FastDecode.classOf(EventList, [
  ["peerId", "PeerId", FastDecode.string],
  ["content", "Content", list(eventMessage)]
])
const roomState = FastDecode.classOf(RoomState, [
  ["commId", "CommId", FastDecode.string],
  ["roomId", "RoomString", FastDecode.string],
  ["createTime", "CreateTime", FastDecode.time],
  ["destroyTime", "DestroyTime", FastDecode.time],
  ["isFinished", "IsFinished", FastDecode.boolean],
  ["userId", "UserId", FastDecode.string]
])
const userInformation = FastDecode.classOf(UserInformation, [
  ["roomId", "RoomStr", FastDecode.string],
  ["userId", "UserId", FastDecode.string],
  ["joinTs", "JoinTs", FastDecode.time],
  ["leaveTs", "LeaveTs", FastDecode.time],
  ["deviceType", "DeviceType", FastDecode.string],
  ["sdkVersion", "SdkVersion", FastDecode.string],
  ["clientIp", "ClientIp", FastDecode.string],
  ["finished", "Finished", FastDecode.boolean]
])
const timeValue = FastDecode.classOf(TimeValue, [
  ["time", "Time", FastDecode.time],
  ["value", "Value", FastDecode.finite]
])
const qualityData = FastDecode.classOf(QualityData, [
  ["content", "Content", list(timeValue)],
  ["userId", "UserId", FastDecode.string],
  ["peerId", "PeerId", FastDecode.orDefault(FastDecode.string, () => "")],
  ["dataType", "DataType", FastDecode.string]
])
FastDecode.register(DescribeRoomInfoResponse, FastDecode.classOf(DescribeRoomInfoResponse, [
  ["total", "Total", total],
  ["roomList", "RoomList", list(roomState)],
  ["requestId", "RequestId", FastDecode.string]
]))
FastDecode.register(DescribeUserInfoResponse, FastDecode.classOf(DescribeUserInfoResponse, [
  ["total", "Total", total],
  ["userList", "UserList", list(userInformation)],
  ["requestId", "RequestId", FastDecode.string]
]))
FastDecode.register(DescribeCallDetailInfoResponse, FastDecode.classOf(DescribeCallDetailInfoResponse, [
  ["total", "Total", total],
  ["userList", "UserList", list(userInformation)],
  ["data", "Data", list(qualityData)],
  ["requestId", "RequestId", FastDecode.string]
]))
FastDecode.register(DescribeUserEventResponse, FastDecode.classOf(DescribeUserEventResponse, [
  ["data", "Data", list(eventList)],
  ["requestId", "RequestId", FastDecode.string]
]))

const num = FastDecode.number as FastDecode.FieldEncoder
const str = FastDecode.string as FastDecode.FieldEncoder
FastDecode.registerEncoder(DescribeRoomInfoRequest, FastDecode.requestOf(DescribeRoomInfoRequest, [
  ["sdkAppId", "SdkAppId", num, false],
  ["startTime", "StartTime", num, false],
  ["endTime", "EndTime", num, false],
  ["roomId", "RoomId", str, true],
  ["pageNumber", "PageNumber", num, true],
  ["pageSize", "PageSize", num, true]
]))
FastDecode.registerEncoder(DescribeUserInfoRequest, FastDecode.requestOf(DescribeUserInfoRequest, [
  ["commId", "CommId", str, false],
  ["startTime", "StartTime", num, false],
  ["endTime", "EndTime", num, false],
  ["sdkAppId", "SdkAppId", num, false],
  ["userIds", "UserIds", FastDecode.strings, true],
  ["pageNumber", "PageNumber", num, true],
  ["pageSize", "PageSize", num, true]
]))
FastDecode.registerEncoder(DescribeCallDetailInfoRequest, FastDecode.requestOf(DescribeCallDetailInfoRequest, [
  ["commId", "CommId", str, false],
  ["startTime", "StartTime", num, false],
  ["endTime", "EndTime", num, false],
  ["sdkAppId", "SdkAppId", num, false],
  ["userIds", "UserIds", FastDecode.strings, true],
  ["dataType", "DataType", FastDecode.strings, true],
  ["pageNumber", "PageNumber", num, true],
  ["pageSize", "PageSize", num, true]
]))
FastDecode.registerEncoder(DescribeUserEventRequest, FastDecode.requestOf(DescribeUserEventRequest, [
  ["commId", "CommId", str, false],
  ["startTime", "StartTime", num, false],
  ["endTime", "EndTime", num, false],
  ["userId", "UserId", str, false],
  ["roomId", "RoomId", str, false],
  ["sdkAppId", "SdkAppId", num, false]
]))

/**
 * The request and response schema of each action.
 *
 * @since 0.1.0
 * @category constants
 */
export const schemas = {
  DescribeRoomInfo: { request: DescribeRoomInfoRequest, response: DescribeRoomInfoResponse },
  DescribeUserInfo: { request: DescribeUserInfoRequest, response: DescribeUserInfoResponse },
  DescribeCallDetailInfo: { request: DescribeCallDetailInfoRequest, response: DescribeCallDetailInfoResponse },
  DescribeUserEvent: { request: DescribeUserEventRequest, response: DescribeUserEventResponse }
} as const

/**
 * The JSON body sent for a request: PascalCase keys, absent optionals left out.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toWireJson = <A extends Action>(
  action: A,
  request: Schema.Schema.Type<typeof schemas[A]["request"]>
): string => {
  const schema = schemas[action].request as unknown as Schema.Schema<unknown, unknown>
  return JSON.stringify(Schema.encodeSync(schema)(request))
}

// ---------------------------------------------------------------------------
// validation
// ---------------------------------------------------------------------------

/**
 * Options of the request checks.
 *
 * @since 0.1.0
 * @category validation
 */
export interface ValidateOptions {
  /**
   * "Now" in Unix seconds: when given, a `startTime` older than the retention window (or an
   * `endTime` before it) is refused before it costs a request.
   */
  readonly nowSeconds?: number | undefined
  /** The retention window in days (default {@link retentionDays}). */
  readonly retentionDays?: number | undefined
}

type Check = RequestValidationError | undefined

const fail = (action: Action, field: string, problem: string, fix: string): RequestValidationError =>
  new RequestValidationError({ action, field, problem, fix })

const firstFailure = (checks: ReadonlyArray<() => Check>): Check => {
  for (const check of checks) {
    const failure = check()
    if (failure !== undefined) return failure
  }
  return undefined
}

const isWholeNumber = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n)

const requirePositiveInt = (action: Action, field: string, value: number) => (): Check =>
  isWholeNumber(value) && value > 0
    ? undefined
    : fail(action, field, `must be a positive integer, got ${String(value)}`, `set ${field} to your app's SdkAppId, e.g. 1400000001`)

const requireId = (action: Action, field: string, value: string, example: string) => (): Check =>
  typeof value === "string" && value.trim().length > 0
    ? undefined
    : fail(action, field, "is missing or empty", `set ${field}, e.g. ${example}`)

const formatSpan = (seconds: number): string =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`

const checkPeriod = (
  action: Action,
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
    const days = options.retentionDays ?? retentionDays
    const oldest = options.nowSeconds - days * 86400
    if (startTime < oldest) {
      return fail(action, "startTime", `is older than the ${days}-day retention window (${startTime} < ${oldest})`, `start at ${oldest} or later; older data is gone`)
    }
  }
  return undefined
}

const checkPage = (action: Action, pageNumber: number | undefined, pageSize: number | undefined, max: number) => (): Check => {
  if (pageNumber !== undefined && (!isWholeNumber(pageNumber) || pageNumber < 0)) {
    return fail(action, "pageNumber", `must be an integer ≥ 0, got ${String(pageNumber)}`, "pages are numbered from 0")
  }
  if (pageSize !== undefined && (!isWholeNumber(pageSize) || pageSize < 1 || pageSize > max)) {
    return fail(action, "pageSize", `must be an integer in 1..${max}, got ${String(pageSize)}`, `use a page size between 1 and ${max}`)
  }
  return undefined
}

const checkUserIds = (action: Action, userIds: ReadonlyArray<string> | undefined, max: number, why: string) => (): Check => {
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

const toEither = <A>(request: A, failure: Check): Either.Either<A, RequestValidationError> =>
  failure === undefined ? Either.right(request) : Either.left(failure)

/**
 * Checks a `DescribeRoomInfo` request before it is sent.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeRoomInfo = (
  request: DescribeRoomInfoRequest,
  options?: ValidateOptions
): Either.Either<DescribeRoomInfoRequest, RequestValidationError> => {
  const action = "DescribeRoomInfo"
  return toEither(request, firstFailure([
    requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    checkPeriod(action, request.startTime, request.endTime, maxSpanSeconds.DescribeRoomInfo, options),
    () => request.roomId !== undefined && request.roomId.trim().length === 0
      ? fail(action, "roomId", "is empty", "omit roomId to list every room, or set it to a room id")
      : undefined,
    checkPage(action, request.pageNumber, request.pageSize, maxPageSize)
  ]))
}

/**
 * Checks a `DescribeUserInfo` request before it is sent.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeUserInfo = (
  request: DescribeUserInfoRequest,
  options?: ValidateOptions
): Either.Either<DescribeUserInfoRequest, RequestValidationError> => {
  const action = "DescribeUserInfo"
  return toEither(request, firstFailure([
    requireId(action, "commId", request.commId, "1400000001_room1_1700000000 (from DescribeRoomInfo)"),
    requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    checkPeriod(action, request.startTime, request.endTime, maxSpanSeconds.DescribeUserInfo, options),
    checkUserIds(action, request.userIds, maxUserIds, ""),
    checkPage(action, request.pageNumber, request.pageSize, maxPageSize)
  ]))
}

/**
 * Checks a `DescribeCallDetailInfo` request before it is sent. With `dataType` the span is at
 * most 1 h and at most 6 users (ids and page size) may be asked for.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeCallDetailInfo = (
  request: DescribeCallDetailInfoRequest,
  options?: ValidateOptions
): Either.Either<DescribeCallDetailInfoRequest, RequestValidationError> => {
  const action = "DescribeCallDetailInfo"
  const withDataType = request.dataType !== undefined
  return toEither(request, firstFailure([
    requireId(action, "commId", request.commId, "1400000001_room1_1700000000 (from DescribeRoomInfo)"),
    requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    () => {
      if (request.dataType === undefined) return undefined
      if (request.dataType.length === 0) {
        return fail(action, "dataType", "is an empty list", "omit dataType for the user list only, or pass [\"all\"]")
      }
      const blank = request.dataType.findIndex((t) => typeof t !== "string" || t.trim().length === 0)
      return blank >= 0 ? fail(action, `dataType[${blank}]`, "is empty", "remove empty metric names") : undefined
    },
    checkPeriod(
      action,
      request.startTime,
      request.endTime,
      withDataType ? maxSpanSeconds.DescribeCallDetailInfoWithDataType : maxSpanSeconds.DescribeCallDetailInfo,
      options
    ),
    withDataType
      ? checkUserIds(action, request.userIds, maxPageSizeWithDataType, " when dataType is set")
      : checkUserIds(action, request.userIds, maxUserIds, ""),
    checkPage(action, request.pageNumber, request.pageSize, withDataType ? maxPageSizeWithDataType : maxPageSize)
  ]))
}

/**
 * Checks a `DescribeUserEvent` request before it is sent.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeUserEvent = (
  request: DescribeUserEventRequest,
  options?: ValidateOptions
): Either.Either<DescribeUserEventRequest, RequestValidationError> => {
  const action = "DescribeUserEvent"
  return toEither(request, firstFailure([
    requireId(action, "commId", request.commId, "1400000001_room1_1700000000 (from DescribeRoomInfo)"),
    requireId(action, "userId", request.userId, "user_1 (from DescribeUserInfo)"),
    requireId(action, "roomId", request.roomId, "room1"),
    requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    checkPeriod(action, request.startTime, request.endTime, maxSpanSeconds.DescribeUserEvent, options)
  ]))
}

/**
 * The check of each action, by name.
 *
 * @since 0.1.0
 * @category validation
 */
export const validators = {
  DescribeRoomInfo: validateDescribeRoomInfo,
  DescribeUserInfo: validateDescribeUserInfo,
  DescribeCallDetailInfo: validateDescribeCallDetailInfo,
  DescribeUserEvent: validateDescribeUserEvent
} as const
