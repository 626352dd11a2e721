/**
 * Wire models of the TRTC Call Quality Monitoring API (version `2019-07-22`): one
 * `Schema.Class` per request, response and data type, camelCase in TypeScript and PascalCase
 * on the wire, plus the constants (actions, version, regions, limits) and the checks a request
 * must pass before it is sent. This module is the public face: each action's classes, checks
 * and limits are declared once in `internal/actions/<Action>.ts` (see `Action`), the shared
 * facts in `internal/models/constants.ts`; the tables here are derived from those.
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
import * as Schema from "effect/Schema"
import type * as ActionModule from "./Action.js"
import * as CallDetailInfo from "./internal/actions/DescribeCallDetailInfo.js"
import * as RoomInfo from "./internal/actions/DescribeRoomInfo.js"
import * as UnusualEvent from "./internal/actions/DescribeUnusualEvent.js"
import * as UserEvent from "./internal/actions/DescribeUserEvent.js"
import * as UserInfo from "./internal/actions/DescribeUserInfo.js"
import * as Table from "./internal/actions/table.js"
import * as Constants from "./internal/models/constants.js"
import * as Data from "./internal/models/data.js"
import * as Fields from "./internal/models/fields.js"
import type * as Validation from "./internal/models/validation.js"

// ---------------------------------------------------------------------------
// constants
// ---------------------------------------------------------------------------

// A table keyed by action, from each declaration: adding an action adds its row.
const byAction = <B>(f: (declaration: Table.Table[Table.ActionName]) => B): { readonly [A in Table.ActionName]: B } => {
  const out: Partial<Record<Table.ActionName, B>> = {}
  for (const name of Table.actionNames) out[name] = f(Table.table[name])
  return out as { readonly [A in Table.ActionName]: B }
}

/**
 * The TRTC Call Quality Monitoring actions this library speaks.
 *
 * @since 0.1.0
 * @category constants
 */
export const actions: typeof Table.actionNames = Table.actionNames

/**
 * One of {@link actions}.
 *
 * @since 0.1.0
 * @category models
 */
export type Action = Table.ActionName

/**
 * The declaration of each action (name, classes, checks, limits, paging, retention, error
 * codes): what `Trtc.make` and the streams are built from.
 *
 * @since 0.1.0
 * @category constants
 */
export const declarations: Table.Table = Table.table

/**
 * The type of {@link declarations}.
 *
 * @since 0.1.0
 * @category models
 */
export type Declarations = Table.Table

/**
 * The API version sent as `X-TC-Version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const version: typeof Constants.version = Constants.version

/**
 * The product name: the service in the TC3 credential scope and the first label of the host.
 *
 * @since 0.1.0
 * @category constants
 */
export const service: typeof Constants.service = Constants.service

/**
 * Regions the TRTC monitoring API documents for `X-TC-Region` (international docs; the CN docs
 * list only `ap-beijing` and `ap-guangzhou`).
 *
 * @since 0.1.0
 * @category constants
 */
export const regions: typeof Constants.regions = Constants.regions

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
export const defaultEndpoint: typeof Constants.defaultEndpoint = Constants.defaultEndpoint

/**
 * The international "local access region" endpoint.
 *
 * @since 0.1.0
 * @category constants
 */
export const internationalEndpoint: typeof Constants.internationalEndpoint = Constants.internationalEndpoint

/**
 * Regions that have their own endpoint `trtc.<region>.tencentcloudapi.com`.
 *
 * @since 0.1.0
 * @category constants
 */
export const endpointRegions: typeof Constants.endpointRegions = Constants.endpointRegions

/**
 * The regional endpoint host for a region.
 *
 * @since 0.1.0
 * @category constants
 */
export const regionalEndpoint = (region: string): string => `trtc.${region}.tencentcloudapi.com`

/**
 * The documented request rate limit of each action, per second (the `RateLimiter` default).
 *
 * @since 0.1.0
 * @category constants
 */
export const requestsPerSecond: number = Constants.requestsPerSecond

/**
 * How many days back the API keeps data (14; 7 on the smaller paid plans).
 *
 * @since 0.1.0
 * @category constants
 */
export const retentionDays: number = Constants.retentionDays

/**
 * The longest `EndTime − StartTime` each action accepts, in seconds, from the declarations.
 * `DescribeCallDetailInfo` allows 1 h when `DataType` is set (`…WithDataType`) and 4 h
 * otherwise; `DescribeUserEvent` documents no limit.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxSpanSeconds: { readonly [A in Action]: number } & { readonly DescribeCallDetailInfoWithDataType: number } = {
  ...byAction((declaration) => declaration.maxSpanSeconds),
  DescribeCallDetailInfoWithDataType: Table.table.DescribeCallDetailInfo.maxSpanSecondsWithDataType
}

/**
 * The largest `PageSize` any action accepts.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSize: number = Constants.maxPageSize

/**
 * The largest `PageSize` (and `UserIds` length) of `DescribeCallDetailInfo` with `DataType`.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSizeWithDataType: number = Constants.maxPageSizeWithDataType

/**
 * The largest `UserIds` length.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxUserIds: number = Constants.maxUserIds

/**
 * The page size the API uses when `PageNumber` or `PageSize` is omitted, for the paged actions.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPageSize = {
  DescribeRoomInfo: Table.table.DescribeRoomInfo.paging.defaultPageSize,
  DescribeUserInfo: Table.table.DescribeUserInfo.paging.defaultPageSize,
  DescribeCallDetailInfo: Table.table.DescribeCallDetailInfo.paging.defaultPageSize
} as const

/**
 * Metric names accepted in `DataType` (`all` asks for every metric). Other strings are passed
 * through: the CN docs list more than the EN ones, and the list grows.
 *
 * @since 0.1.0
 * @category constants
 */
export const dataTypes: typeof Constants.dataTypes = Constants.dataTypes

// ---------------------------------------------------------------------------
// wire schemas
// ---------------------------------------------------------------------------

/**
 * A wire integer (times, ids, counts, event codes and parameters, `Total`): a safe integer.
 * `JSON.parse` turns `1e400` into `Infinity` and `1.5` stays `1.5`; neither is a time or an id,
 * so such a body is refused as a `ResponseDecodeError` (UnexpectedShape) instead of handing a
 * non-number on to arithmetic, windows and `Date`s.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WireInt: typeof Schema.Int = Fields.WireInt

/**
 * A wire time (Unix seconds or milliseconds: `CreateTime`, `JoinTs`, `Time`, …): a safe integer
 * that is not negative. A negative time is a broken server, not a moment before 1970: it is a
 * `ResponseDecodeError` naming the field rather than a record sorted first and clamped away.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WireTime: typeof Schema.NonNegativeInt = Fields.WireTime

/**
 * A wire float (`TimeValue.Value`): any finite number, never `Infinity` or `NaN`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WireFloat: typeof Schema.Finite = Fields.WireFloat

// ---------------------------------------------------------------------------
// data types
// ---------------------------------------------------------------------------

/**
 * One event reported by a client SDK (`EventMessage`).
 *
 * @since 0.1.0
 * @category models
 */
export const EventMessage: typeof Data.EventMessage = Data.EventMessage

/**
 * @since 0.1.0
 * @category models
 */
export type EventMessage = Data.EventMessage

/**
 * The events sent by one peer (`EventList`).
 *
 * @since 0.1.0
 * @category models
 */
export const EventList: typeof Data.EventList = Data.EventList

/**
 * @since 0.1.0
 * @category models
 */
export type EventList = Data.EventList

/**
 * One room (call) of an app (`RoomState`).
 *
 * @since 0.1.0
 * @category models
 */
export const RoomState: typeof Data.RoomState = Data.RoomState

/**
 * @since 0.1.0
 * @category models
 */
export type RoomState = Data.RoomState

/**
 * One user session in a call (`UserInformation`).
 *
 * @since 0.1.0
 * @category models
 */
export const UserInformation: typeof Data.UserInformation = Data.UserInformation

/**
 * @since 0.1.0
 * @category models
 */
export type UserInformation = Data.UserInformation

/**
 * One sample of a metric (`TimeValue`).
 *
 * @since 0.1.0
 * @category models
 */
export const TimeValue: typeof Data.TimeValue = Data.TimeValue

/**
 * @since 0.1.0
 * @category models
 */
export type TimeValue = Data.TimeValue

/**
 * A metric's samples for one user (and peer) (`QualityData`).
 *
 * @since 0.1.0
 * @category models
 */
export const QualityData: typeof Data.QualityData = Data.QualityData

/**
 * @since 0.1.0
 * @category models
 */
export type QualityData = Data.QualityData

// ---------------------------------------------------------------------------
// requests and responses (the object inside `{"Response": ...}`)
// ---------------------------------------------------------------------------

/**
 * `DescribeRoomInfo`: the rooms of an app in a period of at most 24 h.
 *
 * @since 0.1.0
 * @category requests
 */
export const DescribeRoomInfoRequest: typeof RoomInfo.DescribeRoomInfoRequest = RoomInfo.DescribeRoomInfoRequest

/**
 * @since 0.1.0
 * @category requests
 */
export type DescribeRoomInfoRequest = RoomInfo.DescribeRoomInfoRequest

/**
 * The success body of `DescribeRoomInfo`.
 *
 * @since 0.1.0
 * @category responses
 */
export const DescribeRoomInfoResponse: typeof RoomInfo.DescribeRoomInfoResponse = RoomInfo.DescribeRoomInfoResponse

/**
 * @since 0.1.0
 * @category responses
 */
export type DescribeRoomInfoResponse = RoomInfo.DescribeRoomInfoResponse

/**
 * `DescribeUserInfo`: the users of a call in a period of at most 4 h.
 *
 * @since 0.1.0
 * @category requests
 */
export const DescribeUserInfoRequest: typeof UserInfo.DescribeUserInfoRequest = UserInfo.DescribeUserInfoRequest

/**
 * @since 0.1.0
 * @category requests
 */
export type DescribeUserInfoRequest = UserInfo.DescribeUserInfoRequest

/**
 * The success body of `DescribeUserInfo`.
 *
 * @since 0.1.0
 * @category responses
 */
export const DescribeUserInfoResponse: typeof UserInfo.DescribeUserInfoResponse = UserInfo.DescribeUserInfoResponse

/**
 * @since 0.1.0
 * @category responses
 */
export type DescribeUserInfoResponse = UserInfo.DescribeUserInfoResponse

/**
 * `DescribeCallDetailInfo`: users and quality metrics of a call (at most 1 h with `DataType`, 4 h without).
 *
 * @since 0.1.0
 * @category requests
 */
export const DescribeCallDetailInfoRequest: typeof CallDetailInfo.DescribeCallDetailInfoRequest = CallDetailInfo.DescribeCallDetailInfoRequest

/**
 * @since 0.1.0
 * @category requests
 */
export type DescribeCallDetailInfoRequest = CallDetailInfo.DescribeCallDetailInfoRequest

/**
 * The success body of `DescribeCallDetailInfo`.
 *
 * @since 0.1.0
 * @category responses
 */
export const DescribeCallDetailInfoResponse: typeof CallDetailInfo.DescribeCallDetailInfoResponse = CallDetailInfo.DescribeCallDetailInfoResponse

/**
 * @since 0.1.0
 * @category responses
 */
export type DescribeCallDetailInfoResponse = CallDetailInfo.DescribeCallDetailInfoResponse

/**
 * `DescribeUserEvent`: the events one user saw in one call.
 *
 * @since 0.1.0
 * @category requests
 */
export const DescribeUserEventRequest: typeof UserEvent.DescribeUserEventRequest = UserEvent.DescribeUserEventRequest

/**
 * @since 0.1.0
 * @category requests
 */
export type DescribeUserEventRequest = UserEvent.DescribeUserEventRequest

/**
 * The success body of `DescribeUserEvent`.
 *
 * @since 0.1.0
 * @category responses
 */
export const DescribeUserEventResponse: typeof UserEvent.DescribeUserEventResponse = UserEvent.DescribeUserEventResponse

/**
 * @since 0.1.0
 * @category responses
 */
export type DescribeUserEventResponse = UserEvent.DescribeUserEventResponse

/**
 * One abnormal event behind an abnormal experience (`AbnormalEvent`): an id of table 5.4 or 5.5
 * (`EventCatalogue.describeAbnormalEvent`) and the remote user that caused it, if any.
 *
 * @since 0.1.0
 * @category models
 */
export const AbnormalEvent: typeof UnusualEvent.AbnormalEvent = UnusualEvent.AbnormalEvent

/**
 * @since 0.1.0
 * @category models
 */
export type AbnormalEvent = UnusualEvent.AbnormalEvent

/**
 * One abnormal experience of a user (`AbnormalExperience`): an id of table 5.3
 * (`EventCatalogue.describeExperience`), its room, time (Unix s) and the events behind it.
 *
 * @since 0.1.0
 * @category models
 */
export const AbnormalExperience: typeof UnusualEvent.AbnormalExperience = UnusualEvent.AbnormalExperience

/**
 * @since 0.1.0
 * @category models
 */
export type AbnormalExperience = UnusualEvent.AbnormalExperience

/**
 * `DescribeUnusualEvent`: the abnormal experiences of an app (or one room) in a window of at
 * most 1 h, at most 20 an answer.
 *
 * @since 0.1.0
 * @category requests
 */
export const DescribeUnusualEventRequest: typeof UnusualEvent.DescribeUnusualEventRequest = UnusualEvent.DescribeUnusualEventRequest

/**
 * @since 0.1.0
 * @category requests
 */
export type DescribeUnusualEventRequest = UnusualEvent.DescribeUnusualEventRequest

/**
 * The success body of `DescribeUnusualEvent`.
 *
 * @since 0.1.0
 * @category responses
 */
export const DescribeUnusualEventResponse: typeof UnusualEvent.DescribeUnusualEventResponse = UnusualEvent.DescribeUnusualEventResponse

/**
 * @since 0.1.0
 * @category responses
 */
export type DescribeUnusualEventResponse = UnusualEvent.DescribeUnusualEventResponse

/**
 * Checks a `DescribeUnusualEvent` request before it is sent.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeUnusualEvent: ActionModule.Action<"DescribeUnusualEvent", DescribeUnusualEventRequest, DescribeUnusualEventResponse>["validate"] =
  UnusualEvent.validateDescribeUnusualEvent

/**
 * The request and response schema of each action.
 *
 * @since 0.1.0
 * @category constants
 */
export const schemas: { readonly [A in Action]: { readonly request: Table.Table[A]["request"]; readonly response: Table.Table[A]["response"] } } =
  byAction((declaration) => ({ request: declaration.request, response: declaration.response })) as never

/**
 * The JSON body sent for a request: PascalCase keys, absent optionals left out.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toWireJson = <A extends Action>(
  action: A,
  request: Table.RequestOf<A>
): string => {
  const schema = Table.table[action].request as unknown as Schema.Schema<unknown, unknown>
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
export type ValidateOptions = Validation.ValidateOptions

/**
 * Checks a `DescribeRoomInfo` request before it is sent.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeRoomInfo: ActionModule.Action<"DescribeRoomInfo", DescribeRoomInfoRequest, DescribeRoomInfoResponse>["validate"] = RoomInfo.validateDescribeRoomInfo

/**
 * Checks a `DescribeUserInfo` request before it is sent.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeUserInfo: ActionModule.Action<"DescribeUserInfo", DescribeUserInfoRequest, DescribeUserInfoResponse>["validate"] = UserInfo.validateDescribeUserInfo

/**
 * Checks a `DescribeCallDetailInfo` request before it is sent. With `dataType` the span is at
 * most 1 h and at most 6 users (ids and page size) may be asked for.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeCallDetailInfo: ActionModule.Action<"DescribeCallDetailInfo", DescribeCallDetailInfoRequest, DescribeCallDetailInfoResponse>["validate"] = CallDetailInfo.validateDescribeCallDetailInfo

/**
 * Checks a `DescribeUserEvent` request before it is sent.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateDescribeUserEvent: ActionModule.Action<"DescribeUserEvent", DescribeUserEventRequest, DescribeUserEventResponse>["validate"] = UserEvent.validateDescribeUserEvent

/**
 * The check of each action, by name.
 *
 * @since 0.1.0
 * @category validation
 */
export const validators: { readonly [A in Action]: Table.Table[A]["validate"] } = byAction((declaration) => declaration.validate) as never
