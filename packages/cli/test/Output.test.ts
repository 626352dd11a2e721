import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Output from "../src/Output.js"

const columns: Output.Columns = { all: ["id", "name", "note"], table: ["id", "name"] }
const rows: ReadonlyArray<Output.Row> = [
  { id: 1, name: "alice", note: "plain" },
  { id: 22, name: "bob, the \"builder\"", note: "two\nlines" }
]

const capture = (format: Output.Format, input = rows, width?: number) =>
  Effect.gen(function*() {
    const parts: Array<string> = []
    const count = yield* Output.writeStream(Stream.fromIterable([...input]), {
      format,
      columns,
      write: (text) => Effect.sync(() => void parts.push(text)),
      width
    })
    return { text: parts.join(""), parts, count }
  })

describe("Output", () => {
  it.effect("ndjson writes one object per line", () =>
    Effect.gen(function*() {
      const { count, text } = yield* capture("ndjson")
      assert.strictEqual(count, 2)
      const lines = text.trimEnd().split("\n")
      assert.strictEqual(lines.length, 2)
      assert.deepStrictEqual(lines.map((l) => JSON.parse(l)), [...rows])
    }))

  it.effect("ndjson streams chunk by chunk", () =>
    Effect.gen(function*() {
      const parts: Array<string> = []
      yield* Output.writeStream(Stream.make(...rows).pipe(Stream.rechunk(1)), {
        format: "ndjson",
        columns,
        write: (text) => Effect.sync(() => void parts.push(text))
      })
      assert.strictEqual(parts.length, 2)
    }))

  it.effect("json is one array, also when empty", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(JSON.parse((yield* capture("json")).text), rows)
      assert.deepStrictEqual(JSON.parse((yield* capture("json", [])).text), [])
    }))

  it.effect("json stays valid when the stream fails midway", () =>
    Effect.gen(function*() {
      const parts: Array<string> = []
      const result = yield* Output.writeStream(
        Stream.concat(Stream.make(rows[0]).pipe(Stream.rechunk(1)), Stream.fail("boom")),
        { format: "json", columns, write: (text) => Effect.sync(() => void parts.push(text)) }
      ).pipe(Effect.either)
      assert.strictEqual(result._tag, "Left")
      assert.deepStrictEqual(JSON.parse(parts.join("")), [rows[0]])
    }))

  it.effect("csv is RFC 4180 with a header", () =>
    Effect.gen(function*() {
      const { text } = yield* capture("csv")
      assert.strictEqual(
        text,
        "id,name,note\r\n1,alice,plain\r\n22,\"bob, the \"\"builder\"\"\",\"two\nlines\"\r\n"
      )
      const parsed = Output.parseCsv(text)
      assert.deepStrictEqual(parsed.records, [
        ["id", "name", "note"],
        ["1", "alice", "plain"],
        ["22", "bob, the \"builder\"", "two\nlines"]
      ])
      assert.strictEqual(parsed.complete, text.length)
    }))

  it("parseCsv reports where the last complete record ends", () => {
    const parsed = Output.parseCsv("a,b\r\n1,2\r\n3,")
    assert.strictEqual(parsed.records.length, 2)
    assert.strictEqual(parsed.complete, "a,b\r\n1,2\r\n".length)
  })

  it.effect("table aligns columns and right-aligns numbers", () =>
    Effect.gen(function*() {
      const { text } = yield* capture("table")
      const lines = text.trimEnd().split("\n")
      assert.strictEqual(lines[0], "id  name")
      assert.strictEqual(lines[1], " 1  alice")
      assert.strictEqual(lines[2], "22  bob, the \"builder\"")
    }))

  it("table fits the terminal width", () => {
    const wide = [{ id: 1, name: "x".repeat(200) }]
    const text = Output.renderTable(wide, ["id", "name"], 40)
    for (const line of text.trimEnd().split("\n")) assert.isAtMost(line.length, 40)
    assert.include(text, "…")
  })

  it("defaults to table on a TTY, ndjson otherwise", () => {
    assert.strictEqual(Output.defaultFormat(true), "table")
    assert.strictEqual(Output.defaultFormat(false), "ndjson")
  })
})
