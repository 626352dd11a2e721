/**
 * `DescribeUnusualEvent`: the abnormal experiences (slow entry, no video, audio lag, …) of an
 * app's users in a window of at most 1 h, with the abnormal events behind each. Names and
 * types from the official SDK's models (npm `tencentcloud-sdk-nodejs@4.1.313`,
 * `tencentcloud/services/trtc/v20190722/trtc_models.d.ts`: `DescribeUnusualEventRequest`,
 * `DescribeUnusualEventResponse`, `AbnormalExperience`, `AbnormalEvent`); the ids are those of
 * the reference's tables 5.3–5.5 (`EventCatalogue.describeExperience`,
 * `EventCatalogue.describeAbnormalEvent`).
 *
 * @internal
 */
import type * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Action from "../../Action.js"
import type * as TrtcError from "../../TrtcError.js"
import * as Constants from "../models/constants.js"
import { field, listField, optionalField, requestIdField, totalField, WireInt, WireTime } from "../models/fields.js"
import * as Check from "../models/validation.js"

/**
 * One abnormal event behind an experience (`AbnormalEvent`).
 *
 * @internal
 */
export class AbnormalEvent extends Schema.Class<AbnormalEvent>("AbnormalEvent")({
  /** An id of table 5.4 (1001–1032) or 5.5 (2001–2026). */
  abnormalEventId: field("AbnormalEventId", WireInt),
  /** The remote user that caused it; `""` when it is not a remote user's (the SDK: optional). */
  peerId: Schema.optionalWith(Schema.String, { nullable: true, default: () => "" }).pipe(Schema.fromKey("PeerId"))
}) {}

/**
 * One abnormal experience of a user (`AbnormalExperience`).
 *
 * @internal
 */
export class AbnormalExperience extends Schema.Class<AbnormalExperience>("AbnormalExperience")({
  userId: field("UserId", Schema.String),
  /** An id of table 5.3: 1 slow room entry, 2 video could not start, 3 audio could not start, 4 video lag, 5 audio lag. */
  experienceId: field("ExperienceId", WireInt),
  roomId: field("RoomId", Schema.String),
  abnormalEventList: listField("AbnormalEventList", AbnormalEvent),
  /**
   * When it was reported, Unix seconds: the official API doc's example answers
   * `"EventTime": 1592448600` (2020-06-18T02:50:00Z), ten digits, not thirteen.
   */
  eventTime: field("EventTime", WireTime)
}) {}

/**
 * `DescribeUnusualEvent`: the abnormal experiences of an app (or of one room) in a window of
 * at most 1 h, at most 20 an answer.
 *
 * @internal
 */
export class DescribeUnusualEventRequest extends Schema.Class<DescribeUnusualEventRequest>("DescribeUnusualEventRequest")({
  sdkAppId: field("SdkAppId", Schema.Number),
  /** Unix seconds; within the last 14 days. */
  startTime: field("StartTime", Schema.Number),
  /** Unix seconds; at most 1 h after `startTime`. */
  endTime: field("EndTime", Schema.Number),
  /** Only this room's experiences. */
  roomId: optionalField("RoomId", Schema.String)
}) {}

/**
 * The success body of `DescribeUnusualEvent`.
 *
 * @internal
 */
export class DescribeUnusualEventResponse extends Schema.Class<DescribeUnusualEventResponse>("DescribeUnusualEventResponse")({
  /** How many experiences the answer holds, 0..20. */
  total: totalField,
  abnormalExperienceList: listField("AbnormalExperienceList", AbnormalExperience),
  requestId: requestIdField
}) {}

// The SDK's EndTime: "与StartTime间隔时间不超过1小时" (at most 1 h after StartTime).
const maxSpanSeconds = 3_600

/**
 * Checks a `DescribeUnusualEvent` request before it is sent.
 *
 * @internal
 */
export const validateDescribeUnusualEvent = (
  request: DescribeUnusualEventRequest,
  options?: Check.ValidateOptions
): Either.Either<DescribeUnusualEventRequest, TrtcError.RequestValidationError> => {
  const action = "DescribeUnusualEvent"
  return Check.toEither(request, Check.firstFailure([
    Check.requirePositiveInt(action, "sdkAppId", request.sdkAppId),
    Check.checkPeriod(action, request.startTime, request.endTime, maxSpanSeconds, options),
    () => request.roomId !== undefined && request.roomId.trim().length === 0
      ? Check.fail(action, "roomId", "is empty", "omit roomId for every room of the app, or set it to a room id")
      : undefined
  ]))
}

/**
 * The declaration of `DescribeUnusualEvent`.
 *
 * @internal
 */
export const describeUnusualEvent = Action.make({
  name: "DescribeUnusualEvent",
  summary: "The abnormal experiences of an app's users (or one room's) in a window of at most 1 h, at most 20 an answer.",
  request: DescribeUnusualEventRequest,
  response: DescribeUnusualEventResponse,
  validate: validateDescribeUnusualEvent,
  maxSpanSeconds,
  maxSpanSecondsWithDataType: undefined,
  // The SDK's Total: "范围：[0，20]"; RoomId: "任意20条以内" (any 20 or fewer).
  paging: { style: "capped", maxRows: 20 },
  retentionDays: Constants.retentionDays,
  errorCodes: [
    "InvalidParameter.QueryScaleOversize",
    "InvalidParameter.StartTsOversize",
    "InvalidParameter.StartTimeExpire",
    "InvalidParameter.SdkAppId",
    "MissingParameter.SdkAppId"
  ]
})
