/**
 * `trtc anomalies`: the abnormal experiences (slow room entry, video or audio that could not
 * start or lagged) of an application's users in a period, with the abnormal events behind each.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Records from "../Records.js"
import { globalsOf, period, print, withApi, zoneOf } from "../internal/apiCommand.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"

/**
 * The `anomalies` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("anomalies", {
  ...globalOptions,
  sdkAppId: Flags.sdkAppId,
  roomId: Options.optional(Flags.roomId),
  start: Flags.start,
  end: Flags.end,
  since: Flags.since,
  ...Flags.zone
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const zone = yield* zoneOf(flags)
    const span = yield* period({ start: flags.start, end: flags.end, since: flags.since }, 86400, zone)
    // Core cuts the period into the action's 1 h windows and asks a full (20) answer again in halves.
    const rows = TrtcStream.unusualEvents(flags.sdkAppId, { start: span.startTime, end: span.endTime }, Option.getOrUndefined(flags.roomId), {
      minSpanSeconds: 1
    }).pipe(Stream.map(Records.anomaly))
    yield* withApi(globals, print(rows, globals, Records.anomalyColumns, zone))
  })).pipe(Command.withDescription(Help.describe(
  "Abnormal experiences of an app's users (slow room entry, video/audio that could not start or lagged) in a period, with the abnormal events behind each (default the last 24 h).",
  [
    "trtc anomalies --sdk-app-id 1400000001 --since 6h",
    "trtc anomalies --sdk-app-id 1400000001 --room-id r1 --start 2026-11-25T10:00:00Z --end 2026-11-25T12:00:00Z --format csv"
  ]
)))
