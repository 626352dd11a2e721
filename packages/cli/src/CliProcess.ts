/**
 * The built `trtc` bin run as a real process, for the tests that check the command line from the
 * outside: this package's and the reliability suite's. It lives here, beside the bin, because
 * the reliability suite depends on the CLI and not the other way round; it is not part of the
 * bundle (`bin.ts` never imports it).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import { basename, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

// This file runs from src/ (tests, tsx) or from dist/src/ (built): the package root is above.
const here = dirname(fileURLToPath(import.meta.url))
const packageRoot = basename(here) === "src" && basename(dirname(here)) === "dist" ? join(here, "..", "..") : join(here, "..")

/**
 * The bundled entry `packages/cli/build.mjs` writes (`bin/trtc.mjs`).
 *
 * @since 0.1.0
 * @category constants
 */
export const binPath: string = join(packageRoot, "bin", "trtc.mjs")

/**
 * Builds the bundle with the CLI's own build script and answers the entry's path. The build
 * installs atomically next to any running one, so suites may build at the same time.
 *
 * @since 0.1.0
 * @category constructors
 */
export const build = (): string => {
  execFileSync(process.execPath, [join(packageRoot, "build.mjs")], { stdio: "inherit" })
  return binPath
}

/**
 * A fresh empty directory to use as `HOME`: no credential files, so only the environment counts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const emptyHome = (): string => fs.mkdtempSync(join(os.tmpdir(), "trtc-home-"))

/**
 * How a run ended and what it wrote.
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * How to run the bin.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunOptions {
  /** Added to the child's environment (PATH, HOME and NO_COLOR=1 only, otherwise); `undefined` leaves a name out. */
  readonly env?: Record<string, string | undefined>
  /** The child's HOME (default: one empty directory per process, made on first use). */
  readonly home?: string
  /** Send `signal` once this returns true, given the output so far (checked every `pollMillis`). */
  readonly interruptWhen?: (output: { readonly stdout: string; readonly stderr: string }) => boolean
  /** The signal `interruptWhen` sends (default SIGINT). */
  readonly signal?: NodeJS.Signals
  /** How often `interruptWhen` is checked (default 10 ms). */
  readonly pollMillis?: number
  /** Runs the bin through `bash -c` with this prefix, e.g. `ulimit -f 100;`, and suffix (redirections). */
  readonly shell?: { readonly before: string; readonly after?: string }
  /** Told the child's pid once it is spawned. */
  readonly onSpawn?: (pid: number) => void
  /** Written to the child's stdin, which is then closed (default: end of file at once). */
  readonly stdin?: string
}

let sharedHome: string | undefined

const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`

/**
 * Runs `trtc args…` with a minimal environment and collects its output; interrupting the effect
 * kills the child.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}): Effect.Effect<Result> =>
  Effect.async<Result>((resume) => {
    const home = options.home ?? (sharedHome ??= emptyHome())
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1" }
    for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v
    const child = options.shell === undefined
      ? spawn(process.execPath, [binPath, ...args], { env, stdio: ["pipe", "pipe", "pipe"] })
      : spawn("bash", ["-c", `${options.shell.before} exec ${[process.execPath, binPath, ...args].map(quote).join(" ")} ${options.shell.after ?? ""}`], {
          env,
          stdio: ["pipe", "pipe", "pipe"]
        })
    // stdin is `options.stdin` then end of file (at once when none is given). A child that exits
    // without reading it makes the write fail with EPIPE: not the test's concern.
    child.stdin.on("error", () => {})
    child.stdin.end(options.stdin ?? "")
    if (child.pid !== undefined) options.onSpawn?.(child.pid)
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (d: string) => void (stdout += d))
    child.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr += d))
    let timer: NodeJS.Timeout | undefined
    if (options.interruptWhen !== undefined) {
      const check = options.interruptWhen
      timer = setInterval(() => {
        if (check({ stdout, stderr })) {
          clearInterval(timer)
          child.kill(options.signal ?? "SIGINT")
        }
      }, options.pollMillis ?? 10)
    }
    child.on("close", (code, signal) => {
      if (timer !== undefined) clearInterval(timer)
      resume(Effect.succeed({ code, signal, stdout, stderr }))
    })
    return Effect.sync(() => child.kill("SIGKILL"))
  })
