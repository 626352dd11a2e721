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
import { execFileSync, spawn } from "node:child_process"
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const apps = arg("apps", 5)
const roomsPerApp = arg("rooms-per-app", 750)
const concurrency = arg("concurrency", 8)
const bundle = process.argv.includes("--bundle")
const seed = 2026

const root = fileURLToPath(new URL("..", import.meta.url))
const entry = (): ReadonlyArray<string> => {
  if (!bundle) return [Path.join(root, "packages/emulator/bin/trtc-emulator.mjs")]
  const esbuild = Path.join(root, "packages/cli/node_modules/.bin/esbuild")
  if (!existsSync(esbuild)) throw new Error(`--bundle needs ${esbuild}`)
  const out = Path.join(mkdtempSync(Path.join(Os.tmpdir(), "trtc-emulator-")), "trtc-emulator.mjs")
  execFileSync(esbuild, [
    Path.join(root, "packages/emulator/src/bin.ts"),
    "--bundle",
    "--platform=node",
    "--format=esm",
    `--outfile=${out}`,
    "--log-level=warning",
    "--banner:js=import{createRequire}from'module';const require=createRequire(import.meta.url);"
  ])
  return [out]
}

const flags = ["--port", "0", "--rps", "0", "--seed", String(seed), "--apps", String(apps), "--rooms-per-app", String(roomsPerApp), "--lazy", "--max-events", "100000"]
const command = [...entry(), ...flags]
const started = performance.now()
const child = spawn(process.execPath, command, { stdio: ["ignore", "pipe", "inherit"] })
const url = await new Promise<string>((resolve, reject) => {
  let text = ""
  child.stdout.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8")
    const match = /listening on (\S+)\n/.exec(text)
    if (match !== null) resolve(match[1]!)
  })
  child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)))
})
const startupMs = performance.now() - started

const mb = (field: "VmRSS" | "VmHWM"): number => {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8")
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)
  return match === null ? Number.NaN : Number(match[1]) / 1024
}
// User + system CPU seconds of the emulator so far (from /proc/PID/stat, in clock ticks of 1/100 s).
const cpuSeconds = (): number => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const rssStart = mb("VmRSS")

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
const rssAfterDataset = mb("VmRSS")
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
const cpu2 = cpuSeconds()
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
const walkCpu = cpuSeconds() - cpu2
const rssAfterWalk = mb("VmRSS")
const peak = mb("VmHWM")
child.kill("SIGTERM")

const f = (n: number) => n.toFixed(0)
const summary = `${skeleton.apps.reduce((n, a) => n + a.rooms.length, 0)} calls, ${streamedEvents.toLocaleString("en-US")} events`
console.log(`emulator (${bundle ? "bundle" : "tsx"}): ${summary}; listening after ${f(startupMs)} ms at ${f(rssStart)} MB RSS; GET /_admin/dataset ${f(bytes / 1048576)} MB in ${f(datasetMs)} ms -> ${f(rssAfterDataset)} MB; ${jobs.length} DescribeUserEvent (${servedEvents} events, ${failures} failures) in ${f(walkMs)} ms, emulator CPU ${walkCpu.toFixed(1)} s -> ${f(rssAfterWalk)} MB; peak ${f(peak)} MB`)
if (failures > 0) console.log(`first failure: ${firstFailure}`)
if (servedEvents !== streamedEvents) console.log(`MISMATCH: the data set holds ${streamedEvents} events, DescribeUserEvent served ${servedEvents}`)

if (process.argv.includes("--write")) {
  const file = fileURLToPath(new URL("./results/emulator.md", import.meta.url))
  const heading = "## At scale: startup, memory and a full walk of a ~1M-event data set"
  if (!readFileSync(file, "utf8").includes(heading)) {
    appendFileSync(file, [
      "",
      heading,
      "",
      "The emulator runs as its own process with the scale flags (`trtc-emulator --apps 5 --rooms-per-app 750 --lazy --rps 0 --max-events 100000 --seed 2026`; `tsx` = the package bin loading TypeScript through tsx, `bundle` = the same entry bundled by esbuild and run by plain node). Startup = spawn to the `listening on` line. RSS from /proc (VmRSS; peak = VmHWM). Then the whole data set is streamed from `GET /_admin/dataset`, and `DescribeUserEvent` is asked for every (call, user) pair over the whole call (TC3-signed, 8 in flight); the events served must add up to the data set's.",
      "",
      "Command: `pnpm exec tsx bench/emulator-scale.ts --write [--bundle] [--apps 5] [--rooms-per-app 750] [--concurrency 8]`",
      "",
      "| date | runner | data | startup | RSS listening | GET /_admin/dataset | RSS after | DescribeUserEvent walk | RSS after | peak RSS | machine |",
      "|---|---|---|---:|---:|---|---:|---|---:|---:|---|",
      ""
    ].join("\n"))
  }
  appendFileSync(
    file,
    `| ${new Date().toISOString().slice(0, 16)}Z | ${bundle ? "bundle" : "tsx"} | ${summary} | ${f(startupMs)} ms | ${f(rssStart)} MB | ${f(bytes / 1048576)} MB in ${f(datasetMs)} ms | ${f(rssAfterDataset)} MB | ${jobs.length.toLocaleString("en-US")} requests, ${servedEvents.toLocaleString("en-US")} events, ${failures} failures, ${f(walkMs)} ms (${f(jobs.length / (walkMs / 1000))} req/s), emulator CPU ${walkCpu.toFixed(1)} s | ${f(rssAfterWalk)} MB | ${f(peak)} MB | ${process.version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0]!.toFixed(1)} |\n`
  )
}
process.exit(failures > 0 || servedEvents !== streamedEvents ? 1 : 0)
