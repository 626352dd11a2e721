import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Models from "../src/Models.js"
import * as TencentCloudClient from "../src/TencentCloudClient.js"
import * as Trtc from "../src/Trtc.js"
import { atPinnedNow, offsetSeconds, pinnedNow, pinnedOptions } from "./pinnedTime.js"

const anchor = pinnedNow
const dataSet = DataSet.generate({ seed: 7, anchor, roomsPerApp: 6 })
const app = dataSet.apps[0]!
// Room 0 is the long call over midnight; room 1 is an ordinary finished call.
const room = app.rooms[1]!
const spanEnd = (start: number, max: number) => Math.min(room.destroyTime, start + max)

const goodKey = Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey })

// The real undici client, with every request as sent (signed) recorded.
const recordingHttp = (sent: Array<Record<string, string>>, http: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerUndici) =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) => Effect.sync(() => { sent.push({ ...request.headers }) })))
  ).pipe(Layer.provide(http))

interface Setup {
  readonly credentials?: Layer.Layer<Credentials.Credentials>
  readonly sent?: Array<Record<string, string>>
  readonly http?: Layer.Layer<HttpClient.HttpClient>
}

const trtcLayer = (emulator: Emulator.Instance, options: Trtc.Options = {}, setup: Setup = {}) =>
  Trtc.layer({ endpoint: emulator.url, ...options }).pipe(
    Layer.provide(Layer.merge(
      setup.credentials ?? goodKey,
      setup.sent === undefined ? setup.http ?? NodeHttpClient.layerUndici : recordingHttp(setup.sent, setup.http)
    ))
  )

// Each transport a caller may pick runs the data and fault tests.
const transports = [
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["TencentCloudClient.layerNodeHttpClient", TencentCloudClient.layerNodeHttpClient],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
] as const

const withTrtc = <A, E>(
  emulator: Emulator.Instance,
  use: (trtc: Trtc.Service) => Effect.Effect<A, E>,
  options: Trtc.Options = {},
  setup: Setup = {}
) => Effect.flatMap(Trtc.Trtc, use).pipe(Effect.provide(trtcLayer(emulator, options, setup)))

// A raw client that sends whatever it is given, to provoke the server's own errors.
const Loose = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const rawCall = (emulator: Emulator.Instance, action: string, payload: Record<string, unknown>, options: TencentCloudClient.Options = {}) =>
  Effect.flatMap(TencentCloudClient.TencentCloudClient, (client) =>
    client.call({ action, request: payload, requestSchema: Loose, responseSchema: Loose })).pipe(
    Effect.provide(TencentCloudClient.layer({ endpoint: emulator.url, ...options }).pipe(Layer.provide(Layer.merge(goodKey, NodeHttpClient.layerUndici))))
  )

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure")
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (failure === undefined) return assert.fail(`expected a typed failure, got ${String(exit.cause)}`)
  return failure
}

describe("Trtc against the emulator", () => {
  it.scopedLive.each(transports)("each method returns the emulator's data (%s)", ([, http]) =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet }))
      const start = room.createTime
      yield* withTrtc(emulator, (trtc) =>
        Effect.gen(function*() {
          const rooms = yield* trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({
            sdkAppId: app.sdkAppId,
            startTime: start - 60,
            endTime: start + 60,
            pageSize: 100
          }))
          const found = rooms.roomList.find((r) => r.commId === room.commId)
          assert.isDefined(found)
          assert.strictEqual(found!.roomId, room.roomId)
          assert.strictEqual(found!.createTime, room.createTime)
          assert.strictEqual(found!.userId, room.creatorUserId)
          assert.match(rooms.requestId, /\S/)

          const end = spanEnd(start, 4 * 3600)
          const users = yield* trtc.describeUserInfo(new Models.DescribeUserInfoRequest({
            commId: room.commId,
            sdkAppId: app.sdkAppId,
            startTime: start,
            endTime: end,
            pageSize: 100
          }))
          const expectedUsers = DataSet.usersInWindow(room, start, end).map((s) => s.userId)
          assert.isAbove(expectedUsers.length, 0)
          assert.deepStrictEqual([...new Set(users.userList.map((u) => u.userId))].sort(), [...expectedUsers].sort())
          assert.isTrue(users.userList.every((u) => u.roomId === room.roomId))

          const detail = yield* trtc.describeCallDetailInfo(new Models.DescribeCallDetailInfoRequest({
            commId: room.commId,
            sdkAppId: app.sdkAppId,
            startTime: start,
            endTime: spanEnd(start, 3600),
            userIds: [expectedUsers[0]!],
            dataType: ["bigvCapFps"]
          }))
          assert.deepStrictEqual([...new Set(detail.userList.map((u) => u.userId))], [expectedUsers[0]])
          assert.isTrue(detail.data.every((d) => d.userId === expectedUsers[0] && d.dataType === "bigvCapFps"))

          const user = expectedUsers[0]!
          const events = yield* trtc.describeUserEvent(new Models.DescribeUserEventRequest({
            commId: room.commId,
            sdkAppId: app.sdkAppId,
            roomId: room.roomId,
            userId: user,
            startTime: room.createTime,
            endTime: room.destroyTime
          }))
          const expected = DataSet.userEvents(room, user, room.createTime * 1000, room.destroyTime * 1000)
          const received = events.data.flatMap((list) => list.content.map((e) => ({ peerId: list.peerId, eventId: e.eventId, timeMs: e.timeMs })))
          assert.isAbove(expected.length, 0)
          assert.deepStrictEqual(
            received.map((e) => `${e.timeMs}/${e.eventId}/${e.peerId}`).sort(),
            expected.map((e) => `${e.timeMs}/${e.eventId}/${e.peerId}`).sort()
          )
        }), {}, { http })
    })))

  it.scopedLive("the server's error families decode to their tags with the RequestId", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet, rps: 0 }))
      const period = { SdkAppId: app.sdkAppId, StartTime: anchor - 3600, EndTime: anchor }
      const cases: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]> = [
        ["MissingParameter", rawCall(emulator, "DescribeRoomInfo", { SdkAppId: app.sdkAppId })],
        ["InvalidParameter", rawCall(emulator, "DescribeRoomInfo", { ...period, StartTime: anchor - 3 * 86400 })],
        ["UnsupportedRegion", rawCall(emulator, "DescribeRoomInfo", period, { region: "xx-nowhere-1" })],
        ["InvalidAction", rawCall(emulator, "DescribeNothing", period)],
        ["NoSuchVersion", rawCall(emulator, "DescribeRoomInfo", period, { version: "2000-01-01" })],
        ["InvalidParameterValue", rawCall(emulator, "DescribeRoomInfo", period, { language: "xx-XX" as TencentCloudClient.Language })]
      ]
      for (const [tag, call] of cases) {
        const error = failureOf(yield* Effect.exit(call)) as { _tag: string; code: string; requestId: string; action: string }
        assert.strictEqual(error._tag, tag, `${tag}: ${JSON.stringify(error)}`)
        assert.isTrue(error.code.startsWith(tag))
        assert.match(error.requestId, /\S/)
        const logged = (yield* emulator.requests).find((entry) => entry.requestId === error.requestId)
        assert.isDefined(logged, `${tag} has the RequestId the server logged`)
        assert.strictEqual(logged!.code, error.code)
      }
    })))

  it.scopedLive("requests are refused before sending when invalid", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet }))
      const exit = yield* Effect.exit(withTrtc(emulator, (trtc) =>
        trtc.describeUserInfo(new Models.DescribeUserInfoRequest({ commId: room.commId, sdkAppId: app.sdkAppId, startTime: anchor - 86400, endTime: anchor }))))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "RequestValidationError")
      assert.strictEqual((yield* emulator.requests).length, 0)
    })))

  it.scopedLive("a wrong key fails fast without retries", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet }))
      const wrongKey = Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: "wrongSecretKey000000000000000000" })
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: anchor - 3600, endTime: anchor })
      const error = failureOf(yield* Effect.exit(withTrtc(emulator, (trtc) => trtc.describeRoomInfo(request), {}, { credentials: wrongKey })))
      assert.strictEqual(error._tag, "AuthFailure")
      if (error._tag === "AuthFailure") assert.strictEqual(error.code, "AuthFailure.SignatureFailure")
      assert.strictEqual((yield* emulator.requests).length, 1)

      const unknownId = Credentials.layerStatic({ secretId: "AKIDUNKNOWN00000000000000000000000000", secretKey: Emulator.defaultCredential.secretKey })
      const notFound = failureOf(yield* Effect.exit(withTrtc(emulator, (trtc) => trtc.describeRoomInfo(request), {}, { credentials: unknownId })))
      assert.strictEqual(notFound._tag === "AuthFailure" ? notFound.code : notFound._tag, "AuthFailure.SecretIdNotFound")
      assert.strictEqual((yield* emulator.requests).length, 2)
    })))

  it.scopedLive("layerFromEnvironment reads the endpoint, region and credentials from the environment", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet }))
      const env = ConfigProvider.fromMap(new Map([
        ["TRTC_ENDPOINT", emulator.url],
        ["TENCENTCLOUD_REGION", "ap-beijing"],
        ["TENCENTCLOUD_SECRET_ID", Emulator.defaultCredential.secretId],
        ["TENCENTCLOUD_SECRET_KEY", Emulator.defaultCredential.secretKey],
        ["TRTC_TIMEOUT", "5 seconds"]
      ]))
      const sent: Array<Record<string, string>> = []
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: anchor - 3600, endTime: anchor })
      const response = yield* Effect.flatMap(Trtc.Trtc, (trtc) => trtc.describeRoomInfo(request)).pipe(
        Effect.provide(Trtc.layerFromEnvironment().pipe(Layer.provide(recordingHttp(sent)), Layer.provide(Layer.setConfigProvider(env))))
      )
      assert.match(response.requestId, /\S/)
      assert.strictEqual(sent[0]!["x-tc-region"], "ap-beijing")
      assert.strictEqual(sent.length, 1)
    })))

  it.scopedLive("layerConfig takes each option as a Config (Config.Wrap) and fails with a ConfigError naming a bad one", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet }))
      const settings = ConfigProvider.fromMap(new Map([["MY_ENDPOINT", emulator.url], ["MY_REGION", "ap-singapore"], ["MY_RPS", "fast"]]))
      const sent: Array<Record<string, string>> = []
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: anchor - 3600, endTime: anchor })
      const live = Trtc.layerConfig({ endpoint: Config.string("MY_ENDPOINT"), region: Config.string("MY_REGION") }).pipe(
        Layer.provide(Layer.merge(goodKey, recordingHttp(sent))),
        Layer.provide(Layer.setConfigProvider(settings))
      )
      const response = yield* Effect.flatMap(Trtc.Trtc, (trtc) => trtc.describeRoomInfo(request)).pipe(Effect.provide(live))
      assert.match(response.requestId, /\S/)
      assert.strictEqual(sent[0]!["x-tc-region"], "ap-singapore")

      const bad = Trtc.layerConfig({ endpoint: Config.string("MY_ENDPOINT"), rps: Config.number("MY_RPS") }).pipe(
        Layer.provide(Layer.merge(goodKey, recordingHttp(sent))),
        Layer.provide(Layer.setConfigProvider(settings))
      )
      const exit = yield* Effect.exit(Effect.provide(Trtc.Trtc, bad))
      const error = failureOf(exit)
      assert.isTrue(ConfigError.isConfigError(error))
      assert.include(String(error), "MY_RPS")
      assert.strictEqual(sent.length, 1)
    })))

  it.scopedLive("a plain http:// endpoint that is not loopback is refused before any request", () =>
    atPinnedNow(Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(Trtc.Trtc, Trtc.layer({ endpoint: "http://trtc.tencentcloudapi.com" }).pipe(
        Layer.provide(Layer.merge(goodKey, NodeHttpClient.layerUndici))
      )))
      assert.strictEqual(failureOf(exit)._tag, "EndpointError")
    })))

  it.scopedLive("throttled attempts are retried, each signed afresh, and stay within the server's window", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet, rps: 1 }))
      const sent: Array<Record<string, string>> = []
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: anchor - 3600, endTime: anchor })
      // The client's limiter off, so the server's limit is hit and the retry policy takes over.
      yield* withTrtc(emulator, (trtc) => Effect.zipRight(trtc.describeRoomInfo(request), trtc.describeRoomInfo(request)), {
        rps: 0,
        retry: { baseDelay: 1100, jitter: 0, maxRetries: 2 }
      }, { sent })
      const log = yield* emulator.requests
      assert.deepStrictEqual(log.map((e) => e.code), [undefined, "RequestLimitExceeded", undefined])
      assert.strictEqual(sent.length, 3)
      const stamps = sent.map((h) => Number(h["x-tc-timestamp"]))
      assert.isAbove(stamps[2]!, stamps[1]!, "the retry carries a new timestamp")
      assert.notStrictEqual(sent[2]!["authorization"], sent[1]!["authorization"])
      for (const headers of sent) {
        assert.strictEqual(headers["x-tc-action"], "DescribeRoomInfo")
        assert.strictEqual(headers["x-tc-version"], "2019-07-22")
        assert.strictEqual(headers["x-tc-region"], "ap-guangzhou")
        assert.match(headers["x-tc-requestclient"]!, /^effect-trtc_\d/)
        assert.match(headers["user-agent"]!, /^effect-trtc\/\d/)
        assert.strictEqual(headers["content-type"], "application/json")
      }
    })))

  it.scopedLive("the client's limiter keeps bursts within a strict sliding-window server", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet, rps: 5 }))
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: anchor - 3600, endTime: anchor })
      yield* withTrtc(emulator, (trtc) =>
        Effect.forEach(Array.from({ length: 11 }), () => trtc.describeRoomInfo(request), { concurrency: 11, discard: true }), { rps: 5, retry: false })
      const log = yield* emulator.requests
      assert.strictEqual(log.length, 11)
      assert.isTrue(log.every((e) => e.code === undefined))
    })))

  it.scopedLive("a clock 10 minutes off is corrected from the server's Date once", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet }))
      // 10 minutes ahead of the pinned clock the client signs with.
      yield* emulator.setClockOffset(offsetSeconds + 600)
      const now = Math.floor((yield* emulator.now) / 1000)
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: now - 3600, endTime: now })
      const sent: Array<Record<string, string>> = []
      const outcome = yield* Effect.either(withTrtc(emulator, (trtc) => Effect.zipRight(trtc.describeRoomInfo(request), trtc.describeRoomInfo(request)), { retry: false }, { sent }))
      const log = yield* emulator.requests
      assert.isTrue(Either.isRight(outcome))
      const stamps = sent.map((h) => Number(h["x-tc-timestamp"]))
      // The corrected attempts are signed with the emulator's time, not the local clock.
      assert.isAtMost(Math.abs(stamps[0]! - (now - 600)), 5)
      assert.isTrue(stamps.slice(1).every((s) => Math.abs(s - now) <= 5), JSON.stringify({ now, stamps }))
      // One refusal, then the corrected attempt, then the next call signed right the first time.
      assert.deepStrictEqual(log.map((e) => e.code), ["AuthFailure.SignatureExpire", undefined, undefined])
    })))

  it.scopedLive("every error family injected by the emulator decodes to its tag, code and RequestId", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet, rps: 0 }))
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: anchor - 3600, endTime: anchor })
      const families: ReadonlyArray<readonly [string, string]> = [
        ["AuthFailure.UnauthorizedOperation", "AuthFailure"],
        ["RequestLimitExceeded.UinLimitExceeded", "RequestLimitExceeded"],
        ["InvalidParameter.StartTimeOversize", "InvalidParameter"],
        ["InvalidParameterValue", "InvalidParameterValue"],
        ["MissingParameter.SdkAppId", "MissingParameter"],
        ["InternalError.DBError", "InternalError"],
        ["ResourceNotFound", "ResourceNotFound"],
        ["ResourceUnavailable", "ResourceUnavailable"],
        ["ServiceUnavailable", "ServiceUnavailable"],
        ["UnsupportedRegion", "UnsupportedRegion"],
        ["UnauthorizedOperation", "UnauthorizedOperation"],
        ["ResponseSizeLimitExceeded", "ResponseSizeLimitExceeded"],
        ["InvalidAction", "InvalidAction"],
        ["NoSuchVersion", "NoSuchVersion"],
        ["FailedOperation", "FailedOperation"],
        ["LimitExceeded", "LimitExceeded"],
        ["SomethingNew.NeverSeen", "UnknownApiError"]
      ]
      yield* withTrtc(emulator, (trtc) =>
        Effect.forEach(families, ([code, tag]) =>
          Effect.gen(function*() {
            yield* emulator.setFaults([{ when: { always: true }, effect: { apiError: code } }])
            const error = failureOf(yield* Effect.exit(trtc.describeRoomInfo(request)))
            assert.strictEqual(error._tag, tag, code)
            const api = error as { code: string; requestId: string; action: string }
            assert.strictEqual(api.code, code)
            assert.strictEqual(api.action, "DescribeRoomInfo")
            const log = yield* emulator.requests
            assert.strictEqual(api.requestId, log[log.length - 1]!.requestId)
          })), { retry: false })
      assert.strictEqual((yield* emulator.requests).length, families.length, "one request each, none retried")
    })))

  it.scopedLive.each(transports)("each fault kind is retried or surfaced as the policy says (%s)", ([, http]) =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ dataSet, rps: 0 }))
      const request = new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: anchor - 3600, endTime: anchor })
      const retried: ReadonlyArray<readonly [string, Emulator.Instance extends { setFaults: (rules: infer R) => unknown } ? R : never]> = [
        ["InternalError", [{ when: { nth: 1 }, effect: { apiError: "InternalError" } }]],
        ["RequestLimitExceeded", [{ when: { nth: 1 }, effect: { apiError: "RequestLimitExceeded" } }]],
        ["HTTP 503", [{ when: { nth: 1 }, effect: { httpStatus: 503 } }]],
        ["HTTP 429", [{ when: { nth: 1 }, effect: { httpStatus: 429 } }]],
        ["reset", [{ when: { nth: 1 }, effect: { reset: true } }]],
        ["truncated body", [{ when: { nth: 1 }, effect: { truncate: true } }]],
        ["latency past the timeout", [{ when: { nth: 1 }, effect: { latencyMs: 1500 } }]]
      ]
      const options: Trtc.Options = { timeout: 300, retry: { baseDelay: 10, jitter: 0, maxRetries: 2 } }
      // Attempts as sent by the client: a delayed answer reaches the server's log only later.
      const sent: Array<Record<string, string>> = []
      yield* withTrtc(emulator, (trtc) =>
        Effect.forEach(retried, ([name, rules]) =>
          Effect.gen(function*() {
            yield* emulator.reset
            yield* emulator.setFaults(rules)
            sent.length = 0
            const response = yield* Effect.either(trtc.describeRoomInfo(request))
            assert.isTrue(Either.isRight(response), `${name} is retried to success: ${JSON.stringify(response)}`)
            assert.strictEqual(sent.length, 2, `${name}: the fault, then the retry`)
          })), options, { sent, http })

      const surfaced: ReadonlyArray<readonly [string, string, Emulator.Instance extends { setFaults: (rules: infer R) => unknown } ? R : never]> = [
        ["InvalidParameter", "InvalidParameter", [{ when: { always: true }, effect: { apiError: "InvalidParameter.QueryScaleOversize" } }]],
        ["AuthFailure", "AuthFailure", [{ when: { always: true }, effect: { apiError: "AuthFailure.SignatureFailure" } }]],
        ["HTTP 404", "HttpStatusError", [{ when: { always: true }, effect: { httpStatus: 404 } }]],
        ["ResponseSizeLimitExceeded", "ResponseSizeLimitExceeded", [{ when: { always: true }, effect: { apiError: "ResponseSizeLimitExceeded" } }]]
      ]
      yield* withTrtc(emulator, (trtc) =>
        Effect.forEach(surfaced, ([name, tag, rules]) =>
          Effect.gen(function*() {
            yield* emulator.reset
            yield* emulator.setFaults(rules)
            sent.length = 0
            const error = failureOf(yield* Effect.exit(trtc.describeRoomInfo(request)))
            assert.strictEqual(error._tag, tag, name)
            assert.strictEqual(sent.length, 1, `${name} is not retried`)
          })), options, { sent, http })

      // Persistent transient faults surface as their own tags once the retries are spent.
      const exhausted: ReadonlyArray<readonly [string, Emulator.Instance extends { setFaults: (rules: infer R) => unknown } ? R : never]> = [
        ["HttpStatusError", [{ when: { always: true }, effect: { httpStatus: 502 } }]],
        ["TransportError", [{ when: { always: true }, effect: { reset: true } }]],
        ["ResponseDecodeError", [{ when: { always: true }, effect: { truncate: true } }]],
        ["TimeoutError", [{ when: { always: true }, effect: { latencyMs: 1500 } }]]
      ]
      yield* withTrtc(emulator, (trtc) =>
        Effect.forEach(exhausted, ([tag, rules]) =>
          Effect.gen(function*() {
            yield* emulator.reset
            yield* emulator.setFaults(rules)
            sent.length = 0
            const error = failureOf(yield* Effect.exit(trtc.describeRoomInfo(request)))
            assert.strictEqual(error._tag, tag)
            if (error._tag === "HttpStatusError") assert.strictEqual(error.status, 502)
            if (error._tag === "ResponseDecodeError") assert.match(error.requestId ?? "", /\S/, "the RequestId of a cut-off body")
            if (error._tag === "TimeoutError") assert.strictEqual(error.timeoutMillis, 300)
            assert.strictEqual(sent.length, 3, `${tag}: three attempts`)
          })), options, { sent, http })
    })))
})
