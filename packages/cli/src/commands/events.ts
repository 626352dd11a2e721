/**
 * `trtc events`: one user's events in one call (or in every call of a room), with the
 * catalogue's names.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { NotFoundError, UsageError } from "../CliError.js"
import * as Records from "../Records.js"
import * as Time from "../Time.js"
import { callSpan, count, globalsOf, nowSeconds, period, print, withApi, zoneOf } from "../internal/apiCommand.js"
import * as CommIdCheck from "../internal/commIdCheck.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import * as Source from "../internal/source.js"

const between = (span: Time.Period) => `from ${Time.iso(span.startTime)} to ${Time.iso(span.endTime)}`

/**
 * The `events` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("events", {
  ...globalOptions,
  sdkAppId: Flags.sdkAppId,
  commId: Options.optional(Flags.commId),
  roomId: Options.optional(Flags.roomId.pipe(
    Options.withDescription("the room id: with --comm-id it is read from the CommId; without, every call of the room in the period")
  )),
  userId: Flags.userId,
  start: Flags.start,
  end: Flags.end,
  since: Flags.since,
  ...Flags.zone
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const zone = yield* zoneOf(flags)
    const now = yield* nowSeconds
    const { sdkAppId, userId } = flags
    if (Option.isSome(flags.commId)) {
      const commId = flags.commId.value
      const checked = yield* CommIdCheck.check({ sdkAppId, commId, roomId: flags.roomId }, now)
      const program = Effect.gen(function*() {
        const span = yield* callSpan({ ...flags, commId }, now, zone)
        const records = yield* Source.userEvents({ sdkAppId, commId, roomId: checked.roomId, userId }, span)
        if (records.length === 0) {
          return yield* new NotFoundError({
            problem: `no events of user ${userId} in call ${commId} ${between(span)}`,
            fix: `list the call's users with trtc users --sdk-app-id ${sdkAppId} --comm-id ${commId}`
          })
        }
        yield* print(Stream.fromIterable(records), globals, Records.eventColumns, zone)
      })
      return yield* withApi(globals, program)
    }
    if (Option.isNone(flags.roomId)) {
      return yield* new UsageError({
        problem: "events needs --comm-id, or --room-id (every call of the room in the period)",
        fix: "add --comm-id from trtc rooms, or --room-id"
      })
    }
    const roomId = flags.roomId.value
    const span = yield* period({ start: flags.start, end: flags.end, since: flags.since }, 86400, zone)
    const program = Effect.gen(function*() {
      const calls = Chunk.toReadonlyArray(yield* Stream.runCollect(Source.rooms(sdkAppId, span, roomId)))
      if (calls.length === 0) {
        return yield* new NotFoundError({
          problem: `no call of room ${roomId} in SdkAppId ${sdkAppId} ${between(span)}`,
          fix: `widen the period (e.g. --since 14d), or list the calls with trtc rooms --sdk-app-id ${sdkAppId}`
        })
      }
      const records: Array<Records.EventRecord> = []
      for (const call of calls) {
        // The events of the call that fall in the period: the call's span cut to it.
        const own = Source.callPeriod(call, now)
        const startTime = Math.max(own.startTime, span.startTime)
        const endTime = Math.min(own.endTime, span.endTime)
        if (endTime <= startTime) continue
        records.push(...yield* Source.userEvents({ sdkAppId, commId: call.commId, roomId, userId }, { startTime, endTime }))
      }
      if (records.length === 0) {
        return yield* new NotFoundError({
          problem: `no events of user ${userId} in the ${count(calls.length, "call")} of room ${roomId} ${between(span)}`,
          fix: `list a call's users with trtc users --sdk-app-id ${sdkAppId} --comm-id ${calls[0].commId}`
        })
      }
      yield* print(Stream.fromIterable(records), globals, Records.eventColumns, zone)
    })
    yield* withApi(globals, program)
  })).pipe(Command.withDescription(Help.describe(
  "One user's events in one call (--comm-id), or in every call of a room in a period (--room-id), with the catalogue's names. " +
      "Events timed in the period: the call's whole span unless --start/--end/--since. Exit code 4 when nothing matches.",
  [
    "trtc events --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841 --user-id alice",
    "trtc events --sdk-app-id 1400000001 --room-id r1 --user-id alice --since yesterday --format json"
  ]
)))
