/**
 * Cold start of the bundled `trtc` bin: `trtc --version` and `trtc events` against a local
 * emulator, wall time against a bare `node -e 0` on the same machine. Target: `--version` under
 * 4x `node -e 0`.
 *
 * Command: `pnpm exec tsx bench/cli.ts [--runs N] [--write]`
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const bin = join(root, "packages", "cli", "bin", "trtc.mjs")
const argv = process.argv.slice(2)
const runs = Number(argv[argv.indexOf("--runs") + 1]) > 0 && argv.includes("--runs") ? Number(argv[argv.indexOf("--runs") + 1]) : 20
const write = argv.includes("--write")

// Always measure the bundle as it is built from the current sources.
execFileSync(process.execPath, [join(root, "packages", "cli", "build.mjs")], { stdio: "inherit" })

const home = fs.mkdtempSync(join(os.tmpdir(), "trtc-bench-home-"))

const startEmulator = (): Promise<{ url: string; stop: () => void }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "emulator", "--port", "0", "--rps", "0", "--seed", "2026"], {
      stdio: ["ignore", "pipe", "ignore"],
      env: { PATH: process.env.PATH ?? "", HOME: home }
    })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d
      const match = /listening on (\S+)/.exec(out)
      if (match) resolve({ url: match[1], stop: () => child.kill("SIGINT") })
    })
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)))
  })

const time = (command: ReadonlyArray<string>, env: Record<string, string>, status = 0): number => {
  const started = process.hrtime.bigint()
  const r = spawnSync(command[0], command.slice(1), { env: { PATH: process.env.PATH ?? "", HOME: home, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== status) throw new Error(`${command.join(" ")} exited ${r.status}: ${r.stderr}`)
  return ms
}

// The entry and the chunks it loads (bin/lib may also hold chunks of earlier builds).
const reachableBytes = (entry: string): number => {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = fs.readFileSync(file, "utf8")
    for (const m of text.matchAll(/["'](\.\.?\/[\w./-]+\.mjs)["']/g)) visit(join(dirname(file), m[1]))
  }
  visit(entry)
  return [...seen].reduce((n, f) => n + fs.statSync(f).size, 0)
}

const stats = (samples: Array<number>) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return { median: at(0.5), p90: at(0.9), min: sorted[0] }
}

// Interleaved so that load from other processes hits every command alike.
const measure = (
  commands: Record<string, { readonly command: ReadonlyArray<string>; readonly env: Record<string, string>; readonly status?: number }>
) => {
  const samples: Record<string, Array<number>> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]))
  for (let i = 0; i < 3; i++) for (const c of Object.values(commands)) time(c.command, c.env, c.status)
  for (let i = 0; i < runs; i++) {
    for (const [name, c] of Object.entries(commands)) samples[name].push(time(c.command, c.env, c.status))
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]))
}

const emulator = await startEmulator()
try {
  const env = {
    TRTC_ENDPOINT: emulator.url,
    TENCENTCLOUD_SECRET_ID: "AKIDEMULATOR0000000000000000000000000",
    TENCENTCLOUD_SECRET_KEY: "emulatorSecretKey000000000000000"
  }
  // Find one user of one call through the CLI itself.
  const rooms = spawnSync(process.execPath, [bin, "rooms", "--sdk-app-id", "1400000001", "--since", "14d", "--format", "ndjson"], {
    env: { PATH: process.env.PATH ?? "", HOME: home, ...env },
    encoding: "utf8"
  })
  const room = JSON.parse(rooms.stdout.split("\n")[0]) as { commId: string; roomId: string }
  const users = spawnSync(process.execPath, [bin, "users", "--sdk-app-id", "1400000001", "--comm-id", room.commId, "--format", "ndjson"], {
    env: { PATH: process.env.PATH ?? "", HOME: home, ...env },
    encoding: "utf8"
  })
  const user = JSON.parse(users.stdout.split("\n")[0]) as { userId: string }
  const eventsArgs = [
    "events",
    "--sdk-app-id",
    "1400000001",
    "--comm-id",
    room.commId,
    "--room-id",
    room.roomId,
    "--user-id",
    user.userId,
    "--start",
    "14d",
    "--format",
    "ndjson"
  ]
  const result = measure({
    node: { command: [process.execPath, "-e", "0"], env: {} },
    version: { command: [process.execPath, bin, "--version"], env: {} },
    // The whole command line loaded and a usage error rendered: what `--version` would cost
    // without the entry's shortcut.
    usage: { command: [process.execPath, bin, "events"], env: {}, status: 2 },
    events: { command: [process.execPath, bin, ...eventsArgs], env }
  })
  const ratio = (k: string) => (result[k].median / result.node.median).toFixed(2)
  const load = os.loadavg()[0].toFixed(1)
  const size = (reachableBytes(bin) / 1024).toFixed(0)
  console.log(`node -e 0        median ${result.node.median.toFixed(1)} ms  p90 ${result.node.p90.toFixed(1)} ms`)
  console.log(`trtc --version   median ${result.version.median.toFixed(1)} ms  p90 ${result.version.p90.toFixed(1)} ms  ${ratio("version")}x node (target < 4x)`)
  console.log(`trtc events (usage error, no request) median ${result.usage.median.toFixed(1)} ms  ${ratio("usage")}x node`)
  console.log(`trtc events      median ${result.events.median.toFixed(1)} ms  p90 ${result.events.p90.toFixed(1)} ms  ${ratio("events")}x node`)
  if (write) {
    const file = join(root, "bench", "results", "cli.md")
    if (!fs.existsSync(file)) {
      fs.writeFileSync(
        file,
        "# CLI cold start: the bundled `trtc` vs a bare `node -e 0`\n\n" +
          "Wall time of a fresh process, median (p90) of interleaved runs after 3 warm-ups. The entry answers `--version` before loading the command line; `trtc events` without flags loads everything and fails with a usage error (the cost of the CLI itself); `trtc events` fetches one user's events of one call from a local emulator (`trtc emulator --rps 0`, another process) over HTTP with TC3 signing. Target: `trtc --version` under 4x `node -e 0`.\n\n" +
          "Command: `pnpm exec tsx bench/cli.ts --write` (option `--runs N`, default 20)\n\n" +
          "| date | node -e 0 | trtc --version | ratio | trtc events (usage error: CLI loaded, no request) | ratio | trtc events | ratio | bundle (all chunks) | machine (load = 1-min load average) |\n" +
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
      )
    }
    const ms = (k: string) => `${result[k].median.toFixed(0)} ms (${result[k].p90.toFixed(0)})`
    fs.appendFileSync(
      file,
      `| ${new Date().toISOString().slice(0, 16)}Z | ${ms("node")} | ${ms("version")} | ${ratio("version")}x | ${ms("usage")} | ${ratio("usage")}x | ${ms("events")} | ${ratio("events")}x | ${size} KB | ${process.version}, ${os.cpus().length} cores, load ${load}, ${runs} runs |\n`
    )
    console.log(`appended to ${file}`)
  }
} finally {
  emulator.stop()
}
