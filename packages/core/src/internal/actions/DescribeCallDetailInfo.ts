/**
 * `DescribeCallDetailInfo`: the users and quality metrics of a call (at most 1 h with `DataType`, 4 h without).
 *
 * @internal
 */
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Action from "../../Action.js"
import type * as TrtcError from "../../TrtcError.js"
import * as Constants from "../models/constants.js"
import { QualityData, UserInformation } from "../models/data.js"
import { field, listField, optionalField, requestIdField, totalField } from "../models/fields.js"
import * as Check from "../models/validation.js"

/**
 * `DescribeCallDetailInfo`: users and quality metrics of a call (at most 1 h with `DataType`,
 * 4 h without).
 *
 * @internal
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
    /** Metric names, see `Models.dataTypes`. */
    dataType: optionalField("DataType", Schema.Array(Schema.String)),
    pageNumber: optionalField("PageNumber", Schema.Number),
    pageSize: optionalField("PageSize", Schema.Number)
  }) {}

/**
 * The success body of `DescribeCallDetailInfo`.
 *
 * @internal
 */
export class DescribeCallDetailInfoResponse
  extends Schema.Class<DescribeCallDetailInfoResponse>("DescribeCallDetailInfoResponse")({
    total: totalField,
    userList: listField("UserList", UserInformation),
    data: listField("Data", QualityData),
    requestId: requestIdField
  }) {}

// Reference §4: "DataType set ⇒ span < 1 h; DataType null ⇒ ≤ 4 h".
const maxSpanSeconds = 14_400
const maxSpanSecondsWithDataType = 3_600

/**
 * Checks a `DescribeCallDetailInfo` request before it is sent. With `dataType` the span is at
 * most 1 h and at most 6 users (ids and page size) may be asked for.
 *
 * @internal
 */
export const validateDescribeCallDetailInfo = (
  request: DescribeCallDetailInfoRequest,
  options?: Check.ValidateOptions
): Either.Either<DescribeCallDetailInfoRequest, TrtcError.RequestValidationError> => {
  const action = "DescribeCallDetailInfo"
  const withDataType = request.dataType !== undefined
  return Check.toEither(request, Check.firstFailure([
    Check.requireId(action, "commId", request.commId, "1400000001_room1_1700000000 (from DescribeRoomInfo)"),
    Check.requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    () => {
      if (request.dataType === undefined) return undefined
      if (request.dataType.length === 0) {
        return Check.fail(action, "dataType", "is an empty list", "omit dataType for the user list only, or pass [\"all\"]")
      }
      const blank = request.dataType.findIndex((t) => typeof t !== "string" || t.trim().length === 0)
      return blank >= 0 ? Check.fail(action, `dataType[${blank}]`, "is empty", "remove empty metric names") : undefined
    },
    Check.checkPeriod(
      action,
      request.startTime,
      request.endTime,
      withDataType ? maxSpanSecondsWithDataType : maxSpanSeconds,
      options
    ),
    withDataType
      ? Check.checkUserIds(action, request.userIds, Constants.maxPageSizeWithDataType, " when dataType is set")
      : Check.checkUserIds(action, request.userIds, Constants.maxUserIds, ""),
    Check.checkPage(action, request.pageNumber, request.pageSize, withDataType ? Constants.maxPageSizeWithDataType : Constants.maxPageSize)
  ]))
}

/**
 * The declaration of `DescribeCallDetailInfo`.
 *
 * @internal
 */
export const describeCallDetailInfo = Action.make({
  name: "DescribeCallDetailInfo",
  summary: "The users and quality metrics of a call (at most 1 h with `DataType`, 4 h without).",
  request: DescribeCallDetailInfoRequest,
  response: DescribeCallDetailInfoResponse,
  validate: validateDescribeCallDetailInfo,
  maxSpanSeconds,
  maxSpanSecondsWithDataType,
  paging: {
    style: "PageNumber",
    defaultPageSize: 6,
    maxPageSize: Constants.maxPageSize,
    maxPageSizeWithDataType: Constants.maxPageSizeWithDataType
  },
  retentionDays: Constants.retentionDays,
  errorCodes: [
    "InvalidParameter.QueryScaleOversize",
    "InvalidParameter.UserIdsMorethanSix",
    "InvalidParameter.PageSizeOversize",
    "InvalidParameter.StartTsOversize",
    "MissingParameter.CommId",
    "MissingParameter.SdkAppId"
  ]
})
