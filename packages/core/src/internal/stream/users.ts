/**
 * The users of a call (`DescribeUserInfo` over its windows), every session merged.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as CommId from "../../CommId.js"
import * as Dedupe from "../../Dedupe.js"
import * as Models from "../../Models.js"
import * as Paginate from "../../Paginate.js"
import type * as TrtcStream from "../../TrtcStream.js"
import * as Windows from "../../Windows.js"
import * as Env from "./env.js"

/** @internal */
export const createTimeOf = (call: TrtcStream.CallRef): number =>
  call.createTime ?? Option.match(CommId.parse(call.commId), { onNone: () => 0, onSome: (parts) => parts.createTime })

/** The servable part of a call's life: cut to `period` when given, clamped to retention and now. */
/** @internal */
export const servableCallWindow = (e: Env.Env, call: TrtcStream.CallRef, period: TrtcStream.Period | undefined) =>
  Effect.gen(function*() {
    const now = yield* e.trtc.nowSeconds
    const end = call.isFinished === true && call.destroyTime !== undefined && call.destroyTime > 0
      ? call.destroyTime
      : Math.max(call.destroyTime ?? 0, now)
    const life = Windows.make(createTimeOf(call), end)
    const wanted = period === undefined ? Option.some(life) : Windows.intersect(life, period)
    if (Option.isNone(wanted)) return Option.none<Windows.Window>()
    // Pure clamp: the period was clamped (and warned about) once already where it came from.
    return Windows.clamp(wanted.value, { nowSeconds: now, retentionDays: e.retentionDays }).window
  })

/** @internal */
export const usersOfCall = (e: Env.Env, call: TrtcStream.CallRef, period: TrtcStream.Period | undefined): Effect.Effect<Array<TrtcStream.User>, TrtcStream.StreamError> =>
  Effect.gen(function*() {
    const span = yield* servableCallWindow(e, call, period)
    if (Option.isNone(span)) return []
    const rows: Array<Models.UserInformation> = []
    for (const window of Windows.split(span.value, Models.declarations.DescribeUserInfo.maxSpanSeconds)) {
      const found = yield* Env.withBisection<Array<Models.UserInformation>, never>(
        e,
        window,
        (w) =>
          Stream.runCollect(Paginate.pages(
            (pageNumber, pageSize) =>
              Effect.map(
                Env.send(e, e.trtc.describeUserInfo(new Models.DescribeUserInfoRequest({
                  commId: call.commId,
                  startTime: w.start,
                  endTime: w.end,
                  sdkAppId: call.sdkAppId,
                  pageNumber,
                  pageSize
                }))),
                (response) => response.userList
              ),
            Env.pagingOf(e, Models.declarations.DescribeUserInfo, false)
          )).pipe(Effect.map((chunk): Array<Models.UserInformation> => Array.from(chunk))),
        (a, b) => [...a, ...b]
      )
      for (const row of found) rows.push(row)
    }
    const users = Dedupe.mergeUsers(rows).map((u): TrtcStream.User => ({
      sdkAppId: call.sdkAppId,
      commId: call.commId,
      roomId: call.roomId,
      userId: u.userId,
      joinTs: u.joinTs,
      leaveTs: u.leaveTs,
      finished: u.finished,
      sessions: u.sessions
    }))
    yield* e.add({ users: users.length })
    return users
  })
