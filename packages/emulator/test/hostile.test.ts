/**
 * The emulator under hostile clients: sockets that connect and say nothing, headers sent a line
 * at a time (slowloris) and 50 MB bodies must neither stop it serving a normal client nor grow
 * its memory. Everything goes over real sockets to a real server.
 */
import { assert, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFileSync, spawn } from "node:child_process"
import * as Http from "node:http"
import * as Net from "node:net"
import { fileURLToPath } from "node:url"
import * as Emulator from "../src/Emulator.js"
import { appId, call, codeOf, response, tinyDataSet } from "./support.js"

const now = Math.floor(Date.now() / 1000)
const query = { SdkAppId: appId, StartTime: now - 3600, EndTime: now }

/** A socket the test holds open; `closed` resolves when the server (not the test) closes it. */
interface Held {
  readonly socket: Net.Socket
  readonly closed: Promise<void>
  isOpen: boolean
}

/** `count` sockets, half idle (connect, send nothing), half slowloris (a header line every 500 ms). */
const holdSockets = async (port: number, count: number): Promise<ReadonlyArray<Held>> => {
  const held = await Promise.all(Array.from({ length: count }, (_, i) =>
    new Promise<Held>((resolve, reject) => {
      const socket = Net.connect(port, "127.0.0.1")
      let timer: ReturnType<typeof setInterval> | undefined
      // A write racing the server's close fails with EPIPE or ECONNRESET: that is the point.
      socket.on("error", () => {})
      const entry: Held = {
        socket,
        isOpen: true,
        closed: new Promise<void>((done) =>
          socket.once("close", () => {
            clearInterval(timer)
            entry.isOpen = false
            done()
          }))
      }
      socket.once("connect", () => {
        if (i % 2 === 1) {
          socket.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
          timer = setInterval(() => socket.writable && socket.write(`X-Slow-${Math.random()}: 1\r\n`), 500)
        }
        resolve(entry)
      })
      socket.once("error", reject)
    })))
  return held
}

/** POSTs `megabytes` MB of JSON-ish bytes, declared (`Content-Length`) or chunked, and reads the answer. */
const bigPost = (port: number, megabytes: number, declared: boolean): Promise<{ readonly status: number; readonly text: string }> =>
  new Promise((resolve, reject) => {
    const total = megabytes * 1024 * 1024
    const headers: Record<string, string> = { "Content-Type": "application/json", "X-TC-Action": "DescribeRoomInfo" }
    if (declared) headers["Content-Length"] = String(total)
    const req = Http.request({ host: "127.0.0.1", port, method: "POST", path: "/", headers, agent: false }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }))
    })
    // The server may stop reading once it has answered; only a missing answer is a failure.
    req.on("error", (error) => setTimeout(() => reject(error), 5_000))
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    const pump = () => {
      while (sent < total) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once("drain", pump)
      }
      req.end()
    }
    pump()
  })

it.scoped("serves a normal client while 500 idle and slowloris sockets are held, then closes every one of them", () =>
  Effect.gen(function* () {
    // Long enough that the sockets are surely still held while the normal client is served on a
    // loaded machine, short enough that the test sees the server close them.
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), rps: 0, headersTimeoutMs: 15_000 })
    const held = yield* Effect.promise(() => holdSockets(emulator.port, 500))
    for (let i = 0; i < 3; i++) {
      const reply = yield* Effect.promise(() => call(emulator, query))
      assert.strictEqual(reply.status, 200)
      assert.isUndefined(codeOf(reply))
      assert.isArray(response(reply)["RoomList"])
    }
    // Served *while* they were held: otherwise this test would prove nothing.
    assert.strictEqual(held.filter((h) => h.isOpen).length, 500)
    // Without the connection timer the 250 idle sockets would stay open for ever.
    yield* Effect.promise(() => Promise.all(held.map((h) => h.closed)))
    assert.strictEqual(held.filter((h) => h.isOpen).length, 0)
    // And it still serves.
    assert.isUndefined(codeOf(yield* Effect.promise(() => call(emulator, query))))
  }), 120_000)

it.scoped("answers 50 MB bodies, declared or chunked, with RequestSizeLimitExceeded and serves a normal client meanwhile", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), rps: 0 })
    const [declared, chunked, normal] = yield* Effect.promise(() =>
      Promise.all([bigPost(emulator.port, 50, true), bigPost(emulator.port, 50, false), call(emulator, query)]))
    for (const big of [declared, chunked]) {
      assert.strictEqual(big.status, 200)
      const envelope = JSON.parse(big.text) as { Response: { Error: { Code: string; Message: string }; RequestId: string } }
      assert.strictEqual(envelope.Response.Error.Code, "RequestSizeLimitExceeded")
      assert.include(envelope.Response.Error.Message, "10 MB")
      assert.isString(envelope.Response.RequestId)
    }
    assert.isUndefined(codeOf(normal))
    const log = yield* emulator.requests
    assert.deepStrictEqual(log.filter((e) => e.code === "RequestSizeLimitExceeded").length, 2)
  }), 120_000)

it.scoped("closes a body trickled in past the request timeout with HTTP 408", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ dataSet: tinyDataSet(now), rps: 0, requestTimeoutMs: 2_000 })
    const answer = yield* Effect.promise(() =>
      new Promise<string>((resolve) => {
        const socket = Net.connect(emulator.port, "127.0.0.1")
        let text = ""
        socket.on("error", () => {})
        socket.on("data", (d: Buffer) => (text += d.toString("utf8")))
        socket.once("connect", () => socket.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{"))
        const timer = setInterval(() => socket.writable && socket.write(" "), 200)
        socket.once("close", () => {
          clearInterval(timer)
          resolve(text)
        })
      }))
    assert.match(answer, /^HTTP\/1\.1 408 /)
  }), 60_000)

const bin = fileURLToPath(new URL("../bin/trtc-emulator.mjs", import.meta.url))

/** Resident memory of a process in MB, as `ps` reports it. */
const rssMb = (pid: number): number => Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim()) / 1024

it.effect("keeps its memory bounded under 500 held sockets and six concurrent 50 MB bodies (its own process)", () =>
  Effect.promise(async () => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--rps", "0"], { stdio: ["ignore", "pipe", "pipe"] })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = ""
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8")
          const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(text)
          if (match !== null) resolve(match[1]!)
        })
        child.on("exit", (code) => reject(new Error(`exited early with ${code}`)))
      })
      const port = Number(new URL(url).port)
      const before = rssMb(child.pid!)
      let peak = before
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(child.pid!))), 100)
      const held = await holdSockets(port, 500)
      // Six bodies of 50 MB: buffered, they alone would be 300 MB; chunked ones are read to the end.
      const bigs = await Promise.all([true, false, true, false, true, false].map((declared) => bigPost(port, 50, declared)))
      clearInterval(sampler)
      peak = Math.max(peak, rssMb(child.pid!))
      for (const big of bigs) assert.include(big.text, "RequestSizeLimitExceeded")
      for (const h of held) h.socket.destroy()
      // The limit is 10 MB per body kept at most while reading, plus 500 sockets' buffers.
      assert.isBelow(peak - before, 150, `RSS grew from ${before.toFixed(0)} MB to ${peak.toFixed(0)} MB`)
    } finally {
      child.kill("SIGTERM")
    }
  }), 120_000)
