// Bundles the `trtc` executable: one ESM file with every dependency inside, so `npm pack`
// gives a tarball that works on a machine without the workspace.
import { build } from "esbuild"
import { chmodSync, readFileSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const outdir = join(here, "bin")
const outfile = join(outdir, "trtc.mjs")
const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"))
const source = readFileSync(join(here, "src", "internal", "version.ts"), "utf8")
if (!source.includes(`"${version}"`)) throw new Error(`src/internal/version.ts does not say ${version} (package.json)`)

rmSync(outdir, { recursive: true, force: true })
await build({
  // The entry answers `--version` alone; the rest is loaded on demand from chunks.
  entryPoints: { trtc: join(here, "src", "bin.ts") },
  outdir,
  splitting: true,
  outExtension: { ".js": ".mjs" },
  chunkNames: "lib/[name]-[hash]",
  bundle: true,
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
chmodSync(outfile, 0o755)
