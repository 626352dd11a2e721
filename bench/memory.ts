/**
 * Memory of a streamed export: `TrtcStream.events(app, 14 days)` consumed to a count, 100,000
 * and then 1,000,000 events, against an emulator with a large lazily generated data set and the
 * limits off. The emulator runs as its own process (`trtc-emulator`), and each size runs in a
 * fresh client process, so the figure is the stream's own peak RSS (VmHWM), not the server's
 * and not the previous run's. Target: flat, under 200 MB at 1,000,000.
 *
 *   pnpm exec tsx bench/memory.ts [--rooms 4000] [--concurrency 8] [--write]
 */
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { execFileSync, spawnSync } from "node:child_process"
import { appendFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { startEmulatorProcess } from "./emulator-process.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const concurrency = arg("concurrency", 8)
const tsxOnly = process.argv.includes("--tsx")
// `--heap MB` caps V8's old space in the client: with room to spare V8 collects lazily and RSS
// shows garbage; a cap shows what the stream really keeps.
const heap = arg("heap", 0)

const rooms = arg("rooms", 4000)
const root = fileURLToPath(new URL("..", import.meta.url))
const emulator = await startEmulatorProcess({ seed: 2026, apps: 1, roomsPerApp: rooms, maxEvents: 1_000_000 })
const url = emulator.url

// The client: bundled with esbuild and run by plain node (default), or loaded through tsx.
const clientEntry = fileURLToPath(new URL("./memory-child.ts", import.meta.url))
const esbuild = Path.join(root, "packages/cli/node_modules/.bin/esbuild")
const runner: ReadonlyArray<string> = (() => {
  if (tsxOnly || !existsSync(esbuild)) return ["--import", "tsx", clientEntry]
  const out = Path.join(mkdtempSync(Path.join(Os.tmpdir(), "trtc-memory-")), "client.mjs")
  execFileSync(esbuild, [clientEntry, "--bundle", "--platform=node", "--format=esm", `--outfile=${out}`, "--log-level=warning", "--banner:js=import{createRequire}from'module';const require=createRequire(import.meta.url);"])
  return [out]
})()
const mode = `${runner.length === 1 ? "esbuild bundle, plain node" : "tsx"}${heap > 0 ? `, --max-old-space-size=${heap}` : ", default heap"}`

const rows: Array<{ take: number; count: number; ms: number; vmHwm: number; requests: number }> = []
for (const take of [100_000, 1_000_000]) {
  const child = spawnSync(process.execPath, [
    ...(heap > 0 ? [`--max-old-space-size=${heap}`] : []),
    ...runner,
    "--url",
    url,
    "--take",
    String(take),
    "--concurrency",
    String(concurrency),
    "--app",
    String(Emulator.defaultSdkAppId),
    "--secret-id",
    Emulator.defaultCredential.secretId,
    "--secret-key",
    Emulator.defaultCredential.secretKey
  ], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"]
  })
  const line = child.stdout.trim().split("\n").pop() ?? "{}"
  const result = JSON.parse(line) as { count: number; ms: number; vmHwm: number; requests: number }
  rows.push({ take, ...result })
  console.log(`${take} (${mode}): ${result.count} events, ${result.requests} requests, ${(result.ms / 1000).toFixed(1)} s, peak RSS ${result.vmHwm.toFixed(0)} MB`)
}
await emulator.stop()

if (process.argv.includes("--write")) {
  const file = new URL("./results/streams.md", import.meta.url)
  if (!existsSync(file)) writeFileSync(file, "# Streams benchmarks\n\n")
  const date = new Date().toISOString().slice(0, 16)
  const version = spawnSync(process.execPath, ["--version"], { encoding: "utf8" }).stdout.trim()
  appendFileSync(file, [
    `### Memory — ${date} UTC, Node ${version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0].toFixed(1)}`,
    "",
    `Command: \`pnpm exec tsx bench/memory.ts --rooms ${rooms} --concurrency ${concurrency}${tsxOnly ? " --tsx" : ""}${heap > 0 ? ` --heap ${heap}` : ""} --write\` (client: ${mode}; emulator as its own process: 1 app, ${rooms} calls, lazy data set, limits off; each size in a fresh client process; peak RSS = the client's VmHWM)`,
    "",
    "| events streamed | requests | duration | events/s | client peak RSS |",
    "|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.count.toLocaleString("en-US")} | ${r.requests.toLocaleString("en-US")} | ${(r.ms / 1000).toFixed(1)} s | ${Math.round(r.count / (r.ms / 1000)).toLocaleString("en-US")} | **${r.vmHwm.toFixed(0)} MB** |`),
    "",
    ""
  ].join("\n"))
}
