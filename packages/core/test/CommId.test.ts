import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as CommId from "../src/CommId.js"

describe("CommId", () => {
  it("splits app id, a room id that holds underscores, and the creation time", () => {
    assert.deepStrictEqual(CommId.parse("1400000001_room_a_b_1767225600"), Option.some({ sdkAppId: 1400000001, roomId: "room_a_b", createTime: 1767225600 }))
  })

  it("refuses ids that are not digits_room_digits", () => {
    for (const bad of ["", "1400000001", "1400000001_1767225600", "app_room_1767225600", "1400000001_room_", "1400000001_room_12x", "1_r_99999999999999999999"]) {
      assert.isTrue(Option.isNone(CommId.parse(bad)), bad)
    }
  })

  it("make is the inverse of parse", () => {
    const parts = { sdkAppId: 1400000002, roomId: "r_1", createTime: 1700000000 }
    assert.deepStrictEqual(CommId.parse(CommId.make(parts)), Option.some(parts))
  })
})
