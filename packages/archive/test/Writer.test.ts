// The writer on both real backends: several calls in one transaction, a call larger than one
// statement, and the same calls written again (the rerun after a stop between commit and
// checkpoint) adding nothing; a session seen again gets its later end.
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { int, transaction } from "../src/internal/database.js"
import { OpenDatabase, pg as openPg, sqlite as openSqlite } from "../src/internal/open.js"
import { rowsPerStatement, writeCalls } from "../src/internal/writer.js"
import { generatedCalls } from "./fixtures/generatedCalls.js"
import { type Postgres, startPostgres } from "./postgres.js"

const app = 1400000001
// Three calls; the second has more events than two statements take, so it spans three.
const calls = generatedCalls(app, 3, 4, 50)
const big = generatedCalls(app, 2, 3, Math.ceil((2 * rowsPerStatement + 7) / 3))[1]!
const batch = [calls[0]!, { ...big, room: { ...big.room, commId: "big-call" }, events: big.events.map((e) => ({ ...e, commId: "big-call" })) }, calls[2]!]
const expectedEvents = batch.reduce((n, c) => n + c.events.length, 0)
const expectedSessions = batch.reduce((n, c) => n + c.sessions.length, 0)

const counts = Effect.gen(function*() {
  const { sql } = yield* OpenDatabase
  const [events] = yield* sql<{ n: unknown; sum: unknown }>`SELECT count(*) AS n, sum(param_two) AS sum FROM trtc_events`
  const [sessions] = yield* sql<{ n: unknown }>`SELECT count(*) AS n FROM trtc_sessions`
  const [rooms] = yield* sql<{ n: unknown }>`SELECT count(*) AS n FROM trtc_rooms`
  return { events: int(events!.n), paramSum: int(events!.sum), sessions: int(sessions!.n), rooms: int(rooms!.n) }
})

const write = (list: typeof batch) =>
  Effect.flatMap(OpenDatabase, (db) => transaction(db, "test", writeCalls(db, app, list, { nowMs: 1, settled: () => true })))

const scenario = (layer: Layer.Layer<OpenDatabase, unknown>) =>
  Effect.runPromise(Effect.provide(
    Effect.gen(function*() {
      const first = yield* write(batch)
      const afterFirst = yield* counts
      const again = yield* write(batch)
      const afterAgain = yield* counts
      // The user came back later: the same session with a later end, written again.
      const [session] = batch[0]!.sessions
      const later = { ...batch[0]!, sessions: [{ ...session!, leaveTs: session!.leaveTs + 60 }, ...batch[0]!.sessions.slice(1)] }
      yield* write([later])
      const { sql } = yield* OpenDatabase
      const [row] = yield* sql<{ leave_ts: unknown }>`SELECT leave_ts FROM trtc_sessions WHERE comm_id = ${batch[0]!.room.commId} AND user_id = ${session!.userId} AND join_ts = ${session!.joinTs}`
      const stored = yield* sql<{ time_ms: unknown; param_one: unknown; description: string }>`SELECT time_ms, param_one, description FROM trtc_events WHERE comm_id = 'big-call' ORDER BY param_two`
      return { first, afterFirst, again, afterAgain, leaveTs: int(row!.leave_ts), stored }
    }),
    layer
  ))

const expectExact = (result: Awaited<ReturnType<typeof scenario>>) => {
  const paramSum = batch.reduce((n, c) => n + c.events.reduce((m, e) => m + e.paramTwo, 0), 0)
  expect(result.first).toEqual({ events: expectedEvents, sessions: expectedSessions })
  expect(result.afterFirst).toEqual({ events: expectedEvents, paramSum, sessions: expectedSessions, rooms: 3 })
  expect(result.again).toEqual({ events: 0, sessions: 0 })
  expect(result.afterAgain).toEqual(result.afterFirst)
  expect(result.leaveTs).toBe(batch[0]!.sessions[0]!.leaveTs + 60)
  // Every value of the big call back as it went in: integers exact, text byte for byte.
  expect(result.stored.map((r) => ({ timeMs: int(r.time_ms), paramOne: int(r.param_one), description: r.description })))
    .toEqual(big.events.map((e) => ({ timeMs: e.timeMs, paramOne: e.paramOne, description: e.description })))
}

describe("writer", () => {
  let pg: Postgres
  let dir: string
  beforeAll(async () => {
    pg = await startPostgres()
    dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "trtc-writer-"))
  })
  afterAll(() => {
    pg?.stop()
    Fs.rmSync(dir, { recursive: true, force: true })
  })

  it(`sqlite: three calls in one transaction, one of ${2 * rowsPerStatement + 7}+ events, exactly once when written again`, async () => {
    expectExact(await scenario(openSqlite(Path.join(dir, "writer.db"))))
  })

  it(`pg: three calls in one transaction, one of ${2 * rowsPerStatement + 7}+ events, exactly once when written again`, async () => {
    expectExact(await scenario(openPg(Redacted.make(pg.createDatabase("writer")))))
  })
})
