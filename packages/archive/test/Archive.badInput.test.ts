// Bad input: every failure to open is a typed error naming the database, never its password,
// and leaves nothing half-written.
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, beforeAll } from "vitest"
import * as Archive from "../src/Archive.js"
import { trtcLayer } from "./helpers.js"
import { type Postgres, startPostgres } from "./postgres.js"

const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "trtc-archive-bad-"))
let pg: Postgres
beforeAll(async () => {
  pg = await startPostgres()
})
afterAll(() => {
  pg?.stop()
  Fs.rmSync(dir, { recursive: true, force: true })
})

const open = (layer: ReturnType<typeof Archive.layer>) =>
  Effect.either(Effect.flatMap(Archive.Archive, (a) => a.status).pipe(Effect.provide(layer)))

const failure = <E, A>(result: Either.Either<A, E>): E => {
  assert.isTrue(Either.isLeft(result), "expected a failure")
  return (result as Either.Left<E, A>).left
}

describe("Archive bad input", () => {
  it.live("SQLite: a missing directory, a path under a file, a directory: ArchiveOpenError naming it, nothing created", () =>
    Effect.gen(function*() {
      const missing = Path.join(dir, "nope", "a.db")
      const e1 = failure(yield* open(Archive.layerSqlite({ filename: missing })))
      assert.strictEqual(e1._tag, "ArchiveOpenError")
      assert.strictEqual(e1.message, `cannot open the archive ${missing}: its directory ${Path.join(dir, "nope")} does not exist; create the directory or choose another path`)
      assert.isFalse(Fs.existsSync(Path.join(dir, "nope")))
      Fs.writeFileSync(Path.join(dir, "file"), "x")
      const e2 = failure(yield* open(Archive.layer(Path.join(dir, "file", "a.db"))))
      assert.strictEqual(e2._tag, "ArchiveOpenError")
      assert.include(e2.message, `${Path.join(dir, "file")} is not a directory`)
      const e3 = failure(yield* open(Archive.layer(dir)))
      assert.include(e3.message, `${dir} is a directory`)
    }))

  it.live("SQLite: a file that is not a database is refused and left as it was", () =>
    Effect.gen(function*() {
      const path = Path.join(dir, "notes.txt")
      const text = "not sqlite at all\n".repeat(300)
      Fs.writeFileSync(path, text)
      const e = failure(yield* open(Archive.layer(path)))
      assert.strictEqual(e._tag, "ArchiveOpenError")
      assert.include(e.message, "the file is not an SQLite database")
      assert.strictEqual(Fs.readFileSync(path, "utf8"), text)
    }))

  it.live("a URL of another scheme: refused, its password masked", () =>
    Effect.gen(function*() {
      const e = failure(yield* open(Archive.layer("mysql://u:hunter2hunter2@127.0.0.1/db")))
      assert.strictEqual(e._tag, "ArchiveOpenError")
      assert.include(e.message, "mysql://u:***@127.0.0.1/db")
      assert.notInclude(e.message, "hunter2hunter2")
    }))

  it.live("PostgreSQL: a wrong password is refused by the server; the error names the URL without it, no table is created", () =>
    Effect.gen(function*() {
      const url = pg.createDatabase("wrongpw").replace(encodeURIComponent(pg.password), "Wr0ngPassw0rd-secret")
      const e = failure(yield* open(Archive.layerPg({ url: Redacted.make(url) })))
      assert.strictEqual(e._tag, "ArchiveOpenError")
      assert.include(e.message, `postgres://postgres:***@127.0.0.1:${pg.port}/wrongpw`)
      assert.match(e.message, /password authentication failed/)
      assert.notInclude(e.message, "Wr0ngPassw0rd-secret")
      assert.notInclude(JSON.stringify(e), "Wr0ngPassw0rd-secret")
      assert.notInclude(e.message, pg.password)
      assert.strictEqual(pg.psql("wrongpw", "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").trim(), "0")
    }))

  it.live("PostgreSQL: nothing listening, and a database that does not exist: ArchiveOpenError, password masked", () =>
    Effect.gen(function*() {
      const refused = failure(yield* open(Archive.layer(`postgres://postgres:${pg.password}@127.0.0.1:1/x`)))
      assert.strictEqual(refused._tag, "ArchiveOpenError")
      assert.include(refused.message, "postgres://postgres:***@127.0.0.1:1/x")
      assert.notInclude(refused.message, pg.password)
      const missing = failure(yield* open(Archive.layer(pg.url("no_such_db"))))
      assert.strictEqual(missing._tag, "ArchiveOpenError")
      assert.match(missing.message, /database "no_such_db" does not exist/)
      assert.notInclude(missing.message, pg.password)
    }))

  it.live("options that cannot work: a typed error naming the field", () =>
    Effect.gen(function*() {
      const path = Path.join(dir, "opts.db")
      const result = yield* Effect.either(Archive.sync({ sdkAppId: 0 }).pipe(
        // Nothing listens there: the options are checked before any request.
        Effect.provide(Layer.merge(Archive.layerSqlite({ filename: path }), trtcLayer("http://127.0.0.1:1")))
      ))
      const e = failure(result)
      assert.strictEqual(e._tag, "ArchiveOptionsError")
      assert.strictEqual(e.message, "sdkAppId: expected an integer of at least 1, got 0; pass an integer ≥ 1")
    }))
})
