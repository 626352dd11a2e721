/**
 * Composing: every event of an app in a period (`TrtcStream.events`, one constant-memory
 * stream) folded into failure counts per room per hour, written as CSV. Memory holds one
 * counter per (room, hour), never the events.
 *
 *   pnpm exec tsx examples/failures-per-room-hour.ts [out.csv]
 *
 * With `TRTC_ENDPOINT` (and `TRTC_SDK_APP_ID`) it reads that endpoint with the default
 * credential chain; without, it starts an emulator in this process.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type { Trtc } from "@effect-trtc/core/Trtc"
import * as TrtcLayer from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { pathToFileURL } from "node:url"

/** A failure, by the catalogue's own words ("Failed to enter room", "Timed out", "Kicked out"). */
export const isFailure = (event: TrtcStream.Event): boolean => /fail|timed out|timeout|kicked/i.test(event.description)

/** One CSV row. */
export interface Row {
  readonly roomId: string
  /** The hour, ISO 8601 UTC (`2026-11-25T10:00:00Z`). */
  readonly hour: string
  readonly failures: number
}

const hourOf = (timeMs: number) => `${new Date(Math.floor(timeMs / 3_600_000) * 3_600_000).toISOString().slice(0, 13)}:00:00Z`

/** Failure counts per room per hour of an app in a period, by room then hour. */
export const countFailures = (
  sdkAppId: number,
  period: TrtcStream.Period,
  options?: TrtcStream.Options
): Effect.Effect<Array<Row>, TrtcStream.StreamError, Trtc> =>
  TrtcStream.events(sdkAppId, period, options).pipe(
    Stream.filter(isFailure),
    Stream.runFold(new Map<string, number>(), (counts, event) => {
      const key = `${event.roomId}\u0000${hourOf(event.timeMs)}`
      return counts.set(key, (counts.get(key) ?? 0) + 1)
    }),
    Effect.map((counts) =>
      [...counts].map(([key, failures]) => {
        const [roomId, hour] = key.split("\u0000")
        return { roomId, hour, failures }
      }).sort((a, b) => (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0)))
  )

const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value)

/** RFC 4180 CSV with a header line. */
export const toCsv = (rows: ReadonlyArray<Row>): string =>
  ["room_id,hour,failures", ...rows.map((r) => `${csvField(r.roomId)},${r.hour},${r.failures}`)].join("\r\n") + "\r\n"

/** `Trtc` against an emulator. */
export const emulatorTrtc = (emulator: Emulator.Instance): Layer.Layer<Trtc> =>
  TrtcLayer.layer({ endpoint: emulator.url }).pipe(
    Layer.provide(Layer.merge(
      Credentials.layerStatic({ secretId: emulator.credential.secretId, secretKey: emulator.credential.secretKey }),
      NodeHttpClient.layerUndici
    )),
    Layer.orDie
  )

const main = Effect.gen(function*() {
  const now = Math.floor(Date.now() / 1000)
  const period = { start: now - 3 * 86_400, end: now }
  const out = process.argv[2]
  const rows = process.env["TRTC_ENDPOINT"] !== undefined
    ? yield* countFailures(Number(process.env["TRTC_SDK_APP_ID"]), period).pipe(
      Effect.provide(TrtcLayer.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici)))
    )
    : yield* Effect.flatMap(Emulator.make({ seed: 5 }), (emulator) =>
      countFailures(emulator.dataSet.apps[0].sdkAppId, period).pipe(Effect.provide(emulatorTrtc(emulator))))
  const csv = toCsv(rows)
  if (out === undefined) return yield* Console.log(csv.trimEnd())
  const fs = yield* FileSystem.FileSystem
  yield* fs.writeFileString(out, csv)
  yield* Console.log(`${rows.length} rows written to ${out}`)
}).pipe(Effect.scoped, Effect.provide(NodeFileSystem.layer))

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  NodeRuntime.runMain(main)
}
