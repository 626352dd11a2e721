import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

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
  readonly env: Readonly<Record<string, string | undefined>>
  readonly now: () => number
}

/** The terminal as a service, so tests can capture it. */
export class Terminal extends Context.Tag("@effect-trtc/cli/Terminal")<Terminal, Io>() {}

const write = (stream: NodeJS.WriteStream) => (text: string): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    // Wait for the drain callback so a fast producer cannot buffer an export in memory.
    const flushed = stream.write(text, () => resume(Effect.void))
    if (flushed) return
  })

/** The real process terminal. */
export const layerProcess: Layer.Layer<Terminal> = Layer.sync(Terminal, () => ({
  stdout: write(process.stdout),
  stderr: (text) => Effect.sync(() => void process.stderr.write(text)),
  stderrSync: (text) => void process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.isTTY === true
    ? process.stdout.columns ?? 120
    : Number(process.env.COLUMNS) > 0 ? Number(process.env.COLUMNS) : Number.POSITIVE_INFINITY,
  env: process.env,
  now: () => Date.now()
}))
