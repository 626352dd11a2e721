/**
 * Test helpers: a tiny hand-made data set and a raw signed HTTP client (so tests control
 * every header and byte the server sees).
 */
import * as Tc3 from "@effect-trtc/signer/Tc3"
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"
import type * as Emulator from "../src/Emulator.js"

export const appId = 1400000001

/** A small data set around `now` (Unix s): two rooms, a user who rejoins, events of two peers. */
export const tinyDataSet = (now: number): Emulator.DataSet => {
  const t0 = now - 3 * 3600
  const commId = `${appId}_r1_${t0}`
  const ev = (peerId: string, at: number, eventId: number, paramOne = -1, paramTwo = -1, type = 0) =>
    ({ peerId, type, timeMs: at, eventId, paramOne, paramTwo })
  return {
    seed: 0,
    anchor: now,
    apps: [{
      sdkAppId: appId,
      rooms: [
        {
          roomId: "r1",
          commId,
          createTime: t0,
          destroyTime: t0 + 2 * 3600,
          isFinished: true,
          creatorUserId: "alice",
          sessions: [
            {
              userId: "alice",
              joinTs: t0,
              leaveTs: t0 + 1800,
              finished: true,
              deviceType: "ios",
              sdkVersion: "11.5",
              clientIp: "10.0.0.1",
              events: [ev("alice", t0 * 1000 + 10, 5003, 1), ev("bob", t0 * 1000 + 200, 5004, 1280, 720, 2), ev("alice", t0 * 1000 + 500, 5006), ev("alice", t0 * 1000 + 1_800_000, 5004)]
            },
            {
              userId: "bob",
              joinTs: t0 + 60,
              leaveTs: t0 + 7000,
              finished: true,
              deviceType: "android",
              sdkVersion: "11.4",
              clientIp: "10.0.0.2",
              events: [ev("bob", (t0 + 60) * 1000, 5003, 1)]
            },
            {
              userId: "alice",
              joinTs: t0 + 3600,
              leaveTs: t0 + 7200,
              finished: true,
              deviceType: "ios",
              sdkVersion: "11.5",
              clientIp: "10.0.0.1",
              events: [ev("alice", (t0 + 3600) * 1000, 5003, 1), ev("alice", (t0 + 7199) * 1000, 5004), ev("alice", (t0 + 7300) * 1000, 5005)]
            }
          ]
        },
        {
          roomId: "房间_2",
          commId: `${appId}_房间_2_${now - 600}`,
          createTime: now - 600,
          destroyTime: now,
          isFinished: false,
          creatorUserId: "carol",
          sessions: [{ userId: "carol", joinTs: now - 600, leaveTs: now, finished: false, deviceType: "web", sdkVersion: "5.0", clientIp: "10.0.0.3", events: [] }]
        },
        {
          roomId: "old",
          commId: `${appId}_old_${now - 10 * 86400}`,
          createTime: now - 10 * 86400,
          destroyTime: now - 10 * 86400 + 600,
          isFinished: true,
          creatorUserId: "dave",
          sessions: []
        }
      ]
    }]
  }
}

export interface Reply {
  readonly status: number
  readonly text: string
  readonly headers: Http.IncomingHttpHeaders
}

export interface CallOptions {
  readonly method?: "GET" | "POST" | string
  /** The raw body; default the JSON of `params`. */
  readonly body?: string | Buffer
  readonly query?: string
  readonly contentType?: string
  readonly action?: string | undefined
  readonly version?: string | undefined
  readonly region?: string | undefined
  readonly token?: string | undefined
  readonly language?: string | undefined
  readonly secretId?: string
  readonly secretKey?: string
  readonly timestamp?: number
  readonly service?: string
  /** Send no Authorization header. */
  readonly unsigned?: boolean
  /** Extra or replacing raw headers. */
  readonly headers?: Record<string, string>
  /** Sign these bytes but send `body` (a tampered request). */
  readonly signedBody?: string
  /** Sign the host with its port (Go/Python style) instead of without (Node style). */
  readonly signPort?: boolean
  /** Sign with the payload hash of `UNSIGNED-PAYLOAD` and send `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`. */
  readonly unsignedPayload?: boolean
}

/** Sends one raw HTTP request. */
export const raw = (url: string, method: string, path: string, headers: Record<string, string>, body: string | Buffer): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const target = new URL(path, url)
    const req = Http.request({ host: target.hostname, port: target.port, method, path: target.pathname + target.search, headers, agent: false }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (c: Buffer) => chunks.push(c))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }))
      res.on("error", reject)
    })
    req.on("error", reject)
    req.end(body)
  })

/** A TC3-signed call, every part overridable. */
export const call = (
  instance: Emulator.Instance,
  params: unknown,
  options: CallOptions = {}
): Promise<Reply> => {
  const method = options.method ?? "POST"
  const body = options.body ?? (method === "GET" ? "" : JSON.stringify(params))
  const query = options.query ?? ""
  const contentType = options.contentType ?? (method === "GET" ? "application/x-www-form-urlencoded" : "application/json")
  const hostHeader = `127.0.0.1:${instance.port}`
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000)
  const signature = Tc3.sign({
    method,
    host: options.signPort === true ? hostHeader : "127.0.0.1",
    query,
    contentType,
    body: options.signedBody ?? body,
    unsignedPayload: options.unsignedPayload,
    service: options.service ?? "trtc",
    timestamp,
    secretId: options.secretId ?? instance.credential.secretId,
    secretKey: options.secretKey !== undefined ? Redacted.make(options.secretKey) : instance.credential.secretKey
  })
  const headers: Record<string, string> = { "Host": hostHeader, "Content-Type": contentType, "X-TC-Timestamp": String(timestamp) }
  if (options.unsigned !== true) headers["Authorization"] = signature.authorization
  // A key present with `undefined` leaves the header out; an absent key sends the default.
  const put = (name: string, key: "action" | "version" | "region", fallback: string) => {
    const v = key in options ? options[key] : fallback
    if (v !== undefined) headers[name] = v
  }
  put("X-TC-Action", "action", "DescribeRoomInfo")
  put("X-TC-Version", "version", "2019-07-22")
  put("X-TC-Region", "region", "ap-guangzhou")
  if (options.token !== undefined) headers["X-TC-Token"] = options.token
  if (options.language !== undefined) headers["X-TC-Language"] = options.language
  if (options.unsignedPayload === true) headers["X-TC-Content-SHA256"] = "UNSIGNED-PAYLOAD"
  Object.assign(headers, options.headers)
  return raw(instance.url, method, query === "" ? "/" : `/?${query}`, headers, body)
}

/** The `Response` of a reply, parsed. */
export const response = (reply: Reply): Record<string, unknown> => (JSON.parse(reply.text) as { Response: Record<string, unknown> }).Response

/** The error code of a reply, or `undefined` on success. */
export const codeOf = (reply: Reply): string | undefined =>
  (response(reply)["Error"] as { Code: string } | undefined)?.Code

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
