/**
 * The table of action declarations: the one list `Trtc.make`, `Models`' tables and the streams
 * read. Its type requires one declaration per name of `actionNames`, each under its own name.
 *
 * @internal
 */
import type * as Action from "../../Action.js"
import { describeCallDetailInfo } from "./DescribeCallDetailInfo.js"
import { describeRoomInfo } from "./DescribeRoomInfo.js"
import { describeUnusualEvent } from "./DescribeUnusualEvent.js"
import { describeUserEvent } from "./DescribeUserEvent.js"
import { describeUserInfo } from "./DescribeUserInfo.js"

/** The actions this library speaks, in the order of the API docs. @internal */
export const actionNames = [
  "DescribeRoomInfo",
  "DescribeUserInfo",
  "DescribeCallDetailInfo",
  "DescribeUserEvent",
  "DescribeUnusualEvent"
] as const

/** @internal */
export type ActionName = typeof actionNames[number]

const declarations = {
  DescribeRoomInfo: describeRoomInfo,
  DescribeUserInfo: describeUserInfo,
  DescribeCallDetailInfo: describeCallDetailInfo,
  DescribeUserEvent: describeUserEvent,
  DescribeUnusualEvent: describeUnusualEvent
} as const

/** @internal */
export type Table = typeof declarations

// A name without its declaration, or a declaration under another name, does not compile.
/** @internal */
export const table: Table & { readonly [A in ActionName]: Action.Any & { readonly name: A } } = declarations

/** The declaration of an action. @internal */
export type Declaration<A extends ActionName> = Table[A]

/** @internal */
export type RequestOf<A extends ActionName> = Action.Request<Table[A]>

/** @internal */
export type ResponseOf<A extends ActionName> = Action.Response<Table[A]>
