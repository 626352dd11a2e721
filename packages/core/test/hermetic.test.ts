import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

// A clone with nothing beside it must pass its own tests: no source, test, example or
// benchmark may read a file outside the repository (two test files once read the protocol
// reference from a sibling directory and failed with ENOENT in a fresh clone).

const root = fileURLToPath(new URL("../../../", import.meta.url))
const scanned = ["packages/signer", "packages/core", "packages/emulator", "packages/cli", "packages/reliability", "examples", "bench"]
const skipped = new Set(["node_modules", "dist", "bin", "results", "fixtures", "vectors"])

const sources = (dir: string): Array<string> =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? (skipped.has(entry.name) ? [] : sources(path.join(dir, entry.name)))
          : /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path.join(dir, entry.name)] : [])
    : []

const files = scanned.flatMap((dir) => sources(path.join(root, dir)))

describe("the repository is self-contained", () => {
  it("finds the files it checks", () => {
    assert.isAbove(files.length, 50)
    assert.isTrue(files.includes(fileURLToPath(import.meta.url)))
  })

  it("no file resolves a path relative to itself that leaves the repository", () => {
    const outside: Array<string> = []
    for (const file of files) {
      const text = fs.readFileSync(file, "utf8")
      for (const match of text.matchAll(/new URL\(\s*["'`](\.{1,2}\/[^"'`$]*)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
        const target = path.resolve(path.dirname(file), match[1]!)
        if (path.relative(root, target).startsWith("..")) outside.push(`${path.relative(root, file)}: ${match[1]}`)
      }
    }
    assert.deepStrictEqual(outside, [])
  })

  it("no file names the shared directory beside the repository or an absolute checkout path", () => {
    const named = files
      .filter((file) => /(^|[^\w.-])shared\/(reference|vectors)|["'`]\/work\//.test(fs.readFileSync(file, "utf8")))
      .filter((file) => file !== fileURLToPath(import.meta.url))
      .map((file) => path.relative(root, file))
    assert.deepStrictEqual(named, [])
  })
})
