// The resume scan of `export --out` on real files: whole records counted byte-exactly whatever
// the characters and wherever a block boundary or a truncation falls (issue 18: a UTF-8
// character split across two 1 MiB blocks became U+FFFD and the resume duplicated calls).
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import { join } from "node:path"
import * as ExportFile from "../src/internal/exportFile.js"
import * as Output from "../src/Output.js"
import * as Records from "../src/Records.js"
import { tempDir } from "./helpers.js"

const app = 1400000001

// Characters of 1, 2, 3 and 4 bytes, a comma, quotes and a line break (CSV quotes them all).
const userIds = ["会議室-61", "直播间-29", "ünïcødé", "emoji-🎧🎤", "plain", "a,\"b\"\nc"]

const callEvents = (call: number): Array<Records.EventRecord> => {
  const commId = `${app}_直播间-${call}_${1796000000 + call}`
  const events: Array<Records.EventRecord> = []
  for (let i = 0; i < 7; i++) {
    const userId = userIds[(call + i) % userIds.length]
    events.push(Records.event(
      { sdkAppId: app, commId, roomId: `直播间-${call}`, userId },
      { peerId: userId, type: 1, timeMs: 1796000000000 + call * 1000 + i, eventId: 1000 + i, paramOne: i, paramTwo: -1 },
      () => `事件 ${i} «${userId}»`
    ))
  }
  return events
}

const calls = [1, 2, 3].map(callEvents)
const all = calls.flat()

const encode = (format: "ndjson" | "csv", event: Records.EventRecord) =>
  format === "csv"
    ? Output.csvLine(Records.eventColumns.all.map((k) => event[k as keyof Records.EventRecord]))
    : Output.ndjsonLine(event as unknown as Output.Row)

/** The file's bytes and the byte offset where each whole record ends. */
const fileOf = (format: "ndjson" | "csv", events: ReadonlyArray<Records.EventRecord>) => {
  const parts = [format === "csv" ? Buffer.from(Output.csvLine(Records.eventColumns.all)) : Buffer.alloc(0)]
  const ends: Array<number> = []
  let size = parts[0].length
  for (const event of events) {
    const bytes = Buffer.from(encode(format, event), "utf8")
    parts.push(bytes)
    size += bytes.length
    ends.push(size)
  }
  return { bytes: Buffer.concat(parts), ends, headerEnd: parts[0].length }
}

const scanBytes = (format: "ndjson" | "csv", bytes: Buffer, blockSize?: number) => {
  const path = join(tempDir(), `events.${format}`)
  fs.writeFileSync(path, bytes)
  return ExportFile.scan(path, format, app, blockSize)
}

/** What the scan must find in the first `n` whole records. */
const expectState = (
  state: Effect.Effect.Success<ReturnType<typeof ExportFile.scan>>,
  n: number,
  validBytes: number,
  label: string
) => {
  assert.strictEqual(state.records, n, `${label}: records`)
  assert.strictEqual(state.validBytes, validBytes, `${label}: valid bytes`)
  const present = all.slice(0, n)
  const last = present.at(-1)
  assert.strictEqual(state.partial?.commId, last?.commId, `${label}: last call`)
  assert.deepStrictEqual(
    [...state.completed].sort(),
    [...new Set(present.map((e) => e.commId))].filter((c) => c !== last?.commId).sort(),
    `${label}: completed calls`
  )
  // The partial call's identities are exactly its events present, so `remaining` keeps the rest.
  if (last !== undefined) {
    const ofLast = all.filter((e) => e.commId === last.commId)
    const fresh = ExportFile.remaining(state, ofLast)
    assert.deepStrictEqual(fresh, ofLast.slice(present.filter((e) => e.commId === last.commId).length), `${label}: remaining`)
  }
}

describe("export --resume scan", () => {
  for (const format of ["ndjson", "csv"] as const) {
    it.effect(`counts every byte with a block boundary at every offset (${format})`, () =>
      Effect.gen(function*() {
        const file = fileOf(format, all)
        // Block sizes 1..17 put a boundary inside every character of every record.
        for (let blockSize = 1; blockSize <= 17; blockSize++) {
          expectState(yield* scanBytes(format, file.bytes, blockSize), all.length, file.bytes.length, `block ${blockSize}`)
        }
      }))

    it.effect(`keeps exactly the whole records of a file cut at any byte (${format})`, () =>
      Effect.gen(function*() {
        const file = fileOf(format, all)
        const start = format === "csv" ? file.headerEnd : 0
        for (let cut = start; cut <= file.bytes.length; cut++) {
          const whole = file.ends.filter((end) => end <= cut).length
          const validBytes = whole === 0 ? start : file.ends[whole - 1]
          const state = yield* scanBytes(format, file.bytes.subarray(0, cut), 5)
          expectState(state, whole, validBytes, `cut at ${cut}`)
          assert.strictEqual(state.dropped, cut - validBytes)
        }
      }))
  }

  it.effect("a multibyte character across the default 1 MiB block is read whole", () =>
    Effect.gen(function*() {
      // ASCII records up to just before 1 MiB, then records whose ids are made of 3-byte and
      // 4-byte characters: one of them straddles the block boundary mid-character.
      const build = (pad: number) => {
        const filler = (i: number) =>
          Records.event(
            { sdkAppId: app, commId: `${app}_filler_1796000000`, roomId: "filler", userId: `user-${i}` },
            { peerId: "", type: 1, timeMs: 1796000000000 + i, eventId: 1, paramOne: 0, paramTwo: 0 },
            () => "x".repeat(i === 0 ? 200 + pad : 200)
          )
        const events: Array<Records.EventRecord> = []
        let size = 0
        for (let i = 0; size < (1 << 20) - 2000; i++) {
          events.push(filler(i))
          size += Buffer.byteLength(encode("ndjson", events[i]))
        }
        for (let i = 0; i < 12; i++) {
          const userId = (i % 2 === 0 ? "会" : "🎧").repeat(40 + i)
          events.push(Records.event(
            { sdkAppId: app, commId: `${app}_会議室-61_1796000001`, roomId: "会議室-61", userId },
            { peerId: userId, type: 1, timeMs: 1796000001000 + i, eventId: 2, paramOne: 0, paramTwo: 0 },
            () => "入室"
          ))
        }
        return { events, file: fileOf("ndjson", events) }
      }
      // Shift the records by a byte or two until the boundary falls inside a character (on a
      // continuation byte, 10xxxxxx), not on a character's first byte.
      const { events, file } = [0, 1, 2, 3].map(build).find(({ file }) => (file.bytes[1 << 20] & 0xc0) === 0x80)!
      assert.isDefined(file)
      const state = yield* scanBytes("ndjson", file.bytes)
      assert.strictEqual(state.records, events.length)
      assert.strictEqual(state.validBytes, file.bytes.length)
      assert.strictEqual(state.dropped, 0)
      assert.deepStrictEqual([...state.completed], [`${app}_filler_1796000000`])
      assert.deepStrictEqual(ExportFile.remaining(state, events.slice(-12)), [])
    }))

  it.effect("a line that is JSON but not a record is named by its number", () =>
    Effect.gen(function*() {
      for (const line of ["null", "42", "[1]", "\"text\"", "{\"sdkAppId\":1400000001}"]) {
        const bytes = Buffer.concat([fileOf("ndjson", all.slice(0, 2)).bytes, Buffer.from(`${line}\n`)])
        const result = yield* Effect.either(scanBytes("ndjson", bytes))
        assert.isTrue(Either.isLeft(result), line)
        if (Either.isLeft(result)) {
          assert.strictEqual(result.left._tag, "UsageError")
          assert.include(result.left.message, "line 3 is not a record", line)
          assert.include(result.left.message, "events.ndjson", line)
        }
      }
    }))
})

describe("export --resume scan of calls written while running", () => {
  const record = (commId: string, i: number, callFinished: boolean): Records.ExportRecord => ({
    ...Records.event(
      { sdkAppId: app, commId, roomId: commId.split("_")[1], userId: "u" },
      { peerId: "u", type: 0, timeMs: 1796000000000 + i, eventId: 3001, paramOne: i, paramTwo: -1 },
      () => "e"
    ),
    callFinished
  })
  const A = `${app}_a_1796000000`
  const B = `${app}_b_1796000100`
  const C = `${app}_c_1796000200`
  const write = (format: "ndjson" | "csv", records: ReadonlyArray<Records.ExportRecord>) => {
    const head = format === "csv" ? Output.csvLine(Records.exportColumns.all) : ""
    const body = records.map((r) =>
      format === "csv" ? Output.csvLine(Records.exportColumns.all.map((k) => r[k as keyof Records.ExportRecord])) : Output.ndjsonLine(r)).join("")
    return scanBytes(format, Buffer.from(head + body, "utf8"), 7)
  }

  for (const format of ["ndjson", "csv"] as const) {
    it.effect(`a call written while running is open, not complete, with its events' identities (${format})`, () =>
      Effect.gen(function*() {
        const state = yield* write(format, [record(A, 1, false), record(A, 2, false), record(B, 3, true), record(C, 4, true)])
        assert.deepStrictEqual([...state.completed], [B])
        assert.deepStrictEqual([...state.open.keys()], [A])
        assert.strictEqual(state.partial?.commId, C)
        // Fetched again, the running call keeps only its new events.
        const later = [record(A, 1, true), record(A, 2, true), record(A, 9, true)]
        assert.deepStrictEqual(ExportFile.remaining(state, later), [later[2]])
      }))

    it.effect(`a resumed file whose last call also appears earlier keeps all its identities (${format})`, () =>
      Effect.gen(function*() {
        // Run 1: A running, B cut short; run 2: A's rest, then B's rest, cut again.
        const state = yield* write(format, [
          record(A, 1, false),
          record(B, 2, true),
          record(A, 3, true),
          record(B, 4, true)
        ])
        assert.deepStrictEqual([...state.completed], [A])
        assert.deepStrictEqual([...state.open.keys()], [])
        assert.strictEqual(state.partial?.commId, B)
        const all = [record(B, 2, true), record(B, 4, true), record(B, 5, true)]
        assert.deepStrictEqual(ExportFile.remaining(state, all), [all[2]])
      }))
  }
})
