/**
 * A fast structural check that accepts exactly the values `DataSetSchema` accepts unchanged
 * (right types, integers where integers are due, no extra keys). Decoding a million events
 * through Schema takes seconds; this loop takes a fraction of that. Anything it does not
 * accept goes through Schema, which then names the problem (or strips the extra keys).
 *
 * @internal
 */
import type { AbnormalExperience, Session } from "../DataSet.js"
import { experienceIds, isAbnormalEventId } from "./abnormalIds.js"

type Obj = Record<string, unknown>

const isObject = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)

const isInt = (u: unknown): boolean => typeof u === "number" && Number.isSafeInteger(u)

const isNat = (u: unknown): boolean => typeof u === "number" && Number.isSafeInteger(u) && u >= 0

const keyCount = (o: Obj): number => {
  let n = 0
  for (const key in o) if (Object.prototype.hasOwnProperty.call(o, key)) n++
  return n
}

const isEvent = (u: unknown): boolean =>
  isObject(u) &&
  typeof u["peerId"] === "string" &&
  isInt(u["type"]) &&
  isNat(u["timeMs"]) &&
  isInt(u["eventId"]) &&
  isInt(u["paramOne"]) &&
  isInt(u["paramTwo"]) &&
  keyCount(u) === 6

const isAbnormalEvent = (u: unknown): boolean =>
  isObject(u) && isInt(u["abnormalEventId"]) && typeof u["peerId"] === "string" && keyCount(u) === 2

const isAbnormal = (u: unknown): boolean => {
  if (!isObject(u) || !isInt(u["experienceId"]) || !isNat(u["eventTime"]) || !Array.isArray(u["events"]) || keyCount(u) !== 3) return false
  for (const event of u["events"] as Array<unknown>) if (!isAbnormalEvent(event)) return false
  return true
}

const isSession = (u: unknown): boolean => {
  // `abnormal` is optional: data sets from before it load unchanged.
  const abnormal = isObject(u) ? u["abnormal"] : undefined
  if (abnormal !== undefined && (!Array.isArray(abnormal) || !abnormal.every(isAbnormal))) return false
  if (
    !isObject(u) ||
    typeof u["userId"] !== "string" ||
    !isNat(u["joinTs"]) ||
    !isNat(u["leaveTs"]) ||
    typeof u["finished"] !== "boolean" ||
    typeof u["deviceType"] !== "string" ||
    typeof u["sdkVersion"] !== "string" ||
    typeof u["clientIp"] !== "string" ||
    !Array.isArray(u["events"]) ||
    keyCount(u) !== (abnormal === undefined ? 8 : 9)
  ) return false
  for (const event of u["events"] as Array<unknown>) if (!isEvent(event)) return false
  return true
}

const isRoom = (u: unknown): boolean => {
  if (
    !isObject(u) ||
    typeof u["roomId"] !== "string" ||
    typeof u["commId"] !== "string" ||
    !isNat(u["createTime"]) ||
    !isNat(u["destroyTime"]) ||
    typeof u["isFinished"] !== "boolean" ||
    typeof u["creatorUserId"] !== "string" ||
    !Array.isArray(u["sessions"]) ||
    keyCount(u) !== 7
  ) return false
  for (const session of u["sessions"] as Array<unknown>) if (!isSession(session)) return false
  return true
}

const isApp = (u: unknown): boolean => {
  if (!isObject(u) || !isNat(u["sdkAppId"]) || !Array.isArray(u["rooms"]) || keyCount(u) !== 2) return false
  for (const room of u["rooms"] as Array<unknown>) if (!isRoom(room)) return false
  return true
}

/** True when the value is already exactly a data set (Schema would return it unchanged). */
export const isExactDataSet = (u: unknown): boolean => {
  if (!isObject(u) || !isNat(u["seed"]) || !isNat(u["anchor"]) || !Array.isArray(u["apps"]) || keyCount(u) !== 3) return false
  for (const app of u["apps"] as Array<unknown>) if (!isApp(app)) return false
  return true
}

/**
 * What is wrong with an abnormal experience of a session (ids outside tables 5.3–5.5, a time
 * outside the session), with the path below it; `undefined` when it is fine.
 */
export const abnormalProblem = (abnormal: AbnormalExperience, session: Session): { readonly field: string; readonly problem: string } | undefined => {
  if (!experienceIds.includes(abnormal.experienceId)) {
    return { field: ".experienceId", problem: `${abnormal.experienceId} is not an exceptional experience id; use 1–5 (table 5.3)` }
  }
  if (abnormal.eventTime < session.joinTs || abnormal.eventTime > session.leaveTs) {
    return { field: ".eventTime", problem: `${abnormal.eventTime} lies outside its session ${session.joinTs}–${session.leaveTs} (s)` }
  }
  for (let e = 0; e < abnormal.events.length; e++) {
    const id = abnormal.events[e]!.abnormalEventId
    if (!isAbnormalEventId(id)) {
      return { field: `.events[${e}].abnormalEventId`, problem: `${id} is not an abnormal event id; use 1001–1032 (table 5.4) or 2001–2026 (table 5.5)` }
    }
  }
  return undefined
}
