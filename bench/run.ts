/**
 * `pnpm bench <name> [flags]` runs one benchmark of this folder (`bench/<name>.ts`) with the
 * flags given; `pnpm bench` alone lists them. Benchmarks run on demand, never in CI: each writes
 * its figures to `bench/results/<name>.md` when given `--write`.
 */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"

const here = new URL(".", import.meta.url).pathname
const benchmarks = ["signer", "emulator", "emulator-scale", "emulator-verify", "dataset", "client", "ratelimit", "redis", "memory", "export-memory", "cli", "soak", "timeline", "archive", "archive-writer", "archive-fleet"]
const available = new Set(readdirSync(here).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)))
const [name, ...flags] = process.argv.slice(2)

if (name === undefined || !benchmarks.includes(name) || !available.has(name)) {
  if (name !== undefined) console.error(`unknown benchmark "${name}"`)
  console.error(`usage: pnpm bench <name> [--write] [flags]\nbenchmarks: ${benchmarks.filter((b) => available.has(b)).join(", ")}`)
  process.exit(name === undefined ? 0 : 2)
}
const run = spawnSync(process.execPath, ["--import", "tsx", `${here}${name}.ts`, ...flags], { stdio: "inherit", cwd: new URL("..", import.meta.url).pathname })
process.exit(run.status ?? 1)
