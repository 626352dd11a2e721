import { assert, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { CommonClient } from "tencentcloud-sdk-nodejs-common"
import * as DataSet from "../src/DataSet.js"
import * as Emulator from "../src/Emulator.js"
import { raw } from "./support.js"

// The official Node SDK, pointed at the emulator: it signs the bare host and the service `127`.
const client = (emulator: Emulator.Instance, options: { readonly secretKey?: string; readonly method?: "GET" | "POST"; readonly contentType?: string } = {}) =>
  new CommonClient(emulator.endpoint, "2019-07-22", {
    credential: { secretId: emulator.credential.secretId, secretKey: options.secretKey ?? Redacted.value(emulator.credential.secretKey) },
    region: "ap-guangzhou",
    profile: {
      httpProfile: {
        protocol: "http://",
        reqMethod: options.method ?? "POST",
        reqTimeout: 10,
        ...(options.contentType === undefined ? {} : { headers: { "Content-Type": options.contentType } })
      }
    }
  })

const sdkError = (promise: Promise<unknown>) =>
  Effect.promise(() => promise.then(() => ({ code: "none" }), (error: { code?: string }) => ({ code: error.code ?? "no code" })))

layer(Emulator.layer({ seed: 7 }))("official Node SDK", (it) => {
  it.effect("DescribeRoomInfo, DescribeUserInfo and DescribeUserEvent succeed with the data set's answers", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const data = emulator.dataSet
      const sdkAppId = data.apps[0]!.sdkAppId
      // The busiest call of the data set, so the answers are not trivially empty.
      const room = [...data.apps[0]!.rooms].sort((a, b) => b.sessions.length - a.sessions.length)[0]!
      const start = room.createTime
      const sdk = client(emulator)

      const rooms = yield* Effect.promise(() => sdk.request("DescribeRoomInfo", { SdkAppId: sdkAppId, StartTime: start, EndTime: start + 3600, PageSize: 100 }))
      const expectedRooms = DataSet.roomsInWindow(data, sdkAppId, start, start + 3600)
      assert.deepStrictEqual((rooms["RoomList"] as Array<{ CommId: string }>).map((r) => r.CommId), expectedRooms.map((r) => r.commId))
      assert.isTrue(expectedRooms.some((r) => r.commId === room.commId))

      const end = Math.min(start + 4 * 3600, room.destroyTime)
      const users = yield* Effect.promise(() =>
        client(emulator, { method: "GET" }).request("DescribeUserInfo", { SdkAppId: sdkAppId, CommId: room.commId, StartTime: start, EndTime: end, PageSize: 100 }))
      const expectedSessions = DataSet.sessionsInWindow(room, start, end)
      assert.deepStrictEqual(
        (users["UserList"] as Array<{ UserId: string; JoinTs: number }>).map((u) => [u.UserId, u.JoinTs]),
        expectedSessions.map((s) => [s.userId, s.joinTs])
      )

      const userId = expectedSessions[0]!.userId
      const events = yield* Effect.promise(() =>
        sdk.request("DescribeUserEvent", { SdkAppId: sdkAppId, CommId: room.commId, RoomId: room.roomId, UserId: userId, StartTime: start, EndTime: room.destroyTime }))
      const expected = DataSet.eventLists(DataSet.userEvents(room, userId, start * 1000, room.destroyTime * 1000 + 999))
      assert.isAbove(expected.length, 0)
      assert.deepStrictEqual(
        events["Data"],
        expected.map((g) => ({ PeerId: g.peerId, Content: g.content.map((e) => ({ Type: e.type, Time: e.timeMs, EventId: e.eventId, ParamOne: e.paramOne, ParamTwo: e.paramTwo })) }))
      )
      assert.isString(events["RequestId"])
    }))

  it.effect("DescribeUnusualEvent answers the data set's abnormal experiences of an hour (CommonClient.request)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const data = emulator.dataSet
      const sdkAppId = data.apps[0]!.sdkAppId
      const now = Math.floor((yield* emulator.now) / 1000)
      // The hour after the most recent abnormal experience that is at least an hour old.
      const found = DataSet.abnormalInWindow(data, sdkAppId, now - 13 * 86400, now - 3600)
      assert.isAbove(found.length, 0)
      const start = found[found.length - 1]!.abnormal.eventTime
      const answer = yield* Effect.promise(() => client(emulator).request("DescribeUnusualEvent", { SdkAppId: sdkAppId, StartTime: start, EndTime: start + 3600 }))
      const expected = DataSet.abnormalInWindow(data, sdkAppId, start, start + 3600).slice(0, 20)
      assert.strictEqual(answer["Total"], expected.length)
      assert.deepStrictEqual(
        answer["AbnormalExperienceList"],
        expected.map(({ abnormal, room, session }) => ({
          UserId: session.userId,
          ExperienceId: abnormal.experienceId,
          RoomId: room.roomId,
          AbnormalEventList: abnormal.events.map((e) => ({ AbnormalEventId: e.abnormalEventId, PeerId: e.peerId })),
          EventTime: abnormal.eventTime
        }))
      )
      assert.isString(answer["RequestId"])
      const tooLong = yield* sdkError(client(emulator).request("DescribeUnusualEvent", { SdkAppId: sdkAppId, StartTime: start, EndTime: start + 3601 }))
      assert.strictEqual(tooLong.code, "InvalidParameter.QueryScaleOversize")
    }))

  it.effect("a mixed-case Content-Type (signed verbatim by the SDK) is accepted", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const now = Math.floor((yield* emulator.now) / 1000)
      const before = (yield* emulator.requests).length
      for (const contentType of ["Application/JSON", "application/json; charset=UTF-8"]) {
        const result = yield* sdkError(client(emulator, { contentType }).request("DescribeRoomInfo", { SdkAppId: 1400000001, StartTime: now - 60, EndTime: now }))
        assert.strictEqual(result.code, "none", contentType)
      }
      // Both were verified and answered by the action itself.
      assert.deepStrictEqual((yield* emulator.requests).slice(before).map((e) => [e.action, e.code]), [["DescribeRoomInfo", undefined], ["DescribeRoomInfo", undefined]])
    }))

  it.effect("a wrong secret key is refused with AuthFailure.SignatureFailure", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const now = Math.floor((yield* emulator.now) / 1000)
      const result = yield* sdkError(client(emulator, { secretKey: "not-the-key" }).request("DescribeRoomInfo", { SdkAppId: 1400000001, StartTime: now - 60, EndTime: now }))
      assert.strictEqual(result.code, "AuthFailure.SignatureFailure")
    }))

  it.effect("a stale timestamp is refused with AuthFailure.SignatureExpire (clock moved over the admin API)", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const moved = yield* Effect.promise(() => raw(emulator.url, "POST", "/_admin/clock", { "Content-Type": "application/json" }, JSON.stringify({ offsetSeconds: 600 })))
      assert.strictEqual(moved.status, 200)
      const now = Math.floor(Date.now() / 1000)
      const result = yield* sdkError(client(emulator).request("DescribeRoomInfo", { SdkAppId: 1400000001, StartTime: now - 60, EndTime: now }))
      assert.strictEqual(result.code, "AuthFailure.SignatureExpire")
      yield* emulator.setClockOffset(0)
      const again = yield* sdkError(client(emulator).request("DescribeRoomInfo", { SdkAppId: 1400000001, StartTime: now - 60, EndTime: now }))
      assert.strictEqual(again.code, "none")
    }))
})

it.scoped("the SDK's v1 signatures (HmacSHA256 and HmacSHA1, GET and form POST) are accepted", () =>
  Effect.gen(function* () {
    const emulator = yield* Emulator.make({ seed: 3 })
    const now = Math.floor((yield* emulator.now) / 1000)
    for (const signMethod of ["HmacSHA256", "HmacSHA1"] as const) {
      for (const reqMethod of ["GET", "POST"] as const) {
        const sdk = new CommonClient(emulator.endpoint, "2019-07-22", {
          credential: { secretId: emulator.credential.secretId, secretKey: Redacted.value(emulator.credential.secretKey) },
          region: "ap-beijing",
          profile: { signMethod, httpProfile: { protocol: "http://", reqMethod, reqTimeout: 10 } }
        })
        const answer = yield* Effect.promise(() => sdk.request("DescribeRoomInfo", { SdkAppId: 1400000001, StartTime: now - 86400, EndTime: now }))
        assert.isArray(answer["RoomList"], `${signMethod} ${reqMethod}`)
        const wrong = new CommonClient(emulator.endpoint, "2019-07-22", {
          credential: { secretId: emulator.credential.secretId, secretKey: "wrong" },
          region: "ap-beijing",
          profile: { signMethod, httpProfile: { protocol: "http://", reqMethod, reqTimeout: 10 } }
        })
        const refused = yield* sdkError(wrong.request("DescribeRoomInfo", { SdkAppId: 1400000001, StartTime: now - 86400, EndTime: now }))
        assert.strictEqual(refused.code, "AuthFailure.SignatureFailure")
      }
    }
  }))
