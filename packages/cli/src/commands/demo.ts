/**
 * `trtc demo`: starts an emulator in-process and shows one call: its users, events and a summary.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { globalOptions, integer } from "../internal/globals.js"
import * as Help from "../internal/help.js"

const config = {
  format: globalOptions.format,
  verbose: globalOptions.verbose,
  seed: integer("seed").pipe(Options.withDescription("data set seed"), Options.withDefault(42)),
  timelineOut: Options.text("timeline-out").pipe(
    Options.withDescription("where to write the call's timeline (default: trtc-demo-<seed>.html in the temp directory)"),
    Options.optional
  )
} as const

/**
 * The parsed flags of `trtc demo`, as @effect/cli infers them.
 *
 * @since 0.1.0
 * @category models
 */
export type Flags = Command.Command.ParseConfig<typeof config>

/**
 * The `demo` command. Its handler lives in `internal/emulatorCommands.ts`, loaded on demand (it
 * starts an emulator).
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("demo", config, (flags) =>
  Effect.flatMap(Effect.promise(() => import("../internal/emulatorCommands.js")), (m) => m.demo(flags))).pipe(
  Command.withDescription(Help.describe("Start an emulator in-process and show one call: its users, events, a summary, its diagnosis and its timeline.", [
    "trtc demo",
    "trtc demo --seed 7 --format json"
  ]))
)
