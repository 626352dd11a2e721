/**
 * `DescribeRoomInfo`: the rooms of an app in a period of at most 24 h (the `CommId` of each call).
 *
 * @internal
 */
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Action from "../../Action.js"
import type * as TrtcError from "../../TrtcError.js"
import * as Constants from "../models/constants.js"
import { RoomState } from "../models/data.js"
import { field, listField, optionalField, requestIdField, totalField } from "../models/fields.js"
import * as Check from "../models/validation.js"

/**
 * `DescribeRoomInfo`: the rooms of an app in a period of at most 24 h.
 *
 * @internal
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
 * The success body of `DescribeRoomInfo`.
 *
 * @internal
 */
export class DescribeRoomInfoResponse extends Schema.Class<DescribeRoomInfoResponse>("DescribeRoomInfoResponse")({
  /** Ambiguous in the docs (page count or grand total); do not page by it. */
  total: totalField,
  roomList: listField("RoomList", RoomState),
  requestId: requestIdField
}) {}

const maxSpanSeconds = 86_400

/**
 * Checks a `DescribeRoomInfo` request before it is sent.
 *
 * @internal
 */
export const validateDescribeRoomInfo = (
  request: DescribeRoomInfoRequest,
  options?: Check.ValidateOptions
): Either.Either<DescribeRoomInfoRequest, TrtcError.RequestValidationError> => {
  const action = "DescribeRoomInfo"
  return Check.toEither(request, Check.firstFailure([
    Check.requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    Check.checkPeriod(action, request.startTime, request.endTime, maxSpanSeconds, options),
    () => request.roomId !== undefined && request.roomId.trim().length === 0
      ? Check.fail(action, "roomId", "is empty", "omit roomId to list every room, or set it to a room id")
      : undefined,
    Check.checkPage(action, request.pageNumber, request.pageSize, Constants.maxPageSize)
  ]))
}

/**
 * The declaration of `DescribeRoomInfo`.
 *
 * @internal
 */
export const describeRoomInfo = Action.make({
  name: "DescribeRoomInfo",
  summary: "The rooms of an app in a period of at most 24 h (the `CommId` of each call).",
  request: DescribeRoomInfoRequest,
  response: DescribeRoomInfoResponse,
  validate: validateDescribeRoomInfo,
  maxSpanSeconds,
  maxSpanSecondsWithDataType: undefined,
  paging: { style: "PageNumber", defaultPageSize: 10, maxPageSize: Constants.maxPageSize, maxPageSizeWithDataType: undefined },
  retentionDays: Constants.retentionDays,
  errorCodes: [
    "InvalidParameter.QueryScaleOversize",
    "InvalidParameter.StartTsOversize",
    "InvalidParameter.StartTimeOversize",
    "InvalidParameter.PageSizeOversize",
    "MissingParameter.SdkAppId",
    "MissingParameter.StartTs",
    "MissingParameter.EndTs"
  ]
})
