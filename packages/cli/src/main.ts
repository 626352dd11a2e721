/**
 * The `trtc` executable: runs the command line on `process.argv` and exits with its code.
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Cli from "./Cli.js"
import { ExitCode } from "./CliError.js"
import * as Io from "./internal/io.js"
import { knownSecrets } from "./internal/secrets.js"

// `trtc ... | head` closes the pipe early: that is a normal end, not a crash. Any other write
// error reaches the write's callback (internal/io.ts), which fails the command with exit 1; the
// listener keeps Node from crashing on the same error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.ok)
  })
}

Cli.run(process.argv.slice(2), knownSecrets).pipe(
  Effect.provide(Layer.merge(NodeContext.layer, Io.layerProcess)),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    disablePrettyLogger: true,
    teardown: (exit, onExit) => {
      const code = Exit.isSuccess(exit)
        ? exit.value as number
        : Cause.isInterruptedOnly(exit.cause) ? ExitCode.interrupted : ExitCode.failure
      process.exitCode = code
      onExit(code)
      // Do not wait for idle keep-alive sockets and timers to wind down: the work is done and
      // every write has been flushed (stdout writes wait for their callback).
      process.exit(code)
    }
  })
)
