// An application of the packed libraries, as a user writes it: plain Node ESM, no workspace.
// It starts the emulator, lists the calls of the last 3 days through TrtcStream and one
// DescribeRoomInfo page through Trtc, and checks both against the emulator's own data set.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Models from "@effect-trtc/core/Models"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const program = Effect.gen(function*() {
  const emulator = yield* Emulator.make({ seed: 7, rps: 0 })
  const app = emulator.dataSet.apps[0]!
  const end = emulator.dataSet.anchor
  const start = end - 3 * 86_400
  const expected = app.rooms.filter((room) => room.createTime >= start && room.createTime <= end).length

  const live = Trtc.layer({ endpoint: emulator.url }).pipe(
    Layer.provide(Layer.merge(
      Credentials.layerStatic(Emulator.defaultCredential),
      TencentCloudClient.layerNodeHttpClient
    ))
  )
  return yield* Effect.gen(function*() {
    const calls = yield* TrtcStream.rooms(app.sdkAppId, { start, end }).pipe(Stream.runCollect)
    const trtc = yield* Trtc.Trtc
    const page = yield* trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: end - 86_400, endTime: end }))
    if (calls.length !== expected) return yield* Effect.die(`TrtcStream.rooms gave ${calls.length} calls, the data set has ${expected}`)
    console.log(`ok: ${calls.length} calls in 3 days, ${page.roomList.length} in the last day's first page`)
  }).pipe(Effect.provide(live))
})

await Effect.runPromise(Effect.scoped(program))
