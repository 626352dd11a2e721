/**
 * The TRTC event-ID tables (https://trtc.io/document/37906) as data, so an `EventMessage` reads
 * "Entered room successfully" rather than `5003 1 -1`. `describe` covers the SDK and WebRTC
 * tables, which are what `DescribeUserEvent` reports; the three exception tables reuse the same
 * numbers for other things and are looked up by table with `describeException`.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import {
  cnSdkRows,
  experienceRows,
  realtimeRows,
  roomDismissalRows,
  type Row,
  sdkRows,
  topics,
  webrtcRows
} from "./internal/eventTable.js"

/**
 * Which table a row comes from: `sdk` (§5.1), `webrtc` (§5.2), `sdk-cn` (rows only the newer
 * CN table has), and the exception tables `experience` (exceptional experience),
 * `roomDismissal` (reported after the room is dismissed) and `realtime` (real-time exceptions).
 *
 * @since 0.1.0
 * @category models
 */
export type Table = "sdk" | "webrtc" | "sdk-cn" | "experience" | "roomDismissal" | "realtime"

/**
 * The tables of exception ids.
 *
 * @since 0.1.0
 * @category models
 */
export type ExceptionTable = "experience" | "roomDismissal" | "realtime"

/**
 * What a parameter means in a row: a number is the value it has in that row (-1 = not used), a
 * string names the quantity it carries (e.g. `"Resolution width"`).
 *
 * @since 0.1.0
 * @category models
 */
export type Param = number | string

/**
 * One row of a table.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly table: Table
  readonly eventId: number
  readonly paramOne: Param
  readonly paramTwo: Param
  /** The table's text for the row, verbatim. */
  readonly description: string
  /** A short name of the event id (the description for single-row ids). */
  readonly topic: string
}

// Rows whose parameters are values: how to say the value.
const renderers: Readonly<Record<number, (paramOne: number, paramTwo: number) => string>> = {
  4003: (width, height) => `Video resolution switched to ${width}x${height}`,
  4007: (width, height) => `The user switched video resolution to ${width}x${height}`,
  4008: (fps) => `The user switched video frame rate to ${fps} fps`,
  4009: (bitrate) => `The user switched video bitrate to ${bitrate}`,
  4013: (frames, hardware) =>
    `(${hardware === 1 ? "Hardware" : "Software"}) decoding failed: ${frames} frames failed to decode in 3 s`
}

const toEntry = (table: Table) => ([eventId, paramOne, paramTwo, description]: Row): Entry => ({
  table,
  eventId,
  paramOne,
  paramTwo,
  description,
  topic: topics[eventId] ?? description
})

const toExceptionEntry = (table: ExceptionTable) => ([id, description]: readonly [number, string]): Entry => ({
  table,
  eventId: id,
  paramOne: -1,
  paramTwo: -1,
  description,
  topic: description
})

/**
 * Every row of the reference's event tables (SDK, WebRTC, the three exception tables) and the
 * extra CN rows, in table order.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const entries: ReadonlyArray<Entry> = [
  ...sdkRows.map(toEntry("sdk")),
  ...cnSdkRows.map(toEntry("sdk-cn")),
  ...webrtcRows.map(toEntry("webrtc")),
  ...experienceRows.map(toExceptionEntry("experience")),
  ...roomDismissalRows.map(toExceptionEntry("roomDismissal")),
  ...realtimeRows.map(toExceptionEntry("realtime"))
]

const eventTables: ReadonlySet<Table> = new Set(["sdk", "sdk-cn", "webrtc"])

// Event ids are few and rows per id fewer still: group once, match linearly within an id.
const byEventId: ReadonlyMap<number, ReadonlyArray<Entry>> = (() => {
  const map = new Map<number, Array<Entry>>()
  for (const entry of entries) {
    if (!eventTables.has(entry.table)) continue
    const rows = map.get(entry.eventId)
    if (rows === undefined) map.set(entry.eventId, [entry])
    else rows.push(entry)
  }
  return map
})()

const exceptionsByTable: ReadonlyMap<Table, ReadonlyMap<number, Entry>> = new Map(
  (["experience", "roomDismissal", "realtime"] as const).map((table) => [
    table,
    new Map(entries.filter((e) => e.table === table).map((e) => [e.eventId, e]))
  ])
)

// -1 in the table means "not used", so a row with -1 accepts whatever the client sent there.
const matches = (spec: Param, value: number): boolean => typeof spec === "string" || spec === -1 || spec === value

/**
 * The SDK/WebRTC row an event belongs to, if any.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const lookup = (eventId: number, paramOne: number, paramTwo: number): Option.Option<Entry> =>
  Option.fromNullable(byEventId.get(eventId)?.find((e) => matches(e.paramOne, paramOne) && matches(e.paramTwo, paramTwo)))

/**
 * Whether the SDK/WebRTC tables know this event id at all.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const isKnown = (eventId: number): boolean => byEventId.has(eventId)

/**
 * The rows of one event id (all parameter combinations), empty when unknown.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const rowsOf = (eventId: number): ReadonlyArray<Entry> => byEventId.get(eventId) ?? []

/**
 * One line for an event: the table's text, with values rendered where the parameters carry
 * them ("Video resolution switched to 1280x720"). Never fails: an unknown id reads
 * "Unknown event 9999 (1, -1)", a known id with unexpected parameters names the event and
 * shows them.
 *
 * @example
 * ```ts
 * import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
 *
 * // An event of DescribeUserEvent is an id and two parameters.
 * assert.strictEqual(EventCatalogue.describe(5003, 0, -1), "Failed to enter room")
 * assert.strictEqual(EventCatalogue.describe(4003, 1280, 720), "Video resolution switched to 1280x720")
 * assert.strictEqual(EventCatalogue.describe(9999, 1, -1), "Unknown event 9999 (1, -1)")
 * ```
 *
 * @since 0.1.0
 * @category catalogue
 */
export const describe = (eventId: number, paramOne: number, paramTwo: number): string => {
  const entry = lookup(eventId, paramOne, paramTwo)
  if (Option.isSome(entry)) {
    const render = renderers[eventId]
    return render === undefined ? entry.value.description : render(paramOne, paramTwo)
  }
  const topic = topics[eventId]
  return topic === undefined
    ? `Unknown event ${eventId} (${paramOne}, ${paramTwo})`
    : `${topic}: unrecognised parameters (${paramOne}, ${paramTwo})`
}

/**
 * The description of an id of one of the exception tables; unknown ids read
 * "Unknown <table> exception 99".
 *
 * @since 0.1.0
 * @category catalogue
 */
export const describeException = (table: ExceptionTable, id: number): string =>
  exceptionsByTable.get(table)?.get(id)?.description ?? `Unknown ${table} exception ${id}`

/**
 * {@link describe} for anything shaped like an `EventMessage`.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const describeMessage = (event: {
  readonly eventId: number
  readonly paramOne: number
  readonly paramTwo: number
}): string => describe(event.eventId, event.paramOne, event.paramTwo)

/**
 * The meaning of `EventMessage.Type`, the video stream an event concerns.
 *
 * @since 0.1.0
 * @category catalogue
 */
export const streamTypeName = (type: number): string => {
  switch (type) {
    case 0:
      return "non-video"
    case 2:
      return "big stream"
    case 3:
      return "small stream"
    case 7:
      return "relayed stream"
    default:
      return `stream type ${type}`
  }
}

/**
 * What an `ExperienceId` of `DescribeUnusualEvent` means (table 5.3: "Room entry was slow",
 * "Video lagged", …); unknown ids read "Unknown experience exception 9".
 *
 * @since 0.1.0
 * @category catalogue
 */
export const describeExperience = (experienceId: number): string => describeException("experience", experienceId)

/**
 * What an `AbnormalEventId` of `DescribeUnusualEvent` means: an id of table 5.4 (1001–1032,
 * reported after the room is dismissed) or 5.5 (2001–2026, real time). The two ranges do not
 * overlap, so the id alone names its row; unknown ids read "Unknown abnormal event 3001".
 *
 * @example
 * ```ts
 * import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
 *
 * assert.strictEqual(EventCatalogue.describeExperience(4), "Video lagged")
 * assert.strictEqual(EventCatalogue.describeAbnormalEvent(2024), "The downstream big image lagged")
 * ```
 *
 * @since 0.1.0
 * @category catalogue
 */
export const describeAbnormalEvent = (abnormalEventId: number): string =>
  (exceptionsByTable.get("roomDismissal")?.get(abnormalEventId) ?? exceptionsByTable.get("realtime")?.get(abnormalEventId))
    ?.description ?? `Unknown abnormal event ${abnormalEventId}`
