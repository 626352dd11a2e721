/**
 * Rate-limit utilisation of a streamed export: `TrtcStream.events(app, 14 days)` against an
 * emulator enforcing the documented 20 requests/second per action in a strict 1-second sliding
 * window. The export needs well over 600 requests. From the emulator's request log: requests
 * per action, the achieved rate of each action while it was busy (`(n - 1) / (last - first)`),
 * that rate as a share of the limit, and the number of `RequestLimitExceeded` answers.
 * Target: ≥ 95 % of the limit on the dominant action, zero refusals.
 *
 *   pnpm exec tsx bench/ratelimit.ts [--rooms 150] [--concurrency 8] [--write]
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { appendFileSync, existsSync, writeFileSync } from "node:fs"
import * as Os from "node:os"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const rooms = arg("rooms", 150)
const concurrency = arg("concurrency", 8)
const limit = 20

const program = Effect.gen(function*() {
  const emulator = yield* Emulator.make({ seed: 2026, roomsPerApp: rooms, rps: limit, logLimit: 100_000 })
  const layer = Trtc.layer({ endpoint: emulator.url, rps: limit }).pipe(
    Layer.provide(Layer.merge(
      Credentials.layerStatic({ secretId: emulator.credential.secretId, secretKey: emulator.credential.secretKey }),
      NodeHttpClient.layerUndici
    ))
  )
  const now = Math.floor(Date.now() / 1000)
  const started = performance.now()
  const events = yield* TrtcStream.events(Emulator.defaultSdkAppId, { start: now - 14 * 86_400, end: now }, { concurrency }).pipe(
    Stream.runCount,
    Effect.provide(layer)
  )
  const seconds = (performance.now() - started) / 1000
  const log = yield* emulator.requests
  const byAction = new Map<string, Array<number>>()
  for (const entry of log) byAction.set(entry.action, [...(byAction.get(entry.action) ?? []), entry.time])
  const refused = log.filter((e) => e.code?.startsWith("RequestLimitExceeded") === true).length
  const actions = [...byAction].map(([action, times]) => {
    const rate = times.length > 1 ? (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000) : 0
    return { action, n: times.length, rate, share: rate / limit }
  }).sort((a, b) => b.n - a.n)
  return { events, seconds, total: log.length, refused, actions }
})

const result = await Effect.runPromise(Effect.scoped(program))
const dominant = result.actions[0]
const perAction = result.actions.map((a) => `${a.action} ${a.n} req at ${a.rate.toFixed(2)} req/s (${(a.share * 100).toFixed(1)} %)`).join("; ")
console.log(`${result.total} requests in ${result.seconds.toFixed(1)} s, ${result.events} events, RequestLimitExceeded: ${result.refused}`)
console.log(perAction)

if (process.argv.includes("--write")) {
  const file = new URL("./results/streams.md", import.meta.url)
  if (!existsSync(file)) writeFileSync(file, "# Streams benchmarks\n\n")
  const date = new Date().toISOString().slice(0, 16)
  appendFileSync(file, [
    `### Rate-limit utilisation — ${date} UTC, Node ${process.version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0].toFixed(1)}`,
    "",
    `Command: \`pnpm exec tsx bench/ratelimit.ts --rooms ${rooms} --concurrency ${concurrency} --write\` (emulator in process, strict sliding window 20 req/s per action; client limiter 20 req/s)`,
    "",
    "| requests | duration | events | dominant action | achieved / limit | RequestLimitExceeded | per action |",
    "|---:|---:|---:|---|---:|---:|---|",
    `| ${result.total} | ${result.seconds.toFixed(1)} s | ${result.events} | ${dominant.action} | ${dominant.rate.toFixed(2)} / ${limit} = **${(dominant.share * 100).toFixed(1)} %** | **${result.refused}** | ${perAction} |`,
    "",
    ""
  ].join("\n"))
}
