/**
 * `trtc-emulator`: runs the emulator until SIGINT/SIGTERM.
 *
 *   trtc-emulator [--host 127.0.0.1] [--port 0] [--seed N] [--credentials ID:KEY[:TOKEN]]...
 *                 [--rps 20] [--retention-days 14] [--max-events N] [--total page|grand]
 *                 [--faults FILE] [--data FILE] [--now UNIX_SECONDS]
 *                 [--apps N] [--rooms-per-app N] [--users-per-room N|MIN-MAX]
 *                 [--events-per-hour N] [--lazy | --eager]
 *                 [--headers-timeout MS] [--request-timeout MS] [--progressive]
 *
 * The scale flags size the generated data set: 5 apps × 750 calls is about 1,000,000 events,
 * which `--lazy` (the default above 200 calls) serves in a few tens of MB by generating each
 * session's events on demand.
 *
 * `--progressive`: calls progress with the emulator's clock (nothing after now is answered; calls
 * running at the start end later and are reported finished once the clock passes their end).
 *
 * Prints one line `listening on http://HOST:PORT` on stdout; notes go to stderr.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import { parseArgs } from "node:util"
import * as DataSet from "./DataSet.js"
import * as Emulator from "./Emulator.js"
import * as Faults from "./Faults.js"

const usage = "usage: trtc-emulator [--host H] [--port P] [--seed N] [--credentials ID:KEY[:TOKEN]]... [--rps N] [--retention-days 7|14] [--max-events N] [--total page|grand] [--faults FILE] [--data FILE] [--now UNIX_SECONDS] [--apps N] [--rooms-per-app N] [--users-per-room N|MIN-MAX] [--events-per-hour N] [--lazy|--eager] [--headers-timeout MS] [--request-timeout MS] [--progressive]"

const fail = (problem: string): never => {
  process.stderr.write(`trtc-emulator: ${problem}\n${usage}\n`)
  process.exit(2)
}

const integer = (name: string, text: string | undefined, min: number): number | undefined => {
  if (text === undefined) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) && n >= min ? n : fail(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`)
}

const parsed = (() => {
  try {
    return parseArgs({
      options: {
        "host": { type: "string" },
        "port": { type: "string" },
        "seed": { type: "string" },
        "credentials": { type: "string", multiple: true },
        "rps": { type: "string" },
        "retention-days": { type: "string" },
        "max-events": { type: "string" },
        "total": { type: "string" },
        "faults": { type: "string" },
        "data": { type: "string" },
        "now": { type: "string" },
        "apps": { type: "string" },
        "rooms-per-app": { type: "string" },
        "users-per-room": { type: "string" },
        "events-per-hour": { type: "string" },
        "lazy": { type: "boolean" },
        "eager": { type: "boolean" },
        "headers-timeout": { type: "string" },
        "request-timeout": { type: "string" },
        "progressive": { type: "boolean" },
        "help": { type: "boolean", short: "h" }
      },
      strict: true
    }).values
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
})()

if (parsed.help === true) {
  process.stdout.write(`${usage}\n`)
  process.exit(0)
}

const credentials = (parsed.credentials ?? []).map((text) => {
  const [secretId, secretKey, token] = text.split(":")
  if (secretId === undefined || secretId === "" || secretKey === undefined || secretKey === "") {
    return fail("--credentials must be ID:KEY or ID:KEY:TOKEN")
  }
  return { secretId, secretKey, token }
})
const retentionDays = integer("retention-days", parsed["retention-days"], 1)
if (retentionDays !== undefined && retentionDays !== 7 && retentionDays !== 14) fail("--retention-days must be 7 or 14")
const total = parsed.total
if (total !== undefined && total !== "page" && total !== "grand") fail("--total must be page or grand")
const now = integer("now", parsed.now, 0)
if (parsed.lazy === true && parsed.eager === true) fail("--lazy and --eager exclude each other")
const usersPerRoom = (() => {
  const text = parsed["users-per-room"]
  const range = text === undefined ? null : /^(\d+)-(\d+)$/.exec(text)
  if (range === null || range === undefined) return integer("users-per-room", text, 1)
  const [min, max] = [Number(range[1]), Number(range[2])]
  return min >= 1 && min <= max ? { min, max } : fail(`--users-per-room must be N or MIN-MAX with 1 ≤ MIN ≤ MAX, got ${JSON.stringify(text)}`)
})()
const eventsPerHour = (() => {
  const text = parsed["events-per-hour"]
  if (text === undefined) return undefined
  const n = Number(text)
  return Number.isFinite(n) && n >= 0 ? n : fail(`--events-per-hour must be a number ≥ 0, got ${JSON.stringify(text)}`)
})()

const program = Effect.gen(function* () {
  const faults = parsed.faults === undefined ? undefined : yield* Faults.load(parsed.faults)
  const dataSet = parsed.data === undefined ? undefined : yield* DataSet.load(parsed.data)
  const instance = yield* Emulator.make({
    host: parsed.host,
    port: integer("port", parsed.port, 0),
    seed: integer("seed", parsed.seed, 0),
    credentials: credentials.length > 0 ? credentials : undefined,
    rps: integer("rps", parsed.rps, 0),
    retentionDays: retentionDays as 7 | 14 | undefined,
    maxEventsPerResponse: integer("max-events", parsed["max-events"], 1),
    total: total as "page" | "grand" | undefined,
    faults,
    dataSet,
    apps: integer("apps", parsed.apps, 1),
    roomsPerApp: integer("rooms-per-app", parsed["rooms-per-app"], 0),
    usersPerRoom,
    eventsPerHour,
    lazy: parsed.lazy === true ? true : parsed.eager === true ? false : undefined,
    headersTimeoutMs: integer("headers-timeout", parsed["headers-timeout"], 1),
    requestTimeoutMs: integer("request-timeout", parsed["request-timeout"], 1),
    progressive: parsed.progressive === true,
    clockOffsetSeconds: now === undefined ? undefined : now - Date.now() / 1000
  })
  process.stdout.write(`listening on ${instance.url}\n`)
  const rooms = instance.dataSet.apps.reduce((n, app) => n + app.rooms.length, 0)
  const sessions = instance.dataSet.apps.reduce((n, app) => app.rooms.reduce((m, room) => m + room.sessions.length, n), 0)
  process.stderr.write(
    `SdkAppId ${instance.dataSet.apps.map((app) => app.sdkAppId).join(", ")} (${rooms} calls, ${sessions} sessions); SecretId ${instance.credential.secretId}; admin at ${instance.url}/_admin/requests\n`
  )
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.catchAll((error) => Effect.sync(() => fail(error.message)))
)

NodeRuntime.runMain(program, { disableErrorReporting: true })
