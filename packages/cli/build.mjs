// Bundles the `trtc` executable: one ESM file with every dependency inside, so `npm pack`
// gives a tarball that works on a machine without the workspace.
import { build } from "esbuild"
import { chmodSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const outfile = join(here, "bin", "trtc.mjs")
const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"))

await build({
  entryPoints: [join(here, "src", "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  define: { "process.env.TRTC_CLI_VERSION": JSON.stringify(version) },
  // CommonJS dependencies bundled into ESM call `require` for Node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __trtcCreateRequire } from \"node:module\";const require = __trtcCreateRequire(import.meta.url);"
  },
  logLevel: "warning"
})
chmodSync(outfile, 0o755)
