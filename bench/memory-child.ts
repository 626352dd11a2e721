/**
 * The client side of `bench/memory.ts`: streams `--take` events of `--app` from the emulator at
 * `--url` to a count and prints one JSON line with the count, the duration, the requests and
 * this process's peak RSS (VmHWM). Imports only the client (no emulator code), so it can be
 * bundled and run with plain node, the way a packaged program runs.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"

const value = (name: string): string => process.argv[process.argv.indexOf(`--${name}`) + 1]
const take = Number(value("take"))
const layer = Trtc.layer({ endpoint: value("url"), rps: 0 }).pipe(
  Layer.provide(Layer.merge(Credentials.layerStatic({ secretId: value("secret-id"), secretKey: value("secret-key") }), NodeHttpClient.layerUndici))
)
const now = Math.floor(Date.now() / 1000)
const started = performance.now()
const progress = await Effect.runPromise(TrtcStream.Progress.make)
const count = await Effect.runPromise(
  TrtcStream.events(Number(value("app")), { start: now - 14 * 86_400, end: now }, { concurrency: Number(value("concurrency")) }).pipe(
    Stream.take(take),
    Stream.runCount,
    Effect.provide(layer),
    Effect.provideService(TrtcStream.Progress, progress),
    Logger.withMinimumLogLevel(LogLevel.Error)
  )
)
const counts = await Effect.runPromise(progress.snapshot)
const vmHwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024
console.log(JSON.stringify({ count, ms: performance.now() - started, vmHwm, requests: counts.requests }))
process.exit(0)
