import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Stream from "effect/Stream"
import * as Paginate from "../src/Paginate.js"

/** A well-behaved pager over `rows` that records the pages asked for. */
const server = (rows: ReadonlyArray<number>) => {
  const asked: Array<readonly [number, number]> = []
  const fetch = (pageNumber: number, pageSize: number) =>
    Effect.sync(() => {
      asked.push([pageNumber, pageSize])
      return rows.slice(pageNumber * pageSize, pageNumber * pageSize + pageSize)
    })
  return { asked, fetch }
}

describe("Paginate.pages", () => {
  it.effect.prop("yields every row once, asks pages 0.. and stops on the first short page", [FastCheck.integer({ min: 0, max: 350 }), FastCheck.integer({ min: 1, max: 100 })], ([n, size]) =>
    Effect.gen(function*() {
      const rows = Array.from({ length: n }, (_, i) => i)
      const s = server(rows)
      const out = yield* Stream.runCollect(Paginate.pages(s.fetch, { action: "Test", pageSize: size }))
      assert.deepStrictEqual(Chunk.toReadonlyArray(out), rows)
      assert.deepStrictEqual(s.asked.map(([p]) => p), Array.from({ length: Math.floor(n / size) + 1 }, (_, i) => i))
      assert.isTrue(s.asked.every(([, ps]) => ps === size))
    }))

  it.effect("caps the page size at 100 and defaults to it", () =>
    Effect.gen(function*() {
      const s = server([1, 2, 3])
      yield* Stream.runDrain(Paginate.pages(s.fetch, { action: "Test", pageSize: 500 }))
      yield* Stream.runDrain(Paginate.pages(s.fetch, { action: "Test" }))
      assert.deepStrictEqual(s.asked, [[0, 100], [0, 100]])
    }))

  it.effect("a server ignoring PageNumber ends with RepeatedPage instead of looping", () =>
    Effect.gen(function*() {
      let calls = 0
      const fetch = () => Effect.sync(() => (calls++, [1, 2]))
      const exit = yield* Effect.exit(Stream.runCollect(Paginate.pages(fetch, { action: "DescribeRoomInfo", pageSize: 2 })))
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* Effect.flip(Stream.runCollect(Paginate.pages(fetch, { action: "DescribeRoomInfo", pageSize: 2 })))
      assert.strictEqual(error._tag, "PaginationError")
      assert.strictEqual((error as Paginate.PaginationError).reason, "RepeatedPage")
      assert.strictEqual((error as Paginate.PaginationError).pageNumber, 1)
      assert.strictEqual(calls, 4)
    }))

  it.effect("never more than maxPages", () =>
    Effect.gen(function*() {
      const fetch = (p: number) => Effect.succeed([p, p])
      const error = yield* Effect.flip(Stream.runDrain(Paginate.pages(fetch, { action: "Test", pageSize: 2, maxPages: 5 })))
      assert.strictEqual(error.reason, "TooManyPages")
      assert.include(error.message, "page 5")
    }))

  it.effect("is pulled lazily: taking a few rows asks one page", () =>
    Effect.gen(function*() {
      const s = server(Array.from({ length: 1000 }, (_, i) => i))
      const out = yield* Stream.runCollect(Stream.take(Paginate.pages(s.fetch, { action: "Test", pageSize: 10 }), 5))
      assert.strictEqual(Chunk.size(out), 5)
      assert.strictEqual(s.asked.length, 1)
    }))

  it.effect("reports each page", () =>
    Effect.gen(function*() {
      const seen: Array<readonly [number, number]> = []
      const s = server([1, 2, 3, 4, 5])
      yield* Stream.runDrain(Paginate.pages(s.fetch, { action: "Test", pageSize: 2, onPage: (p, n) => Effect.sync(() => seen.push([p, n])) }))
      assert.deepStrictEqual(seen, [[0, 2], [1, 2], [2, 1]])
    }))
})
