/**
 * The `trtc` bin this suite spawns: the CLI's own bundle, built by `packages/cli/build.mjs`.
 * That build installs atomically next to any running one (content-hashed chunks first, the
 * entry last, old chunks kept an hour), so this suite and the CLI's tests may build it at the
 * same time in one working tree without pulling a chunk from under a running process.
 *
 * @since 0.1.0
 */
import { execFileSync } from "node:child_process"
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
 * The path of the bundled entry.
 *
 * @since 0.1.0
 * @category constants
 */
export const binPath = (): string => join(cliRoot, "bin", "trtc.mjs")

/**
 * Builds the bundle with the CLI's own build script and answers the entry's path.
 *
 * @since 0.1.0
 * @category constructors
 */
export const build = (): string => {
  execFileSync(process.execPath, [join(cliRoot, "build.mjs")], { stdio: "inherit" })
  return binPath()
}
