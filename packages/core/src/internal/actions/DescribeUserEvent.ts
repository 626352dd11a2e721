/**
 * `DescribeUserEvent`: the events one user saw in one call.
 *
 * @internal
 */
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Action from "../../Action.js"
import type * as TrtcError from "../../TrtcError.js"
import * as Constants from "../models/constants.js"
import { EventList } from "../models/data.js"
import { field, listField, requestIdField } from "../models/fields.js"
import * as Check from "../models/validation.js"

/**
 * `DescribeUserEvent`: the events one user saw in one call.
 *
 * @internal
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

/**
 * The success body of `DescribeUserEvent`.
 *
 * @internal
 */
export class DescribeUserEventResponse extends Schema.Class<DescribeUserEventResponse>("DescribeUserEventResponse")({
  data: listField("Data", EventList),
  requestId: requestIdField
}) {}

// No maximum documented: the default span is the whole call.
const maxSpanSeconds = Number.POSITIVE_INFINITY

/**
 * Checks a `DescribeUserEvent` request before it is sent.
 *
 * @internal
 */
export const validateDescribeUserEvent = (
  request: DescribeUserEventRequest,
  options?: Check.ValidateOptions
): Either.Either<DescribeUserEventRequest, TrtcError.RequestValidationError> => {
  const action = "DescribeUserEvent"
  return Check.toEither(request, Check.firstFailure([
    Check.requireId(action, "commId", request.commId, "1400000001_room1_1700000000 (from DescribeRoomInfo)"),
    Check.requireId(action, "userId", request.userId, "user_1 (from DescribeUserInfo)"),
    Check.requireId(action, "roomId", request.roomId, "room1"),
    Check.requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    Check.checkPeriod(action, request.startTime, request.endTime, maxSpanSeconds, options)
  ]))
}

/**
 * The declaration of `DescribeUserEvent`.
 *
 * @internal
 */
export const describeUserEvent = Action.make({
  name: "DescribeUserEvent",
  summary: "The events one user saw in one call.",
  request: DescribeUserEventRequest,
  response: DescribeUserEventResponse,
  validate: validateDescribeUserEvent,
  maxSpanSeconds,
  maxSpanSecondsWithDataType: undefined,
  paging: { style: "none" },
  retentionDays: Constants.retentionDays,
  errorCodes: [
    "ResponseSizeLimitExceeded",
    "InvalidParameter.StartTsOversize",
    "MissingParameter.CommId",
    "MissingParameter.UserId",
    "MissingParameter.RoomId"
  ]
})
