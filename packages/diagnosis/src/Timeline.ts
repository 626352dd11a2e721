/**
 * A call drawn as one self-contained HTML page: inline CSS, SVG and script, nothing fetched,
 * so the file can be mailed, attached to a ticket or opened offline.
 *
 * One lane per user; presence bars from join to leave (one per session, so a rejoin leaves a
 * gap) with dashed gaps where the connection was lost; event markers by category (room, audio,
 * video, network, device, failure) in colour and shape; a local-time axis (UTC on hover); a
 * tooltip with the catalogue's description, parameters and exact time on hover or keyboard
 * focus; zoom (wheel, buttons, `+`/`-`) and pan (drag, buttons, Shift+arrows), `0` to fit; with
 * `metrics`, the user's quality series under the lane.
 *
 * The page's DOM is a contract for tools and tests: each lane `data-lane="<userId>"`, each
 * presence bar `data-session`, each marker `data-event`, `data-user`, `data-time-ms`,
 * `data-event-id` (and `tabindex`), the tooltip `role="tooltip"`.
 *
 * @since 0.1.0
 */
import * as EventCatalogue from "@effect-trtc/core/EventCatalogue"
import * as Diagnosis from "./Diagnosis.js"
import { type Category, categories, categoryOf } from "./internal/eventKinds.js"
import { categoryStyle, script, shapePath, style } from "./internal/timelinePage.js"

/**
 * Options of {@link render}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The page's heading (default: "Call <CommId>"). */
  readonly title?: string | undefined
  /** Draw the call's quality series under each lane (needs `call.quality`). */
  readonly metrics?: boolean | undefined
  /** Verdicts to show beside each user (default: `Diagnosis.diagnose(call)`). */
  readonly diagnosis?: Diagnosis.CallDiagnosis | undefined
}

/**
 * The metrics drawn with `metrics: true`, at most three so a lane stays readable: audio loss,
 * RTT, video frame rate sent.
 *
 * @since 0.1.0
 * @category constants
 */
export const metricTypes: ReadonlyArray<string> = ["aLoss", "rtt", "bigvEncFps"]

const escapeMap: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }

/**
 * Escapes text for HTML element content and quoted attribute values (user and room ids may
 * hold `<`, quotes and anything else).
 *
 * @since 0.1.0
 * @category rendering
 */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => escapeMap[c]!)

const laneHeight = 40
const metricsHeight = 34
const barTop = 14
const barHeight = 12
const markerY = barTop + barHeight / 2
// The width the static layout is computed for; the script redoes it at the real width.
const staticWidth = 1000
const pad = 8

const shapeSvg = (category: Category) =>
  `<path d="${shapePath[categoryStyle[category].shape]}" fill="${categoryStyle[category].colour}"/>`

const legend = (metrics: boolean) => {
  const items = categories.map((c) =>
    `<li><svg viewBox="-7 -7 14 14" aria-hidden="true">${shapeSvg(c)}</svg>${categoryStyle[c].label}</li>`)
  items.push(`<li><svg viewBox="0 0 14 14" aria-hidden="true"><rect class="session" x="0" y="3" width="14" height="8"/></svg>in the room</li>`)
  items.push(`<li><svg viewBox="0 0 14 14" aria-hidden="true"><rect class="gap" x="1" y="3" width="12" height="8"/></svg>connection lost</li>`)
  if (metrics) {
    metricTypes.forEach((m, i) =>
      items.push(`<li><svg viewBox="0 0 14 14" aria-hidden="true"><polyline class="metric m${i}" points="0,10 5,4 9,8 14,3"/></svg>${escapeHtml(m)}</li>`))
  }
  return `<ul class="legend" aria-label="Legend">${items.join("")}</ul>`
}

/**
 * How many points a metric line keeps at most: a 6-hour call has 10,800 samples per series at
 * the API's 2 s, far more than a lane's pixels.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxMetricPoints = 600

// Thinned to `maxMetricPoints` buckets, each keeping its worst sample (highest loss or RTT,
// lowest frame rate) so that a spike a support engineer looks for is never averaged away.
const worstPerBucket = (dataType: string, points: ReadonlyArray<Diagnosis.QualityPoint>): ReadonlyArray<Diagnosis.QualityPoint> => {
  if (points.length <= maxMetricPoints) return points
  const higherIsWorse = dataType.endsWith("Loss") || dataType === "rtt"
  const first = points[0]!.time
  const width = (points[points.length - 1]!.time - first + 1) / maxMetricPoints
  const out: Array<Diagnosis.QualityPoint> = []
  for (const p of points) {
    const bucket = Math.floor((p.time - first) / width)
    const last = out[out.length - 1]
    if (last === undefined || Math.floor((last.time - first) / width) !== bucket) out.push(p)
    else if (higherIsWorse ? p.value > last.value : p.value < last.value) out[out.length - 1] = p
  }
  return out
}

const verdictText = (user: Diagnosis.UserDiagnosis | undefined) =>
  user === undefined ? "" : user.verdict === "ok" ? "ok" : user.problems.map((p) => p.kind).join(", ")

/**
 * The whole page for a call: one HTML string.
 *
 * @example
 * ```ts
 * import * as Timeline from "@effect-trtc/diagnosis/Timeline"
 *
 * const html = Timeline.render({
 *   commId: "1400000001_demo_1764050000",
 *   users: [{ userId: "alice", sessions: [{ joinTs: 1764050000, leaveTs: 1764050300 }] }],
 *   events: [{ userId: "alice", peerId: "alice", type: 0, timeMs: 1764050000500, eventId: 5001, paramOne: -1, paramTwo: -1 }]
 * })
 * assert.ok(html.includes(`data-lane="alice"`))
 * ```
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (call: Diagnosis.Call, options: Options = {}): string => {
  const diagnosis = options.diagnosis ?? Diagnosis.diagnose(call)
  const verdicts = new Map(diagnosis.users.map((u) => [u.userId, u]))
  const withMetrics = options.metrics === true && call.quality !== undefined

  // Lanes in the call's user order; a user with events but no session still gets a lane.
  const laneIds: Array<string> = []
  const seen = new Set<string>()
  for (const id of [...call.users.map((u) => u.userId), ...call.events.map((e) => e.userId)]) {
    if (seen.has(id)) continue
    seen.add(id)
    laneIds.push(id)
  }
  const sessions = new Map<string, Array<Diagnosis.Session>>()
  for (const u of call.users) sessions.set(u.userId, [...(sessions.get(u.userId) ?? []), ...u.sessions])
  const events = new Map<string, Array<Diagnosis.Event>>()
  for (const e of call.events) {
    const list = events.get(e.userId)
    if (list === undefined) events.set(e.userId, [e])
    else list.push(e)
  }

  let startMs = Number.POSITIVE_INFINITY
  let endMs = Number.NEGATIVE_INFINITY
  for (const list of sessions.values()) {
    for (const s of list) {
      startMs = Math.min(startMs, s.joinTs * 1000)
      endMs = Math.max(endMs, s.leaveTs * 1000 + 999)
    }
  }
  for (const e of call.events) {
    startMs = Math.min(startMs, e.timeMs)
    endMs = Math.max(endMs, e.timeMs)
  }
  if (!Number.isFinite(startMs)) startMs = endMs = 0
  if (endMs <= startMs) endMs = startMs + 1000
  const x = (t: number) => (pad + (t - startMs) / (endMs - startMs) * (staticWidth - 2 * pad)).toFixed(1)

  const quality = new Map<string, Map<string, Array<Diagnosis.QualityPoint>>>()
  if (withMetrics) {
    for (const p of call.quality ?? []) {
      if (p.peerId !== "" || !metricTypes.includes(p.dataType)) continue
      const byType = quality.get(p.userId) ?? new Map<string, Array<Diagnosis.QualityPoint>>()
      quality.set(p.userId, byType)
      const list = byType.get(p.dataType)
      if (list === undefined) byType.set(p.dataType, [p])
      else list.push(p)
    }
  }

  let eventIndex = 0
  const lanes = laneIds.map((userId) => {
    const verdict = verdicts.get(userId)
    const height = laneHeight + (withMetrics ? metricsHeight : 0)
    const parts: Array<string> = []
    const uid = escapeHtml(userId)
    ;(sessions.get(userId) ?? []).sort((a, b) => a.joinTs - b.joinTs).forEach((s, i) => {
      const a = s.joinTs * 1000
      const b = s.leaveTs * 1000 + 999
      parts.push(
        `<rect class="session" data-session="${i}" data-user="${uid}" data-start-ms="${a}" data-end-ms="${b}" x="${x(a)}" y="${barTop}" width="${Math.max(1, Number(x(b)) - Number(x(a))).toFixed(1)}" height="${barHeight}" rx="2"><title>${uid}: in the room ${new Date(a).toISOString()} – ${new Date(b - 999).toISOString()}</title></rect>`
      )
    })
    for (const drop of verdict?.evidence.drops ?? []) {
      if (drop.what === "session") continue
      const b = drop.restoredMs ?? drop.lostMs + 1000
      parts.push(
        `<rect class="gap" data-gap="${drop.what}" data-start-ms="${drop.lostMs}" data-end-ms="${b}" x="${x(drop.lostMs)}" y="${barTop}" width="${Math.max(1, Number(x(b)) - Number(x(drop.lostMs))).toFixed(1)}" height="${barHeight}"><title>${escapeHtml(drop.what)} connection lost${drop.restoredMs === undefined ? ", not restored" : ""}</title></rect>`
      )
    }
    if (withMetrics) {
      metricTypes.forEach((dataType, i) => {
        const points = worstPerBucket(dataType, (quality.get(userId)?.get(dataType) ?? []).sort((a, b) => a.time - b.time))
        if (points.length === 0) return
        parts.push(
          `<polyline class="metric m${i}" data-metric="${escapeHtml(dataType)}" data-user="${uid}" data-top="${laneHeight}" data-height="${metricsHeight - 6}" data-points="${points.map((p) => `${p.time},${p.value}`).join(" ")}"><title>${escapeHtml(dataType)}</title></polyline>`
        )
      })
    }
    // Failures last, so they are drawn on top of whatever they overlap.
    const list = [...(events.get(userId) ?? [])].sort((a, b) => a.timeMs - b.timeMs)
    const order = (e: Diagnosis.Event) => categoryOf(e.eventId, e.paramOne) === "failure" ? 1 : 0
    for (const e of [...list.filter((e) => order(e) === 0), ...list.filter((e) => order(e) === 1)]) {
      const category = categoryOf(e.eventId, e.paramOne)
      const description = EventCatalogue.describeMessage(e)
      const peer = e.peerId !== "" && e.peerId !== e.userId ? e.peerId : ""
      parts.push(
        // Only what the tooltip needs, and nothing twice: a 20,000-event page is megabytes of
        // these. The accessible name is the tooltip (aria-describedby, set on focus).
        `<g class="marker ${category}" tabindex="0" role="img" data-event="${eventIndex++}" data-user="${uid}" data-time-ms="${e.timeMs}" data-event-id="${e.eventId}" data-category="${category}" data-params="${e.paramOne}, ${e.paramTwo}"${e.type === 0 ? "" : ` data-stream="${escapeHtml(EventCatalogue.streamTypeName(e.type))}"`}${peer === "" ? "" : ` data-peer="${escapeHtml(peer)}"`} data-description="${escapeHtml(description)}" transform="translate(${x(e.timeMs)},${markerY})">${shapeSvg(category)}</g>`
      )
    }
    const verdictLine = verdictText(verdict)
    return `<section class="row lane" data-lane="${uid}"><div class="label" title="${uid}">${uid}<span class="verdict${verdict?.verdict === "problem" ? " problem" : ""}" title="${escapeHtml(verdict?.problems.map((p) => `${p.kind}: ${p.summary}`).join("\n") ?? "")}">${escapeHtml(verdictLine)}</span></div><svg class="track" height="${height}" role="group" aria-label="${uid}">${parts.join("")}</svg></section>`
  })

  const title = options.title ?? `Call ${call.commId}`
  const labelWidth = Math.min(240, Math.max(110, 24 + 8.2 * Math.max(0, ...laneIds.map((u) => [...u].length))))
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    // No network: forbid it outright, so a viewer knows the page cannot phone home.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title><style>${style}:root{--label:${labelWidth}px;--header:90px}</style></head><body>`,
    `<header><h1>${escapeHtml(title)}</h1><div class="controls" role="toolbar" aria-label="Zoom and pan">`,
    `<button type="button" data-action="fit">Fit</button><button type="button" data-action="zoom-in" aria-label="Zoom in">+</button>`,
    `<button type="button" data-action="zoom-out" aria-label="Zoom out">−</button><button type="button" data-action="left" aria-label="Pan left">←</button>`,
    `<button type="button" data-action="right" aria-label="Pan right">→</button><span id="range"></span><span id="cursor"></span></div>${legend(withMetrics)}</header>`,
    `<main id="view" data-comm-id="${escapeHtml(call.commId)}" data-start-ms="${startMs}" data-end-ms="${endMs}" data-marker-y="${markerY}">`,
    `<div class="row axis-row"><div class="label">user</div><svg class="axis" height="28" aria-label="Time (local; UTC on hover)"></svg></div>`,
    lanes.join(""),
    `</main><div id="tip" role="tooltip" hidden></div><script>${script}</script></body></html>`
  ].join("")
}
