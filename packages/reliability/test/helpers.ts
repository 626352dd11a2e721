// Shared by the reliability tests: the `trtc` bin spawned as a real process (through the CLI's
// own spawn helper, `@effect-trtc/cli/CliProcess`: the suite depends on the CLI, never the
// reverse), known secrets and their encoded forms, data-set expectations.
import * as DataSet from "@effect-trtc/emulator/DataSet"
import type * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import * as CliProcess from "@effect-trtc/cli/CliProcess"

export const bin = CliProcess.binPath

export const secretId = "AKIDRELIABILITY000000000000000000000000"
export const secretKey = "relSecretKeyMustNotLeak0123456789ab"
export const token = "relSessionTokenMustNotLeak98765432"
export const sdkAppId = 1400000001

/** Every form in which a secret could slip out: raw, base64 (both alphabets), hex, URL-encoded. */
export const forms = (secret: string): ReadonlyArray<string> => {
  const bytes = Buffer.from(secret, "utf8")
  return [
    secret,
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
    encodeURIComponent(secret),
    // A fragment long enough to be the secret and not chance: a clipped message must not show it.
    secret.slice(0, 16),
    secret.slice(-16)
  ]
}

/** Answers the forms of any of `secrets` found in `text` (empty = clean). */
export const leaks = (text: string, secrets: ReadonlyArray<string>): Array<string> => {
  const found: Array<string> = []
  for (const secret of secrets) for (const form of forms(secret)) if (text.includes(form)) found.push(form)
  return found
}

export const emptyHome = (): string => fs.mkdtempSync(join(os.tmpdir(), "trtc-rel-home-"))
export const tempDir = (): string => fs.mkdtempSync(join(os.tmpdir(), "trtc-rel-"))

export type Result = CliProcess.Result
export type RunOptions = CliProcess.RunOptions

const sharedHome = emptyHome()

/** The bin run by the CLI's shared spawn helper, with one empty HOME for the suite unless told. */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}): Effect.Effect<Result> =>
  CliProcess.run(args, { home: sharedHome, ...options })

/** Credentials the test emulator accepts, as environment variables. */
export const credentialEnv = (url: string, withToken = true): Record<string, string> => ({
  TRTC_ENDPOINT: url,
  TENCENTCLOUD_SECRET_ID: secretId,
  TENCENTCLOUD_SECRET_KEY: secretKey,
  ...(withToken ? { TENCENTCLOUD_SESSION_TOKEN: token } : {})
})

/** The identity of an event record as the CLI prints it. */
export const keyOf = (r: Record<string, unknown>): string =>
  [r.sdkAppId, r.commId, r.userId, r.peerId, r.timeMs, r.eventId, r.type, r.paramOne, r.paramTwo].join("|")

/** Every event of an app in the data set, as sorted keys. */
export const expectedEventKeys = (dataSet: DataSet.DataSet, app: number = sdkAppId): Array<string> => {
  const keys: Array<string> = []
  for (const a of dataSet.apps) {
    if (a.sdkAppId !== app) continue
    for (const room of a.rooms) {
      for (const session of room.sessions) {
        for (const e of session.events) keys.push(keyOf({ sdkAppId: app, commId: room.commId, userId: session.userId, ...e }))
      }
    }
  }
  return keys.sort()
}

/** Parses NDJSON strictly: every line must be a whole JSON object (a torn line throws). */
export const ndjsonStrict = (text: string): Array<Record<string, unknown>> => {
  if (text !== "" && !text.endsWith("\n")) throw new Error(`partial last line: ${JSON.stringify(text.slice(-80))}`)
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>)
}

/**
 * The data set of the export suites (chaos, interruption): 16 calls spread over the 7 days
 * before an hour ago. The spawned `trtc` signs with the wall clock, so the emulator runs on it
 * and the set follows it; `--since 8d` holds the whole set at any hour (`exportDataSet.test.ts`
 * checks that over a day of anchors).
 */
export const exportDataSet = (seed: number, anchor: number = Math.floor(Date.now() / 1000) - 3600): DataSet.DataSet =>
  DataSet.generate({ seed, anchor, roomsPerApp: 16, retentionDays: 7 })

/** The seeds of the chaos and interruption suites' data sets. */
export const chaosSeed = 77
export const interruptSeed = 99
