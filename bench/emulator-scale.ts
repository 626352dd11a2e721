/**
 * The emulator at scale: startup time and memory with a ~1,000,000-event data set, then the
 * cost of serving all of it. The emulator runs as its own process (`trtc-emulator` with the
 * scale flags); this script
 *
 * 1. starts it and times the `listening on` line, then reads its RSS from /proc;
 * 2. streams `GET /_admin/dataset` (~110 MB of JSON) and counts the events in it;
 * 3. asks `DescribeUserEvent` for every (call, user) pair over the whole call, signed TC3,
 *    a few requests in flight, and checks that the events served add up to the same count;
 *
 * and records the emulator's RSS after each step and its peak (VmHWM).
 *
 *   pnpm exec tsx bench/emulator-scale.ts [--apps 5] [--rooms-per-app 750] [--concurrency 8] [--bundle] [--write]
 *
 * `--bundle` runs an esbuild bundle of the bin with plain node (how a packaged emulator runs)
 * instead of the tsx-loaded TypeScript entry; it needs the cli package's esbuild.
 * `--write` appends a row to bench/results/emulator.md.
 */
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Tc3 from "@effect-trtc/signer/Tc3"
import * as Redacted from "effect/Redacted"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"
import { startEmulatorProcess } from "./emulator-process.js"
import { addRow } from "./emulator-results.js"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const apps = arg("apps", 5)
const roomsPerApp = arg("rooms-per-app", 750)
const concurrency = arg("concurrency", 8)
const bundle = process.argv.includes("--bundle")
const seed = 2026

const emulator = await startEmulatorProcess({ apps, roomsPerApp, seed, bundle })
const { url, startupMs } = emulator
const rssStart = emulator.memory().rssMb

// 2. The whole data set, streamed; events counted across chunk edges.
const t1 = performance.now()
const reply = await fetch(`${url}/_admin/dataset`)
const reader = reply.body!.getReader()
const decoder = new TextDecoder()
let bytes = 0
let streamedEvents = 0
let tail = ""
let head = ""
for (;;) {
  const { done, value } = await reader.read()
  if (done) break
  bytes += value.length
  const text = tail + decoder.decode(value, { stream: true })
  if (head.length < 200) head += text.slice(0, 200)
  let at = text.indexOf("\"eventId\":")
  while (at >= 0) {
    streamedEvents++
    at = text.indexOf("\"eventId\":", at + 1)
  }
  // Keep one character less than the key: a key split between chunks is counted once.
  tail = text.slice(Math.max(0, text.length - 9))
}
const datasetMs = performance.now() - t1
const rssAfterDataset = emulator.memory().rssMb
const anchor = Number(/"anchor":(\d+)/.exec(head)?.[1])

// 3. Every (call, user) pair: the same skeleton, regenerated here from seed and anchor.
const skeleton = DataSet.generateLazy({
  seed,
  anchor,
  apps: Array.from({ length: apps }, (_, i) => Emulator.defaultSdkAppId + i),
  roomsPerApp
})
const jobs: Array<{ readonly sdkAppId: number; readonly room: DataSet.Room; readonly userId: string }> = []
for (const app of skeleton.apps) {
  for (const room of app.rooms) {
    for (const userId of new Set(room.sessions.map((s) => s.userId))) jobs.push({ sdkAppId: app.sdkAppId, room, userId })
  }
}
const host = new URL(url).host
const secretKey = Redacted.make(Emulator.defaultCredential.secretKey)
let servedEvents = 0
let failures = 0
let firstFailure = ""
const t2 = performance.now()
const cpu2 = emulator.cpuSeconds()
let next = 0
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < jobs.length) {
    const job = jobs[next++]!
    const body = JSON.stringify({
      SdkAppId: job.sdkAppId,
      CommId: job.room.commId,
      RoomId: job.room.roomId,
      UserId: job.userId,
      StartTime: job.room.createTime,
      EndTime: job.room.destroyTime
    })
    const timestamp = Math.floor(Date.now() / 1000)
    const signature = Tc3.sign({
      method: "POST",
      host,
      contentType: "application/json",
      body,
      service: "trtc",
      timestamp,
      secretId: Emulator.defaultCredential.secretId,
      secretKey
    })
    const answer = await fetch(`${url}/`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Authorization": signature.authorization,
        "X-TC-Action": "DescribeUserEvent",
        "X-TC-Version": "2019-07-22",
        "X-TC-Region": "ap-guangzhou",
        "X-TC-Timestamp": String(timestamp)
      },
      body
    })
    const json = await answer.json() as { Response: { Error?: { Code: string }; Data?: Array<{ Content: Array<unknown> }> } }
    if (json.Response.Error !== undefined) {
      failures++
      firstFailure ||= `${json.Response.Error.Code} for ${body}`
      continue
    }
    for (const group of json.Response.Data ?? []) servedEvents += group.Content.length
  }
}))
const walkMs = performance.now() - t2
const walkCpu = emulator.cpuSeconds() - cpu2
const { rssMb: rssAfterWalk, peakRssMb: peak } = emulator.memory()
await emulator.stop()

const f = (n: number) => n.toFixed(0)
const summary = `${skeleton.apps.reduce((n, a) => n + a.rooms.length, 0)} calls, ${streamedEvents.toLocaleString("en-US")} events`
console.log(`emulator (${bundle ? "bundle" : "tsx"}): ${summary}; listening after ${f(startupMs)} ms at ${f(rssStart)} MB RSS; GET /_admin/dataset ${f(bytes / 1048576)} MB in ${f(datasetMs)} ms -> ${f(rssAfterDataset)} MB; ${jobs.length} DescribeUserEvent (${servedEvents} events, ${failures} failures) in ${f(walkMs)} ms, emulator CPU ${walkCpu.toFixed(1)} s -> ${f(rssAfterWalk)} MB; peak ${f(peak)} MB`)
if (failures > 0) console.log(`first failure: ${firstFailure}`)
if (servedEvents !== streamedEvents) console.log(`MISMATCH: the data set holds ${streamedEvents} events, DescribeUserEvent served ${servedEvents}`)

if (process.argv.includes("--write")) {
  const file = fileURLToPath(new URL("./results/emulator.md", import.meta.url))
  const heading = "## At scale: startup, memory and a full walk of a ~1M-event data set"
  addRow(file, heading, [
    "The emulator runs as its own process with the scale flags (`trtc-emulator --apps 5 --rooms-per-app 750 --lazy --rps 0 --max-events 100000 --seed 2026`; `tsx` = the package bin loading TypeScript through tsx, `bundle` = the same entry bundled by esbuild and run by plain node). Startup = spawn to the `listening on` line. RSS from /proc (VmRSS; peak = VmHWM). Then the whole data set is streamed from `GET /_admin/dataset`, and `DescribeUserEvent` is asked for every (call, user) pair over the whole call (TC3-signed, 8 in flight); the events served must add up to the data set's.",
    "",
    "Command: `pnpm exec tsx bench/emulator-scale.ts --write [--bundle] [--apps 5] [--rooms-per-app 750] [--concurrency 8]`",
    "",
    "| date | runner | data | startup | RSS listening | GET /_admin/dataset | RSS after | DescribeUserEvent walk | RSS after | peak RSS | machine |",
    "|---|---|---|---:|---:|---|---:|---|---:|---:|---|"
  ], `| ${new Date().toISOString().slice(0, 16)}Z | ${bundle ? "bundle" : "tsx"} | ${summary} | ${f(startupMs)} ms | ${f(rssStart)} MB | ${f(bytes / 1048576)} MB in ${f(datasetMs)} ms | ${f(rssAfterDataset)} MB | ${jobs.length.toLocaleString("en-US")} requests, ${servedEvents.toLocaleString("en-US")} events, ${failures} failures, ${f(walkMs)} ms (${f(jobs.length / (walkMs / 1000))} req/s), emulator CPU ${walkCpu.toFixed(1)} s | ${f(rssAfterWalk)} MB | ${f(peak)} MB | ${process.version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0]!.toFixed(1)} |`)
}
process.exit(failures > 0 || servedEvents !== streamedEvents ? 1 : 0)
