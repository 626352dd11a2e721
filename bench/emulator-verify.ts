/**
 * The emulator's signature check in isolation: microseconds per `Tc3.verify` for the host
 * shapes clients send (the request's `Host` always carries the port, as on loopback):
 * signed with the port (Go/Python, our client), signed over the bare host (the Node SDK) with
 * and without its `X-TC-RequestClient`, and a 64 KB body signed over the bare host.
 *
 *   pnpm exec tsx bench/emulator-verify.ts [--baseline /path/to/other/Tc3.ts] [--write]
 *
 * `--baseline` loads another copy of `Tc3.ts` (e.g. an older commit's, extracted with its
 * `internal/` files into a directory whose `node_modules` links to packages/signer's) and
 * times both in interleaved rounds. `--write` appends rows to bench/results/emulator.md.
 */
import * as Tc3 from "@effect-trtc/signer/Tc3"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Os from "node:os"
import { fileURLToPath, pathToFileURL } from "node:url"
import { addRow } from "./emulator-results.js"

type Verify = typeof Tc3.verify
const baselineAt = process.argv.indexOf("--baseline")
const baseline: Verify | undefined = baselineAt < 0
  ? undefined
  : ((await import(pathToFileURL(process.argv[baselineAt + 1]!).href)) as { verify: Verify }).verify

const secretKey = Redacted.make("emulatorSecretKey000000000000000")
const lookup = () => Option.some(secretKey)
const timestamp = Math.floor(Date.now() / 1000)
const small = JSON.stringify({ SdkAppId: 1400000001, CommId: "1400000001_room_1764000000", RoomId: "room", UserId: "alice", StartTime: 1764000000, EndTime: 1764003600 })
const large = JSON.stringify({ SdkAppId: 1400000001, Pad: "x".repeat(64 * 1024) })

const request = (signedHost: string, body: string, client?: string): Tc3.ReceivedRequest => {
  const signed = Tc3.sign({ method: "POST", host: signedHost, contentType: "application/json", body, service: "trtc", timestamp, secretId: "AKIDBENCH", secretKey })
  return {
    method: "POST",
    query: "",
    body,
    headers: {
      "authorization": signed.authorization,
      "host": "127.0.0.1:38000",
      "content-type": "application/json",
      "x-tc-timestamp": String(timestamp),
      ...(client === undefined ? {} : { "x-tc-requestclient": client })
    }
  }
}

const cases: ReadonlyArray<readonly [string, Tc3.ReceivedRequest, number]> = [
  ["signed with the port", request("127.0.0.1:38000", small), 20_000],
  ["bare host, no X-TC-RequestClient", request("127.0.0.1", small), 20_000],
  ["bare host, X-TC-RequestClient SDK_NODEJS", request("127.0.0.1", small, "SDK_NODEJS_4.1.220"), 20_000],
  ["64 KB body, bare host, no X-TC-RequestClient", request("127.0.0.1", large), 1_000]
]

const time = (verify: Verify, r: Tc3.ReceivedRequest, n: number): number => {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    if (verify(r, { lookup, nowSeconds: timestamp })._tag !== "Right") throw new Error("rejected")
  }
  return ((performance.now() - t0) / n) * 1000
}
const median = (xs: Array<number>): number => xs.sort((a, b) => a - b)[xs.length >> 1]!

const rounds = 15
const rows: Array<string> = []
const date = `${new Date().toISOString().slice(0, 16)}Z`
for (const [name, r, n] of cases) {
  time(Tc3.verify, r, n)
  if (baseline !== undefined) time(baseline, r, n)
  const now: Array<number> = []
  const before: Array<number> = []
  for (let k = 0; k < rounds; k++) {
    now.push(time(Tc3.verify, r, n))
    if (baseline !== undefined) before.push(time(baseline, r, n))
  }
  const current = median(now)
  const base = baseline === undefined ? undefined : median(before)
  console.log(`${name}: ${current.toFixed(2)} µs${base === undefined ? "" : ` (baseline ${base.toFixed(2)} µs, ${(((current - base) / base) * 100).toFixed(0)} %)`}`)
  rows.push(`| ${date} | ${name} | ${current.toFixed(2)} µs | ${base === undefined ? "–" : `${base.toFixed(2)} µs`} | median of ${rounds} interleaved rounds of ${n} | ${process.version}, load ${Os.loadavg()[0]!.toFixed(1)} |`)
}

if (process.argv.includes("--write")) {
  const file = fileURLToPath(new URL("./results/emulator.md", import.meta.url))
  const heading = "## Signature check alone: µs per Tc3.verify"
  const preamble = [
    "`Host: 127.0.0.1:38000` on every request; the verifier tries the host as sent and without its port. Since 2026-11-26 it hashes the body once for both tries and tries the bare host first when `X-TC-RequestClient` names the Node SDK. Baseline = the previous `Tc3.ts` (commit 6eeda24) loaded with `--baseline`.",
    "",
    "Command: `pnpm exec tsx bench/emulator-verify.ts --write [--baseline DIR/src/Tc3.ts]`",
    "",
    "| date | request | verify | baseline | run | machine |",
    "|---|---|---:|---:|---|---|"
  ]
  for (const row of rows) addRow(file, heading, preamble, row)
}
