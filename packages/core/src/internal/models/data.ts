/**
 * The data types inside the responses (`EventMessage`, `RoomState`, …), PascalCase on the wire.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { field, listField, WireFloat, WireInt, WireTime } from "./fields.js"

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
