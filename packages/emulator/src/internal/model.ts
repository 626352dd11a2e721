/**
 * The shape of the data the server answers from: the same plain JSON-able structure as
 * `DataSet` (contracts.md), declared structurally here so the server does not depend on the
 * generator.
 *
 * @internal
 */

/** One event reported by a client SDK. */
export interface EventShape {
  readonly peerId: string
  readonly type: number
  readonly timeMs: number
  readonly eventId: number
  readonly paramOne: number
  readonly paramTwo: number
}

/** One stay of a user in a room; a user who rejoins has several. */
export interface SessionShape {
  readonly userId: string
  readonly joinTs: number
  readonly leaveTs: number
  readonly finished: boolean
  readonly deviceType: string
  readonly sdkVersion: string
  readonly clientIp: string
  readonly events: ReadonlyArray<EventShape>
}

/** One call (a room between its creation and destruction). */
export interface RoomShape {
  readonly roomId: string
  readonly commId: string
  readonly createTime: number
  readonly destroyTime: number
  readonly isFinished: boolean
  readonly creatorUserId: string
  readonly sessions: ReadonlyArray<SessionShape>
}

/** One application. */
export interface AppShape {
  readonly sdkAppId: number
  readonly rooms: ReadonlyArray<RoomShape>
}

/** A whole data set. */
export interface DataSetShape {
  readonly seed: number
  readonly anchor: number
  readonly apps: ReadonlyArray<AppShape>
}
