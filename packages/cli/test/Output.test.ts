import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as DisplayWidth from "../src/internal/displayWidth.js"
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

  // Rooms and users named in Chinese, Japanese and Korean, mixed with ASCII and a combining mark.
  const cjkColumns = ["roomId", "userId", "joins", "note"]
  const cjkRows = [
    { roomId: "直播间-29", userId: "ユーザー1", joins: 3, note: "ok" },
    { roomId: "room-7", userId: "김민수", joins: 12, note: "café" },
    { roomId: "会议室ＡＢ", userId: "bob", joins: 1, note: "ｆｕｌｌ" },
    { roomId: "e\u0301te\u0301", userId: "李", joins: 100, note: "—" }
  ]

  /** The display column where each cell of a rendered line starts, found by walking the known cells. */
  const cellOffsets = (line: string, cells: ReadonlyArray<string>) => {
    const offsets: Array<number> = []
    let from = 0
    for (const cell of cells) {
      const at = line.indexOf(cell, from)
      assert.isAtLeast(at, 0, `${JSON.stringify(cell)} in ${JSON.stringify(line)}`)
      offsets.push(DisplayWidth.displayWidth(line.slice(0, at)))
      from = at + cell.length
    }
    return offsets
  }

  it("table aligns CJK, fullwidth and combining text by display width", () => {
    const lines = Output.renderTable(cjkRows, cjkColumns).trimEnd().split("\n")
    assert.strictEqual(lines.length, cjkRows.length + 1)
    // Left-aligned text columns start at the same display column in every row.
    const starts = lines.map((line, i) =>
      i === 0
        ? cellOffsets(line, cjkColumns)
        : cellOffsets(line, cjkColumns.map((c) => String((cjkRows[i - 1] as Record<string, unknown>)[c]))))
    for (const row of starts) {
      assert.strictEqual(row[0], starts[0][0])
      assert.strictEqual(row[1], starts[0][1])
      assert.strictEqual(row[3], starts[0][3])
    }
    // The right-aligned numbers end at the same display column.
    const numberEnds = cjkRows.map((row, i) => starts[i + 1][2] + String(row.joins).length)
    assert.strictEqual(new Set(numberEnds).size, 1)
    // The roomId column is as wide as its widest cell: 会议室ＡＢ is 10 columns, plus the gap.
    assert.strictEqual(starts[0][1], 10 + 2)
  })

  it("table cuts CJK cells by display width when the terminal is narrow", () => {
    const rows = [{ id: "直播间-29-这是一个很长的房间名称", user: "ユーザー" }, { id: "a", user: "b" }]
    const lines = Output.renderTable(rows, ["id", "user"], 20).trimEnd().split("\n")
    for (const line of lines) assert.isAtMost(DisplayWidth.displayWidth(line), 20, line)
    assert.include(lines[1], "…")
    // The second column still starts at the same display column on every line.
    const at = (line: string, cell: string) => DisplayWidth.displayWidth(line.slice(0, line.lastIndexOf(cell)))
    assert.strictEqual(at(lines[1], "ユーザー"), at(lines[0], "user"))
    assert.strictEqual(at(lines[2], "b"), at(lines[0], "user"))
  })

  it("displayWidth counts wide characters 2 and combining marks 0", () => {
    assert.strictEqual(DisplayWidth.displayWidth("直播间-29"), 9)
    assert.strictEqual(DisplayWidth.displayWidth("ひらがなカタカナ"), 16)
    assert.strictEqual(DisplayWidth.displayWidth("한국어"), 6)
    assert.strictEqual(DisplayWidth.displayWidth("ＡＢ１"), 6)
    assert.strictEqual(DisplayWidth.displayWidth("「、。」"), 8)
    assert.strictEqual(DisplayWidth.displayWidth("e\u0301"), 1)
    assert.strictEqual(DisplayWidth.displayWidth("𠀀"), 2)
    assert.strictEqual(DisplayWidth.displayWidth("plain ascii"), 11)
    assert.strictEqual(DisplayWidth.takeWidth("直播间", 5), "直播")
    assert.strictEqual(DisplayWidth.takeWidth("e\u0301x", 1), "e\u0301")
    assert.strictEqual(DisplayWidth.pad("直", 4), "直  ")
  })

  it("defaults to table on a TTY, ndjson otherwise", () => {
    assert.strictEqual(Output.defaultFormat(true), "table")
    assert.strictEqual(Output.defaultFormat(false), "ndjson")
  })
})

describe("readable tables", () => {
  const rows = [
    { commId: "1400000001_room-with-a-long-name_1796000000", createTs: 1796000000, seconds: 30, roomId: "room-with-a-long-name", note: "x".repeat(40) },
    { commId: "1400000001_r2_1796003600", createTs: 1796003600, seconds: 5, roomId: "r2", note: "Failed to enter room" }
  ]
  const columns: Output.Columns = {
    all: ["commId", "createTs", "seconds", "roomId", "note"],
    table: ["commId", "createTime", "seconds", "roomId", "note"],
    drop: ["roomId"],
    keep: ["commId"],
    times: { createTime: { from: "createTs", unit: "s" } },
    highlight: (row) => /fail/i.test(String((row as { note: string }).note))
  }

  it("keeps ids whole, drops the named columns first, and names the zone above", () => {
    const text = Output.renderReadableTable(rows, columns, { width: 80, timeZone: "Asia/Shanghai" })
    const lines = text.trimEnd().split("\n")
    assert.strictEqual(lines[0], "times: Asia/Shanghai (UTC+08:00)")
    assert.notInclude(lines[1], "roomId")
    assert.include(text, "1400000001_room-with-a-long-name_1796000000")
    // 1796000000 = 2026-11-30T00:53:20Z, 08:53:20 in Shanghai.
    assert.include(text, "2026-11-30 08:53:20")
    for (const line of lines) assert.isAtMost(line.length, 80, line)
  })

  it("moves a column with one value on every row above the table", () => {
    const same = rows.map((r) => ({ ...r, roomId: "r1" }))
    const text = Output.renderReadableTable(same, { ...columns, drop: [], constant: ["roomId"] }, { timeZone: "UTC" })
    assert.match(text, /^roomId: r1 {2}times: UTC\n/)
    assert.notMatch(text.split("\n")[1], /roomId/)
  })

  it("highlights failure rows in red only when colour is on", () => {
    const coloured = Output.renderReadableTable(rows, columns, { timeZone: "UTC", color: true })
    const red = coloured.split("\n").filter((l) => l.startsWith("\u001b[31m"))
    assert.strictEqual(red.length, 1)
    assert.include(red[0], "Failed to enter room")
    assert.notInclude(Output.renderReadableTable(rows, columns, { timeZone: "UTC", color: false }), "\u001b[")
  })
})
