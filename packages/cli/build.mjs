// Bundles the `trtc` executable: an ESM entry with every dependency inside its chunks, so that
// `npm pack` gives a tarball that works on a machine without the workspace.
//
// `node build.mjs` installs the new build atomically next to any running one (tests of several
// people may build at once in one working tree): chunks carry content hashes and are renamed in
// first, the entry last. `node build.mjs --clean` (used by `npm pack`) starts from an empty bin/.
import { build } from "esbuild"
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs"
import { dirname, join } from "node:path"
import process from "node:process"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, "bin")
const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"))
const source = readFileSync(join(here, "src", "internal", "version.ts"), "utf8")
if (!source.includes(`"${version}"`)) throw new Error(`src/internal/version.ts does not say ${version} (package.json)`)

if (process.argv.includes("--clean")) rmSync(bin, { recursive: true, force: true })
mkdirSync(join(bin, "lib"), { recursive: true })
const staging = mkdtempSync(join(bin, ".build-"))
try {
  await build({
    // The entry answers `--version` alone; the rest is loaded on demand from chunks.
    entryPoints: { trtc: join(here, "src", "bin.ts") },
    outdir: staging,
    splitting: true,
    outExtension: { ".js": ".mjs" },
    chunkNames: "lib/[name]-[hash]",
    bundle: true,
    // Workspace packages are bundled from their TypeScript sources (no build of them needed).
    conditions: ["@effect-trtc/source"],
    // libsql (the archive's SQLite) loads a native binary that cannot be bundled: it stays a
    // real dependency of this package, resolved from node_modules at run time.
    external: ["@libsql/client", "libsql"],
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    legalComments: "none",
    // CommonJS dependencies bundled into ESM call `require` for Node built-ins.
    banner: {
      js: "import { createRequire as __trtcCreateRequire } from \"node:module\";const require = __trtcCreateRequire(import.meta.url);"
    },
    logLevel: "warning"
  })
  const fresh = new Set(readdirSync(join(staging, "lib")))
  for (const name of fresh) renameSync(join(staging, "lib", name), join(bin, "lib", name))
  chmodSync(join(staging, "trtc.mjs"), 0o755)
  renameSync(join(staging, "trtc.mjs"), join(bin, "trtc.mjs"))
  // Chunks of earlier builds: kept for an hour, for processes that may still be loading them.
  for (const name of readdirSync(join(bin, "lib"))) {
    const path = join(bin, "lib", name)
    if (!fresh.has(name) && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { force: true })
  }
} finally {
  rmSync(staging, { recursive: true, force: true })
}
