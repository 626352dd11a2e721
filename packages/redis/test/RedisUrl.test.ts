import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as RedisUrl from "../src/RedisUrl.js"

const ok = (input: string) => Either.getOrThrow(RedisUrl.parse(input))
const problem = (input: string) => Either.match(RedisUrl.parse(input), { onLeft: (e) => e.message, onRight: () => "parsed" })

describe("RedisUrl", () => {
  it("parses host, port, database and credentials, with defaults", () => {
    const url = ok("redis://worker:p%40ss@cache.internal:6380/7")
    assert.deepStrictEqual([url.tls, url.host, url.port, url.db, url.username], [false, "cache.internal", 6380, 7, "worker"])
    assert.strictEqual(Redacted.value(url.password!), "p@ss")
    assert.deepStrictEqual([ok("redis://127.0.0.1").port, ok("redis://127.0.0.1").db], [6379, 0])
    assert.deepStrictEqual([ok("rediss://[::1]:6390/1").tls, ok("rediss://[::1]:6390/1").host], [true, "::1"])
  })

  it("displays the URL with the password masked, and the password is not in the value's string form", () => {
    const url = ok("redis://:hunter2secret@127.0.0.1:6380/2")
    assert.strictEqual(RedisUrl.display(url), "redis://:***@127.0.0.1:6380/2")
    assert.notInclude(JSON.stringify(url), "hunter2secret")
    assert.notInclude(String(url.password), "hunter2secret")
    assert.strictEqual(RedisUrl.display(ok("redis://u@h:1/0")), "redis://u@h:1/0")
  })

  it("refuses what is not a Redis address, naming the problem, masking the password", () => {
    assert.include(problem("127.0.0.1:6379"), "not a URL")
    assert.include(problem("http://127.0.0.1:6379"), "scheme \"http\" is not redis or rediss")
    assert.include(problem("redis://127.0.0.1:6379/db1"), "database \"db1\" is not a number from 0 to 99")
    assert.include(problem("redis://127.0.0.1:99999"), "not a URL")
    assert.include(problem("redis://127.0.0.1/0?timeout=1"), "query and fragment are not supported")
    const bad = problem("redis://user:hunter2secret@127.0.0.1:99999/0")
    assert.include(bad, "\"redis://user:***@127.0.0.1:99999/0\"")
    assert.notInclude(bad, "hunter2secret")
    assert.include(bad, "expected redis://host:port[/db]")
  })
})
