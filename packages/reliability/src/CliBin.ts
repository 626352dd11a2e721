/**
 * A private build of the `trtc` bin for this suite. The CLI's own tests rebuild
 * `packages/cli/bin` (removing it first) while they run; spawning that copy from a suite running
 * in parallel would race with the rebuild, so this suite bundles the same entry into its own
 * directory with the same esbuild settings.
 *
 * @since 0.1.0
 */
import { build as esbuild } from "esbuild"
import { chmodSync, mkdirSync, rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The CLI package directory.
 *
 * @since 0.1.0
 * @category constants
 */
export const cliRoot: string = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "cli")

/**
 * Where the suite's bin is written (ignored by git: under `dist/`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultOutDir: string = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli-bin")

/**
 * The path of the entry inside an output directory.
 *
 * @since 0.1.0
 * @category constants
 */
export const binPath = (outDir: string = defaultOutDir): string => join(outDir, "trtc.mjs")

/**
 * Bundles `packages/cli/src/bin.ts` into `outDir` (as `packages/cli/build.mjs` does) and
 * answers the entry's path.
 *
 * @since 0.1.0
 * @category constructors
 */
export const build = async (outDir: string = defaultOutDir): Promise<string> => {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  await esbuild({
    entryPoints: { trtc: join(cliRoot, "src", "bin.ts") },
    outdir: outDir,
    splitting: true,
    outExtension: { ".js": ".mjs" },
    chunkNames: "lib/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    legalComments: "none",
    // CommonJS dependencies bundled into ESM call `require` for Node built-ins.
    banner: {
      js: "import { createRequire as __trtcCreateRequire } from \"node:module\";const require = __trtcCreateRequire(import.meta.url);"
    },
    logLevel: "warning"
  })
  const entry = binPath(outDir)
  chmodSync(entry, 0o755)
  return entry
}
