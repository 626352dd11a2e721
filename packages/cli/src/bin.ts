#!/usr/bin/env node
/**
 * The `trtc` executable's entry: answers `trtc --version` at once and loads the command line
 * (Effect, @effect/cli, the client) only for real work, so that a version check costs little
 * more than starting Node.
 *
 * @since 0.1.0
 */
import { version } from "./internal/version.js"

const args = process.argv.slice(2)
if (args.length === 1 && args[0] === "--version") {
  process.stdout.write(version + "\n")
} else {
  await import("./main.js")
}
