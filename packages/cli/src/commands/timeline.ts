/**
 * `trtc timeline`: one call drawn as a self-contained HTML page (no network needed to view it).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Diagnosis from "@effect-trtc/diagnosis/Diagnosis"
import * as Timeline from "@effect-trtc/diagnosis/Timeline"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { writeFileSync } from "node:fs"
import { resolve } from "node:path"
import { RuntimeError } from "../CliError.js"
import { globalsOf, withApi } from "../internal/apiCommand.js"
import * as Flags from "../internal/flags.js"
import { globalOptions } from "../internal/globals.js"
import * as Help from "../internal/help.js"
import { Terminal } from "../internal/io.js"
import { callOf } from "./diagnose.js"

/**
 * The file name `--out` defaults to: the CommId with anything but letters, digits, `.`, `_`
 * and `-` replaced, so a room id cannot reach outside the current directory.
 *
 * @since 0.1.0
 * @category flags
 */
export const defaultOut = (commId: string): string => `${commId.replace(/[^\p{L}\p{N}._-]/gu, "_").replace(/^\.+/, "_")}.html`

/**
 * Renders and writes the page; the error names the file and the fix.
 *
 * @since 0.1.0
 * @category running
 */
export const writePage = (path: string, html: string): Effect.Effect<string, RuntimeError> =>
  Effect.try({
    try: () => {
      const absolute = resolve(path)
      writeFileSync(absolute, html)
      return absolute
    },
    catch: (e) =>
      new RuntimeError({
        problem: `cannot write the timeline to ${path}: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}`,
        fix: "choose a writable path with --out"
      })
  })

/**
 * The `timeline` command.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("timeline", {
  ...globalOptions,
  sdkAppId: Flags.sdkAppId,
  commId: Flags.commId,
  out: Options.text("out").pipe(Options.withDescription("the HTML file to write (default <CommId>.html)"), Options.optional),
  metrics: Options.boolean("metrics").pipe(Options.withDescription("draw the quality series (DescribeCallDetailInfo) under each lane"))
}, (flags) =>
  Effect.gen(function*() {
    const globals = yield* globalsOf(flags)
    const io = yield* Terminal
    const ref = yield* callOf(flags.sdkAppId, flags.commId)
    const call = yield* withApi(globals, Diagnosis.fetch(ref, { concurrency: globals.concurrency, minSpanSeconds: 1, quality: flags.metrics }))
    const path = yield* writePage(Option.getOrElse(flags.out, () => defaultOut(flags.commId)), Timeline.render(call, { metrics: flags.metrics }))
    yield* io.stderr(`${call.users.length} users, ${call.events.length} events${flags.metrics && call.quality !== undefined ? `, ${call.quality.length} quality points` : ""}\n`)
    yield* io.stdout(`${path}\n`)
  })).pipe(Command.withDescription(Help.describe("Draw one call as a self-contained HTML page: a lane per user, events, failures, zoom.", [
  "trtc timeline --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841",
  "trtc timeline --sdk-app-id 1400000001 --comm-id 1400000001_r1_1795333841 --metrics --out call.html"
])))
