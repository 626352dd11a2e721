/**
 * `trtc users`: the users of a call.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Records from "../Records.js"
import { callSpan, globalsOf, nowSeconds, print, withApi } from "../internal/apiCommand.js"
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
  end: Flags.end
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const now = yield* nowSeconds
    const program = Effect.gen(function*() {
      const span = yield* callSpan(flags, now)
      yield* print(Source.users(flags.sdkAppId, flags.commId, span), globals, Records.userColumns)
    })
    yield* withApi(globals, program)
  })).pipe(Command.withDescription(Help.describe("The users of a call.", [
  "trtc users --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841",
  "trtc users --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841 --format table"
])))
