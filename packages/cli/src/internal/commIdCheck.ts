// What can be known about a CommId before asking the API: its shape, its application and its
// room (both written inside it) and whether its creation time is one TRTC still keeps. A value
// that fails these can match nothing, and saying so beats an empty answer with exit code 0.
import * as CommId from "@effect-trtc/core/CommId"
import * as Models from "@effect-trtc/core/Models"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { NotFoundError, UsageError } from "../CliError.js"
import * as Time from "../Time.js"

/** A CommId read and checked against the other flags: the room it names. */
export interface CheckedCommId {
  readonly commId: string
  readonly roomId: string
  readonly createTime: number
}

/** Checks `--comm-id` against `--sdk-app-id`, `--room-id` (when given) and the retention window. */
export const check = (
  flags: { readonly sdkAppId: number; readonly commId: string; readonly roomId?: Option.Option<string> | undefined },
  now: number
): Effect.Effect<CheckedCommId, UsageError | NotFoundError> =>
  Effect.gen(function*() {
    const { commId, sdkAppId } = flags
    const parsed = CommId.parse(commId)
    if (Option.isNone(parsed)) {
      const roomLike = !commId.includes("_")
      return yield* new UsageError({
        problem: `--comm-id: ${JSON.stringify(commId)} is not a CommId (SdkAppId_RoomId_CreateTime, e.g. ${sdkAppId}_room1_1764000000)${
          roomLike ? "; it looks like a room id" : ""
        }`,
        fix: roomLike
          ? `find the room's calls with trtc rooms --sdk-app-id ${sdkAppId} --room-id ${commId}, or use --room-id with --user-id`
          : `copy a CommId from trtc rooms --sdk-app-id ${sdkAppId}`
      })
    }
    const { createTime, roomId } = parsed.value
    if (parsed.value.sdkAppId !== sdkAppId) {
      return yield* new UsageError({
        problem: `--comm-id ${commId} is a call of SdkAppId ${parsed.value.sdkAppId}, not of --sdk-app-id ${sdkAppId}`,
        fix: `use --sdk-app-id ${parsed.value.sdkAppId}, or a CommId of ${sdkAppId}`
      })
    }
    const given = flags.roomId ?? Option.none()
    if (Option.isSome(given) && given.value !== roomId) {
      return yield* new UsageError({
        problem: `--room-id ${given.value} does not match --comm-id ${commId}, a call of room ${roomId}`,
        fix: "drop --room-id: it is read from the CommId"
      })
    }
    const retentionStart = now - Models.retentionDays * 86400
    // A day of slack before retention: a call created just before it may still have data.
    if (createTime < retentionStart - 86400 || createTime > now + 300) {
      return yield* new NotFoundError({
        problem: `no call ${commId}: its creation time ${createTime} (${
          Number.isSafeInteger(createTime) && createTime < 8.64e12 ? Time.iso(createTime) : "not a time"
        }) is ${createTime > now ? "in the future" : `before TRTC's ${Models.retentionDays}-day retention (${Time.iso(retentionStart)})`}`,
        fix: `copy a CommId from trtc rooms --sdk-app-id ${sdkAppId}`
      })
    }
    return { commId, roomId, createTime }
  })
