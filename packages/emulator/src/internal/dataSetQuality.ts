/**
 * Quality metrics (DescribeCallDetailInfo `Data`) computed, never stored: each sample is a
 * pure function of (seed, call, user, peer, metric, second). A slow wave per user plus a
 * little per-sample noise gives plausible curves without keeping millions of points.
 *
 * @internal
 */
import { unit } from "./prng.js"

interface Metric {
  /** Typical value and how far it wanders, as a fraction of the base. */
  readonly base: readonly [number, number]
  readonly wander: number
  readonly video: boolean
  readonly decimals: number
  /** Mostly zero with occasional spikes (stutter, loss). */
  readonly spiky?: boolean
}

export const metrics: Readonly<Record<string, Metric>> = {
  appCpu: { base: [5, 35], wander: 0.3, video: false, decimals: 2 },
  sysCpu: { base: [20, 70], wander: 0.25, video: false, decimals: 2 },
  aBit: { base: [24000, 64000], wander: 0.15, video: false, decimals: 0 },
  aBlock: { base: [20, 400], wander: 0.5, video: false, decimals: 0, spiky: true },
  bigvBit: { base: [300000, 1800000], wander: 0.3, video: true, decimals: 0 },
  bigvCapFps: { base: [15, 30], wander: 0.05, video: true, decimals: 0 },
  bigvEncFps: { base: [14, 30], wander: 0.1, video: true, decimals: 0 },
  bigvDecFps: { base: [12, 30], wander: 0.15, video: true, decimals: 0 },
  bigvRecFps: { base: [12, 30], wander: 0.12, video: true, decimals: 0 },
  bigvBlock: { base: [40, 800], wander: 0.5, video: true, decimals: 0, spiky: true },
  aLoss: { base: [0, 6], wander: 0.8, video: false, decimals: 2 },
  bigvLoss: { base: [0, 10], wander: 0.8, video: true, decimals: 2 },
  bigvWidth: { base: [640, 1280], wander: 0, video: true, decimals: 0 },
  bigvHeight: { base: [360, 720], wander: 0, video: true, decimals: 0 },
  aCapEnergy: { base: [5, 80], wander: 0.4, video: false, decimals: 2 },
  aPlayEnergy: { base: [5, 80], wander: 0.4, video: false, decimals: 2 },
  rtt: { base: [20, 220], wander: 0.3, video: false, decimals: 0 }
}

const widths = [640, 960, 1280] as const
const heights = [360, 540, 720] as const

export const sample = (
  seed: number,
  commId: string,
  userId: string,
  peerId: string,
  dataType: string,
  second: number,
  hasVideo: boolean
): number => {
  const metric = metrics[dataType]
  if (metric === undefined) return 0
  if (metric.video && !hasVideo) return 0
  const u = unit(seed, "q", commId, userId, peerId, dataType)
  if (dataType === "bigvWidth" || dataType === "bigvHeight") {
    // One resolution per user, so width and height agree with each other.
    const i = Math.floor(unit(seed, "q", commId, userId, peerId, "res") * widths.length)
    return dataType === "bigvWidth" ? widths[i]! : heights[i]!
  }
  const [lo, hi] = metric.base
  const base = lo + u * (hi - lo)
  const noise = unit(seed, "n", commId, userId, peerId, dataType, second) - 0.5
  if (metric.spiky === true) {
    return noise > 0.45 ? Math.round(base * (1 + noise)) : 0
  }
  const phase = u * Math.PI * 2
  const wave = Math.sin(second / 300 + phase) * 0.5 + noise * 0.5
  const value = Math.max(0, base * (1 + metric.wander * wave))
  const scale = 10 ** metric.decimals
  return Math.round(value * scale) / scale
}
