/**
 * Signing throughput: `Tc3.sign` against the official Node SDK's own `Sign.sign3`
 * (tencentcloud-sdk-nodejs-common) on identical inputs, body sizes 100 B, 2 KB and 64 KB.
 *
 * Run: pnpm exec tsx bench/signer.ts [--write]   (--write appends the table to bench/results/signer.md)
 */
import * as Tc3 from "@effect-trtc/signer/Tc3"
import * as Redacted from "effect/Redacted"
import { appendFileSync, mkdirSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"

interface Sign3Input {
  readonly method: string
  readonly url: string
  readonly payload: unknown
  readonly timestamp: number
  readonly service: string
  readonly secretId: string
  readonly secretKey: string
  readonly headers: Readonly<Record<string, string>>
}

// The SDK is CommonJS; take its signing class exactly as its client calls it.
const require = createRequire(import.meta.url)
const sdkVersion = (require("tencentcloud-sdk-nodejs-common/package.json") as { version: string }).version
const Sign = (require("tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js") as {
  default: { sign3: (input: Sign3Input) => string }
}).default

const secretId = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
const secretKey = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
const host = "trtc.tencentcloudapi.com"
const timestamp = 1795638060
const contentType = "application/json"

/** A JSON request body of exactly `size` bytes. */
const bodyOf = (size: number): string => {
  const head = "{\"SdkAppId\":1400000001,\"StartTime\":1700000000,\"EndTime\":1700003600,\"RoomId\":\""
  const tail = "\"}"
  return head + "r".repeat(Math.max(0, size - head.length - tail.length)) + tail
}

/** Runs `f` repeatedly for about `millis` and returns operations per second. */
const measure = (f: () => unknown, millis: number): number => {
  let sink = 0
  const deadline = process.hrtime.bigint() + BigInt(millis) * 1_000_000n
  let ops = 0
  const start = process.hrtime.bigint()
  let now = start
  while (now < deadline) {
    for (let i = 0; i < 64; i++) sink ^= (f() as string).length
    ops += 64
    now = process.hrtime.bigint()
  }
  if (sink === -1) console.log(sink)
  return ops / (Number(now - start) / 1e9)
}

const rounds = 7
const roundMillis = 400
const median = (values: ReadonlyArray<number>): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const sizes: ReadonlyArray<readonly [string, number]> = [["100 B", 100], ["2 KB", 2048], ["64 KB", 65536]]
const key = Redacted.make(secretKey)
const rows: Array<string> = []

for (const [label, size] of sizes) {
  const bytes = Buffer.from(bodyOf(size), "utf8")
  if (bytes.length !== size) throw new Error(`body is ${bytes.length} bytes, wanted ${size}`)
  const ours = () =>
    Tc3.sign({ method: "POST", host, contentType, body: bytes, service: "trtc", timestamp, secretId, secretKey: key }).authorization
  // A new Redacted per call defeats the derived-key cache: shows what the cache is worth.
  const oursUncached = () =>
    Tc3.sign({ method: "POST", host, contentType, body: bytes, service: "trtc", timestamp, secretId, secretKey: Redacted.make(secretKey) }).authorization
  // The SDK hashes a Buffer payload as is: the same bytes, and its cheapest path.
  const theirs = () =>
    Sign.sign3({ method: "POST", url: `https://${host}/`, payload: bytes, timestamp, service: "trtc", secretId, secretKey, headers: { "Content-Type": contentType } })
  if (ours() !== theirs() || oursUncached() !== theirs()) throw new Error(`signatures differ for ${label}: ${ours()} vs ${theirs()}`)
  // Warm all up, then interleave short rounds and keep each variant's median, so a burst of
  // load from other processes does not land on one side only.
  measure(ours, 300)
  measure(oursUncached, 300)
  measure(theirs, 300)
  const samples: [Array<number>, Array<number>, Array<number>] = [[], [], []]
  for (let round = 0; round < rounds; round++) {
    samples[0].push(measure(ours, roundMillis))
    samples[1].push(measure(oursUncached, roundMillis))
    samples[2].push(measure(theirs, roundMillis))
  }
  const [oursOps, uncachedOps, theirsOps] = samples.map(median) as [number, number, number]
  const ratio = oursOps / theirsOps
  const fmt = (ops: number) => Math.round(ops).toLocaleString("en-US")
  console.log(`${label.padEnd(6)} Tc3.sign ${fmt(oursOps).padStart(10)} ops/s  (uncached key ${fmt(uncachedOps).padStart(10)})  SDK sign3 ${fmt(theirsOps).padStart(10)} ops/s  ratio ${ratio.toFixed(2)}x`)
  rows.push(`| ${label} | ${fmt(oursOps)} | ${fmt(uncachedOps)} | ${fmt(theirsOps)} | ${ratio.toFixed(2)}x |`)
}

if (process.argv.includes("--write")) {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU"
  const table = [
    "",
    `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — Node ${process.version}, ${cpu} (${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}), tencentcloud-sdk-nodejs-common ${sdkVersion}`,
    "",
    "Command: `pnpm exec tsx bench/signer.ts --write` (median of 7 interleaved 0.4 s rounds per variant)",
    "",
    "| body | Tc3.sign (ops/s) | Tc3.sign, key not cached (ops/s) | SDK Sign.sign3 (ops/s) | ratio (cached / SDK) |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    ""
  ].join("\n")
  mkdirSync(new URL("results/", import.meta.url), { recursive: true })
  appendFileSync(new URL("results/signer.md", import.meta.url), table)
}
