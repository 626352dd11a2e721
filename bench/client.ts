/**
 * Request overhead of the effect-trtc client against the official Node SDK's `CommonClient`
 * (tencentcloud-sdk-nodejs-common), both talking to the emulator over loopback HTTP with its
 * rate limit off. The emulator runs in a child process so that neither client shares its
 * event loop with the server. Both clients get the same requests (the four actions round
 * robin over one busy call) from the same harness: `concurrency` async workers, each awaiting
 * one request at a time; latency is measured around each awaited call, CPU per request from
 * `process.cpuUsage`; clients run in interleaved rounds so that outside load hits them alike.
 *
 *   pnpm exec tsx bench/client.ts [--requests 3000] [--write]
 *
 * `--write` appends rows to bench/results/client.md.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Models from "@effect-trtc/core/Models"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { appendFileSync, existsSync, writeFileSync } from "node:fs"
import * as Http from "node:http"
import * as Os from "node:os"
import { performance } from "node:perf_hooks"
import { CommonClient } from "tencentcloud-sdk-nodejs-common"
import { fileURLToPath } from "node:url"
import { arg, startBusyCallEmulator } from "./busyCallEmulator.js"

const total = arg("requests", 3000)
const { port, sdkAppId, room, stop } = await startBusyCallEmulator()

const userId = room.sessions[0]!.userId
const start = room.createTime
const end = Math.min(room.destroyTime, start + 3600)
const wire: ReadonlyArray<readonly [Models.Action, Record<string, unknown>]> = [
  ["DescribeRoomInfo", { SdkAppId: sdkAppId, StartTime: start, EndTime: end }],
  ["DescribeUserInfo", { SdkAppId: sdkAppId, CommId: room.commId, StartTime: start, EndTime: end }],
  ["DescribeCallDetailInfo", { SdkAppId: sdkAppId, CommId: room.commId, StartTime: start, EndTime: end }],
  ["DescribeUserEvent", { SdkAppId: sdkAppId, CommId: room.commId, RoomId: room.roomId, UserId: userId, StartTime: start, EndTime: end }]
]

// --- the official SDK, with a keep-alive agent like ours ------------------------------------
const agent = new Http.Agent({ keepAlive: true, maxSockets: 64 })
const official = new CommonClient(`127.0.0.1:${port}`, Models.version, {
  credential: { secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey },
  region: "ap-guangzhou",
  profile: { httpProfile: { protocol: "http://", agent, reqTimeout: 30 } }
})
const officialCall = (i: number): Promise<unknown> => {
  const [action, params] = wire[i % wire.length]!
  return official.request(action, params)
}

// --- effect-trtc, limits and retries off, over two transports ------------------------------
const effectClient = async (http: Layer.Layer<HttpClient.HttpClient>) => {
  const runtime = ManagedRuntime.make(Trtc.layer({ endpoint: `http://127.0.0.1:${port}`, rps: 0, retry: false }).pipe(
    Layer.provide(Layer.merge(
      Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey }),
      http
    ))
  ))
  const trtc = await runtime.runPromise(Trtc.Trtc)
  const calls: ReadonlyArray<Effect.Effect<unknown, unknown>> = [
    trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId, startTime: start, endTime: end })),
    trtc.describeUserInfo(new Models.DescribeUserInfoRequest({ sdkAppId, commId: room.commId, startTime: start, endTime: end })),
    trtc.describeCallDetailInfo(new Models.DescribeCallDetailInfoRequest({ sdkAppId, commId: room.commId, startTime: start, endTime: end })),
    trtc.describeUserEvent(new Models.DescribeUserEventRequest({ sdkAppId, commId: room.commId, roomId: room.roomId, userId, startTime: start, endTime: end }))
  ]
  return { runtime, call: (i: number): Promise<unknown> => runtime.runPromise(calls[i % calls.length]!) }
}
const lean = await effectClient(TencentCloudClient.layerNodeHttpClient)
const undici = await effectClient(NodeHttpClient.layerUndici)

// --- the harness ----------------------------------------------------------------------------
interface Result {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  /** Client-process CPU (user + system) per request, µs. */
  readonly cpu: number
}

interface Tally {
  readonly latencies: Array<number>
  seconds: number
  cpuMicros: number
  requests: number
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!

const run = async (call: (i: number) => Promise<unknown>, concurrency: number, requests: number, tally: Tally): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < requests) {
      const i = next++
      const t0 = performance.now()
      await call(i)
      tally.latencies.push(performance.now() - t0)
    }
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  tally.seconds += (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  tally.cpuMicros += cpu.user + cpu.system
  tally.requests += requests
}

const summarize = (tally: Tally): Result => {
  const sorted = [...tally.latencies].sort((a, b) => a - b)
  return { rps: tally.requests / tally.seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), cpu: tally.cpuMicros / tally.requests }
}

// Every client gets answers (not errors) for every action before timing.
for (let i = 0; i < wire.length; i++) {
  const a = await officialCall(i) as Record<string, unknown>
  const b = await lean.call(i) as { requestId: string }
  const c = await undici.call(i) as { requestId: string }
  if (typeof a["RequestId"] !== "string" || typeof b.requestId !== "string" || typeof c.requestId !== "string") throw new Error(`${wire[i]![0]}: no RequestId`)
}

const rows: Array<string> = []
const ms = (x: number) => `${x.toFixed(2)} ms`
const contenders = [["official", officialCall], ["lean", lean.call], ["undici", undici.call]] as const
const rounds = 5
for (const concurrency of [1, 16]) {
  // Warm every client (JIT, connections) before timing.
  for (const [, call] of contenders) await run(call, concurrency, 500, { latencies: [], seconds: 0, cpuMicros: 0, requests: 0 })
  // Interleaved rounds, the order rotating, so that load from other jobs hits every client alike.
  const tallies = new Map<string, Tally>(contenders.map(([name]) => [name, { latencies: [], seconds: 0, cpuMicros: 0, requests: 0 }]))
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const [name, call] = contenders[(round + k) % contenders.length]!
      await run(call, concurrency, Math.ceil(total / rounds), tallies.get(name)!)
    }
  }
  const results = new Map([...tallies].map(([name, tally]) => [name, summarize(tally)] as const))
  const theirs = results.get("official")!
  const cell = (r: Result) => `${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.cpu.toFixed(0)} µs`
  const ratio = (r: Result) => `**${(r.rps / theirs.rps).toFixed(2)}×**`
  for (const [name, r] of results) console.log(`c=${concurrency} ${name}: ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, CPU ${r.cpu.toFixed(0)} µs/req, ratio ${(r.rps / theirs.rps).toFixed(2)}`)
  const leanResult = results.get("lean")!
  const undiciResult = results.get("undici")!
  rows.push(`| ${new Date().toISOString().slice(0, 16)}Z | ${concurrency} | ${rounds * Math.ceil(total / rounds)} | ${cell(theirs)} | ${cell(leanResult)} | ${ratio(leanResult)} | ${cell(undiciResult)} | ${ratio(undiciResult)} | ${process.version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0]!.toFixed(1)} |`)
}

await lean.runtime.dispose()
await undici.runtime.dispose()
agent.destroy()
stop()

if (process.argv.includes("--write")) {
  const file = fileURLToPath(new URL("./results/client.md", import.meta.url))
  if (!existsSync(file)) {
    writeFileSync(file, [
      "# Client benchmark: request overhead, effect-trtc vs the official Node SDK",
      "",
      "All clients call the emulator (seed 2026 data set, rate limit off, TC3 verification on) in a child process over loopback HTTP with keep-alive: `CommonClient` from tencentcloud-sdk-nodejs-common 4.1.220 (node-fetch, keep-alive `http.Agent`, plain `JSON.parse`) against effect-trtc's `Trtc` (`Trtc.layer({ rps: 0, retry: false })`: schema-encoded requests, schema-decoded responses, request validation, signing per attempt, per-attempt timeout) over two transports: `TencentCloudClient.layerNodeHttpClient` (lean node:http, buffered bodies) and `NodeHttpClient.layerUndici`. Same requests (the four actions round robin over the busiest call), same harness (N async workers, each awaiting one call at a time; effect-trtc called through `ManagedRuntime.runPromise`), 500 warm-up requests per client and concurrency, then 5 interleaved rounds (order rotating) so that load from other jobs on the shared machine hits every client alike; CPU/req is the client process's user+system CPU per request (the emulator's CPU is in its own process). Ratio = effect-trtc req/s ÷ official req/s; target ≥ 1 at both concurrencies. The machine is shared with other jobs: see the load column.",
      "",
      "Command: `pnpm exec tsx bench/client.ts --write` (option `--requests N`, default 3000 timed requests per client and concurrency)",
      "",
      "| date | concurrency | requests per client | official req/s | p50 | p99 | CPU/req | effect-trtc (lean node:http) req/s | p50 | p99 | CPU/req | ratio | effect-trtc (undici) req/s | p50 | p99 | CPU/req | ratio | machine (load = 1-min load average after the run) |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
      ""
    ].join("\n"))
  }
  appendFileSync(file, rows.map((row) => `${row}\n`).join(""))
}
process.exit(0)
