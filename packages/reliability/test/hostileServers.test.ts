// Broken and hostile servers against the real `trtc` bin: each is a tiny node:http server on
// 127.0.0.1 (random port) answering DescribeRoomInfo badly in one way. Every run ends (the
// per-attempt timeout, the body cap, the page cap) with one typed error line, exit 1, no stack
// trace and no secret in any encoding; a redirect is never followed to the other host. Also: a
// server clock 10 minutes ahead does not break `--since 14d`, and only a start that asks for
// data that is gone gets a note.
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type * as Net from "node:net"
import { credentialEnv, forms, leaks, ndjsonStrict, run, sdkAppId, secretId, secretKey, token } from "./helpers.js"

interface Server {
  readonly url: string
  readonly requests: () => number
}

type Handler = (request: Http.IncomingMessage, response: Http.ServerResponse, body: Record<string, unknown>) => void

const serve = (handler: Handler): Effect.Effect<Server, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly count: { n: number } }>((resume) => {
      const count = { n: 0 }
      const server = Http.createServer((request, response) => {
        count.n++
        let text = ""
        request.setEncoding("utf8").on("data", (d: string) => void (text += d)).on("end", () => {
          let body: Record<string, unknown> = {}
          try {
            body = JSON.parse(text) as Record<string, unknown>
          } catch {
            // Not ours to judge: the handler answers anyway.
          }
          handler(request, response, body)
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, count })))
    }),
    ({ server }) => Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
  ).pipe(Effect.map(({ count, server }) => ({ url: `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}`, requests: () => count.n })))

const json = (response: Http.ServerResponse, value: unknown) => {
  response.writeHead(200, { "content-type": "application/json" })
  response.end(JSON.stringify(value))
}

const room = (n: number, start: number) => ({
  CommId: `${sdkAppId}_r${n}_${start}`,
  RoomString: `r${n}`,
  CreateTime: start,
  DestroyTime: start + 60,
  IsFinished: true,
  UserId: `u${n}`
})

const rooms = ["rooms", "--sdk-app-id", String(sdkAppId), "--since", "1h", "--format", "ndjson", "--timeout", "1s", "--rps", "1000"]

/** Runs `trtc rooms` against the server; the run must fail with exactly one clean error line. */
const failsWithOneLine = (server: Server, pattern: RegExp) =>
  Effect.gen(function*() {
    const r = yield* run(rooms, { env: credentialEnv(server.url) })
    const errorLines = r.stderr.split("\n").filter((line) => line.startsWith("error: "))
    assert.strictEqual(r.code, 1, r.stderr)
    assert.strictEqual(errorLines.length, 1, r.stderr)
    assert.match(errorLines[0], pattern)
    assert.notMatch(r.stderr, /\n\s+at /, "no stack trace")
    assert.deepStrictEqual(leaks(r.stdout + r.stderr, [secretKey, token]), [])
    return r
  })

describe("trtc against hostile servers", () => {
  it.scopedLive("the same full page forever: RepeatedPage after two pages", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, response, body) =>
        json(response, { Response: { Total: 100, RoomList: Array.from({ length: 100 }, (_, i) => room(i, Number(body.StartTime))), RequestId: "same" } }))
      yield* failsWithOneLine(server, /DescribeRoomInfo: paging stopped at page 1 \(RepeatedPage\)/)
      assert.strictEqual(server.requests(), 2)
    }))

  it.scopedLive("full pages of fresh rooms forever: TooManyPages at the page cap (100 pages of 100)", () =>
    Effect.gen(function*() {
      let served = 0
      const server = yield* serve((_, response, body) => {
        const page = Array.from({ length: 100 }, (_, i) => room(served * 100 + i, Number(body.StartTime)))
        served++
        json(response, { Response: { Total: 100, RoomList: page, RequestId: `p${served}` } })
      })
      yield* failsWithOneLine(server, /paging stopped at page 100 \(TooManyPages\).*10000 rows/)
      assert.strictEqual(server.requests(), 100)
    }))

  it.scopedLive("a page of duplicates: each room once", () =>
    Effect.gen(function*() {
      const server = yield* serve((_, response, body) => {
        const one = room(1, Number(body.StartTime))
        const page = body.PageNumber === 0 ? Array.from({ length: 100 }, () => one) : [one, room(2, Number(body.StartTime))]
        json(response, { Response: { Total: page.length, RoomList: page, RequestId: `p${String(body.PageNumber)}` } })
      })
      const r = yield* run(rooms, { env: credentialEnv(server.url) })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.deepStrictEqual(ndjsonStrict(r.stdout).map((row) => row.roomId), ["r1", "r2"])
    }))

  it.scopedLive("a 200 MB body: ResponseTooLarge at the 32 MiB cap, the body not read whole", () =>
    Effect.gen(function*() {
      const total = 200 * 1024 * 1024
      const state = { written: 0, closed: false }
      const server = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.on("close", () => void (state.closed = true))
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        const pump = () => {
          while (!state.closed && state.written < total) {
            state.written += chunk.length
            if (!response.write(chunk)) return void response.once("drain", pump)
          }
          if (!state.closed) response.end()
        }
        pump()
      })
      yield* failsWithOneLine(server, /DescribeRoomInfo: response larger than the 33554432-byte cap; not read further — hint: .*check --endpoint/)
      assert.strictEqual(server.requests(), 1, "not retried")
      assert.isBelow(state.written, total / 2)
    }))

  it.scopedLive("a body that never ends and one that trickles a byte a second: the per-attempt timeout", () =>
    Effect.gen(function*() {
      const timers: Array<NodeJS.Timeout> = []
      yield* Effect.addFinalizer(() => Effect.sync(() => timers.forEach(clearInterval)))
      const endless = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.write("{\"Response\":{\"RoomList\":[")
        timers.push(setInterval(() => response.write(" ".repeat(1024)), 50))
      })
      yield* failsWithOneLine(endless, /DescribeRoomInfo timed out after 1000 ms/)
      const trickle = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        const text = JSON.stringify({ Response: { Total: 0, RoomList: [], RequestId: "slow" } })
        let at = 0
        timers.push(setInterval(() => at < text.length ? response.write(text[at++]) : response.end(), 1000))
      })
      yield* failsWithOneLine(trickle, /DescribeRoomInfo timed out after 1000 ms/)
    }), 90_000)

  it.scopedLive("a redirect to another host: HTTP 302 naming it, not followed, not retried", () =>
    Effect.gen(function*() {
      const other = yield* serve((_, response) =>
        json(response, { Response: { Error: { Code: "InvalidParameter", Message: "the other host's envelope" }, RequestId: "other" } }))
      for (const status of [302, 307]) {
        const redirecting = yield* serve((_, response) => {
          response.writeHead(status, { location: `${other.url}/` })
          response.end()
        })
        const r = yield* failsWithOneLine(redirecting, new RegExp(`DescribeRoomInfo: HTTP ${status} redirecting to ${other.url}/, not followed`))
        assert.notInclude(r.stderr, "other host's envelope")
        assert.strictEqual(redirecting.requests(), 1)
      }
      assert.strictEqual(other.requests(), 0)
    }))

  it.scopedLive("HTML with status 200, JSON without Response, absurd numbers, negative times: ResponseDecodeError naming the problem", () =>
    Effect.gen(function*() {
      const html = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "text/html" })
        response.end("<html><body>Welcome to nginx!</body></html>")
      })
      yield* failsWithOneLine(html, /DescribeRoomInfo: unreadable response: not JSON/)
      const noResponse = yield* serve((_, response) => json(response, { Result: { RoomList: [] } }))
      yield* failsWithOneLine(noResponse, /unreadable response: expected an object with a Response key/)
      const absurd = yield* serve((_, response, body) => {
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify({ Response: { Total: 1, RoomList: [room(1, Number(body.StartTime))], RequestId: "absurd" } }).replace(/"CreateTime":\d+/, "\"CreateTime\":1e400"))
      })
      yield* failsWithOneLine(absurd, /unreadable response: RoomList\.0\.CreateTime: .*\(RequestId absurd\)/)
      const negative = yield* serve((_, response, body) =>
        json(response, { Response: { Total: 1, RoomList: [{ ...room(1, Number(body.StartTime)), DestroyTime: -86400 }], RequestId: "negative" } }))
      yield* failsWithOneLine(negative, /unreadable response: RoomList\.0\.DestroyTime: Expected a non-negative number, actual -86400/)
    }), 90_000)

  it.scopedLive("a server echoing the key and the token, raw and encoded, in its error message: none of it printed", () =>
    Effect.gen(function*() {
      // The whole secret in each encoding (forms() ends with two 16-character fragments, which
      // are what a clipped message might show, not what a server echoes).
      const whole = (secret: string) => forms(secret).slice(0, -2)
      const echoed = [...whole(secretKey), ...whole(token)].join(" | ")
      assert.strictEqual(whole(secretKey).length, 7)
      const server = yield* serve((request, response) =>
        json(response, {
          Response: { Error: { Code: "InvalidParameter", Message: `bad request from ${String(request.headers["x-tc-token"])}: ${echoed}` }, RequestId: "echo" }
        }))
      const r = yield* failsWithOneLine(server, /InvalidParameter: bad request from <redacted>/)
      assert.include(r.stderr, "(RequestId echo)")
      for (const verbose of [["--verbose"], []]) {
        const again = yield* run([...verbose, ...rooms], { env: credentialEnv(server.url) })
        assert.deepStrictEqual(leaks(again.stdout + again.stderr, [secretKey, token]), [])
      }
    }))
})

describe("trtc against a server clock 10 minutes ahead", () => {
  it.scopedLive("rooms and export --since 14d succeed without a warning; --since 15d gets one note", () =>
    Effect.gen(function*() {
      const now = Math.floor(Date.now() / 1000)
      // Calls over the whole retention, some near its start: the clamp has to be right.
      const dataSet = DataSet.generate({ seed: 5, anchor: now, roomsPerApp: 24, retentionDays: 14 })
      const emulator = yield* Emulator.make({ dataSet, rps: 0, credentials: [{ secretId, secretKey, token }] })
      // Through the admin API, as a user would move it.
      const moved = yield* Effect.promise(() =>
        fetch(`${emulator.url}/_admin/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ offsetSeconds: 600 }) }))
      assert.isTrue(moved.ok, `admin clock: HTTP ${moved.status}`)
      const env = credentialEnv(emulator.url)
      const app = ["--sdk-app-id", String(sdkAppId), "--format", "ndjson"]
      const r14 = yield* run(["rooms", ...app, "--since", "14d"], { env })
      assert.strictEqual(r14.code, 0, r14.stderr)
      assert.isAbove(ndjsonStrict(r14.stdout).length, 5)
      assert.strictEqual(r14.stderr, "", "no warning for --since 14d")
      const export14 = yield* run(["export", ...app, "--since", "14d"], { env })
      assert.strictEqual(export14.code, 0, export14.stderr)
      assert.isAbove(ndjsonStrict(export14.stdout).length, 0)
      assert.notMatch(export14.stderr, /warn|note|retention/)
      const r15 = yield* run(["rooms", ...app, "--since", "15d"], { env })
      assert.strictEqual(r15.code, 0, r15.stderr)
      assert.strictEqual(r15.stderr.split("\n").filter((line) => line.includes("14-day retention")).length, 1, r15.stderr)
      // The server refused what our clock clamped, and the same run recovered.
      const log = yield* emulator.requests
      assert.isTrue(log.some((entry) => entry.code === "AuthFailure.SignatureExpire"))
    }), 120_000)
})
