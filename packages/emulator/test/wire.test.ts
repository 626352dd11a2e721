import * as Models from "@effect-trtc/core/Models"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as DataSet from "../src/DataSet.js"
import * as Emulator from "../src/Emulator.js"
import { call, response } from "./support.js"

// The emulator's answers decode with core's wire schemas, and requests encoded by core's
// `toWireJson` are accepted: the two sides agree on every field name and type.
layer(Emulator.layer({ seed: 11, rps: 0 }))("wire models", (it) => {
  it.effect("every action's answer decodes with @effect-trtc/core/Models", () =>
    Effect.gen(function* () {
      const emulator = yield* Emulator.Emulator
      const app = emulator.dataSet.apps[0]!
      const room = [...app.rooms].sort((a, b) => b.sessions.length - a.sessions.length)[0]!
      const start = room.createTime
      const userId = room.sessions[0]!.userId
      const requests = {
        DescribeRoomInfo: new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: start, endTime: start + 3600, pageSize: 100 }),
        DescribeUserInfo: new Models.DescribeUserInfoRequest({ sdkAppId: app.sdkAppId, commId: room.commId, startTime: start, endTime: start + 3600 }),
        DescribeCallDetailInfo: new Models.DescribeCallDetailInfoRequest({
          sdkAppId: app.sdkAppId,
          commId: room.commId,
          startTime: start,
          endTime: start + 600,
          dataType: ["all"]
        }),
        DescribeUserEvent: new Models.DescribeUserEventRequest({
          sdkAppId: app.sdkAppId,
          commId: room.commId,
          roomId: room.roomId,
          userId,
          startTime: start,
          endTime: room.destroyTime
        })
      }
      for (const action of Models.actions) {
        const body = Models.toWireJson(action, requests[action] as never)
        const reply = yield* Effect.promise(() => call(emulator, undefined, { action, body }))
        const decoded = Schema.decodeUnknownSync(Models.schemas[action].response as unknown as Schema.Schema<unknown, unknown>)(response(reply))
        assert.isObject(decoded, action)
      }
      const events = yield* Effect.promise(() =>
        call(emulator, undefined, { action: "DescribeUserEvent", body: Models.toWireJson("DescribeUserEvent", requests.DescribeUserEvent) }))
      const decoded = Schema.decodeUnknownSync(Models.DescribeUserEventResponse)(response(events))
      const expected = DataSet.userEvents(room, userId, start * 1000, room.destroyTime * 1000 + 999)
      assert.strictEqual(decoded.data.reduce((n, list) => n + list.content.length, 0), expected.length)
    }))
})
