/**
 * `trtc events`: one user's events in one call, with the catalogue's names.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Records from "../Records.js"
import { callSpan, globalsOf, nowSeconds, print, withApi } from "../internal/apiCommand.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import * as Source from "../internal/source.js"

/**
 * The `events` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("events", {
  ...globalOptions,
  sdkAppId: Flags.sdkAppId,
  commId: Flags.commId,
  roomId: Flags.roomId,
  userId: Flags.userId,
  start: Flags.start,
  end: Flags.end
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const now = yield* nowSeconds
    const program = Effect.gen(function*() {
      const span = yield* callSpan(flags, now)
      const records = yield* Source.userEvents(
        { sdkAppId: flags.sdkAppId, commId: flags.commId, roomId: flags.roomId, userId: flags.userId },
        span
      )
      yield* print(Stream.fromIterable(records), globals, Records.eventColumns)
    })
    yield* withApi(globals, program)
  })).pipe(Command.withDescription(Help.describe("One user's events in one call, with the catalogue's names.", [
  "trtc events --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841 --room-id r1 --user-id alice",
  "trtc events --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841 --room-id r1 --user-id alice --format json"
])))
