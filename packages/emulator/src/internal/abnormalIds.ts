/**
 * The ids of `DescribeUnusualEvent`: exceptional experiences and the abnormal events that cause
 * them, from Tencent Cloud's "Event ID Mapping Table" (https://trtc.io/document/37906, tables
 * 5.3 Exceptional Experience, 5.4 Exceptional Room Dismissal Event, 5.5 Real-Time Exceptional
 * Event). The emulator keeps its own copy of these wire facts on purpose: it is the independent
 * check of the client (core has its copy in its event tables), so the two must not share code.
 *
 * Which events are drawn for which experience is the emulator's own plausible choice (the
 * tables give no such mapping): causes that would produce that experience.
 *
 * @internal
 */

/** Table 5.3: 1 slow room entry, 2 video could not start, 3 audio could not start, 4 video lag, 5 audio lag. */
export const experienceIds: ReadonlyArray<number> = [1, 2, 3, 4, 5]

/** Table 5.4 (1001–1032): reported after the room is dismissed, queryable only then. */
export const isDismissalEventId = (id: number): boolean => Number.isInteger(id) && id >= 1001 && id <= 1032

/** Table 5.5 (2001–2026): reported in real time (statistics delay under 5 minutes). */
export const isRealTimeEventId = (id: number): boolean => Number.isInteger(id) && id >= 2001 && id <= 2026

/** An id of table 5.4 or 5.5. */
export const isAbnormalEventId = (id: number): boolean => isDismissalEventId(id) || isRealTimeEventId(id)

/**
 * Table 5.5's downstream events (2013–2026: latency, jitter, loss, silence, rendering and lag of
 * what is received) are about a remote user's stream: they carry that user as `PeerId`.
 */
export const isDownstreamEventId = (id: number): boolean => id >= 2013 && id <= 2026

/** Causes drawn for each experience (ids of tables 5.4 and 5.5). */
export const causes: Readonly<Record<number, ReadonlyArray<number>>> = {
  // Token, access server, entry failures and timeouts, an IP change, upstream latency.
  1: [1003, 1004, 1005, 1007, 1013, 2003],
  // Camera: device init, open failure, permission, parameters, busy, encoding, resolution.
  2: [1002, 1015, 1016, 1017, 1018, 1029, 1030],
  // Mic and speaker: device init, open failure, permission, parameters, busy, encoding, sample rate.
  3: [1001, 1019, 1020, 1021, 1022, 1023, 1031, 1032],
  // CPU, upstream big-image loss and capture FPS, downstream latency, jitter, loss, FPS, lag.
  4: [2001, 2002, 2007, 2010, 2013, 2014, 2017, 2020, 2024],
  // CPU, upstream jitter, audio loss, zero capture volume, downstream audio loss, playback, lag.
  5: [2001, 2002, 2004, 2005, 2006, 2015, 2016, 2023]
}
