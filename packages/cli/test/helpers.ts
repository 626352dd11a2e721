// Spawning the built `trtc` bin as a real process (src/CliProcess.ts, shared with the reliability
// suite), against an emulator running in the test.
import * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import type * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import * as CliProcess from "../src/CliProcess.js"

export const bin = CliProcess.binPath

export const secretId = "AKIDCLITEST00000000000000000000000000"
export const secretKey = "cliTestSecretKeyDoNotLeak0123456789"
export const token = "cliTestSessionTokenDoNotLeak9876543210"
export const sdkAppId = 1400000001

/** A home directory with no credential files, so only the environment counts. */
export const emptyHome = CliProcess.emptyHome()

export const tempDir = () => fs.mkdtempSync(join(os.tmpdir(), "trtc-cli-"))

export type Result = CliProcess.Result
export type RunOptions = CliProcess.RunOptions

/** Credentials the test emulator accepts, as environment variables. */
export const credentialEnv = (url: string): Record<string, string> => ({
  TRTC_ENDPOINT: url,
  TENCENTCLOUD_SECRET_ID: secretId,
  TENCENTCLOUD_SECRET_KEY: secretKey,
  TENCENTCLOUD_SESSION_TOKEN: token
})

/** The bin run by the shared spawn helper (src/CliProcess.ts), with `emptyHome` as HOME. */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}): Effect.Effect<Result> =>
  CliProcess.run(args, { home: emptyHome, ...options })

/** The identity of an event as the CLI prints it (the same fields as `Records.eventKey`). */
export const keyOf = (r: Record<string, unknown>): string =>
  [r.sdkAppId, r.commId, r.userId, r.peerId, r.timeMs, r.eventId, r.type, r.paramOne, r.paramTwo].join("|")

/** Every event of an app in the data set, as keys (sorted), for exact-set comparisons. */
export const expectedEventKeys = (dataSet: DataSet.DataSet, app: number): Array<string> => {
  const keys: Array<string> = []
  for (const a of dataSet.apps) {
    if (a.sdkAppId !== app) continue
    for (const room of a.rooms) {
      for (const session of room.sessions) {
        for (const e of session.events) {
          keys.push(keyOf({ sdkAppId: app, commId: room.commId, userId: session.userId, ...e }))
        }
      }
    }
  }
  return keys.sort()
}

export const ndjson = (text: string): Array<Record<string, unknown>> =>
  text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>)

/**
 * The end-to-end data set: calls spread over the 7 days before an hour ago, well inside the
 * 14-day retention. The spawned `trtc` signs with the wall clock, so the emulator runs on it and
 * the set follows it; the tests ask for the last 8 days, which hold the whole set at any hour
 * (`e2eDataSet.test.ts` checks that over a day of anchors).
 */
export const e2eDataSet = (anchor: number = Math.floor(Date.now() / 1000) - 3600): DataSet.DataSet =>
  DataSet.generate({ seed: 7, anchor, roomsPerApp: 6, retentionDays: 7 })

/** An emulator serving `dataSet` with no rate limit, to the test credentials. */
export const emulatorFor = (dataSet: DataSet.DataSet) =>
  Emulator.layer({ dataSet, rps: 0, credentials: [{ secretId, secretKey, token }] })

/** Flags that keep a CLI run quick against an unlimited emulator. */
export const fast: ReadonlyArray<string> = ["--rps", "1000", "--concurrency", "4"]

/** A call with its users' events every `every` seconds from join to leave (times in s). */
export const steadyCall = (roomId: string, create: number, destroy: number, users: ReadonlyArray<string>, every = 60): DataSet.Room => ({
  roomId,
  commId: `${sdkAppId}_${roomId}_${create}`,
  createTime: create,
  destroyTime: destroy,
  isFinished: true,
  creatorUserId: users[0],
  sessions: users.map((userId, u) => {
    const events: Array<DataSet.Event> = []
    for (let t = (create + u) * 1000; t <= destroy * 1000; t += every * 1000) {
      events.push({ peerId: userId, type: 0, timeMs: t + 7, eventId: events.length === 0 ? 5003 : 3001, paramOne: 1, paramTwo: -1 })
    }
    return {
      userId,
      joinTs: create + u,
      leaveTs: destroy,
      finished: true,
      deviceType: "mac",
      sdkVersion: "11.9.0",
      clientIp: "10.0.0.1",
      events
    }
  })
})
