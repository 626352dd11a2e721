/**
 * Which of the timeline's six categories an event belongs to, and the event-ID sets the
 * diagnosis rules read. One table, so the page's colours and the verdicts agree on what a
 * failure is. IDs and parameters are those of https://trtc.io/document/37906 (§5.1 SDK, §5.2
 * WebRTC) as copied into core's `EventCatalogue`.
 *
 * @internal
 */

/** @internal */
export type Category = "room" | "audio" | "video" | "network" | "device" | "failure"

/** @internal */
export const categories: ReadonlyArray<Category> = ["room", "audio", "video", "network", "device", "failure"]

// Failures whatever their parameters.
const alwaysFailure: ReadonlySet<number> = new Set([
  4002, // Failed to enable front/rear camera
  2002, // The application does not have permission (network, files, mic, camera)
  4011, // Failed to start hardware decoder
  4013, // decoding failed
  5005, // Connection to CVM timed out
  32790, // Signaling channel has disconnected
  32792, // Media transmission channel has disconnected
  36864 // Signaling channel has disconnected (reported by the backend)
])

const audio: ReadonlySet<number> = new Set([3001, 3002, 3003, 3004, 5009, 32769, 32771, 32772, 32774, 32777, 32779, 32783, 32785, 32787])
// 4010 (RPS disabled for poor network or performance) is a codec degradation, not a failure.
const video: ReadonlySet<number> = new Set([
  4003,
  4010,
  4004,
  4005,
  4006,
  4007,
  4008,
  4009,
  4012,
  4014,
  4015,
  5004,
  5006,
  5007,
  32768,
  32770,
  32773,
  32775,
  32776,
  32778,
  32782,
  32784,
  32786
])
const network: ReadonlySet<number> = new Set([1003, 5002, 32791, 32793])
const device: ReadonlySet<number> = new Set([1001, 1002, 2001, 4001, 32780, 32781])

/** @internal */
export const categoryOf = (eventId: number, paramOne: number): Category => {
  if (alwaysFailure.has(eventId)) return "failure"
  // Outcomes whose failure is one parameter value.
  if ((eventId === 5003 || eventId === 5002 || eventId === 5008 || eventId === 1003) && paramOne === 0) return "failure"
  if (eventId === 7001 && (paramOne === 1 || paramOne === 2)) return "failure"
  if (audio.has(eventId)) return "audio"
  if (video.has(eventId)) return "video"
  if (network.has(eventId)) return "network"
  if (device.has(eventId)) return "device"
  return "room"
}

/** Names of `1003` ParamOne (network type). @internal */
export const networkNames: Readonly<Record<number, string>> = {
  0: "disconnected",
  1: "Wi-Fi",
  2: "4G",
  3: "3G",
  4: "2G",
  5: "wired"
}

/** WebRTC events (§5.2) are numbered from 32768: their presence marks a Web SDK client. @internal */
export const isWebRtcEvent = (eventId: number): boolean => eventId >= 32768
