/**
 * The synthetic data generator behind `DataSet.generate`. Two layers:
 *
 * - a skeleton (apps → rooms → sessions without events), generated sequentially per app from
 *   one PRNG per room, small even for a million events (a few tens of thousands of sessions);
 * - the events of one session, generated on demand from a PRNG seeded by the session's own
 *   identity, so a server can produce the events of one user without materialising the rest.
 *
 * @internal
 */
import type { AbnormalEvent, AbnormalExperience, App, Event, GenerateOptions, Room, Session } from "../DataSet.js"
import { causes, isDownstreamEventId } from "./abnormalIds.js"
import { chance, hash32, int, mulberry32, pick, type Rng, unit, weighted } from "./prng.js"

/** A session before its events are attached. */
export type SessionSkeleton = Omit<Session, "events" | "abnormal">

/** A room before its sessions carry events. */
export interface RoomSkeleton extends Omit<Room, "sessions"> {
  readonly sessions: ReadonlyArray<SessionSkeleton>
}

/** Options with every default filled in and every range normalised. */
export interface ResolvedOptions {
  readonly seed: number
  readonly anchor: number
  readonly apps: ReadonlyArray<number>
  readonly roomsPerApp: readonly [number, number]
  readonly usersPerRoom: readonly [number, number]
  readonly retentionDays: number
  readonly eventsPerHour: number
  readonly largeRooms: { readonly share: number; readonly users: readonly [number, number] }
  readonly progressive: boolean
}

const range = (value: number | { readonly min: number; readonly max: number } | undefined, fallback: readonly [number, number], floor: number): readonly [number, number] => {
  if (value === undefined) return fallback
  const [a, b] = typeof value === "number" ? [value, value] : [value.min, value.max]
  const lo = Math.max(floor, Math.floor(Math.min(a, b)))
  const hi = Math.max(lo, Math.floor(Math.max(a, b)))
  return [lo, hi]
}

export const resolveOptions = (options: GenerateOptions): ResolvedOptions => {
  // A programmer error, not a data problem: nothing sensible can be generated around it.
  if (!Number.isFinite(options.anchor) || options.anchor < 40 * 86400) {
    throw new RangeError(`DataSet.generate: anchor must be Unix seconds (a finite number after 1970-02-10), got ${options.anchor}`)
  }
  if (!Number.isFinite(options.seed)) throw new RangeError(`DataSet.generate: seed must be a finite number, got ${options.seed}`)
  return resolved(options)
}

const resolved = (options: GenerateOptions): ResolvedOptions => ({
  seed: options.seed >>> 0,
  anchor: Math.floor(options.anchor),
  apps: options.apps && options.apps.length > 0 ? options.apps : [1400000001],
  roomsPerApp: range(options.roomsPerApp, [24, 24], 0),
  usersPerRoom: range(options.usersPerRoom, [2, 6], 1),
  retentionDays: Math.min(30, Math.max(1, Math.floor(options.retentionDays ?? 14))),
  eventsPerHour: Math.max(0, options.eventsPerHour ?? 24),
  // Large calls only by default or on request: an explicit usersPerRoom is taken literally.
  largeRooms: {
    share: Math.min(1, Math.max(0, options.largeRooms?.share ?? (options.usersPerRoom === undefined ? 0.04 : 0))),
    users: range(options.largeRooms?.users, [12, 40], 1)
  },
  progressive: options.progressive === true
})

// ---------------------------------------------------------------------------
// names
// ---------------------------------------------------------------------------

const words = ["team", "daily", "sync", "standup", "design", "review", "sales", "support", "class", "math", "live", "demo", "board", "ops"]
const unicodeRooms = ["会议室", "教室", "研讨会", "直播间", "Sala", "Réunion", "Besprechung", "конференция", "회의실", "会議室"]
const firstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "wendy"]
const unicodeUsers = ["小明", "李雷", "韩梅梅", "王芳", "José", "Zoë", "Søren", "Łukasz", "さくら", "민준"]

type RoomIdKind = "numeric" | "words" | "unicode" | "hex" | "short"

const hex = (rng: Rng, length: number): string => {
  let out = ""
  for (let i = 0; i < length; i++) out += "0123456789abcdef"[int(rng, 0, 15)]
  return out
}

const roomIdOf = (rng: Rng, kind: RoomIdKind): string => {
  switch (kind) {
    case "numeric":
      return String(int(rng, 100000, 999999999))
    case "short":
      return String(int(rng, 1, 9999))
    case "words":
      return `${pick(rng, words)}_${pick(rng, words)}_${int(rng, 1, 99)}`
    case "unicode":
      return `${pick(rng, unicodeRooms)}-${int(rng, 1, 99)}`
    case "hex":
      return hex(rng, 32)
  }
}

const userIdOf = (rng: Rng): string => {
  const r = rng.next() * 10
  if (r < 4) return `user_${int(rng, 1000000, 99999999)}`
  if (r < 6) return String(int(rng, 1000, 999999))
  if (r < 9) return `${pick(rng, firstNames)}_${int(rng, 1, 999)}`
  return `${pick(rng, unicodeUsers)}_${int(rng, 1, 99)}`
}

// ---------------------------------------------------------------------------
// devices
// ---------------------------------------------------------------------------

/** Web users report WebRTC events (table 5.2), every other device SDK events (table 5.1). */
export const isWeb = (deviceType: string): boolean => deviceType === "web"

const isMobile = (deviceType: string): boolean => deviceType === "ios" || deviceType === "android"

interface Device {
  readonly deviceType: string
  readonly sdkVersion: string
}

const deviceOf = (rng: Rng): Device => {
  const deviceType = weighted(rng, [["ios", 3], ["android", 3], ["windows", 2], ["mac", 1], ["web", 2], ["", 1]] as const)
  const sdkVersion = isWeb(deviceType)
    ? pick(rng, ["4.15.8", "4.15.21", "5.2.1", "5.8.3"])
    : pick(rng, ["4.3.14", "9.5.0", "10.8.0", "11.4.0", "11.9.0"])
  return { deviceType, sdkVersion }
}

const clientIpOf = (rng: Rng): string => {
  const r = rng.next() * 6
  if (r < 2) return `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`
  if (r < 3) return `192.168.${int(rng, 0, 255)}.${int(rng, 1, 254)}`
  return `${int(rng, 36, 223)}.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`
}

// ---------------------------------------------------------------------------
// skeleton
// ---------------------------------------------------------------------------

type RoomKind = "normal" | "long" | "midnight" | "open"

const durationOf = (rng: Rng, kind: RoomKind): number => {
  switch (kind) {
    case "long":
    case "midnight":
      return int(rng, 4 * 3600 + 600, 8 * 3600)
    case "open":
      return int(rng, 300, 3 * 3600)
    case "normal": {
      const r = rng.next() * 10
      return r < 3 ? int(rng, 60, 600) : r < 8 ? int(rng, 600, 3600) : int(rng, 3600, 3 * 3600)
    }
  }
}

/** UTC midnights that leave room for a multi-hour call around them inside the window. */
const midnightsIn = (from: number, to: number): Array<number> => {
  const out: Array<number> = []
  for (let m = Math.ceil(from / 86400) * 86400; m <= to; m += 86400) out.push(m)
  return out
}

const sessionsOf = (
  rng: Rng,
  users: readonly [number, number],
  createTime: number,
  destroyTime: number,
  open: boolean,
  minUsers: number,
  forceRejoin: boolean,
  relay: boolean,
  endsLater: boolean
): Array<SessionSkeleton> => {
  const [lo, hi] = users
  const userCount = Math.max(minUsers, int(rng, lo, hi))
  const duration = destroyTime - createTime
  const used = new Set<string>()
  const sessions: Array<SessionSkeleton> = []
  // One user stays to the end, so the room's destroy time is somebody's leave time.
  const stayer = int(rng, 0, userCount - 1)
  for (let u = 0; u < userCount; u++) {
    let userId = userIdOf(rng)
    while (used.has(userId)) userId = userIdOf(rng)
    used.add(userId)
    const device = deviceOf(rng)
    const clientIp = clientIpOf(rng)
    const join = u === 0 ? createTime : createTime + Math.floor(rng.next() * Math.max(0, duration - 30) * 0.5)
    const staysToEnd = u === stayer || (open && chance(rng, 0.5))
    const leave = staysToEnd ? destroyTime : Math.min(destroyTime, join + Math.max(30, Math.floor((destroyTime - join) * (0.3 + rng.next() * 0.7))))
    // Several sessions for one user: the same person dropping out and coming back.
    const rejoin = (forceRejoin && u === userCount - 1) || chance(rng, 0.2)
    const segments: Array<readonly [number, number]> = []
    if (rejoin && leave - join >= 240) {
      const pieces = int(rng, 2, 3)
      let start = join
      for (let p = 0; p < pieces; p++) {
        const remaining = leave - start
        if (p === pieces - 1 || remaining < 200) {
          segments.push([start, leave])
          break
        }
        const end = start + Math.max(30, Math.floor(remaining * (0.2 + rng.next() * 0.4)))
        const gap = int(rng, 5, Math.max(5, Math.min(600, Math.floor((leave - end) / 3))))
        segments.push([start, end])
        start = end + gap
        if (leave - start < 30) {
          // Not enough time left for another session: extend the last one instead.
          const [s] = segments.pop()!
          segments.push([s, leave])
          break
        }
      }
    } else {
      segments.push([join, leave])
    }
    for (const [joinTs, leaveTs] of segments) {
      // A call that ends after the anchor is recorded whole: everybody leaves in the end.
      const stillIn = open && !endsLater && leaveTs === destroyTime
      sessions.push({
        userId,
        joinTs,
        leaveTs,
        finished: !stillIn,
        deviceType: device.deviceType,
        sdkVersion: device.sdkVersion,
        clientIp
      })
    }
  }
  if (relay && duration > 60) {
    // A cloud relay / mixing robot (as in the official examples' `mixer_…` creators): others
    // receive its stream as Type 7.
    sessions.push({
      userId: `${relayPrefix}${hex(rng, 16)}`,
      joinTs: createTime + int(rng, 1, Math.min(20, duration - 30)),
      leaveTs: destroyTime,
      finished: !open || endsLater,
      deviceType: "",
      sdkVersion: "",
      clientIp: `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`
    })
  }
  sessions.sort((a, b) => a.joinTs - b.joinTs || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
  return sessions
}

/** User ids of relay robots start with this. */
export const relayPrefix = "mixer_"

/**
 * Rooms of one app, sorted by create time. Room 0 of each app is a long call over a UTC
 * midnight with a unicode id and a user who rejoins; the last room (when there are at least
 * two) is still open at the anchor. The rest are drawn at random.
 */
export const roomsOf = (options: ResolvedOptions, appIndex: number, sdkAppId: number): Array<RoomSkeleton> => {
  const { anchor, retentionDays, seed } = options
  const windowStart = anchor - retentionDays * 86400
  const countRng = mulberry32(hash32(seed, "rooms", sdkAppId, appIndex))
  const roomCount = int(countRng, options.roomsPerApp[0], options.roomsPerApp[1])
  const ids = new Set<string>()
  const rooms: Array<RoomSkeleton> = []
  for (let r = 0; r < roomCount; r++) {
    const rng = mulberry32(hash32(seed, "room", sdkAppId, r))
    const forcedMidnight = r === 0
    const forcedOpen = r === roomCount - 1 && roomCount >= 2
    const kind: RoomKind = forcedMidnight
      ? "midnight"
      : forcedOpen
        ? "open"
        : weighted(rng, [["normal", 92], ["long", 5], ["open", 3]] as const)
    const duration = durationOf(rng, kind)
    let createTime: number
    let destroyTime: number
    if (kind === "open" && options.progressive) {
      // Part of the drawn duration has passed at the anchor, the rest is still to come. The
      // share comes from a hash, not from the room's PRNG, so every other draw stays the same.
      const elapsed = Math.max(60, Math.floor(duration * (0.3 + 0.5 * unit(seed, "elapsed", sdkAppId, r))))
      createTime = anchor - elapsed
      destroyTime = createTime + Math.max(duration, elapsed + 120)
    } else if (kind === "open") {
      createTime = anchor - duration
      destroyTime = anchor
    } else {
      const candidates = kind === "midnight" ? midnightsIn(windowStart + duration, anchor - duration) : []
      if (candidates.length > 0) {
        const midnight = pick(rng, candidates)
        createTime = midnight - int(rng, 600, duration - 600)
      } else {
        const latest = Math.max(windowStart + 60, anchor - duration - 60)
        createTime = int(rng, windowStart + 60, latest)
        if (chance(rng, 0.6)) {
          // Most calls start in office hours (here UTC+8, 09:00–18:00), so some days and
          // windows are crowded and others sparse, as in real traffic.
          const busy = Math.floor(createTime / 86400) * 86400 + int(rng, 3600, 10 * 3600)
          if (busy >= windowStart + 60 && busy <= latest) createTime = busy
        }
      }
      destroyTime = Math.min(anchor, createTime + duration)
    }
    const idKind: RoomIdKind = forcedMidnight
      ? "unicode"
      : weighted(rng, [["numeric", 4], ["words", 3], ["unicode", 2], ["hex", 1], ["short", 1]] as const)
    let roomId = roomIdOf(rng, idKind)
    while (ids.has(roomId)) roomId = roomIdOf(rng, idKind)
    ids.add(roomId)
    const relay = forcedMidnight || chance(rng, 0.1)
    const users = !forcedMidnight && chance(rng, options.largeRooms.share) ? options.largeRooms.users : options.usersPerRoom
    const endsLater = kind === "open" && options.progressive
    const sessions = sessionsOf(rng, users, createTime, destroyTime, kind === "open", forcedMidnight ? 2 : 1, forcedMidnight, relay, endsLater)
    rooms.push({
      roomId,
      commId: `${sdkAppId}_${roomId}_${createTime}`,
      createTime,
      destroyTime,
      isFinished: kind !== "open" || endsLater,
      creatorUserId: sessions[0]!.userId,
      sessions
    })
  }
  rooms.sort((a, b) => a.createTime - b.createTime || (a.commId < b.commId ? -1 : a.commId > b.commId ? 1 : 0))
  return rooms
}

// ---------------------------------------------------------------------------
// events
// ---------------------------------------------------------------------------

/** Whether a session publishes video: derived from its identity so peers agree on it. */
export const publishesVideo = (seed: number, commId: string, session: SessionSkeleton): boolean =>
  unit(seed, "video", commId, session.userId, session.joinTs) < 0.8

const resolutions: ReadonlyArray<readonly [number, number, number]> = [
  [640, 360, 600],
  [960, 540, 900],
  [1280, 720, 1200],
  [1920, 1080, 2000]
]

const smallStreams: ReadonlyArray<readonly [number, number]> = [[160, 90], [320, 180], [480, 270]]

const networkTypes = [[1, 6], [2, 3], [5, 2], [3, 0.3]] as const

interface Draft {
  t: number
  readonly peerId: string
  readonly type: number
  readonly eventId: number
  readonly paramOne: number
  readonly paramTwo: number
  /** Exit events are placed after everything else and are never clamped. */
  readonly exit: boolean
}

/**
 * Events of one session, sorted by time and strictly inside [joinTs, leaveTs] (in ms).
 * Events about a remote user's stream carry that user's id as `peerId`.
 */
export const eventsOf = (seed: number, room: RoomSkeleton, session: SessionSkeleton, eventsPerHour: number): Array<Event> => {
  const rng = mulberry32(hash32(seed, "events", room.commId, session.userId, session.joinTs))
  const self = session.userId
  const startMs = session.joinTs * 1000
  const endMs = session.leaveTs * 1000
  const drafts: Array<Draft> = []
  const push = (t: number, eventId: number, paramOne = -1, paramTwo = -1, type = 0, peerId = self): void => {
    drafts.push({ t, peerId, type, eventId, paramOne, paramTwo, exit: false })
  }
  const pushExit = (t: number, eventId: number, paramOne = -1): void => {
    drafts.push({ t, peerId: self, type: 0, eventId, paramOne, paramTwo: -1, exit: true })
  }
  const web = isWeb(session.deviceType)
  const mobile = isMobile(session.deviceType)
  const video = publishesVideo(seed, room.commId, session)
  const rejoined = room.sessions.some((s) => s.userId === self && s.joinTs < session.joinTs)

  // Exit takes the last few hundred ms; everything else lands before it.
  const exitStart = session.finished ? Math.max(startMs, endMs - int(rng, 200, 900)) : endMs
  let t = startMs + int(rng, 0, 300)

  if (self.startsWith(relayPrefix)) {
    // A relay robot only enters and leaves; its stream shows up in the others' events.
    push(t, 5001)
    push(t + int(rng, 10, 100), 5002, 1)
    push(t + int(rng, 100, 300), 5003, 1)
    push(t + int(rng, 300, 400), 7000, 0)
    if (session.finished) {
      pushExit(exitStart, 5008, 1)
      pushExit(endMs, 7001, 0)
    }
    return finish(drafts, session, startMs, endMs, exitStart)
  }

  let initialNetwork: number = 1

  // --- entering -----------------------------------------------------------
  if (web) {
    if (chance(rng, 0.06)) {
      push(t, 32790)
      t += int(rng, 1000, 4000)
    }
    push(t, 32791)
    t += int(rng, 50, 400)
    push(t, 32788)
    t += int(rng, 20, 200)
    push(t, 32769)
    if (video) {
      t += int(rng, 20, 300)
      push(t, 32768, -1, -1, 2)
    }
    t += int(rng, 100, 800)
    push(t, 32793)
  } else {
    push(t, 5001)
    t += int(rng, 30, 400)
    if (chance(rng, 0.03)) {
      push(t, 5002, 0)
      t += int(rng, 1000, 3000)
    }
    push(t, 5002, 1)
    if (chance(rng, 0.08)) {
      // A failed attempt, sometimes after a server timeout, then a successful retry.
      t += int(rng, 1500, 5000)
      if (chance(rng, 0.5)) push(t, 5005)
      t += int(rng, 10, 100)
      push(t, 5003, 0)
      t += int(rng, 1000, 4000)
      push(t, 5001)
      t += int(rng, 30, 400)
      push(t, 5002, 1)
    }
    t += int(rng, 100, 900)
    push(t, 5003, 1)
    push(t + int(rng, 1, 30), 7000, rejoined ? 1 : 0)
    t += int(rng, 20, 200)
    initialNetwork = weighted(rng, networkTypes)
    push(t, 1003, initialNetwork)
    push(t + int(rng, 1, 20), 6001, pick(rng, [1, 2, 101, 102]), int(rng, 0, 3))
    t += int(rng, 20, 200)
    push(t, 3003, chance(rng, 0.9) ? 11 : 10)
    if (mobile) push(t + int(rng, 1, 30), 3004, chance(rng, 0.8) ? 0 : 1)
    t += int(rng, 20, 300)
    if (chance(rng, 0.02)) {
      push(t, 2002, 4)
    } else {
      push(t, 3001, 0)
      t += int(rng, 50, 500)
      push(t, 5009)
    }
    if (video) {
      t += int(rng, 50, 600)
      const rear = mobile && chance(rng, 0.1) ? 1 : 0
      if (chance(rng, 0.04)) {
        push(t, 4002, rear)
        t += int(rng, 500, 3000)
      }
      push(t, 4001, rear)
      t += int(rng, 20, 200)
      push(t, 4004, chance(rng, 0.7) ? 1 : 0)
      push(t + int(rng, 1, 20), 4006, 0, -1, 2)
      t += int(rng, 50, 500)
      push(t, 5004, -1, -1, 2)
      const [w, h, kbps] = pick(rng, resolutions)
      t += int(rng, 10, 100)
      push(t, 4003, w, h, 2)
      push(t + int(rng, 1, 20), 4008, pick(rng, [15, 20, 24, 30]), -1, 2)
      push(t + int(rng, 1, 40), 4009, kbps, -1, 2)
      if (chance(rng, 0.5)) push(t + int(rng, 1, 60), 4003, 320, 180, 3)
    }
  }
  const enteredMs = t

  // --- remote users: first packets and frames of everybody who overlaps -----------
  for (const other of room.sessions) {
    if (other.userId === self) continue
    const otherStart = other.joinTs * 1000
    const otherEnd = other.leaveTs * 1000
    if (otherEnd <= enteredMs || otherStart >= exitStart) continue
    const first = Math.max(enteredMs, otherStart) + int(rng, 300, 3000)
    if (first >= Math.min(exitStart, otherEnd)) continue
    const otherVideo = publishesVideo(seed, room.commId, other)
    if (other.userId.startsWith(relayPrefix)) {
      if (web) {
        push(first, 32777, -1, -1, 0, other.userId)
        push(first + int(rng, 10, 200), 32776, -1, -1, 7, other.userId)
      } else {
        push(first, 5006, -1, -1, 7, other.userId)
        push(first + int(rng, 30, 400), 5007, -1, -1, 7, other.userId)
      }
    } else if (web) {
      push(first, 32777, -1, -1, 0, other.userId)
      if (otherVideo) push(first + int(rng, 10, 200), 32776, -1, -1, 2, other.userId)
    } else if (otherVideo) {
      push(first, 5006, -1, -1, 2, other.userId)
      push(first + int(rng, 30, 400), 5007, -1, -1, 2, other.userId)
      if (chance(rng, 0.5)) push(first + int(rng, 400, 800), 4005, chance(rng, 0.7) ? 1 : 0, -1, 2, other.userId)
    }
  }

  // --- the middle of the call: random but stateful toggles -------------------------
  const span = exitStart - enteredMs - 2000
  if (span > 2000) {
    const hours = span / 3600000
    const count = Math.min(5000, Math.floor(eventsPerHour * hours * (0.5 + rng.next())))
    let muted = false
    let cameraOn = video
    let network = initialNetwork
    // Remote users present at `at` (publishing video, when asked), not relay robots.
    const remotesAt = (at: number, videoOnly: boolean): Array<SessionSkeleton> =>
      room.sessions.filter((o) =>
        o.userId !== self && !o.userId.startsWith(relayPrefix) && o.joinTs * 1000 < at && o.leaveTs * 1000 > at &&
        (!videoOnly || publishesVideo(seed, room.commId, o)))
    // Times first, in order, so stateful toggles (mute → unmute) read right after sorting; a
    // paired action (drop → reconnect) holds the timeline until its second half.
    const times: Array<number> = []
    for (let i = 0; i < count; i++) times.push(enteredMs + 1000 + Math.floor(rng.next() * span))
    times.sort((a, b) => a - b)
    let busyUntil = 0
    let laterFrom = 0
    const later = (min: number, max: number): number => {
      const t2 = Math.min(exitStart - 1, laterFrom + int(rng, min, max))
      busyUntil = Math.max(busyUntil, t2)
      return t2
    }
    for (const drawn of times) {
      if (drawn <= busyUntil) continue
      const at = drawn
      laterFrom = at
      if (web) {
        const action = weighted(rng, [["audio", 4], ["video", 3], ["device", 1], ["signal", 1], ["media", 1], ["update", 1], ["remote", 2], ["backend", 0.2]] as const)
        switch (action) {
          case "audio":
            push(at, muted ? 32774 : chance(rng, 0.5) ? 32771 : 32772)
            muted = !muted
            break
          case "video":
            if (video) {
              push(at, cameraOn ? (chance(rng, 0.5) ? 32770 : 32773) : 32775, -1, -1, 2)
              cameraOn = !cameraOn
            }
            break
          case "device":
            push(at, chance(rng, 0.5) ? 32780 : 32781)
            break
          case "signal":
            push(at, 32790)
            push(later(500, 8000), 32791)
            break
          case "media":
            push(at, 32792)
            push(later(500, 8000), 32793)
            break
          case "update":
            if (chance(rng, 0.5)) push(at, 32782, -1, -1, 2)
            else push(at, 32783)
            break
          case "remote": {
            const pair = pick(rng, [[32784, 32786, 2], [32785, 32787, 0], [32778, 32776, 2], [32779, 32777, 0]] as const)
            const peers = remotesAt(at, pair[2] === 2)
            if (peers.length > 0) {
              const peer = pick(rng, peers)
              push(at, pair[0], -1, -1, pair[2], peer.userId)
              push(Math.min(later(1000, 60000), peer.leaveTs * 1000 - 1), pair[1], -1, -1, pair[2], peer.userId)
            }
            break
          }
          case "backend":
            push(at, 36864)
            break
        }
      } else {
        const action = weighted(rng, [
          ["mute", 4],
          ["camera", 3],
          ["resolution", 3],
          ["network", 2],
          ["drop", 0.6],
          ["background", mobile ? 2 : 0],
          ["earphone", 1],
          ["bluetooth", mobile ? 0.5 : 0],
          ["cameraFail", 0.3],
          ["permission", 0.1],
          ["speaker", mobile ? 0.5 : 0],
          ["playback", 0.5],
          ["decode", 0.7],
          ["rps", 0.3],
          ["remoteImage", 1],
          ["subscribe", 0.7],
          ["smallStream", 0.5]
        ] as const)
        switch (action) {
          case "mute":
            push(at, 3001, muted ? 3 : 1)
            muted = !muted
            break
          case "camera":
            if (video) {
              if (cameraOn) {
                push(at, 4006, 1, -1, 2)
              } else {
                push(at, 4001, 0)
                push(at + int(rng, 20, 200), 4006, 0, -1, 2)
              }
              cameraOn = !cameraOn
            }
            break
          case "resolution":
            if (video && cameraOn) {
              const [w, h, kbps] = pick(rng, resolutions)
              push(at, chance(rng, 0.8) ? 4003 : 4007, w, h, 2)
              push(at + int(rng, 1, 30), 4008, pick(rng, [10, 15, 20, 24, 30]), -1, 2)
              push(at + int(rng, 1, 60), 4009, Math.round(kbps * (0.6 + rng.next() * 0.6)), -1, 2)
            }
            break
          case "smallStream":
            if (video && cameraOn) {
              const [w, h] = pick(rng, smallStreams)
              push(at, 4003, w, h, 3)
            }
            break
          case "network": {
            const next = weighted(rng, networkTypes.filter(([n]) => n !== network))
            push(at, 1003, next)
            network = next
            break
          }
          case "drop":
            push(at, 1003, 0)
            push(later(2000, 20000), 1003, network)
            break
          case "background":
            push(at, 2001, 1)
            push(later(5000, 120000), 2001, 0)
            break
          case "earphone":
            push(at, 1001, 1)
            push(later(60000, 900000), 1001, 0)
            break
          case "bluetooth":
            push(at, 1002, 1)
            push(later(60000, 900000), 1002, 0)
            break
          case "cameraFail":
            if (video) {
              const which = mobile && chance(rng, 0.5) ? 1 : 0
              push(at, 4002, which)
              push(later(500, 5000), 4001, which)
            }
            break
          case "permission":
            push(at, 2002, pick(rng, [1, 2, 3, 4, 5]))
            break
          case "speaker":
            push(at, 3004, int(rng, 0, 1))
            break
          case "playback":
            push(at, 3002, 1)
            push(later(2000, 120000), 3002, 0)
            break
          case "decode": {
            const peers = remotesAt(at, true)
            if (peers.length > 0) {
              const peer = pick(rng, peers).userId
              if (chance(rng, 0.5)) push(at, 4013, int(rng, 1, 30), int(rng, 0, 1), 2, peer)
              else push(at, chance(rng, 0.5) ? 4011 : 4012, -1, -1, 2, peer)
            }
            break
          }
          case "rps":
            if (video) push(at, 4010, 1, -1, 2)
            break
          case "remoteImage": {
            const peers = remotesAt(at, true)
            if (peers.length > 0) {
              const peer = pick(rng, peers)
              push(at, 4014, 1, -1, 2, peer.userId)
              push(Math.min(later(1000, 60000), peer.leaveTs * 1000 - 1), 4014, 0, -1, 2, peer.userId)
            }
            break
          }
          case "subscribe": {
            const peers = remotesAt(at, true)
            if (peers.length > 0) {
              const peer = pick(rng, peers)
              push(at, 4015, 0, -1, 2, peer.userId)
              push(Math.min(later(1000, 60000), peer.leaveTs * 1000 - 1), 4015, 1, -1, 2, peer.userId)
            }
            break
          }
        }
      }
    }
  }

  // --- leaving --------------------------------------------------------------
  if (session.finished) {
    if (web) {
      pushExit(exitStart, 32789)
    } else if (chance(rng, 0.05)) {
      // The connection died: the server times the user out, no clean exit is reported.
      pushExit(exitStart, 1003, 0)
      pushExit(endMs, 7001, 1)
    } else {
      if (chance(rng, 0.02)) pushExit(exitStart, 5008, 0)
      pushExit(Math.min(endMs, exitStart + int(rng, 20, 150)), 5008, 1)
      pushExit(endMs, 7001, chance(rng, 0.03) ? 2 : 0)
    }
  }

  return finish(drafts, session, startMs, endMs, exitStart)
}

/** Short sessions squeeze the sequence: clamping keeps the order and the session bounds. */
const byDraftTime = (a: Draft, b: Draft): number => a.t - b.t

const finish = (drafts: Array<Draft>, session: SessionSkeleton, startMs: number, endMs: number, exitStart: number): Array<Event> => {
  const lastMs = session.finished ? exitStart - 1 : endMs
  for (const d of drafts) if (!d.exit) d.t = Math.max(startMs, Math.min(lastMs, d.t))
  drafts.sort(byDraftTime)
  const out: Array<Event> = new Array(drafts.length)
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!
    out[i] = { peerId: d.peerId, type: d.type, timeMs: d.t, eventId: d.eventId, paramOne: d.paramOne, paramTwo: d.paramTwo }
  }
  return out
}

// ---------------------------------------------------------------------------
// abnormal experiences
// ---------------------------------------------------------------------------

// How many abnormal experiences a session has: most none.
const abnormalCounts = [[0, 60], [1, 28], [2, 9], [3, 3]] as const

/**
 * Abnormal experiences of one session (`DescribeUnusualEvent`), sorted by time: most sessions
 * have none, some one to three. Start-up trouble (slow entry, video or audio that would not
 * start) shows in the first half minute, lag anywhere in the stay; causes about what is
 * received name a remote user in the call at that moment (publishing video, for video). Drawn
 * from a PRNG of the session's own identity, so adding them left every other field as it was.
 */
export const abnormalOf = (seed: number, room: RoomSkeleton, session: SessionSkeleton): Array<AbnormalExperience> => {
  if (session.userId.startsWith(relayPrefix)) return []
  const rng = mulberry32(hash32(seed, "abnormal", room.commId, session.userId, session.joinTs))
  const count = weighted(rng, abnormalCounts)
  if (count === 0) return []
  const duration = session.leaveTs - session.joinTs
  const video = publishesVideo(seed, room.commId, session)
  const out: Array<AbnormalExperience> = []
  for (let i = 0; i < count; i++) {
    const experienceId = weighted(rng, [[1, 2], [2, video ? 1 : 0], [3, 1], [4, video ? 3 : 0], [5, 3]] as const)
    const eventTime = session.joinTs + int(rng, 0, experienceId <= 3 ? Math.min(30, duration) : duration)
    // Looked for only when a downstream cause is drawn: most experiences need no peer.
    let peers: Array<SessionSkeleton> | undefined
    const peersNow = () =>
      peers ??= room.sessions.filter((o) =>
        o.userId !== session.userId && !o.userId.startsWith(relayPrefix) && o.joinTs <= eventTime && o.leaveTs >= eventTime &&
        (experienceId !== 4 || publishesVideo(seed, room.commId, o)))
    const pool = causes[experienceId]!
    const events: Array<AbnormalEvent> = []
    const wanted = int(rng, 1, 3)
    for (let tries = 0; tries < 6 && events.length < wanted; tries++) {
      const id = pick(rng, pool)
      if (events.some((e) => e.abnormalEventId === id)) continue
      if (!isDownstreamEventId(id)) events.push({ abnormalEventId: id, peerId: "" })
      // Nobody to receive from: a downstream cause cannot be it.
      else if (peersNow().length > 0) events.push({ abnormalEventId: id, peerId: pick(rng, peersNow()).userId })
    }
    if (events.length === 0) events.push({ abnormalEventId: pool.find((id) => !isDownstreamEventId(id))!, peerId: "" })
    out.push({ experienceId, eventTime, events })
  }
  return out.sort((a, b) => a.eventTime - b.eventTime)
}

/** Whole skeleton of a data set: apps with rooms and sessions, no events yet. */
export const skeletonOf = (options: ResolvedOptions): Array<{ readonly sdkAppId: number; readonly rooms: Array<RoomSkeleton> }> =>
  options.apps.map((sdkAppId, i) => ({ sdkAppId, rooms: roomsOf(options, i, sdkAppId) }))

/** Attaches events to a skeleton, either computed now or computed on every read. */
export const attachEvents = (options: ResolvedOptions, lazy: boolean): Array<App> =>
  skeletonOf(options).map((app) => ({
    sdkAppId: app.sdkAppId,
    rooms: app.rooms.map((room): Room => ({
      roomId: room.roomId,
      commId: room.commId,
      createTime: room.createTime,
      destroyTime: room.destroyTime,
      isFinished: room.isFinished,
      creatorUserId: room.creatorUserId,
      sessions: room.sessions.map((s): Session => {
        const base = {
          userId: s.userId,
          joinTs: s.joinTs,
          leaveTs: s.leaveTs,
          finished: s.finished,
          deviceType: s.deviceType,
          sdkVersion: s.sdkVersion,
          clientIp: s.clientIp
        }
        const abnormal = abnormalOf(options.seed, room, s)
        // Only sessions that have some carry the key (after `events`, in both forms).
        const extra = abnormal.length === 0 ? {} : { abnormal }
        if (!lazy) return { ...base, events: eventsOf(options.seed, room, s, options.eventsPerHour), ...extra }
        // An enumerable getter: JSON.stringify and spreads see `events` as a plain field,
        // but nothing is kept in memory between reads.
        return Object.assign(
          Object.defineProperty(base, "events", {
            enumerable: true,
            get: () => eventsOf(options.seed, room, s, options.eventsPerHour)
          }),
          extra
        ) as unknown as Session
      })
    }))
  }))
