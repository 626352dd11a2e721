/**
 * `trtc users`: the users of a call.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Records from "../Records.js"
import { callSpan, globalsOf, nowSeconds, print, withApi, zoneOf } from "../internal/apiCommand.js"
import * as CommIdCheck from "../internal/commIdCheck.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import * as Source from "../internal/source.js"

/**
 * The `users` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("users", {
  ...globalOptions,
  sdkAppId: Flags.sdkAppId,
  commId: Flags.commId,
  start: Flags.start,
  end: Flags.end,
  since: Flags.since,
  ...Flags.zone
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const zone = yield* zoneOf(flags)
    const now = yield* nowSeconds
    yield* CommIdCheck.check(flags, now)
    const program = Effect.gen(function*() {
      const span = yield* callSpan(flags, now, zone)
      yield* print(Source.users(flags.sdkAppId, flags.commId, span), globals, Records.userColumns, zone)
    })
    yield* withApi(globals, program)
  })).pipe(Command.withDescription(Help.describe(
  "The users of a call (its whole span, or the users present in --start/--end/--since). Exit code 4 when no call has the CommId.",
  [
    "trtc users --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841",
    "trtc users --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841 --format table"
  ]
)))
