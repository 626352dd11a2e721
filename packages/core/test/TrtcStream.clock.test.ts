// The retention clamp on the server's clock: an emulator whose clock runs ahead of ours refuses
// a start our clock thinks is inside retention. The streams clamp with the clock the client
// learned from the server (a SignatureExpire correction, or the refusal's own Date).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Stream from "effect/Stream"
import * as Trtc from "../src/Trtc.js"
import * as TrtcStream from "../src/TrtcStream.js"
import * as Windows from "../src/Windows.js"

const key = Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey })

const trtcLayer = (emulator: Emulator.Instance) =>
  Trtc.layer({ endpoint: emulator.url, rps: 0, retry: { baseDelay: "5 millis", maxDelay: "50 millis", maxRetries: 5 } }).pipe(
    Layer.provide(Layer.merge(key, NodeHttpClient.layerUndici))
  )

const emulatorOptions = { seed: 23, roomsPerApp: 30, usersPerRoom: { min: 2, max: 3 }, rps: 0 } as const

/** Runs `stream`, keeping the log lines (the clamp's warning goes there). */
const withLogs = <A, E>(stream: Stream.Stream<A, E, Trtc.Trtc>, emulator: Emulator.Instance) =>
  Effect.gen(function*() {
    const logs: Array<string> = []
    const logger = Logger.make(({ message }) => void logs.push(String(message)))
    const out = yield* Stream.runCollect(stream).pipe(
      Effect.provide(trtcLayer(emulator)),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
    return { out: Chunk.toArray(out), logs }
  })

const nowSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

describe("the retention clamp on the server's clock", () => {
  // 600 s: past the 5-minute signature tolerance (SignatureExpire teaches the skew first, then
  // the StartTsOversize of the start clamped on our clock has the window clamped again). A skew
  // the signature tolerates is inside the emulator's 300 s retention grace too; that case (the
  // refusal's Date alone teaches it) is in TencentCloudClient.hostile.test.ts.
  for (const skew of [600]) {
    it.scopedLive(`server ${skew} s ahead: rooms and events of the last 14 days succeed without a warning`, () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.make({ ...emulatorOptions, clockOffsetSeconds: skew })
        const now = yield* nowSeconds
        const period = { start: now - 14 * 86_400, end: now }
        const rooms = yield* withLogs(TrtcStream.rooms(Emulator.defaultSdkAppId, period), emulator)
        // Every room alive well inside the server's retention (clear of the skew and margin) is there.
        const app = emulator.dataSet.apps.find((a) => a.sdkAppId === Emulator.defaultSdkAppId)!
        const inside = app.rooms.filter((r) => r.createTime <= now - 60 && r.destroyTime >= now + skew - 14 * 86_400 + 2 * Windows.retentionMarginSeconds)
        assert.isAbove(inside.length, 5)
        const got = new Set(rooms.out.map((r) => r.commId))
        for (const room of inside) assert.isTrue(got.has(room.commId), `${room.commId} missing`)
        assert.isFalse(rooms.logs.some((line) => line.includes("retention")), rooms.logs.join("\n"))
        const events = yield* withLogs(TrtcStream.events(Emulator.defaultSdkAppId, period), emulator)
        assert.isAbove(events.out.length, 0)
        assert.isFalse(events.logs.some((line) => line.includes("retention")), events.logs.join("\n"))
        // The skew was really there to learn: the server refused something first.
        const log = yield* emulator.requests
        assert.isTrue(log.some((entry) => entry.code === "AuthFailure.SignatureExpire"))
        assert.isTrue(log.some((entry) => entry.code === "InvalidParameter.StartTsOversize"))
      }), 120_000)
  }

  it.scopedLive("a start a day before retention is clamped with one warning", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ ...emulatorOptions, clockOffsetSeconds: 600 })
      const now = yield* nowSeconds
      const rooms = yield* withLogs(TrtcStream.rooms(Emulator.defaultSdkAppId, { start: now - 15 * 86_400, end: now }), emulator)
      assert.isAbove(rooms.out.length, 0)
      assert.strictEqual(rooms.logs.filter((line) => line.includes("14-day retention")).length, 1)
    }), 120_000)
})
