/**
 * Duplicate removal across window edges. Consecutive windows share their edge second (see
 * `Windows`), and a bisected window re-asks for its edge, so a record can arrive twice. Nothing
 * here remembers a whole export: a key is only remembered from one window to the next, and only
 * when the record is near the edge (the caller says which records can be), so memory is bounded
 * by what one window holds near its edge, not by the length of the export.
 *
 * @since 0.1.0
 */

/**
 * A duplicate filter over consecutive windows: feed it each window's records in order.
 *
 * @since 0.1.0
 * @category models
 */
export interface WindowFilter<A> {
  /** The records of the next window, without those already seen in it or at the previous edge. */
  readonly next: (records: ReadonlyArray<A>) => Array<A>
  /** How many keys are remembered right now (for tests and the memory budget). */
  readonly remembered: () => number
}

/**
 * Makes a stateful filter. `remember(record)` says whether a record can come again in the next
 * window (default: every record, for records whose time the window does not decide, like rooms
 * that overlap a window); records that cannot come back are never remembered.
 *
 * @since 0.1.0
 * @category constructors
 */
export const windowFilter = <A>(
  key: (record: A) => string,
  remember: (record: A) => boolean = () => true
): WindowFilter<A> => {
  let previous = new Set<string>()
  return {
    next: (records) => {
      const seen = new Set<string>()
      const carried = new Set<string>()
      const out: Array<A> = []
      for (const record of records) {
        const k = key(record)
        if (seen.has(k)) continue
        seen.add(k)
        // Kept in `carried` even when dropped: a record spanning three windows must be
        // recognised in the third one too.
        if (remember(record)) carried.add(k)
        if (!previous.has(k)) out.push(record)
      }
      previous = carried
      return out
    },
    remembered: () => previous.size
  }
}

/**
 * The pure form of `windowFilter`: every record of a sequence of windows, each once.
 *
 * @since 0.1.0
 * @category combinators
 */
export const acrossWindows = <A>(
  windows: Iterable<ReadonlyArray<A>>,
  key: (record: A) => string,
  remember?: (record: A) => boolean
): Array<A> => {
  const filter = windowFilter(key, remember)
  const out: Array<A> = []
  for (const records of windows) for (const record of filter.next(records)) out.push(record)
  return out
}

/**
 * The identity of a room: its call id.
 *
 * @since 0.1.0
 * @category keys
 */
export const roomKey = (room: { readonly commId: string }): string => room.commId

/**
 * What identifies one event.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventIdentity {
  readonly commId: string
  readonly userId: string
  readonly peerId: string
  readonly timeMs: number
  readonly eventId: number
  readonly type: number
  readonly paramOne: number
  readonly paramTwo: number
}

/**
 * The natural key of an event: (CommId, UserId, PeerId, Time, EventId, Type, ParamOne, ParamTwo).
 *
 * @since 0.1.0
 * @category keys
 */
export const eventKey = (event: EventIdentity): string =>
  `${event.commId}\u0000${event.userId}\u0000${event.peerId}\u0000${event.timeMs}\u0000${event.eventId}` +
  `\u0000${event.type}\u0000${event.paramOne}\u0000${event.paramTwo}`

/**
 * Whether an event of a window ending at `windowEnd` (Unix s) can be returned again by the next
 * window, which starts at that second: only events of the last two seconds are remembered.
 *
 * @since 0.1.0
 * @category keys
 */
export const nearEdge = (windowEnd: number, timeMs: number): boolean => timeMs >= (windowEnd - 1) * 1000

/**
 * Removes the duplicate events of consecutive windows, remembering only events near each edge.
 * Call `next(windowEnd, events)` per window, in order.
 *
 * @since 0.1.0
 * @category constructors
 */
export const eventFilter = <A extends EventIdentity>() => {
  let end = 0
  const filter = windowFilter<A>(eventKey, (event) => nearEdge(end, event.timeMs))
  return {
    next: (windowEnd: number, events: ReadonlyArray<A>): Array<A> => {
      end = windowEnd
      return filter.next(events)
    },
    remembered: filter.remembered
  }
}

/**
 * One row of `DescribeUserInfo`: a user's presence in a call.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserSpan {
  readonly userId: string
  readonly joinTs: number
  readonly leaveTs: number
  readonly finished: boolean
}

/**
 * A user of a call with every presence merged: the earliest join, the latest leave, and the
 * distinct sessions (by join and leave time) in join order.
 *
 * @since 0.1.0
 * @category models
 */
export interface MergedUser<A extends UserSpan> {
  readonly userId: string
  readonly joinTs: number
  readonly leaveTs: number
  /** Every session has ended. */
  readonly finished: boolean
  readonly sessions: ReadonlyArray<A>
}

/**
 * Merges the user rows of one call (from any number of windows, in any order, with repeats) into
 * one entry per user, ordered by first join then user id. Idempotent: merging the sessions of
 * the result again gives the result.
 *
 * @since 0.1.0
 * @category combinators
 */
export const mergeUsers = <A extends UserSpan>(rows: Iterable<A>): Array<MergedUser<A>> => {
  const byUser = new Map<string, Map<string, A>>()
  for (const row of rows) {
    let sessions = byUser.get(row.userId)
    if (sessions === undefined) {
      sessions = new Map()
      byUser.set(row.userId, sessions)
    }
    const k = `${row.joinTs}:${row.leaveTs}`
    const known = sessions.get(k)
    // The same session seen twice (two windows): a finished sighting is the later truth.
    if (known === undefined || (!known.finished && row.finished)) sessions.set(k, row)
  }
  const out: Array<MergedUser<A>> = []
  for (const [userId, sessionMap] of byUser) {
    const sessions = [...sessionMap.values()].sort((a, b) => a.joinTs - b.joinTs || a.leaveTs - b.leaveTs)
    out.push({
      userId,
      joinTs: Math.min(...sessions.map((s) => s.joinTs)),
      leaveTs: Math.max(...sessions.map((s) => s.leaveTs)),
      finished: sessions.every((s) => s.finished),
      sessions
    })
  }
  return out.sort((a, b) => a.joinTs - b.joinTs || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
}
