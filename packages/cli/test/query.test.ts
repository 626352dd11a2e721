// `--query` (JMESPath) end to end: the built bin against the emulator, per record for the
// streamed formats, on the whole array for json; a bad expression is a usage error with its column.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Output from "../src/Output.js"
import { credentialEnv, e2eDataSet, emulatorFor, fast, ndjson, run, sdkAppId, tempDir } from "./helpers.js"

const dataSet = e2eDataSet()
const rooms = dataSet.apps[0].rooms
const commIds = rooms.map((room) => room.commId).sort()
const listRooms = ["rooms", "--sdk-app-id", String(sdkAppId), "--since", "8d", ...fast]

layer(emulatorFor(dataSet))("trtc --query", (it) => {
  describe.concurrent("against the emulator", () => {
    const env = Effect.map(Emulator.Emulator, (e) => credentialEnv(e.url))

    it.effect("ndjson: the expression applied to each record", () =>
      Effect.gen(function*() {
        const r = yield* run([...listRooms, "--format", "ndjson", "--query", "{id: commId, room: roomId}"], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        const records = ndjson(r.stdout)
        assert.deepStrictEqual(records.map((x) => Object.keys(x)), rooms.map(() => ["id", "room"]))
        assert.deepStrictEqual(records.map((x) => x.id).sort(), commIds)
        for (const x of records) assert.strictEqual(rooms.find((room) => room.commId === x.id)?.roomId, x.room)
      }))

    it.effect("ndjson: records whose result is null are left out", () =>
      Effect.gen(function*() {
        // The calls created at or after the median creation time, as a per-record filter.
        const times = rooms.map((room) => room.createTime).sort((a, b) => a - b)
        const median = times[Math.floor(times.length / 2)]
        const expected = rooms.filter((room) => room.createTime >= median).map((room) => room.commId).sort()
        const r = yield* run([...listRooms, "--format", "ndjson", "--query", `[@][?createTs >= \`${median}\`].commId | [0]`], {
          env: yield* env
        })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.deepStrictEqual(r.stdout.trim().split("\n").map((l) => JSON.parse(l) as string).sort(), expected)
        assert.isBelow(expected.length, rooms.length)
      }))

    it.effect("json: the expression applied to the whole array", () =>
      Effect.gen(function*() {
        const r = yield* run([...listRooms, "--format", "json", "--query", "sort_by(@, &commId)[].commId"], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.deepStrictEqual(JSON.parse(r.stdout), commIds)
        const n = yield* run([...listRooms, "--format", "json", "--query", "length(@)"], { env: yield* env })
        assert.strictEqual(n.code, 0, n.stderr)
        assert.strictEqual(JSON.parse(n.stdout), rooms.length)
      }))

    it.effect("csv: the result's fields are the columns", () =>
      Effect.gen(function*() {
        const r = yield* run([...listRooms, "--format", "csv", "--query", "{id: commId, created: createTs}"], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        const parsed = Output.parseCsv(r.stdout)
        assert.deepStrictEqual(parsed.records[0], ["id", "created"])
        assert.deepStrictEqual(
          parsed.records.slice(1).sort((a, b) => a[0].localeCompare(b[0])),
          [...rooms].sort((a, b) => a.commId.localeCompare(b.commId)).map((room) => [room.commId, String(room.createTime)])
        )
      }))

    it.effect("table through --output (tccli's name for --format): one column per field", () =>
      Effect.gen(function*() {
        const r = yield* run([...listRooms, "--output", "table", "--query", "{id: commId}"], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        const lines = r.stdout.trimEnd().split("\n").map((l) => l.trim())
        assert.strictEqual(lines[0], "id")
        assert.deepStrictEqual(lines.slice(1).sort(), commIds)
      }))

    it.effect("--output before the command, like --format", () =>
      Effect.gen(function*() {
        const r = yield* run(["--output", "json", ...listRooms], { env: yield* env })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.deepStrictEqual((JSON.parse(r.stdout) as Array<{ commId: string }>).map((x) => x.commId).sort(), commIds)
      }))
  })

  describe.concurrent("bad input", () => {
    const cases = [
      { query: "{id: commId", column: 12, near: "at the end" },
      { query: "commId..roomId", column: 8, near: "near \".roomId\"" },
      { query: "commId ^ 2", column: 8, near: "near \"^ 2\"" }
    ]
    for (const c of cases) {
      it.effect(`a bad expression (${c.query}) is a usage error naming column ${c.column}, before any request`, () =>
        Effect.gen(function*() {
          // No credentials and an endpoint nothing listens on: the error must come first.
          const r = yield* run([...listRooms, "--query", c.query], { env: { TRTC_ENDPOINT: "http://127.0.0.1:9" } })
          assert.strictEqual(r.code, 2, r.stderr)
          assert.strictEqual(r.stdout, "")
          assert.include(r.stderr, `--query: invalid JMESPath at column ${c.column} (${c.near})`)
          assert.strictEqual(r.stderr.trim().split("\n").length, 1)
        }))
    }

    it.effect("an unknown function is a usage error naming it (found when the first record arrives)", () =>
      Effect.gen(function*() {
        const r = yield* run([...listRooms, "--format", "ndjson", "--query", "frobnicate(commId)"], {
          env: credentialEnv((yield* Emulator.Emulator).url)
        })
        assert.strictEqual(r.code, 2, r.stderr)
        assert.include(r.stderr, "frobnicate")
        assert.notInclude(r.stderr, "    at ")
      }))

    it.effect("--query with export --out is refused (the file must keep whole records for --resume)", () =>
      Effect.gen(function*() {
        const out = `${tempDir()}/events.ndjson`
        const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--out", out, "--query", "userId"], {
          env: { TRTC_ENDPOINT: "http://127.0.0.1:9" }
        })
        assert.strictEqual(r.code, 2, r.stderr)
        assert.include(r.stderr, "--query cannot be used with --out")
      }))
  })
})
