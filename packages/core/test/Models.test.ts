import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Models from "../src/Models.js"
import * as TrtcError from "../src/TrtcError.js"

const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownSync(schema)

const field = (result: Either.Either<unknown, { readonly field: string }>) =>
  Either.match(result, { onLeft: (e) => e.field, onRight: () => "ok" })

describe("Models", () => {
  describe("responses", () => {
    it("decodes the reference's DescribeRoomInfo example into camelCase", () => {
      const r = decode(Models.DescribeRoomInfoResponse)({
        Total: 1,
        RoomList: [{
          CommId: "1400188366_563398783_1587959355",
          RoomString: "113a730673fee2d86e93e26cddb25b7d",
          CreateTime: 1587959355,
          DestroyTime: 1588040628,
          IsFinished: false,
          UserId: "mixer_113a730673fee2d86e93e26cddb25b7d"
        }],
        RequestId: "83ca6fdd-cf4c-46a9-a577-74c3497ad3fa"
      })
      assert.strictEqual(r.total, 1)
      assert.strictEqual(r.requestId, "83ca6fdd-cf4c-46a9-a577-74c3497ad3fa")
      assert.strictEqual(r.roomList[0].roomId, "113a730673fee2d86e93e26cddb25b7d")
      assert.strictEqual(r.roomList[0].createTime, 1587959355)
      assert.strictEqual(r.roomList[0].isFinished, false)
      assert.strictEqual(r.roomList[0].userId, "mixer_113a730673fee2d86e93e26cddb25b7d")
    })

    it("decodes DescribeUserInfo users (RoomStr) and treats a null or missing UserList as empty", () => {
      const r = decode(Models.DescribeUserInfoResponse)({
        Total: 1,
        UserList: [{ RoomStr: "218695", UserId: "user1_54816741", JoinTs: 1590065777, LeaveTs: 1590067658, Finished: true, DeviceType: "", SdkVersion: "4.3.14", ClientIp: "10.4.1.13" }],
        RequestId: "2e12e365"
      })
      assert.strictEqual(r.userList[0].roomId, "218695")
      assert.strictEqual(r.userList[0].joinTs, 1590065777)
      assert.strictEqual(r.userList[0].finished, true)
      assert.deepStrictEqual(decode(Models.DescribeUserInfoResponse)({ Total: 0, UserList: null, RequestId: "a" }).userList, [])
      assert.deepStrictEqual(decode(Models.DescribeUserInfoResponse)({ RequestId: "a" }).userList, [])
    })

    it("treats null UserList/Data of DescribeCallDetailInfo as empty and a null PeerId as upstream", () => {
      const empty = decode(Models.DescribeCallDetailInfoResponse)({ Total: null, UserList: null, Data: null, RequestId: "b" })
      assert.deepStrictEqual([empty.total, empty.userList, empty.data], [0, [], []])
      const r = decode(Models.DescribeCallDetailInfoResponse)({
        Total: 1,
        UserList: [],
        Data: [{ Content: [{ Time: 1590065779, Value: 108.09 }], PeerId: null, UserId: "1716", DataType: "bigvCapFps" }],
        RequestId: "c"
      })
      assert.strictEqual(r.data[0].peerId, "")
      assert.strictEqual(r.data[0].content[0].value, 108.09)
      assert.strictEqual(r.data[0].dataType, "bigvCapFps")
    })

    it("decodes DescribeUserEvent events with millisecond times and ignores unknown keys", () => {
      const r = decode(Models.DescribeUserEventResponse)({
        Data: [{ PeerId: "user_66319581", Content: [{ Type: 0, Time: 1589975202782, EventId: 32769, ParamOne: -1, ParamTwo: -1, Future: "x" }], Other: 1 }],
        RequestId: "093bffd3",
        DeprecatedWarning: "whatever"
      })
      assert.strictEqual(r.data[0].peerId, "user_66319581")
      assert.deepStrictEqual(
        { ...r.data[0].content[0] },
        { type: 0, timeMs: 1589975202782, eventId: 32769, paramOne: -1, paramTwo: -1 }
      )
      assert.deepStrictEqual(decode(Models.DescribeUserEventResponse)({ Data: null, RequestId: "d" }).data, [])
    })

    it("refuses non-finite and non-integer wire numbers as ResponseDecodeError (UnexpectedShape)", () => {
      const room = `{"CommId":"c","RoomString":"r","CreateTime":1587959355,"DestroyTime":1588040628,"IsFinished":true,"UserId":"u"}`
      const user = `{"RoomStr":"r","UserId":"u","JoinTs":1590065777,"LeaveTs":1590067658,"DeviceType":"d","SdkVersion":"s","ClientIp":"c","Finished":true}`
      const event = `{"Type":0,"Time":1589975202782,"EventId":32769,"ParamOne":-1,"ParamTwo":-1}`
      const sample = `{"Time":1590065779,"Value":108.09}`
      const bodies: ReadonlyArray<readonly [Models.Action, string, ReadonlyArray<string>]> = [
        ["DescribeRoomInfo", `{"Total":1,"RoomList":[${room}],"RequestId":"rid"}`, ["Total", "CreateTime", "DestroyTime"]],
        ["DescribeUserInfo", `{"Total":1,"UserList":[${user}],"RequestId":"rid"}`, ["Total", "JoinTs", "LeaveTs"]],
        ["DescribeCallDetailInfo", `{"Total":1,"UserList":[${user}],"Data":[{"Content":[${sample}],"UserId":"u","PeerId":"p","DataType":"rtt"}],"RequestId":"rid"}`, ["Total", "JoinTs", "LeaveTs", "Time", "Value"]],
        ["DescribeUserEvent", `{"Data":[{"PeerId":"p","Content":[${event}]}],"RequestId":"rid"}`, ["Type", "Time", "EventId", "ParamOne", "ParamTwo"]]
      ]
      for (const [action, body, keys] of bodies) {
        const decode = TrtcError.decodeResponseEither(action, Models.schemas[action].response as unknown as Schema.Schema<unknown, unknown>)
        assert.isTrue(Either.isRight(decode(`{"Response":${body}}`)), action)
        for (const key of keys) {
          const bad = key === "Value" ? ["1e400", "-1e400"] : ["1e400", "-1e400", "1.5", "1e20", "9007199254740993"]
          for (const n of bad) {
            // Replace the first occurrence of the key's number only (Time is in two places).
            const mutated = body.replace(new RegExp(`"${key}":-?[0-9.]+`), `"${key}":${n}`)
            assert.notStrictEqual(mutated, body, `${key} in ${action}`)
            const result = decode(`{"Response":${mutated}}`)
            assert.isTrue(Either.isLeft(result), `${action} ${key}: ${n} decoded to a value`)
            if (Either.isLeft(result)) {
              assert.strictEqual(result.left._tag, "ResponseDecodeError", `${action} ${key}: ${n}`)
              const error = result.left as TrtcError.ResponseDecodeError
              assert.strictEqual(error.kind, "UnexpectedShape")
              assert.strictEqual(error.requestId, "rid")
              assert.strictEqual(error.action, action)
            }
          }
        }
        // A time is never negative: each time field with -5 is refused, naming the field.
        for (const key of keys.filter((k) => ["CreateTime", "DestroyTime", "JoinTs", "LeaveTs", "Time"].includes(k))) {
          const mutated = body.replace(new RegExp(`"${key}":-?[0-9.]+`), `"${key}":-5`)
          const result = decode(`{"Response":${mutated}}`)
          assert.isTrue(Either.isLeft(result), `${action} ${key}: -5 decoded to a value`)
          if (Either.isLeft(result)) {
            assert.strictEqual(result.left._tag, "ResponseDecodeError", `${action} ${key}: -5`)
            assert.include((result.left as TrtcError.ResponseDecodeError).detail, key)
          }
        }
        // A fractional Value is a valid sample; it is the one float on the wire.
        if (action === "DescribeCallDetailInfo") assert.isTrue(Either.isRight(decode(`{"Response":${body.replace("108.09", "0.5")}}`)))
      }
    })

    it("refuses NaN and infinite numbers in decoded values too (not only from JSON)", () => {
      for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        assert.throws(() => decode(Models.TimeValue)({ Time: 1, Value: n }))
        assert.throws(() => decode(Models.TimeValue)({ Time: n, Value: 1 }))
        assert.throws(() => decode(Models.DescribeRoomInfoResponse)({ Total: n, RequestId: "x" }))
      }
    })

    it("refuses a response without RequestId or with a wrongly typed field", () => {
      assert.throws(() => decode(Models.DescribeUserEventResponse)({ Data: [] }))
      assert.throws(() => decode(Models.DescribeRoomInfoResponse)({ RoomList: [{ CommId: 1 }], RequestId: "x" }))
    })
  })

  describe("requests", () => {
    it("encode to PascalCase JSON and leave absent optionals out", () => {
      const json = Models.toWireJson("DescribeUserInfo", new Models.DescribeUserInfoRequest({
        commId: "1400188366_218695_1590065777",
        startTime: 1590065777,
        endTime: 1590065877,
        sdkAppId: 1400188366,
        userIds: ["user1_54816741"]
      }))
      assert.deepStrictEqual(JSON.parse(json), {
        CommId: "1400188366_218695_1590065777",
        StartTime: 1590065777,
        EndTime: 1590065877,
        SdkAppId: 1400188366,
        UserIds: ["user1_54816741"]
      })
      const event = JSON.parse(Models.toWireJson("DescribeUserEvent", new Models.DescribeUserEventRequest({
        commId: "c",
        startTime: 1,
        endTime: 2,
        userId: "u",
        roomId: "r",
        sdkAppId: 3
      })))
      assert.deepStrictEqual(Object.keys(event).sort(), ["CommId", "EndTime", "RoomId", "SdkAppId", "StartTime", "UserId"])
      const rooms = JSON.parse(Models.toWireJson("DescribeRoomInfo", new Models.DescribeRoomInfoRequest({
        sdkAppId: 1400353843,
        startTime: 1590065777,
        endTime: 1590065877,
        pageNumber: 0,
        pageSize: 10
      })))
      assert.deepStrictEqual(rooms, { SdkAppId: 1400353843, StartTime: 1590065777, EndTime: 1590065877, PageNumber: 0, PageSize: 10 })
      const detail = JSON.parse(Models.toWireJson("DescribeCallDetailInfo", new Models.DescribeCallDetailInfoRequest({
        commId: "c",
        startTime: 1,
        endTime: 2,
        sdkAppId: 3,
        dataType: ["bigvCapFps"]
      })))
      assert.deepStrictEqual(detail.DataType, ["bigvCapFps"])
    })

    it("constants match the reference", () => {
      assert.strictEqual(Models.version, "2019-07-22")
      assert.deepStrictEqual([...Models.actions], ["DescribeRoomInfo", "DescribeUserInfo", "DescribeCallDetailInfo", "DescribeUserEvent", "DescribeUnusualEvent"])
      assert.strictEqual(Models.maxSpanSeconds.DescribeRoomInfo, 86400)
      assert.strictEqual(Models.maxSpanSeconds.DescribeUserInfo, 14400)
      assert.strictEqual(Models.maxSpanSeconds.DescribeCallDetailInfo, 14400)
      assert.strictEqual(Models.maxSpanSeconds.DescribeCallDetailInfoWithDataType, 3600)
      assert.strictEqual(Models.maxSpanSeconds.DescribeUnusualEvent, 3600)
      assert.strictEqual(Models.maxPageSize, 100)
      assert.deepStrictEqual(Models.defaultPageSize, { DescribeRoomInfo: 10, DescribeUserInfo: 6, DescribeCallDetailInfo: 6 })
    })
  })

  describe("validation", () => {
    const t0 = 1_700_000_000
    const rooms = (fields: Partial<ConstructorParameters<typeof Models.DescribeRoomInfoRequest>[0]>) =>
      Models.validateDescribeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId: 1400000001, startTime: t0, endTime: t0 + 3600, ...fields }))
    const users = (fields: Partial<ConstructorParameters<typeof Models.DescribeUserInfoRequest>[0]>) =>
      Models.validateDescribeUserInfo(new Models.DescribeUserInfoRequest({ commId: "1400000001_r_1", sdkAppId: 1400000001, startTime: t0, endTime: t0 + 3600, ...fields }))
    const detail = (fields: Partial<ConstructorParameters<typeof Models.DescribeCallDetailInfoRequest>[0]>) =>
      Models.validateDescribeCallDetailInfo(new Models.DescribeCallDetailInfoRequest({ commId: "1400000001_r_1", sdkAppId: 1400000001, startTime: t0, endTime: t0 + 600, ...fields }))
    const events = (fields: Partial<ConstructorParameters<typeof Models.DescribeUserEventRequest>[0]>) =>
      Models.validateDescribeUserEvent(new Models.DescribeUserEventRequest({ commId: "1400000001_r_1", sdkAppId: 1400000001, userId: "u", roomId: "r", startTime: t0, endTime: t0 + 600, ...fields }))

    it("accepts valid requests, including the limits themselves", () => {
      assert.strictEqual(field(rooms({})), "ok")
      assert.strictEqual(field(rooms({ endTime: t0 + 86400, pageNumber: 0, pageSize: 100 })), "ok")
      assert.strictEqual(field(users({ endTime: t0 + 14400, userIds: Array.from({ length: 100 }, (_, i) => `u${i}`), pageSize: 1 })), "ok")
      assert.strictEqual(field(detail({ endTime: t0 + 14400 })), "ok")
      assert.strictEqual(field(detail({ endTime: t0 + 3600, dataType: ["all"], userIds: ["a", "b", "c", "d", "e", "f"], pageSize: 6 })), "ok")
      assert.strictEqual(field(events({ endTime: t0 + 10 * 86400 })), "ok")
    })

    it("names the field of a missing id", () => {
      assert.strictEqual(field(users({ commId: "" })), "commId")
      assert.strictEqual(field(detail({ commId: " " })), "commId")
      assert.strictEqual(field(events({ userId: "" })), "userId")
      assert.strictEqual(field(events({ roomId: "" })), "roomId")
      assert.strictEqual(field(rooms({ sdkAppId: 0 })), "sdkAppId")
      assert.strictEqual(field(rooms({ roomId: "" })), "roomId")
    })

    it("refuses an end before the start, milliseconds and spans over each API's limit", () => {
      const left = rooms({ endTime: t0 - 1 })
      assert.isTrue(Either.isLeft(left))
      if (Either.isLeft(left)) {
        assert.strictEqual(left.left._tag, "RequestValidationError")
        assert.strictEqual(left.left.action, "DescribeRoomInfo")
        assert.strictEqual(left.left.field, "endTime")
        assert.include(left.left.message, "endTime")
        assert.isAbove(left.left.fix.length, 0)
      }
      assert.strictEqual(field(events({ endTime: t0 - 1 })), "endTime")
      assert.strictEqual(field(rooms({ startTime: t0 * 1000, endTime: t0 * 1000 })), "startTime")
      assert.strictEqual(field(rooms({ startTime: 1.5 })), "startTime")
      assert.strictEqual(field(rooms({ endTime: t0 + 86401 })), "endTime")
      assert.strictEqual(field(users({ endTime: t0 + 14401 })), "endTime")
      assert.strictEqual(field(detail({ endTime: t0 + 14401 })), "endTime")
      assert.strictEqual(field(detail({ endTime: t0 + 3601, dataType: ["aBit"] })), "endTime")
    })

    it("refuses non-integer and non-finite times, ids and pages, naming the field", () => {
      const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, t0 + 0.5, 2 ** 53]
      for (const n of bad) {
        for (const name of ["sdkAppId", "startTime", "endTime"] as const) {
          const fields = { [name]: n }
          assert.strictEqual(field(rooms(fields)), name, `rooms ${name}: ${n}`)
          assert.strictEqual(field(users(fields)), name, `users ${name}: ${n}`)
          assert.strictEqual(field(detail(fields)), name, `detail ${name}: ${n}`)
          assert.strictEqual(field(events(fields)), name, `events ${name}: ${n}`)
        }
        for (const name of ["pageNumber", "pageSize"] as const) {
          const fields = { [name]: n }
          assert.strictEqual(field(rooms(fields)), name, `rooms ${name}: ${n}`)
          assert.strictEqual(field(users(fields)), name, `users ${name}: ${n}`)
          assert.strictEqual(field(detail(fields)), name, `detail ${name}: ${n}`)
        }
      }
      const left = rooms({ startTime: Number.POSITIVE_INFINITY })
      assert.isTrue(Either.isLeft(left))
      if (Either.isLeft(left)) {
        assert.strictEqual(left.left._tag, "RequestValidationError")
        assert.include(left.left.problem, "Infinity")
      }
    })

    it("checks page sizes 1..100 (≤ 6 with DataType) and page numbers from 0", () => {
      assert.strictEqual(field(rooms({ pageSize: 0 })), "pageSize")
      assert.strictEqual(field(rooms({ pageSize: 101 })), "pageSize")
      assert.strictEqual(field(users({ pageSize: 101 })), "pageSize")
      assert.strictEqual(field(rooms({ pageNumber: -1 })), "pageNumber")
      assert.strictEqual(field(detail({ pageSize: 100 })), "ok")
      assert.strictEqual(field(detail({ pageSize: 7, dataType: ["all"] })), "pageSize")
    })

    it("checks user ids 1..100 (≤ 6 with DataType) and data types", () => {
      assert.strictEqual(field(users({ userIds: [] })), "userIds")
      assert.strictEqual(field(users({ userIds: Array.from({ length: 101 }, (_, i) => `u${i}`) })), "userIds")
      assert.strictEqual(field(users({ userIds: ["a", ""] })), "userIds[1]")
      assert.strictEqual(field(detail({ userIds: ["a", "b", "c", "d", "e", "f", "g"] })), "ok")
      assert.strictEqual(field(detail({ userIds: ["a", "b", "c", "d", "e", "f", "g"], dataType: ["all"] })), "userIds")
      assert.strictEqual(field(detail({ dataType: [] })), "dataType")
    })

    it("refuses a start older than the retention window when now is given", () => {
      const now = t0 + 15 * 86400
      assert.strictEqual(field(Models.validateDescribeUserEvent(new Models.DescribeUserEventRequest({ commId: "c", sdkAppId: 1, userId: "u", roomId: "r", startTime: t0, endTime: t0 + 1 }), { nowSeconds: now })), "startTime")
      assert.strictEqual(field(rooms({})), "ok")
      assert.strictEqual(field(Models.validators.DescribeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId: 1, startTime: now - 7 * 86400 - 1, endTime: now - 7 * 86400 }), { nowSeconds: now, retentionDays: 7 })), "startTime")
    })
  })
})
