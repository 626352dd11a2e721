/**
 * Starts `trtc-emulator` in its own process for benchmarks that must not share memory or an
 * event loop with it (e.g. streaming a million events through the client while measuring the
 * client's peak RSS).
 *
 *   const emulator = await startEmulatorProcess({ apps: 5, roomsPerApp: 750, bundle: true })
 *   emulator.url          // http://127.0.0.1:PORT
 *   emulator.memory()     // { rssMb, peakRssMb } of the emulator process
 *   await emulator.stop()
 *
 * 5 apps × 750 calls ≈ 1,000,000 events (seed 2026). `bundle: true` runs an esbuild bundle of
 * the sources with plain node instead of the package bin (which runs the built dist/ JavaScript);
 * it needs the cli package's esbuild.
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { plainNodeEnv } from "./plainNodeEnv.js"

/** What to start. */
export interface EmulatorProcessOptions {
  readonly apps?: number | undefined
  readonly roomsPerApp?: number | undefined
  readonly usersPerRoom?: number | string | undefined
  readonly eventsPerHour?: number | undefined
  readonly seed?: number | undefined
  /** Requests per second per action; default 0 = no limit. */
  readonly rps?: number | undefined
  /** Events per DescribeUserEvent answer before ResponseSizeLimitExceeded; default 100,000. */
  readonly maxEvents?: number | undefined
  /** Bundle the sources with esbuild and run that instead of the built bin (dist/). */
  readonly bundle?: boolean | undefined
  /** Further flags for trtc-emulator. */
  readonly extraArgs?: ReadonlyArray<string> | undefined
}

/** A running emulator process. */
export interface EmulatorProcess {
  readonly url: string
  readonly pid: number
  /** Spawn to the `listening on` line. */
  readonly startupMs: number
  /** The command line, for the record. */
  readonly command: string
  /** RSS now and its peak (VmHWM), from /proc. */
  readonly memory: () => { readonly rssMb: number; readonly peakRssMb: number }
  /** User + system CPU seconds so far. */
  readonly cpuSeconds: () => number
  readonly stop: () => Promise<void>
}

const root = fileURLToPath(new URL("..", import.meta.url))

const bundled = (): string => {
  const esbuild = Path.join(root, "packages/cli/node_modules/.bin/esbuild")
  if (!existsSync(esbuild)) throw new Error(`bundle: needs ${esbuild}`)
  const out = Path.join(mkdtempSync(Path.join(Os.tmpdir(), "trtc-emulator-")), "trtc-emulator.mjs")
  execFileSync(esbuild, [
    Path.join(root, "packages/emulator/src/bin.ts"),
    "--bundle",
    "--platform=node",
    "--format=esm",
    `--outfile=${out}`,
    "--log-level=warning",
    "--banner:js=import{createRequire}from'module';const require=createRequire(import.meta.url);"
  ])
  return out
}

/** Starts the emulator and resolves once it listens. */
export const startEmulatorProcess = async (options: EmulatorProcessOptions = {}): Promise<EmulatorProcess> => {
  const entry = options.bundle === true ? bundled() : Path.join(root, "packages/emulator/bin/trtc-emulator.mjs")
  const flags = [
    ...["--port", "0"],
    ...["--rps", String(options.rps ?? 0)],
    ...["--seed", String(options.seed ?? 2026)],
    ...["--apps", String(options.apps ?? 5)],
    ...["--rooms-per-app", String(options.roomsPerApp ?? 750)],
    ...["--max-events", String(options.maxEvents ?? 100_000)],
    "--lazy",
    ...(options.usersPerRoom === undefined ? [] : ["--users-per-room", String(options.usersPerRoom)]),
    ...(options.eventsPerHour === undefined ? [] : ["--events-per-hour", String(options.eventsPerHour)]),
    ...(options.extraArgs ?? [])
  ]
  const started = performance.now()
  const child = spawn(process.execPath, [entry, ...flags], { stdio: ["ignore", "pipe", "inherit"], env: plainNodeEnv() })
  const url = await new Promise<string>((resolve, reject) => {
    let text = ""
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8")
      const match = /listening on (\S+)\n/.exec(text)
      if (match !== null) resolve(match[1]!)
    })
    child.once("exit", (code) => reject(new Error(`trtc-emulator exited with ${code}`)))
  })
  const startupMs = performance.now() - started
  const status = (field: string): number => {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))
    return match === null ? Number.NaN : Number(match[1]) / 1024
  }
  return {
    url,
    pid: child.pid!,
    startupMs,
    command: `trtc-emulator ${flags.join(" ")}${options.bundle === true ? " (esbuild bundle, plain node)" : ""}`,
    memory: () => ({ rssMb: status("VmRSS"), peakRssMb: status("VmHWM") }),
    cpuSeconds: () => {
      // Fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s.
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ")
      return (Number(fields[11]) + Number(fields[12])) / 100
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
      })
  }
}
