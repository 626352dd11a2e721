/**
 * Generation speed and memory of the emulator's data set at ~1,000,000 events.
 *
 *   NODE_OPTIONS=--expose-gc pnpm exec tsx bench/dataset.ts [roomsPerApp]
 *
 * Appends a markdown row to bench/results/dataset.md.
 */
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Either from "effect/Either"
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"

const gc = (globalThis as { gc?: () => void }).gc
const heapMb = (): number => {
  gc?.()
  return process.memoryUsage().heapUsed / 1048576
}

const time = <A>(f: () => A): readonly [A, number] => {
  const t0 = performance.now()
  const a = f()
  return [a, performance.now() - t0]
}

const roomsPerApp = Number(process.argv[2] ?? 750)
const options: DataSet.GenerateOptions = { seed: 2026, anchor: 1764028800, apps: [1400000001, 1400000002, 1400000003, 1400000004, 1400000005], roomsPerApp }

// Warm the JIT on a small set first: the figures are for steady-state generation.
DataSet.stats(DataSet.generate({ ...options, roomsPerApp: 100, seed: 1 }))

const base = heapMb()
const [lazy, lazyMs] = time(() => DataSet.generateLazy(options))
const lazyHeap = heapMb() - base
const [stats, walkMs] = time(() => DataSet.stats(lazy))
const [bytes, chunksMs] = time(() => {
  let n = 0
  for (const chunk of DataSet.toJsonChunks(lazy)) n += Buffer.byteLength(chunk)
  return n
})
// One user's events in one call, as DescribeUserEvent needs them.
const rooms = lazy.apps.flatMap((a) => a.rooms)
const [queried, queryMs] = time(() => {
  let n = 0
  for (let i = 0; i < 1000; i++) {
    const room = rooms[(i * 7919) % rooms.length]!
    n += DataSet.userEvents(room, room.sessions[i % room.sessions.length]!.userId).length
  }
  return n
})

const before = heapMb()
const [eager, eagerMs] = time(() => DataSet.generate(options))
const eagerHeap = heapMb() - before
const [json, jsonMs] = time(() => DataSet.toJson(eager))
const [decoded, decodeMs] = time(() => DataSet.fromJson(json))
if (Either.isLeft(decoded)) throw decoded.left
if (json.length !== bytes && Buffer.byteLength(json) !== bytes) throw new Error("lazy and eager JSON differ in size")

const f = (n: number) => n.toFixed(0)
const row = `| ${new Date().toISOString().slice(0, 16)}Z | ${stats.rooms} rooms, ${stats.sessions} sessions | ${stats.events} | lazy skeleton ${f(lazyMs)} ms / ${f(lazyHeap)} MB heap | all events generated ${f(walkMs)} ms (${f(stats.events / (walkMs / 1000) / 1000)} k events/s) | eager generate ${f(eagerMs)} ms / ${f(eagerHeap)} MB heap | JSON ${f(bytes / 1048576)} MB: chunks ${f(chunksMs)} ms, toJson ${f(jsonMs)} ms, fromJson (parse + Schema + checks) ${f(decodeMs)} ms | 1000 userEvents lookups (lazy) ${f(queryMs)} ms, ${queried} events | ${loadavg()[0]!.toFixed(1)} |`

console.log(row)
if (!existsSync("bench/results")) mkdirSync("bench/results", { recursive: true })
if (!existsSync("bench/results/dataset.md")) {
  writeFileSync(
    "bench/results/dataset.md",
    "# DataSet generation\n\nCommand: `NODE_OPTIONS=--expose-gc pnpm exec tsx bench/dataset.ts [roomsPerApp]` (5 apps, default 750 rooms each, ~1M events, seed 2026). Node " +
      process.version + ", 2-core machine.\n\n| date | size | events | lazy | walk all events | eager | JSON | lookups | load avg (1 min) |\n|---|---|---|---|---|---|---|---|---|\n"
  )
}
appendFileSync("bench/results/dataset.md", row + "\n")
