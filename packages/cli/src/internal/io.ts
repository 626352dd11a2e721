import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { RuntimeError } from "../CliError.js"

/** The process's terminal: where output and diagnostics go, and what the terminal is like. */
export interface Io {
  readonly stdout: (text: string) => Effect.Effect<void>
  readonly stderr: (text: string) => Effect.Effect<void>
  /** For loggers, which cannot wait. */
  readonly stderrSync: (text: string) => void
  readonly stdoutIsTTY: boolean
  readonly stderrIsTTY: boolean
  /** Terminal width for tables (Infinity when unknown and not a terminal). */
  readonly columns: number
}

/** The terminal as a service, so tests can capture it. */
export class Terminal extends Context.Tag("@effect-trtc/cli/Terminal")<Terminal, Io>() {}

const write = (stream: NodeJS.WriteStream, name: string) => (text: string): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    // Wait for the write's callback so a fast producer cannot buffer an export in memory, and
    // so a failed write is known: `> file` on a full disk or past `ulimit -f`, `> /dev/full`.
    stream.write(text, (error) => {
      if (error === undefined || error === null) return resume(Effect.void)
      // A closed pipe (`| head`) is a normal end: main.ts's error listener exits with 0.
      const code = (error as NodeJS.ErrnoException).code
      if (code === "EPIPE" || code === "ERR_STREAM_DESTROYED") return
      // A defect, not a typed failure: `Write` cannot fail in Output's signature, and nothing
      // can go on once the output is lost. It still renders as one line with exit code 1.
      resume(Effect.die(
        new RuntimeError({
          problem: `cannot write to ${name}: ${error.message}`,
          fix: "free space or choose another destination, then run the command again"
        })
      ))
    })
  })

/** `COLUMNS`, when output is not a terminal (`COLUMNS=100 trtc rooms … | less`). */
const columnsSetting = Config.integer("COLUMNS").pipe(
  Config.option,
  Config.map(Option.filter((n) => n > 0)),
  Config.orElse(() => Config.succeed(Option.none<number>()))
)

/** The real process terminal; `COLUMNS` is read through the current `ConfigProvider`. */
export const layerProcess: Layer.Layer<Terminal> = Layer.effect(Terminal, Effect.map(Effect.orDie(columnsSetting), (columns) => ({
  stdout: write(process.stdout, "stdout"),
  stderr: (text) => Effect.sync(() => void process.stderr.write(text)),
  stderrSync: (text) => void process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.isTTY === true
    ? process.stdout.columns ?? 120
    : Option.getOrElse(columns, () => Number.POSITIVE_INFINITY)
})))
