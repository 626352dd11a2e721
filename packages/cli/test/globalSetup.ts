// Builds the bundled `trtc` once per test run: the end-to-end tests spawn it as a real process.
import { execFileSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export default function setup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..")
  execFileSync(process.execPath, [join(root, "build.mjs")], { stdio: "inherit" })
}
