import { assert, layer } from "@effect/vitest"
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Tc3 from "@effect-trtc/signer/Tc3"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as EventCatalogue from "../src/EventCatalogue.js"
import * as Models from "../src/Models.js"

// The emulator keeps its own copy of the wire facts on purpose (it is the independent check of
// this client), so the two are compared here, where both are in reach: its answers decode with
// core's Schemas (the slow, strict path, not the fast decoders), requests encoded by core's
// `toWireJson` are accepted, and every event it generates is one the catalogue can name.

/** One TC3-signed POST to the emulator, the raw `Response` object back. */
const call = (instance: Emulator.Instance, action: string, body: string) =>
  Effect.promise(async () => {
    const timestamp = Math.floor(Date.now() / 1000)
    const { authorization } = Tc3.sign({
      method: "POST",
      host: "127.0.0.1",
      query: "",
      contentType: "application/json",
      body,
      service: "trtc",
      timestamp,
      secretId: instance.credential.secretId,
      secretKey: instance.credential.secretKey
    })
    const reply = await fetch(instance.url, {
      method: "POST",
      body,
      headers: {
        "Authorization": authorization,
        "Content-Type": "application/json",
        "X-TC-Action": action,
        "X-TC-Version": "2019-07-22",
        "X-TC-Region": "ap-guangzhou",
        "X-TC-Timestamp": String(timestamp)
      }
    })
    return ((await reply.json()) as { Response: unknown }).Response
  })

layer(Emulator.layer({ seed: 11, rps: 0 }))("emulator and core agree on the wire", (it) => {
  it.effect("every action's answer decodes with core's Schemas", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const app = emulator.dataSet.apps[0]!
      const room = [...app.rooms].sort((a, b) => b.sessions.length - a.sessions.length)[0]!
      const start = room.createTime
      const userId = room.sessions[0]!.userId
      const requests: { readonly [A in Models.Action]: Schema.Schema.Type<Models.Declarations[A]["request"]> } = {
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
        }),
        DescribeUnusualEvent: new Models.DescribeUnusualEventRequest({ sdkAppId: app.sdkAppId, startTime: start, endTime: start + 3600 })
      }
      for (const action of Models.actions) {
        const reply = yield* call(emulator, action, Models.toWireJson(action, requests[action] as never))
        const decoded = Schema.decodeUnknownSync(Models.schemas[action].response as unknown as Schema.Schema<unknown, unknown>)(reply)
        assert.isObject(decoded, action)
      }
      const events = yield* call(emulator, "DescribeUserEvent", Models.toWireJson("DescribeUserEvent", requests.DescribeUserEvent))
      const decoded = Schema.decodeUnknownSync(Models.DescribeUserEventResponse)(events)
      const expected = DataSet.userEvents(room, userId, start * 1000, room.destroyTime * 1000 + 999)
      assert.strictEqual(decoded.data.reduce((n, list) => n + list.content.length, 0), expected.length)
    }))

  it("the data set uses only events the catalogue can name", () => {
    const multi = DataSet.generate({
      seed: 99,
      anchor: 1764028800 + 12345, // 2025-11-25T03:25:45Z: a pinned "now"
      apps: [1400000001, 1400000002],
      roomsPerApp: { min: 6, max: 10 },
      usersPerRoom: { min: 1, max: 8 }
    })
    for (const app of multi.apps) {
      for (const room of app.rooms) {
        for (const session of room.sessions) {
          for (const e of session.events) {
            assert.notInclude(EventCatalogue.describe(e.eventId, e.paramOne, e.paramTwo), "Unknown", `${e.eventId} ${e.paramOne} ${e.paramTwo}`)
          }
        }
      }
    }
  })
})
