import { assert, describe, it } from "@effect/vitest"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as Models from "../src/Models.js"
import * as TencentCloudClient from "../src/TencentCloudClient.js"
import * as Trtc from "../src/Trtc.js"
import { atPinnedNow, pinnedOptions } from "./pinnedTime.js"

// A tracer that records the name and attributes of every span it is asked for.
const recordingTracer = (names: Array<string>, attributes: Array<Map<string, unknown>>) =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      names.push(name)
      const recorded = new Map<string, unknown>()
      attributes.push(recorded)
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      return {
        _tag: "Span",
        name,
        spanId: `s${names.length}`,
        traceId: "t",
        parent: parent as Option.Option<Tracer.AnySpan>,
        context,
        get status() {
          return status
        },
        attributes: recorded,
        links: [...links],
        sampled: true,
        kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime, endTime, exit }
        },
        attribute: (key, value) => void recorded.set(key, value),
        event: () => undefined,
        addLinks: () => undefined
      }
    },
    context: (f) => f()
  })

describe("Trtc spans", () => {
  it.scopedLive("a call makes its span when a tracer is installed", () =>
    atPinnedNow(Effect.gen(function*() {
      const emulator = yield* Emulator.make(pinnedOptions({ rps: 0, seed: 3 }))
      const app = emulator.dataSet.apps[0]!
      const room = app.rooms[1]!
      const layer = Trtc.layer({ endpoint: emulator.url, rps: 0, retry: false }).pipe(
        Layer.provide(Layer.merge(
          Credentials.layerStatic({ secretId: Emulator.defaultCredential.secretId, secretKey: Emulator.defaultCredential.secretKey }),
          TencentCloudClient.layerNodeHttpClient
        ))
      )
      const call = Effect.flatMap(Trtc.Trtc, (trtc) =>
        trtc.describeRoomInfo(new Models.DescribeRoomInfoRequest({ sdkAppId: app.sdkAppId, startTime: room.createTime, endTime: room.createTime + 3600 }))).pipe(Effect.provide(layer))

      const names: Array<string> = []
      const attributes: Array<Map<string, unknown>> = []
      const traced = yield* Effect.withTracer(call, recordingTracer(names, attributes))
      assert.isTrue(traced.roomList.length >= 1)
      // (Building the layer makes spans of its own.)
      const calls = names.flatMap((name, i) => name.startsWith("Trtc.") ? [[name, attributes[i]!.get("trtc.action")]] : [])
      assert.deepStrictEqual(calls, [["Trtc.describeRoomInfo", "DescribeRoomInfo"]])

      // Under the built-in tracer (no span made) the call answers the same.
      const untraced = yield* call
      assert.deepStrictEqual(untraced.roomList, traced.roomList)
    })))
})
