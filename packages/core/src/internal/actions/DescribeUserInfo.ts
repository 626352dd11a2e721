/**
 * `DescribeUserInfo`: the users of a call in a period of at most 4 h.
 *
 * @internal
 */
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Action from "../../Action.js"
import type * as TrtcError from "../../TrtcError.js"
import * as Constants from "../models/constants.js"
import { UserInformation } from "../models/data.js"
import { field, listField, optionalField, requestIdField, totalField } from "../models/fields.js"
import * as Check from "../models/validation.js"

/**
 * `DescribeUserInfo`: the users of a call in a period of at most 4 h.
 *
 * @internal
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
 * The success body of `DescribeUserInfo`.
 *
 * @internal
 */
export class DescribeUserInfoResponse extends Schema.Class<DescribeUserInfoResponse>("DescribeUserInfoResponse")({
  total: totalField,
  userList: listField("UserList", UserInformation),
  requestId: requestIdField
}) {}

const maxSpanSeconds = 14_400

/**
 * Checks a `DescribeUserInfo` request before it is sent.
 *
 * @internal
 */
export const validateDescribeUserInfo = (
  request: DescribeUserInfoRequest,
  options?: Check.ValidateOptions
): Either.Either<DescribeUserInfoRequest, TrtcError.RequestValidationError> => {
  const action = "DescribeUserInfo"
  return Check.toEither(request, Check.firstFailure([
    Check.requireId(action, "commId", request.commId, "1400000001_room1_1700000000 (from DescribeRoomInfo)"),
    Check.requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    Check.checkPeriod(action, request.startTime, request.endTime, maxSpanSeconds, options),
    Check.checkUserIds(action, request.userIds, Constants.maxUserIds, ""),
    Check.checkPage(action, request.pageNumber, request.pageSize, Constants.maxPageSize)
  ]))
}

/**
 * The declaration of `DescribeUserInfo`.
 *
 * @internal
 */
export const describeUserInfo = Action.make({
  name: "DescribeUserInfo",
  summary: "The users of a call in a period of at most 4 h.",
  request: DescribeUserInfoRequest,
  response: DescribeUserInfoResponse,
  validate: validateDescribeUserInfo,
  maxSpanSeconds,
  maxSpanSecondsWithDataType: undefined,
  paging: { style: "PageNumber", defaultPageSize: 6, maxPageSize: Constants.maxPageSize, maxPageSizeWithDataType: undefined },
  retentionDays: Constants.retentionDays,
  errorCodes: [
    "InvalidParameter.QueryScaleOversize",
    "InvalidParameter.UserIdsMorethanSix",
    "InvalidParameter.PageSizeOversize",
    "InvalidParameter.StartTsOversize",
    "MissingParameter.CommId",
    "MissingParameter.SdkAppId",
    "MissingParameter.StartTs",
    "MissingParameter.EndTs"
  ]
})
