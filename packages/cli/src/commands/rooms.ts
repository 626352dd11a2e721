/**
 * `trtc rooms`: the calls (rooms with their CommId) of an application in a period.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Records from "../Records.js"
import { globalsOf, period, print, requestCounters, withApi, zoneOf } from "../internal/apiCommand.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import { Terminal } from "../internal/io.js"
import * as Progress from "../internal/progress.js"
import * as Source from "../internal/source.js"

/**
 * The `rooms` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("rooms", {
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
    const io = yield* Terminal
    const days = Math.ceil((span.endTime - span.startTime) / 86400)
    const counters = yield* requestCounters
    const progress = days > 2 ? yield* Progress.make(io, "rooms", counters.requests) : Progress.none
    const rows = Source.rooms(flags.sdkAppId, span, Option.getOrUndefined(flags.roomId)).pipe(
      Stream.tap(() => progress.calls(1)),
      Stream.map((call) => Records.room(flags.sdkAppId, { ...call, userId: call.creatorUserId }))
    )
    yield* withApi(globals, counters.provide(Effect.ensuring(print(rows, globals, Records.roomColumns, zone, progress.clear), progress.done)))
  })).pipe(Command.withDescription(Help.describe(
  "Calls (rooms with their CommId) alive in a period, i.e. created before its end and not ended before its start (default the last 24 h).",
  [
    "trtc rooms --sdk-app-id 1400000001 --since 2h",
    "trtc rooms --sdk-app-id 1400000001 --room-id r1 --start 2026-11-25T10:00:00Z --end 2026-11-25T12:00:00Z --format csv"
  ]
)))
