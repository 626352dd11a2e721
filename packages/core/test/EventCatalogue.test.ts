import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import { readFileSync } from "node:fs"
import * as EventCatalogue from "../src/EventCatalogue.js"

// The reference's five event-ID tables, row for row, as a fixture the repository owns (see fixtures/README.md).
const fixture = JSON.parse(readFileSync(new URL("fixtures/event-tables.json", import.meta.url), "utf8")) as {
  readonly source: string
  readonly tables: Record<string, { readonly title: string; readonly rows: ReadonlyArray<ReadonlyArray<string>> }>
}

/** The body rows of one table of the reference (by its section number), as trimmed cells. */
const tableRows = (section: string): ReadonlyArray<ReadonlyArray<string>> => {
  const table = fixture.tables[section]
  assert.isDefined(table, `table ${section} not found in the fixture`)
  return table.rows
}

const param = (cell: string): EventCatalogue.Param => /^-?\d+$/.test(cell) ? Number(cell) : cell

const eventTables = { "5.1": "sdk", "5.2": "webrtc" } as const
const exceptionTables = { "5.3": "experience", "5.4": "roomDismissal", "5.5": "realtime" } as const

describe("EventCatalogue", () => {
  it("holds every row of the reference's five event tables, verbatim", () => {
    const counts: Record<string, number> = {}
    for (const [section, table] of Object.entries(eventTables)) {
      const rows = tableRows(section)
      counts[section] = rows.length
      for (const [id, one, two, description] of rows) {
        const found = EventCatalogue.entries.filter((e) =>
          e.table === table && e.eventId === Number(id) && e.paramOne === param(one) && e.paramTwo === param(two))
        assert.strictEqual(found.length, 1, `${section} ${id} ${one} ${two}`)
        assert.strictEqual(found[0].description, description, `${section} ${id} ${one} ${two}`)
      }
    }
    for (const [section, table] of Object.entries(exceptionTables)) {
      const rows = tableRows(section)
      counts[section] = rows.length
      for (const [id, description] of rows) {
        const found = EventCatalogue.entries.filter((e) => e.table === table && e.eventId === Number(id))
        assert.strictEqual(found.length, 1, `${section} ${id}`)
        assert.strictEqual(found[0].description, description)
        assert.strictEqual(EventCatalogue.describeException(table, Number(id)), description)
      }
    }
    assert.deepStrictEqual(counts, { "5.1": 83, "5.2": 27, "5.3": 5, "5.4": 32, "5.5": 26 })
    // The reference's 173 rows plus the 8 rows only the CN table has, and nothing else.
    assert.strictEqual(EventCatalogue.entries.filter((e) => e.table !== "sdk-cn").length, 173)
    assert.strictEqual(EventCatalogue.entries.length, 181)
  })

  it("describes every SDK and WebRTC row by its own text, or renders its values", () => {
    for (const [section] of Object.entries(eventTables)) {
      for (const [id, one, two, description] of tableRows(section)) {
        const p1 = typeof param(one) === "number" ? Number(one) : 640
        const p2 = typeof param(two) === "number" ? Number(two) : 360
        const text = EventCatalogue.describe(Number(id), p1, p2)
        if (typeof param(one) === "number" && typeof param(two) === "number") {
          assert.strictEqual(text, description, `${id} ${one} ${two}`)
        } else {
          assert.include(text, "640", `${id} renders its value`)
        }
        assert.isTrue(Option.isSome(EventCatalogue.lookup(Number(id), p1, p2)))
      }
    }
  })

  it("reads the examples of the brief", () => {
    assert.strictEqual(EventCatalogue.describe(5003, 1, -1), "Entered room successfully")
    assert.strictEqual(EventCatalogue.describe(5003, 0, -1), "Failed to enter room")
    assert.strictEqual(EventCatalogue.describe(4003, 1280, 720), "Video resolution switched to 1280x720")
    assert.strictEqual(EventCatalogue.describe(4007, 640, 360), "The user switched video resolution to 640x360")
    assert.strictEqual(EventCatalogue.describe(4008, 15, -1), "The user switched video frame rate to 15 fps")
    assert.strictEqual(EventCatalogue.describe(4009, 900, -1), "The user switched video bitrate to 900")
    assert.strictEqual(EventCatalogue.describe(4013, 12, 1), "(Hardware) decoding failed: 12 frames failed to decode in 3 s")
    assert.strictEqual(EventCatalogue.describe(6001, 101, 2), "(Qos: cloud control mode - smoothness preferred) audio call")
    assert.strictEqual(EventCatalogue.describe(32769, -1, -1), "Enabled audio")
    assert.strictEqual(EventCatalogue.describe(32793, -1, -1), "Connected media transmission channel successfully")
    assert.strictEqual(EventCatalogue.describe(4006, 3, -1), "The user turned the camera off")
  })

  it("renders unknown ids and unexpected parameters instead of failing", () => {
    assert.strictEqual(EventCatalogue.describe(9999, 1, -1), "Unknown event 9999 (1, -1)")
    assert.strictEqual(EventCatalogue.describe(1003, 9, -1), "Network type: unrecognised parameters (9, -1)")
    assert.isTrue(Option.isNone(EventCatalogue.lookup(9999, 1, -1)))
    assert.isFalse(EventCatalogue.isKnown(9999))
    assert.isTrue(EventCatalogue.isKnown(36864))
    assert.strictEqual(EventCatalogue.rowsOf(1003).length, 6)
    assert.strictEqual(EventCatalogue.describeException("realtime", 99), "Unknown realtime exception 99")
    // The exception tables reuse SDK numbers; describe() stays with the SDK meaning.
    assert.strictEqual(EventCatalogue.describe(1001, 1, -1), "The user plugged wired earphone")
    assert.strictEqual(EventCatalogue.describeException("roomDismissal", 1001), "Failed to initialize audio device")
  })

  it("describes EventMessage-shaped values and names stream types", () => {
    assert.strictEqual(EventCatalogue.describeMessage({ eventId: 4003, paramOne: 1280, paramTwo: 720 }), "Video resolution switched to 1280x720")
    assert.deepStrictEqual([0, 2, 3, 7, 9].map(EventCatalogue.streamTypeName), ["non-video", "big stream", "small stream", "relayed stream", "stream type 9"])
  })
})
