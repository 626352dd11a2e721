/**
 * The call id `SdkAppId_RoomId_CreateTime` that `DescribeRoomInfo` returns for each call: the
 * one parser of it in this library (the streams and the CLI use it; the emulator keeps its own
 * on purpose, as an independent check). A room id may itself contain `_`, so the app id is
 * everything before the first `_` and the creation time everything after the last.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"

/**
 * The parts of a call id.
 *
 * @since 0.1.0
 * @category models
 */
export interface Parts {
  readonly sdkAppId: number
  readonly roomId: string
  /** Unix seconds. */
  readonly createTime: number
}

const pattern = /^(\d+)_(.+)_(\d+)$/

/**
 * Splits a call id into its parts; `None` when it is not `digits_room_digits`.
 *
 * @example
 * ```ts
 * import * as CommId from "@effect-trtc/core/CommId"
 * import * as Option from "effect/Option"
 *
 * const parts = CommId.parse("1400000001_room_a_1767225600")
 * console.log(Option.map(parts, (p) => p.roomId)) // Some("room_a")
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (commId: string): Option.Option<Parts> => {
  const match = pattern.exec(commId)
  if (match === null) return Option.none()
  const sdkAppId = Number(match[1])
  const createTime = Number(match[3])
  return Number.isSafeInteger(sdkAppId) && Number.isSafeInteger(createTime)
    ? Option.some({ sdkAppId, roomId: match[2]!, createTime })
    : Option.none()
}

/**
 * The call id of a room created at `createTime` (Unix seconds).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (parts: Parts): string => `${parts.sdkAppId}_${parts.roomId}_${parts.createTime}`
