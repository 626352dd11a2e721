// The progress line's request count: core's TrtcStream.Progress, updated by the real streams of
// `trtc rooms` and `trtc export` against an emulator over HTTP (the CLI keeps no counter of its own).
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, layer } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { requestCounters, withApi } from "../src/internal/apiCommand.js"
import * as CallStream from "../src/internal/callStream.js"
import type { Globals } from "../src/internal/globals.js"
import { Terminal } from "../src/internal/io.js"
import * as Source from "../src/internal/source.js"
import { credentialEnv, e2eDataSet, emulatorFor, sdkAppId } from "./helpers.js"

const quietTerminal = Layer.succeed(Terminal, {
  stdout: () => Effect.void,
  stderr: () => Effect.void,
  stderrSync: () => {},
  stdoutIsTTY: false,
  stderrIsTTY: false,
  columns: 80
})

const globalsFor = (url: string): Globals => ({
  endpoint: url,
  region: "ap-guangzhou",
  profile: undefined,
  profileExplicit: false,
  format: "ndjson",
  query: undefined,
  rps: 1000,
  concurrency: 4,
  timeoutMillis: 30_000,
  rateLimit: undefined,
  verbose: false,
  proxy: {}
})

layer(emulatorFor(e2eDataSet()))("request counting", (it) => {
  it.effect("counts exactly the requests the emulator received, rooms and then every call's events", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.reset
      // The period is taken on the emulator's clock, the one it serves the data set on.
      const now = Math.floor((yield* emulator.now) / 1000)
      const period = { startTime: now - 8 * 86400, endTime: now }
      const counters = yield* requestCounters
      const globals = globalsFor(emulator.url)
      const calls = yield* Stream.runCollect(Source.rooms(sdkAppId, period)).pipe(counters.provide, (e) => withApi(globals, e))
      assert.isAbove(calls.length, 0)
      const afterRooms = (yield* emulator.requests).length
      assert.isAtLeast(afterRooms, 8, "one request per 24 h window at least")
      assert.strictEqual(yield* counters.requests, afterRooms)
      yield* Effect.forEach(calls, (call) => Stream.runDrain(CallStream.eventChunks(call, 4)), { discard: true }).pipe(
        counters.provide,
        (e) => withApi(globals, e)
      )
      const afterEvents = (yield* emulator.requests).length
      assert.isAbove(afterEvents, afterRooms)
      assert.strictEqual(yield* counters.requests, afterEvents)
    }).pipe(
      Effect.provide(quietTerminal),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ ...credentialEnv(""), HOME: "/nonexistent" })))),
      // Signing and the emulator's signature check share the wall clock (it.effect's TestClock stands at 0).
      Effect.withClock(Clock.make()),
      Effect.scoped
    ), 120_000)
})
