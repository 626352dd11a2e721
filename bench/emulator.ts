/**
 * Requests per second the emulator serves with TC3 signature verification on and the rate
 * limit off. The emulator runs in a child process (so the load generator does not share its
 * event loop); autocannon sends requests pre-signed with a fixed timestamp over loopback.
 *
 *   pnpm exec tsx bench/emulator.ts [--duration 10] [--connections 32] [--node-sdk] [--write]
 *
 * Requests are signed over the bare host (as the Node SDK does) and sent with `Host:
 * 127.0.0.1:PORT`; `--node-sdk` also sends the Node SDK's `X-TC-RequestClient`, which lets the
 * verifier try the bare host first (one signature computation instead of two).
 *
 * `--write` appends a row to bench/results/emulator.md.
 */
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Tc3 from "@effect-trtc/signer/Tc3"
import autocannon from "autocannon"
import * as Redacted from "effect/Redacted"
import { existsSync, writeFileSync } from "node:fs"
import * as Os from "node:os"
import { addRow } from "./emulator-results.js"
import { fileURLToPath } from "node:url"
import { arg, startBusyCallEmulator } from "./busyCallEmulator.js"

const duration = arg("duration", 10)
const connections = arg("connections", 32)
const nodeSdk = process.argv.includes("--node-sdk")
const ready = await startBusyCallEmulator()

const { port, sdkAppId, room } = ready
const timestamp = Math.floor(Date.now() / 1000)
const host = `127.0.0.1:${port}`
const userId = room.sessions[0]!.userId
// One request of each action, signed once: the server still verifies every one of them.
const bodies: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["DescribeRoomInfo", { SdkAppId: sdkAppId, StartTime: room.createTime, EndTime: room.createTime + 3600 }],
  ["DescribeUserInfo", { SdkAppId: sdkAppId, CommId: room.commId, StartTime: room.createTime, EndTime: room.createTime + 3600 }],
  ["DescribeCallDetailInfo", { SdkAppId: sdkAppId, CommId: room.commId, StartTime: room.createTime, EndTime: room.createTime + 3600 }],
  ["DescribeUserEvent", { SdkAppId: sdkAppId, CommId: room.commId, RoomId: room.roomId, UserId: userId, StartTime: room.createTime, EndTime: room.destroyTime }]
]
const requests = bodies.map(([action, params]) => {
  const body = JSON.stringify(params)
  const signature = Tc3.sign({
    method: "POST",
    host: "127.0.0.1",
    contentType: "application/json",
    body,
    service: "trtc",
    timestamp,
    secretId: Emulator.defaultCredential.secretId,
    secretKey: Redacted.make(Emulator.defaultCredential.secretKey)
  })
  return {
    method: "POST",
    path: "/",
    headers: {
      "Host": host,
      "Content-Type": "application/json",
      "Authorization": signature.authorization,
      "X-TC-Action": action,
      "X-TC-Version": "2019-07-22",
      "X-TC-Region": "ap-guangzhou",
      "X-TC-Timestamp": String(timestamp),
      ...(nodeSdk ? { "X-TC-RequestClient": "SDK_NODEJS_4.1.220" } : {})
    },
    body
  }
})

// A correctness check before timing: every pre-signed request succeeds.
for (const request of requests) {
  const reply = await fetch(`http://${host}/`, { method: "POST", headers: request.headers, body: request.body })
  const text = await reply.text()
  if (text.includes("\"Error\"")) throw new Error(`${request.headers["X-TC-Action"]}: ${text}`)
}

const result = await autocannon({ url: `http://${host}`, connections, pipelining: 1, duration, requests })
ready.stop()

const rps = Math.round(result.requests.average)
const line = `| ${new Date().toISOString().slice(0, 16)}Z | ${rps.toLocaleString("en-US")} | ${result.latency.p50} ms | ${result.latency.p99} ms | ${result["2xx"].toLocaleString("en-US")} | ${result.errors + result.timeouts + result.non2xx} | ${connections} conn, ${duration} s, 4 actions round-robin${nodeSdk ? ", X-TC-RequestClient SDK_NODEJS (bare host tried first)" : ""} | ${process.version}, ${Os.cpus().length} cores, load ${Os.loadavg()[0]!.toFixed(1)} |`
console.log(`emulator: ${rps} req/s average (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms), ${result["2xx"]} ok, ${result.errors} errors, ${result.non2xx} non-2xx`)
if (process.argv.includes("--write")) {
  const file = fileURLToPath(new URL("./results/emulator.md", import.meta.url))
  const heading = "# Emulator benchmark: requests per second served, TC3 verification on, rate limit off"
  if (!existsSync(file)) {
    writeFileSync(file, [
      heading,
      "",
      "The emulator (seed 2026 data set) runs in a child process; autocannon on loopback sends four requests (one per action, a busy call), each pre-signed once with a fixed timestamp, so every request is verified (canonical request, two SHA-256, one HMAC with the cached signing key) and answered from the data set. Target ≥ 3,000 req/s on the 2-core machine.",
      "",
      "Command: `pnpm exec tsx bench/emulator.ts --write` (options `--duration S`, `--connections N`, `--node-sdk`)",
      "",
      "| date | req/s | p50 | p99 | 2xx | errors | run | machine (load = 1-min load average during the run) |",
      "|---|---:|---:|---:|---:|---:|---|---|",
      ""
    ].join("\n"))
  }
  addRow(file, heading, [], line)
}
process.exit(0)
