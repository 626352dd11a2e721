// `pnpm docs`: the API reference of the libraries (signer, core, emulator) with @effect/docgen,
// written as markdown to packages/<name>/docs/ (gitignored). Every ```ts block of an `@example`
// tag is typechecked with tsc and then run with tsx; a broken example fails the whole command.
//
// Why a wrapper rather than `docgen` in each package: docgen insists on a `homepage` in the
// package.json of its working directory, and the packages' package.json files are not this
// tool's to change. So each package's docgen runs in its own output folder, which gets a
// throw-away package.json (name and homepage only), the package's docgen.json and a `src` link
// to the real sources. docgen rewrites an example's `@effect-trtc/<self>/X` import to
// `../../src/X`, which from docs/examples/ is the package's real src/.
import { spawnSync } from "node:child_process"
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs"
import { delimiter, dirname, join } from "node:path"
import { performance } from "node:perf_hooks"
import process from "node:process"
import { fileURLToPath } from "node:url"

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const libraries = ["signer", "core", "emulator"]

const env = {
  ...process.env,
  // docgen spawns `tsc` and `tsx` by name: the workspace's own, whatever PATH the caller has.
  PATH: [join(root, "node_modules", ".bin"), process.env.PATH].join(delimiter),
  // Examples run under tsx import the workspace packages; the source condition makes them load
  // src/*.ts whether or not `tsc -b` has built dist/ yet.
  NODE_OPTIONS: [process.env.NODE_OPTIONS, "--conditions=@effect-trtc/source"].filter(Boolean).join(" ")
}

const isLink = (file) => {
  try {
    return lstatSync(file).isSymbolicLink()
  } catch {
    return false
  }
}

const failed = []
for (const name of libraries) {
  const started = performance.now()
  const pkg = join(root, "packages", name)
  const out = join(pkg, "docs")
  const { name: packageName } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"))
  const config = JSON.parse(readFileSync(join(pkg, "docgen.json"), "utf8"))
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const staged = ["package.json", "docgen.json", "src"].map((file) => join(out, file))
  try {
    // `type: module` so that tsx runs the examples as ES modules (top-level await), as users would.
    writeFileSync(staged[0], JSON.stringify({ name: packageName, type: "module", homepage: config.projectHomepage ?? "" }))
    // The staged config keeps everything but where docgen writes: its working directory.
    writeFileSync(staged[1], JSON.stringify({ ...config, $schema: undefined, outDir: "." }))
    symlinkSync(join("..", "src"), staged[2], "dir")
    const result = spawnSync("docgen", [], { cwd: out, env, stdio: "inherit" })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (result.status === 0) {
      process.stdout.write(`docs: ${packageName} -> packages/${name}/docs (${seconds} s)\n`)
    } else {
      failed.push(packageName)
      process.stderr.write(`docs: ${packageName} FAILED (${result.error?.message ?? `exit ${result.status}`}, ${seconds} s)\n`)
    }
  } finally {
    // unlink, never a recursive remove: staged[2] is a link to the real sources.
    for (const file of staged) if (existsSync(file) || isLink(file)) unlinkSync(file)
    // Examples of a failed run stay behind otherwise, and eslint/tsc would trip over them.
    rmSync(join(out, "examples"), { recursive: true, force: true })
  }
}

if (failed.length > 0) {
  process.stderr.write(`docs: failed for ${failed.join(", ")}\n`)
  process.exit(1)
}
