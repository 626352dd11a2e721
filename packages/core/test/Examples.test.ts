import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as EventCatalogue from "../src/EventCatalogue.js"
import type { Trtc } from "../src/Trtc.js"
import type * as TrtcStream from "../src/TrtcStream.js"

// The examples live outside this package (root `examples/`, typechecked by its own tsconfig);
// they are loaded by URL so this project does not compile them a second time.
const load = <A>(name: string) => Effect.promise(() => import(new URL(`../../../examples/${name}.ts`, import.meta.url).href) as Promise<A>)

interface Diagnosis {
  readonly commId: string | undefined
  readonly joined: boolean
  readonly attempts: number
  readonly failures: ReadonlyArray<string>
  readonly verdict: string
}
interface WhyJoinFailed {
  readonly JoinDiagnostics: Effect.Effect<{
    readonly explain: (q: { sdkAppId: number; roomId: string; userId: string; period: TrtcStream.Period }) => Effect.Effect<ReadonlyArray<Diagnosis>, unknown>
  }, never, never> & { readonly layer: Layer.Layer<never, never, Trtc> }
  readonly emulatorTrtc: (emulator: Emulator.Instance) => Layer.Layer<Trtc>
  readonly pickFailedJoin: (dataSet: Emulator.DataSet, since: number) => { sdkAppId: number; roomId: string; userId: string }
}
interface Row { readonly roomId: string; readonly hour: string; readonly failures: number }
interface FailuresPerRoomHour {
  readonly countFailures: (sdkAppId: number, period: TrtcStream.Period) => Effect.Effect<Array<Row>, unknown, Trtc>
  readonly toCsv: (rows: ReadonlyArray<Row>) => string
  readonly emulatorTrtc: (emulator: Emulator.Instance) => Layer.Layer<Trtc>
}

const lastDays = (days: number) => {
  const now = Math.floor(Date.now() / 1000)
  return { start: now - days * 86_400, end: now }
}

describe("examples", () => {
  it.scopedLive("why-join-failed: the embedded service explains a failed join from the call's events", () =>
    Effect.gen(function*() {
      const example = yield* load<WhyJoinFailed>("why-join-failed")
      const emulator = yield* Emulator.make({ seed: 5, rps: 0 })
      const period = lastDays(3)
      const query = example.pickFailedJoin(emulator.dataSet, period.start)
      const diagnoses = yield* Effect.flatMap(example.JoinDiagnostics, (d) => d.explain({ ...query, period })).pipe(
        Effect.provide(example.JoinDiagnostics.layer),
        Effect.provide(example.emulatorTrtc(emulator))
      )
      const rooms = emulator.dataSet.apps[0].rooms.filter((r) => r.roomId === query.roomId && r.destroyTime >= period.start)
      assert.deepStrictEqual(diagnoses.map((d) => d.commId), rooms.map((r) => r.commId))
      const room = rooms.find((r) => r.sessions.some((s) => s.userId === query.userId && s.events.some((e) => e.eventId === 5003 && e.paramOne === 0)))!
      const d = diagnoses.find((x) => x.commId === room.commId)!
      const own = room.sessions.filter((s) => s.userId === query.userId).flatMap((s) => s.events).filter((e) => e.peerId === query.userId)
      assert.strictEqual(d.attempts, own.filter((e) => e.eventId === 5001).length)
      assert.strictEqual(d.joined, own.some((e) => e.eventId === 5003 && e.paramOne === 1))
      assert.isAbove(d.failures.length, 0)
      assert.include(d.verdict, "fail")
    }))

  it.scopedLive("failures-per-room-hour: composed counts equal the data set's and render as CSV", () =>
    Effect.gen(function*() {
      const example = yield* load<FailuresPerRoomHour>("failures-per-room-hour")
      const emulator = yield* Emulator.make({ seed: 5, rps: 0 })
      const period = lastDays(3)
      const rows = yield* example.countFailures(emulator.dataSet.apps[0].sdkAppId, period).pipe(Effect.provide(example.emulatorTrtc(emulator)))
      const now = Math.floor(Date.now() / 1000)
      const expected = new Map<string, number>()
      for (const room of emulator.dataSet.apps[0].rooms) {
        if (room.createTime > period.end || room.destroyTime < period.start) continue
        const life = room.isFinished ? room.destroyTime : Math.max(room.destroyTime, now)
        const from = Math.max(room.createTime, period.start) * 1000
        const to = (Math.min(life, period.end) + 1) * 1000
        for (const e of room.sessions.flatMap((s) => s.events)) {
          if (e.timeMs < from || e.timeMs >= to) continue
          if (!/fail|timed out|timeout|kicked/i.test(EventCatalogue.describe(e.eventId, e.paramOne, e.paramTwo))) continue
          const key = `${room.roomId} ${new Date(Math.floor(e.timeMs / 3_600_000) * 3_600_000).toISOString().slice(0, 13)}:00:00Z`
          expected.set(key, (expected.get(key) ?? 0) + 1)
        }
      }
      assert.isAbove(expected.size, 0)
      assert.deepStrictEqual(new Map(rows.map((r) => [`${r.roomId} ${r.hour}`, r.failures])), expected)
      const csv = example.toCsv(rows).split("\r\n")
      assert.strictEqual(csv[0], "room_id,hour,failures")
      assert.strictEqual(csv.length, rows.length + 2)
    }))
})
