// `pnpm docs`: the API reference of the libraries (signer, core, emulator, archive, diagnosis, redis) with @effect/docgen,
// written as markdown to packages/<name>/docs/ (gitignored). Every ```ts block of an `@example`
// tag is typechecked with tsc and then run with tsx; a broken example fails the whole command.
//
// Why a wrapper rather than `docgen` in each package: docgen insists on a `homepage` in the
// package.json of its working directory, and the packages' package.json files are not this
// tool's to change. So each package's docgen runs in its own output folder, which gets a
// throw-away package.json (name and homepage only), the package's docgen.json and a `src` link
// to the real sources. docgen rewrites an example's `@effect-trtc/<self>/X` import to
// `../../src/X`, which from docs/examples/ is the package's real src/.
import { spawn } from "node:child_process"
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs"
import { delimiter, dirname, join } from "node:path"
import { performance } from "node:perf_hooks"
import process from "node:process"
import { fileURLToPath } from "node:url"

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const libraries = ["signer", "core", "emulator", "archive", "diagnosis", "redis"]

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

// One library's reference; resolves to the failure text, or undefined when it built.
const build = async (name) => {
  const started = performance.now()
  const pkg = join(root, "packages", name)
  const out = join(pkg, "docs")
  const { name: packageName } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"))
  const config = JSON.parse(readFileSync(join(pkg, "docgen.json"), "utf8"))
  const staged = ["package.json", "docgen.json", "src"].map((file) => join(out, file))
  // unlink, never a recursive remove: staged[2] is a link to the real sources.
  const unstage = () => {
    for (const file of staged) if (existsSync(file) || isLink(file)) unlinkSync(file)
  }
  unstage()
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  try {
    // `type: module` so that tsx runs the examples as ES modules (top-level await), as users would.
    writeFileSync(staged[0], JSON.stringify({ name: packageName, type: "module", homepage: config.projectHomepage ?? "" }))
    // The staged config keeps everything but where docgen writes: its working directory.
    writeFileSync(staged[1], JSON.stringify({ ...config, $schema: undefined, outDir: "." }))
    symlinkSync(join("..", "src"), staged[2], "dir")
    const { code, output } = await run("docgen", out)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (code === 0) {
      process.stdout.write(`docs: ${packageName} -> packages/${name}/docs (${seconds} s)\n`)
      return undefined
    }
    return `docs: ${packageName} FAILED (${code}, ${seconds} s)\n${output}`
  } finally {
    unstage()
    // Examples of a failed run stay behind otherwise, and eslint/tsc would trip over them.
    rmSync(join(out, "examples"), { recursive: true, force: true })
  }
}

// The three run at once (each is one busy process most of the time) with their output kept
// apart: a failure prints its own log whole.
const run = (command, cwd) =>
  new Promise((resolve) => {
    const child = spawn(command, [], { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => output += chunk)
    child.stderr.on("data", (chunk) => output += chunk)
    child.on("error", (error) => resolve({ code: error.message, output }))
    child.on("close", (code, signal) => resolve({ code: code === 0 ? 0 : `exit ${code ?? signal}`, output }))
  })

const failures = (await Promise.all(libraries.map(build))).filter((failure) => failure !== undefined)
for (const failure of failures) process.stderr.write(failure)
if (failures.length > 0) process.exit(1)
