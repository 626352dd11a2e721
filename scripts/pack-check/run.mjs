// The libraries as an application installs them: packs signer, core and emulator with
// `pnpm pack`, checks the tarballs (built JavaScript and .d.ts only in `exports`, no
// `workspace:` or `catalog:` left), installs them with plain `npm install` beside effect into
// a temporary folder, runs app.mts's program with plain node, typechecks it with `tsc --strict`
// (NodeNext, skipLibCheck off) and starts the packaged `trtc-emulator` bin.
//
// `pnpm pack:check` (part of `pnpm verify`). Needs the libraries built (`pnpm build`).
import { execFileSync, spawn } from "node:child_process"
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import process from "node:process"
import { setTimeout, clearTimeout } from "node:timers"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, "..", "..")
const catalog = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8")
const pinned = (name) => {
  const line = catalog.split("\n").find((l) => l.trim().startsWith(`"${name}":`) || l.trim().startsWith(`${name}:`))
  if (line === undefined) throw new Error(`${name} is not in the catalog of pnpm-workspace.yaml`)
  return line.split(":").slice(1).join(":").trim()
}
const step = (what) => process.stdout.write(`pack-check: ${what}\n`)
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" })

const work = mkdtempSync(join(tmpdir(), "effect-trtc-pack-"))
try {
  const tarballs = []
  for (const name of ["signer", "core", "emulator"]) {
    const dir = join(root, "packages", name)
    run("pnpm", ["pack", "--pack-destination", work], dir)
    const file = readdirSync(work).find((f) => f.startsWith(`effect-trtc-${name}-`) && f.endsWith(".tgz"))
    if (file === undefined) throw new Error(`pnpm pack wrote no tarball for ${name}`)
    const listing = run("tar", ["-tzf", join(work, file)], work).split("\n").filter(Boolean)
    const manifest = run("tar", ["-xzOf", join(work, file), "package/package.json"], work)
    if (/"(workspace|catalog):/.test(manifest)) throw new Error(`${file}: package.json still has workspace:/catalog: specifiers`)
    const exports = JSON.stringify(JSON.parse(manifest).exports)
    if (/\.ts"/.test(exports.replaceAll(".d.ts\"", ""))) throw new Error(`${file}: exports point at .ts sources: ${exports}`)
    for (const needed of ["package/dist/src/index.js", "package/dist/src/index.d.ts"]) {
      if (!listing.includes(needed)) throw new Error(`${file} lacks ${needed}`)
    }
    if (listing.some((f) => f.includes("/test/") || f.endsWith(".tsbuildinfo"))) throw new Error(`${file} ships tests or build info`)
    step(`${file}: ${listing.length} files`)
    tarballs.push(`./${file}`)
  }

  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "pack-check-app", private: true, type: "module" }))
  copyFileSync(join(here, "app.mts"), join(work, "app.mts"))
  copyFileSync(join(here, "tsconfig.json"), join(work, "tsconfig.json"))
  const peers = ["effect", "@effect/platform", "@effect/platform-node", "typescript", "@types/node"].map((n) => `${n}@${pinned(n)}`)
  step(`npm install ${[...peers, ...tarballs].join(" ")}`)
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...peers, ...tarballs], work)

  step("tsc --strict (NodeNext, skipLibCheck off)")
  run(join(work, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], work)
  // Plain node runs the program: the .mts is compiled to .mjs by tsc with emit on.
  run(join(work, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json", "--noEmit", "false", "--outDir", "out"], work)
  const out = run(process.execPath, [join(work, "out", "app.mjs")], work)
  step(out.trim())
  if (!out.startsWith("ok:")) throw new Error(`the program said: ${out}`)

  step("trtc-emulator from the installed package")
  await new Promise((resolve, reject) => {
    const child = spawn(join(work, "node_modules", ".bin", "trtc-emulator"), ["--port", "0", "--seed", "1"], { cwd: work, stdio: ["ignore", "pipe", "pipe"] })
    let seen = ""
    let done = false
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`trtc-emulator did not start: ${seen}`)) }, 60_000)
    const look = (chunk) => {
      seen += chunk
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(seen)
      if (url !== null && !done) {
        done = true
        clearTimeout(timer)
        step(`trtc-emulator listening at ${url[0]}`)
        child.kill("SIGTERM")
        resolve()
      }
    }
    child.stdout.on("data", look)
    child.stderr.on("data", look)
    child.on("exit", (code) => { clearTimeout(timer); if (!/127\.0\.0\.1/.test(seen)) reject(new Error(`trtc-emulator exited ${code}: ${seen}`)) })
  })
  step("the packed libraries install, typecheck and run")
} finally {
  rmSync(work, { recursive: true, force: true })
}
