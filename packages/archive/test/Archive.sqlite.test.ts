import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll } from "vitest"
import { archiveSuite } from "./suite.js"

const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "trtc-archive-sqlite-"))
let n = 0
afterAll(() => Fs.rmSync(dir, { recursive: true, force: true }))

// A space in the path: file names are passed to libsql as file: URLs, encoded.
archiveSuite({ name: "sqlite", fresh: () => Path.join(dir, `archive ${++n}.db`) })
