// `--rate-limit redis://…` / `TRTC_RATE_LIMIT`: three real `trtc export` processes on one account
// share its limit through a real redis-server, against an emulator enforcing 20 requests per
// second per action in a strict sliding window; bad URLs are usage errors; a Redis password is
// never printed, not even when Redis cannot be reached and the limiter falls back.
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import { join } from "node:path"
import { credentialEnv, expectedEventKeys, keyOf, ndjson, run, secretId, secretKey, token } from "./helpers.js"

const apps = [1400000001, 1400000002, 1400000003]
// As the other end-to-end tests: the spawned `trtc` signs with the wall clock, so the set is
// anchored an hour before it and `--since 8d` holds all of it at any hour.
const dataSet = DataSet.generate({ seed: 21, anchor: Math.floor(Date.now() / 1000) - 3600, apps, roomsPerApp: 10, retentionDays: 7 })

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer().once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
    })
  })

// A real redis-server on 127.0.0.1, a free port, no persistence, a throwaway directory.
let redis: ChildProcess
let redisPort = 0
const redisDir = fs.mkdtempSync(join(os.tmpdir(), "trtc-cli-redis-"))
beforeAll(async () => {
  redisPort = await freePort()
  redis = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(redisPort), "--save", "", "--appendonly", "no", "--dir", redisDir], {
    stdio: ["ignore", "pipe", "ignore"]
  })
  await new Promise<void>((resolve, reject) => {
    let output = ""
    redis.stdout!.setEncoding("utf8").on("data", (d: string) => {
      output += d
      if (output.includes("Ready to accept connections")) resolve()
    })
    redis.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)))
  })
})
afterAll(async () => {
  if (redis.exitCode === null) await new Promise((resolve) => redis.once("exit", resolve).kill("SIGTERM"))
  fs.rmSync(redisDir, { recursive: true, force: true })
})

describe("trtc --rate-limit", () => {
  it.scopedLive("three exports on one account through one Redis: 0 RequestLimitExceeded, every event exactly once", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ dataSet, rps: 20, logLimit: 100_000, credentials: [{ secretId, secretKey, token }] })
      const results = yield* Effect.all(
        apps.map((app, i) =>
          run(
            // The flag on one, the environment variable on the others: both reach the limiter.
            ["export", "--sdk-app-id", String(app), "--since", "8d", "--concurrency", "8", ...(i === 0 ? ["--rate-limit", `redis://127.0.0.1:${redisPort}/3`] : [])],
            { env: { ...credentialEnv(emulator.url), ...(i === 0 ? {} : { TRTC_RATE_LIMIT: `redis://127.0.0.1:${redisPort}/3` }) } }
          )),
        { concurrency: "unbounded" }
      )
      const log = yield* emulator.requests
      results.forEach((r, i) => {
        assert.strictEqual(r.code, 0, r.stderr)
        const expected = expectedEventKeys(dataSet, apps[i]!)
        assert.isAbove(expected.length, 100)
        assert.deepStrictEqual(ndjson(r.stdout).map(keyOf).sort(), expected)
      })
      assert.strictEqual(log.filter((e) => e.code?.startsWith("RequestLimitExceeded") === true).length, 0)
      assert.isAbove(log.filter((e) => e.action === "DescribeUserEvent").length, 100)
      // Three processes and some 15 s of requests at the limit: past 60 s on a loaded 2-core machine.
    }), 180_000)

  it.scopedLive("an unreachable Redis: the command still runs on its local share, the warning masks the password", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.make({ dataSet, rps: 20, credentials: [{ secretId, secretKey, token }] })
      const closed = yield* Effect.promise(freePort)
      const password = "redisPassw0rdMustNotLeak"
      const r = yield* run(["rooms", "--sdk-app-id", String(apps[0]), "--since", "8d", "--verbose"], {
        env: { ...credentialEnv(emulator.url), TRTC_RATE_LIMIT: `redis://worker:${password}@127.0.0.1:${closed}/0` }
      })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.include(r.stderr, `Redis rate limiter: redis://worker:***@127.0.0.1:${closed}/0 is unavailable`)
      assert.include(r.stderr, "limiting this process to 5 requests per second per action (20 / 4 workers)")
      assert.strictEqual(ndjson(r.stdout).length, dataSet.apps[0]!.rooms.length)
      for (const form of [password, Buffer.from(password).toString("base64"), Buffer.from(password).toString("hex"), encodeURIComponent(password)]) {
        assert.notInclude(r.stdout + r.stderr, form)
      }
    }))

  it.effect("a bad URL is a usage error naming the flag or variable, its password masked", () =>
    Effect.gen(function*() {
      const flag = yield* run(["rooms", "--sdk-app-id", "1400000001", "--rate-limit", "http://u:hunter2secret@127.0.0.1:6379"], { env: credentialEnv("http://127.0.0.1:9") })
      assert.strictEqual(flag.code, 2, flag.stderr)
      assert.include(flag.stderr, "--rate-limit: \"http://u:***@127.0.0.1:6379\" is not a Redis URL: scheme \"http\" is not redis or rediss")
      assert.notInclude(flag.stderr + flag.stdout, "hunter2secret")
      const env = yield* run(["rooms", "--sdk-app-id", "1400000001"], { env: { ...credentialEnv("http://127.0.0.1:9"), TRTC_RATE_LIMIT: "redis://127.0.0.1:6379/db1" } })
      assert.strictEqual(env.code, 2, env.stderr)
      assert.include(env.stderr, "TRTC_RATE_LIMIT: \"redis://127.0.0.1:6379/db1\" is not a Redis URL: database \"db1\" is not a number from 0 to 99")
    }))
})
