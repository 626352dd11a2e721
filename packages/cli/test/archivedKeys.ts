// What an archive holds, in the shape the CLI tests compare with the data set.
import type * as Archive from "@effect-trtc/archive/Archive"
import * as Effect from "effect/Effect"
import { keyOf } from "./helpers.js"

/** Every event row of the archive (of one app, or all), as keys: sorted, duplicates kept. */
export const archivedKeys = (archive: Archive.Service, app?: number): Effect.Effect<Array<string>> =>
  (app === undefined
    ? archive.sql<Record<string, unknown>>`SELECT sdk_app_id, comm_id, user_id, peer_id, time_ms, event_id, type, param_one, param_two FROM trtc_events`
    : archive.sql<Record<string, unknown>>`SELECT sdk_app_id, comm_id, user_id, peer_id, time_ms, event_id, type, param_one, param_two
        FROM trtc_events WHERE sdk_app_id = ${app}`).pipe(
    Effect.map((rows) =>
      rows.map((r) =>
        keyOf({
          sdkAppId: Number(r.sdk_app_id),
          commId: r.comm_id,
          userId: r.user_id,
          peerId: r.peer_id,
          timeMs: Number(r.time_ms),
          eventId: Number(r.event_id),
          type: Number(r.type),
          paramOne: Number(r.param_one),
          paramTwo: Number(r.param_two)
        })).sort()),
    Effect.orDie
  )
