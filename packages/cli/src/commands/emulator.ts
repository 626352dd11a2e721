/**
 * `trtc emulator`: runs the local TRTC API emulator until interrupted.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { integer } from "../internal/globals.js"
import * as Help from "../internal/help.js"

const config = {
  host: Options.text("host").pipe(Options.withDescription("address to bind"), Options.withDefault("127.0.0.1")),
  port: integer("port").pipe(Options.withDescription("port (0 = any free port)"), Options.withDefault(0)),
  seed: integer("seed").pipe(Options.withDescription("data set seed"), Options.optional),
  credentials: Options.text("credentials").pipe(
    Options.withDescription("accepted credential ID:KEY[:TOKEN] (default: the emulator's demo credential)"),
    Options.repeated,
    // A default, so that the usage shows the flag as optional (zero times is fine).
    Options.withDefault<ReadonlyArray<string>>([])
  ),
  rps: integer("rps").pipe(Options.withDescription("requests per second per action, 0 = off"), Options.withDefault(20)),
  retentionDays: Options.choiceWithValue("retention-days", [["7", 7], ["14", 14]] as const).pipe(
    Options.withDescription("data retention in days (7 or 14)"),
    Options.withDefault(14 as const)
  ),
  faults: Options.file("faults", { exists: "yes" }).pipe(Options.withDescription("fault rules JSON file"), Options.optional),
  data: Options.file("data", { exists: "yes" }).pipe(Options.withDescription("data set JSON file"), Options.optional),
  apps: integer("apps").pipe(Options.withDescription("applications in the generated data set (default 1)"), Options.optional),
  roomsPerApp: integer("rooms-per-app").pipe(Options.withDescription("calls per application (default 24)"), Options.optional),
  usersPerRoom: Options.text("users-per-room").pipe(
    Options.withPseudoName("N|MIN-MAX"),
    Options.withDescription("distinct users per call, N or MIN-MAX (default 2-6)"),
    Options.optional
  ),
  eventsPerHour: Options.float("events-per-hour").pipe(
    Options.withDescription("mean events per session hour (default 24)"),
    Options.optional
  ),
  lazy: Options.boolean("lazy").pipe(
    Options.withDescription("generate events on demand (a few MB for a million events; default above 200 calls)")
  ),
  eager: Options.boolean("eager").pipe(Options.withDescription("generate every event at start, however large the data set")),
  maxEvents: integer("max-events").pipe(
    Options.withDescription("above this many events DescribeUserEvent answers ResponseSizeLimitExceeded (default 10000)"),
    Options.optional
  ),
  total: Options.choice("total", ["page", "grand"]).pipe(
    Options.withDescription("what DescribeUserEvent's Total counts: the page's events or all of the call's (default page)"),
    Options.optional
  ),
  now: integer("now").pipe(
    Options.withPseudoName("UNIX_SECONDS"),
    Options.withDescription("start the emulator's clock at this time (default the real time)"),
    Options.optional
  ),
  progressive: Options.boolean("progressive").pipe(
    Options.withDescription("answers follow the emulator's clock: nothing after now, running calls open until their end")
  ),
  headersTimeout: integer("headers-timeout").pipe(
    Options.withPseudoName("MS"),
    Options.withDescription("close a connection whose request headers take longer (default 10000)"),
    Options.optional
  ),
  requestTimeout: integer("request-timeout").pipe(
    Options.withPseudoName("MS"),
    Options.withDescription("answer HTTP 408 to a request whose body takes longer (default 30000)"),
    Options.optional
  )
} as const

/**
 * The parsed flags of `trtc emulator`, as @effect/cli infers them.
 *
 * @since 0.1.0
 * @category models
 */
export type Flags = Command.Command.ParseConfig<typeof config>

/**
 * The `emulator` command. Its handler lives in `internal/emulatorCommands.ts`, loaded on demand so
 * that the emulator's code costs nothing to the other commands' start-up.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("emulator", config, (flags) =>
  Effect.flatMap(Effect.promise(() => import("../internal/emulatorCommands.js")), (m) => m.emulator(flags))).pipe(
  Command.withDescription(Help.describe("Run the local TRTC API emulator.", [
    "trtc emulator --port 8080",
    "trtc emulator --seed 7 --apps 2 --rooms-per-app 100 --credentials MYID:MYKEY",
    "trtc emulator --faults faults.json --rps 5",
    "trtc emulator --progressive --now 1764000000"
  ]))
)
