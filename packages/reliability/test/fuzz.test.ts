// Fuzzing, bounded for CI (fast-check): the client's envelope and schema decoding (arbitrary
// JSON, huge numbers, wrong types, deep nesting, invalid UTF-8 — over HTTP too) always ends in
// a value or a typed error, never a throw or a defect; the emulator answers any request (signed
// or not, any body) with a well-formed envelope, never a 500 or a dropped connection; the CLI's
// time parsing never throws and never yields an instant that cannot be printed, and random
// command lines end with a usage error (exit 2), never a crash.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Models from "@effect-trtc/core/Models"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import * as TrtcError from "@effect-trtc/core/TrtcError"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Tc3 from "@effect-trtc/signer/Tc3"
import * as Time from "@effect-trtc/cli/Time"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as fc from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as http from "node:http"
import type * as net from "node:net"
import { run, sdkAppId } from "./helpers.js"

const decodeTags = new Set<string>([...TrtcError.apiErrorTags, "ResponseDecodeError"])

const schemas = [
  ["DescribeRoomInfo", Models.DescribeRoomInfoResponse],
  ["DescribeUserInfo", Models.DescribeUserInfoResponse],
  ["DescribeCallDetailInfo", Models.DescribeCallDetailInfoResponse],
  ["DescribeUserEvent", Models.DescribeUserEventResponse]
] as const

const wireKeys = ["Total", "RoomList", "UserList", "Data", "RequestId", "Error", "Code", "Message", "CommId", "RoomString", "CreateTime", "DestroyTime", "IsFinished", "UserId", "PeerId", "Content", "Type", "Time", "EventId", "ParamOne", "ParamTwo", "JoinTs", "LeaveTs", "DeviceType", "SdkVersion", "ClientIp", "Finished", "RoomStr"]

// Values with the wire's keys but any types: the near misses a real server or proxy may send.
const wireLike: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, "", "x", "1", "NaN"),
    fc.double(),
    fc.string(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...wireKeys), tie("value"), { maxKeys: 6 })
  )
})).value

const huge = fc.constantFrom("1e400", "-1e400", "123456789012345678901234567890", "0.0000000000000000000000001e-400", "9".repeat(400))
const hugeBody = huge.chain((n) =>
  fc.constantFrom(
    `{"Response":{"Total":${n},"RoomList":[],"RequestId":"r"}}`,
    `{"Response":{"Data":[{"PeerId":"p","Content":[{"Type":${n},"Time":${n},"EventId":${n},"ParamOne":${n},"ParamTwo":${n}}]}],"RequestId":"r"}}`,
    `{"Response":{"Total":1,"UserList":[{"RoomStr":"1","UserId":"u","JoinTs":${n},"LeaveTs":${n},"DeviceType":"d","SdkVersion":"s","ClientIp":"c","Finished":true}],"RequestId":"r"}}`,
    `{"Response":{"Error":{"Code":${n},"Message":"m"},"RequestId":"r"}}`
  ))

const deepBody = fc.tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom("[", "{\"a\":", "{\"Response\":")).map(([depth, open]) => {
  const close = open === "[" ? "]" : "}"
  return `{"Response":${open.repeat(depth)}1${close.repeat(depth)}}`
})

// Random bytes, read as the client reads a body (UTF-8 with replacement).
const invalidUtf8 = fc.uint8Array({ maxLength: 300 }).map((bytes) => {
  const framed = Buffer.concat([Buffer.from("{\"Response\":{\"RequestId\":\""), Buffer.from(bytes), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from("\"}}")])
  return new TextDecoder("utf-8").decode(framed)
})

const bodies: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify({ Response: v })),
  wireLike.map((v) => JSON.stringify({ Response: v })),
  wireLike.map((v) => JSON.stringify({ Response: { Error: v, RequestId: "r" } })),
  wireLike.map((v) => JSON.stringify(v)),
  hugeBody,
  deepBody,
  invalidUtf8,
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ maxLength: 40 }).map((s) => `{"Response":{"RequestId":"${s}"`)
)

describe("client decoding", () => {
  it.prop("decodeResponseEither is total: a value or a typed error for any body", [bodies, fc.integer({ min: 0, max: 3 })], ([body, i]) => {
    const [action, schema] = schemas[i]
    const decode = TrtcError.decodeResponseEither(action, schema as Schema.Schema<unknown, unknown, never>)
    const result = decode(body)
    if (Either.isLeft(result)) {
      assert.isTrue(decodeTags.has(result.left._tag), result.left._tag)
      assert.strictEqual(result.left.action, action)
      // The one-line message renders.
      assert.isString(result.left.message)
    } else {
      assert.isTrue(Schema.is(schema as Schema.Schema<unknown, unknown, never>)(result.right))
    }
  }, { fastCheck: { numRuns: 600 } })

  it.prop("an error envelope never vanishes: any code decodes to its family or UnknownApiError", [fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 })], ([code, message]) => {
    const result = TrtcError.decodeResponseEither("DescribeUserEvent", Models.DescribeUserEventResponse)(
      JSON.stringify({ Response: { Error: { Code: code, Message: message }, RequestId: "rid" } })
    )
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      if (code === "") assert.strictEqual(result.left._tag, "ResponseDecodeError")
      else assert.strictEqual((result.left as { code?: string }).code, code)
    }
  }, { fastCheck: { numRuns: 300 } })

  it.live("over HTTP: any status, headers and body bytes from a server end in a typed error or a value, never a defect", () =>
    Effect.gen(function*() {
      // A server that answers each request with the next fuzzed response.
      type Reply = { readonly status: number; readonly body: Buffer; readonly lengthDelta: number; readonly contentType: string }
      const replies = fc.sample(
        fc.record({
          status: fc.constantFrom(200, 200, 200, 204, 301, 400, 404, 429, 500, 502, 503),
          body: fc.oneof(bodies.map((b) => Buffer.from(b)), fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b))),
          // A Content-Length that lies (longer: the connection ends early; shorter: cut).
          lengthDelta: fc.constantFrom(0, 0, 0, 5, -3),
          contentType: fc.constantFrom("application/json", "text/html", "application/octet-stream")
        }),
        { numRuns: 80 }
      ) as Array<Reply>
      let next = 0
      const server = http.createServer((req, res) => {
        req.resume()
        req.on("end", () => {
          const reply = replies[next++ % replies.length]
          const length = Math.max(0, reply.body.length + reply.lengthDelta)
          res.writeHead(reply.status, { "Content-Type": reply.contentType, "Content-Length": length })
          if (reply.lengthDelta > 0) {
            res.write(reply.body)
            res.socket?.destroy()
          } else {
            res.end(reply.body.subarray(0, length))
          }
        })
      })
      yield* Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)))
      const port = (server.address() as net.AddressInfo).port
      const client = yield* TencentCloudClient.make({ endpoint: `http://127.0.0.1:${port}`, timeout: "2 seconds" }).pipe(
        Effect.provide(NodeHttpClient.layerUndici),
        Effect.provide(Credentials.layerStatic({ secretId: "AKIDFUZZ", secretKey: "fuzzKey0000000000000000000000000" }))
      )
      const allowed = new Set<string>([...decodeTags, "HttpStatusError", "TransportError", "TimeoutError"])
      for (let i = 0; i < replies.length; i++) {
        const [action, schema] = schemas[i % 4]
        const exit = yield* Effect.exit(client.call({
          action,
          request: { SdkAppId: sdkAppId },
          requestSchema: Schema.Struct({ SdkAppId: Schema.Number }),
          responseSchema: schema as Schema.Schema<unknown, unknown, never>
        }))
        if (Exit.isFailure(exit)) {
          const failure = Cause.failureOption(exit.cause)
          assert.isTrue(Option.isSome(failure), `reply ${i}: not a typed failure: ${Cause.pretty(exit.cause)}`)
          if (Option.isSome(failure)) assert.isTrue(allowed.has(failure.value._tag), `reply ${i}: ${failure.value._tag}`)
        }
      }
      yield* Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

it.live("the emulator answers any request with a well-formed envelope, never a 500 or a dropped connection", () =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make({ rps: 0, seed: 3 })
    const host = `127.0.0.1:${emulator.port}`
    const sampled = fc.sample(
      fc.record({
        body: fc.oneof(
          bodies,
          wireLike.map((v) => JSON.stringify(v)),
          fc.dictionary(fc.constantFrom("SdkAppId", "CommId", "StartTime", "EndTime", "UserId", "RoomId", "PageNumber", "PageSize", "UserIds", "DataType"), wireLike, { maxKeys: 8 })
            .map((v) => JSON.stringify(v))
        ),
        action: fc.constantFrom("DescribeRoomInfo", "DescribeUserInfo", "DescribeCallDetailInfo", "DescribeUserEvent", "", "Nope", "describeroominfo"),
        version: fc.constantFrom("2019-07-22", "2019-07-22", "", "2020-01-01"),
        region: fc.constantFrom("ap-guangzhou", "", "mars-1"),
        contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded"),
        signed: fc.boolean(),
        method: fc.constantFrom("POST", "POST", "GET", "PUT")
      }),
      { numRuns: 120 }
    )
    const send = (s: typeof sampled[number]) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const timestamp = Math.floor(Date.now() / 1000)
        const headers: Record<string, string> = {
          "Content-Type": s.contentType,
          "X-TC-Action": s.action,
          "X-TC-Version": s.version,
          "X-TC-Region": s.region,
          "X-TC-Timestamp": String(timestamp)
        }
        if (s.signed) {
          headers.Authorization = Tc3.sign({
            method: s.method,
            host,
            contentType: s.contentType,
            body: s.body,
            service: "trtc",
            timestamp,
            secretId: Emulator.defaultCredential.secretId,
            secretKey: Redacted.make(Emulator.defaultCredential.secretKey)
          }).authorization
        }
        const req = http.request({ host: "127.0.0.1", port: emulator.port, method: s.method, path: "/", headers }, (res) => {
          let text = ""
          res.setEncoding("utf8").on("data", (d: string) => void (text += d))
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }))
        })
        req.on("error", reject)
        req.end(s.method === "GET" ? undefined : s.body)
      })
    let signedOk = 0
    for (const s of sampled) {
      const reply = yield* Effect.promise(() => send(s))
      const context = `${JSON.stringify(s).slice(0, 300)} → ${reply.status} ${reply.text.slice(0, 200)}`
      assert.isBelow(reply.status, 500, context)
      const json = JSON.parse(reply.text) as { Response?: { RequestId?: unknown; Error?: { Code?: unknown } } }
      assert.isString(json.Response?.RequestId, context)
      if (json.Response?.Error !== undefined) assert.isString(json.Response.Error.Code, context)
      else signedOk++
    }
    // The server is still up and serves a real request.
    const health = yield* Effect.promise(() => fetch(`${emulator.url}/_admin/requests`))
    assert.strictEqual(health.status, 200)
    assert.isAtLeast(signedOk, 0)
  }).pipe(Effect.scoped))

describe("CLI time parsing", () => {
  const now = 1_795_600_000
  const timeInput = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.stringMatching(/^-?\s*\d{1,30}(\.\d{1,5})?\s*(s|sec|m|min|h|d|w|ms)?(\s+ago)?$/),
    fc.stringMatching(/^\d{1,420}$/),
    fc.date({ noInvalidDate: false }).map((d) => Number.isNaN(d.getTime()) ? "2026-02-30T25:61:00Z" : d.toISOString()),
    fc.stringMatching(/^[+-]?\d{4,6}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/)
  )
  it.prop("parseTime/parseDuration never throw and give only printable instants", [timeInput], ([input]) => {
    const time = Time.parseTime("--start", input, now)
    if (Either.isRight(time)) {
      assert.isTrue(Number.isFinite(time.right), input)
      assert.doesNotThrow(() => Time.iso(time.right), input)
    }
    const duration = Time.parseDuration("--since", input)
    if (Either.isRight(duration)) assert.isTrue(Number.isFinite(duration.right) && duration.right >= 0, input)
  }, { fastCheck: { numRuns: 1000 } })

  it.prop("resolvePeriod never throws: a period or a typed error for any --start/--end/--since", [
    fc.option(timeInput, { nil: undefined }),
    fc.option(timeInput, { nil: undefined }),
    fc.option(timeInput, { nil: undefined })
  ], ([start, end, since]) => {
    const result = Time.resolvePeriod(
      { start: Option.fromNullable(start), end: Option.fromNullable(end), since: Option.fromNullable(since) },
      { now, defaultSpanSeconds: 86400, retentionDays: 14 }
    )
    if (Either.isLeft(result)) assert.include(["TimeParseError", "PeriodError"], result.left._tag)
    else {
      assert.isTrue(result.right.period.startTime < result.right.period.endTime)
      assert.isAtLeast(result.right.period.startTime, now - 14 * 86400)
    }
  }, { fastCheck: { numRuns: 1000 } })

  it("huge times and durations are usage errors, not crashes (found by the properties above)", () => {
    for (const input of ["9".repeat(400), "99999999999999999999", "300000000d", "99999999999999999999d"]) {
      const period = Time.resolvePeriod(
        { start: Option.some(input), end: Option.none(), since: Option.none() },
        { now, defaultSpanSeconds: 86400, retentionDays: 14 }
      )
      assert.isTrue(Either.isLeft(period), input)
      const since = Time.resolvePeriod(
        { start: Option.none(), end: Option.none(), since: Option.some(input) },
        { now, defaultSpanSeconds: 86400, retentionDays: 14 }
      )
      assert.isTrue(Either.isLeft(since), input)
    }
  })
})

it.live("random command lines end with exit 0/2 and one clean error line, never a crash", () =>
  Effect.gen(function*() {
    const flagNames = ["--sdk-app-id", "--comm-id", "--room-id", "--user-id", "--start", "--end", "--since", "--format", "--rps", "--concurrency", "--timeout", "--out", "--resume", "--verbose", "--endpoint", "--region", "--profile", "--help", "--bogus", "-x", "--"]
    const value = fc.oneof(
      fc.constantFrom("", " ", "-1", "0", "1.5", "1e309", "NaN", "9".repeat(40), "2h", "14d", "yesterday", "json", "xml", "http://10.0.0.1", "ftp://x", "\u0000", "é", "--", "-", "https://"),
      fc.string({ maxLength: 12 })
    )
    const argv = fc.tuple(
      fc.constantFrom("events", "rooms", "users", "export", "frobnicate", ""),
      fc.array(fc.tuple(fc.constantFrom(...flagNames), value), { maxLength: 6 })
    ).map(([command, flags]) => [...(command === "" ? [] : [command]), ...flags.flatMap(([f, v]) => [f, v])])
      // Values are not always flags' values: drop the NUL (argv cannot carry it).
      .map((args) => args.map((a) => a.split("\u0000").join("")))
    // No credentials and an endpoint that refuses connections: nothing leaves the machine, and a
    // command line that parses fails at credentials (3) or at the network (1) at worst.
    const env = { TRTC_ENDPOINT: "http://127.0.0.1:9" }
    const samples = fc.sample(argv, { numRuns: 12 })
    const results = yield* Effect.forEach(samples, (args) => Effect.map(run(args, { env }), (r) => ({ args, r })), { concurrency: 4 })
    for (const { args, r } of results) {
      const context = `${JSON.stringify(args)} → ${r.code}\n${r.stderr}`
      assert.include([0, 1, 2, 3], r.code, context)
      assert.notMatch(r.stderr, /\n\s+at |TypeError|RangeError|Invalid time value|\[object Object\]/, context)
      if (r.code !== 0) assert.strictEqual(r.stderr.split("\n").filter((l) => l.startsWith("error:")).length, 1, context)
    }
  }))

it.live("out-of-range numbers from a server (1e20, 1e400) print, they do not crash the CLI", () =>
  Effect.gen(function*() {
    // A server that is not the emulator (which never sends such values): every action answers
    // with times no Date can hold.
    const server = http.createServer((req, res) => {
      req.resume()
      req.on("end", () => {
        const action = req.headers["x-tc-action"]
        const payload = action === "DescribeRoomInfo"
          ? { Total: 1, RoomList: [{ CommId: "1400000001_r_1795600000", RoomString: "r", CreateTime: 1e20, DestroyTime: Infinity, IsFinished: true, UserId: "u" }] }
          : action === "DescribeUserInfo"
            ? { Total: 1, UserList: [{ RoomStr: "r", UserId: "u", JoinTs: Infinity, LeaveTs: 1e20, DeviceType: "d", SdkVersion: "s", ClientIp: "c", Finished: true }] }
            : { Data: [{ PeerId: "u", Content: [{ Type: 0, Time: 1e20, EventId: 5001, ParamOne: 1, ParamTwo: 2 }, { Type: 0, Time: Infinity, EventId: 5003, ParamOne: 1, ParamTwo: 2 }] }] }
        res.writeHead(200, { "Content-Type": "application/json" })
        res.end(JSON.stringify({ Response: { ...payload, RequestId: "rid" } }).replace(/null/g, "1e400"))
      })
    })
    yield* Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)))
    const port = (server.address() as net.AddressInfo).port
    const env = { TRTC_ENDPOINT: `http://127.0.0.1:${port}`, TENCENTCLOUD_SECRET_ID: "AKIDFUZZ00000000", TENCENTCLOUD_SECRET_KEY: "fuzzKey0000000000000000000000000" }
    const call = ["--sdk-app-id", String(sdkAppId), "--comm-id", "1400000001_r_1795600000"]
    for (const args of [
      ["events", ...call, "--room-id", "r", "--user-id", "u", "--start", "1d", "--format", "ndjson"],
      ["events", ...call, "--room-id", "r", "--user-id", "u", "--start", "1d", "--format", "table"],
      ["users", ...call, "--start", "1d", "--format", "csv"],
      ["rooms", "--sdk-app-id", String(sdkAppId), "--since", "1d", "--format", "json"]
    ]) {
      const r = yield* run(args, { env })
      const context = `${args.join(" ")} → ${r.code}\n${r.stderr}`
      assert.notMatch(r.stderr, /Invalid time value|RangeError/, context)
      assert.include([0, 1], r.code, context)
    }
    yield* Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  }))
