/**
 * One TRTC API action as one declaration: its name, request and response classes (whose fields
 * are the wire codecs; the fast codecs are derived from them), the checks a request passes
 * before it is sent, its span, paging and retention limits and the error codes it documents.
 * `Trtc.make`, the streams' window and page walk and `Models`' tables are derived from the
 * declarations, so adding an action is adding one declaration (and its line in the table).
 *
 * @since 0.1.0
 */
import type * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import type * as Validation from "./internal/models/validation.js"
import type { RequestValidationError } from "./TrtcError.js"

/**
 * Options of the request checks: "now" (to refuse a start older than the retention window)
 * and the plan's retention.
 *
 * @since 0.1.0
 * @category models
 */
export type ValidateOptions = Validation.ValidateOptions

/**
 * How an action's rows are paged: `PageNumber` from 0 with a `PageSize` (`maxPageSize` at
 * most, `defaultPageSize` when omitted, `maxPageSizeWithDataType` when `DataType` is set), not
 * at all (one whole answer per window), or `capped`: one answer per window holding at most
 * `maxRows` rows and no way to ask for the rest, so a full answer means a narrower window.
 *
 * @since 0.1.0
 * @category models
 */
export type Paging =
  | {
    readonly style: "PageNumber"
    readonly defaultPageSize: number
    readonly maxPageSize: number
    readonly maxPageSizeWithDataType: number | undefined
  }
  | { readonly style: "none" }
  | { readonly style: "capped"; readonly maxRows: number }

/**
 * A request class: a `Schema` of its instances whose constructor takes the fields.
 *
 * @since 0.1.0
 * @category models
 */
export type RequestClass<Req> = Schema.Schema.AnyNoContext & { readonly Type: Req } & (abstract new(...args: never) => Req)

/**
 * The declaration of one action. Every key is required (write `undefined` where a limit does
 * not apply), so a declaration that forgets a part does not compile.
 *
 * @since 0.1.0
 * @category models
 */
export interface Action<Name extends string, Req, Res> {
  /** The `X-TC-Action`. */
  readonly name: Name
  /** What it answers, one line (the `Trtc.Service` method's summary). */
  readonly summary: string
  readonly request: RequestClass<Req>
  /** The object inside `{"Response": ...}`. */
  readonly response: Schema.Schema.AnyNoContext & { readonly Type: Res }
  /** The checks before sending: the first failure names the field, the problem and the fix. */
  readonly validate: (request: Req, options?: ValidateOptions) => Either.Either<Req, RequestValidationError>
  /** The longest `EndTime − StartTime` in seconds (`Infinity` when none is documented). */
  readonly maxSpanSeconds: number
  /** The longest span when `DataType` is set, where it differs. */
  readonly maxSpanSecondsWithDataType: number | undefined
  readonly paging: Paging
  /** Days back the API keeps this action's data on the standard plan. */
  readonly retentionDays: number
  /**
   * The codes the docs list for this action beyond the common ones (every code decodes to its
   * `TrtcError` family; an unknown one to `UnknownApiError`).
   */
  readonly errorCodes: ReadonlyArray<string>
}

/**
 * Any action declaration (without its `validate`, whose request type makes declarations of
 * different actions incomparable).
 *
 * @since 0.1.0
 * @category models
 */
export interface Any {
  readonly name: string
  readonly summary: string
  readonly request: Schema.Schema.AnyNoContext
  readonly response: Schema.Schema.AnyNoContext
  readonly maxSpanSeconds: number
  readonly maxSpanSecondsWithDataType: number | undefined
  readonly paging: Paging
  readonly retentionDays: number
  readonly errorCodes: ReadonlyArray<string>
}

/**
 * The request type of a declaration.
 *
 * @since 0.1.0
 * @category models
 */
export type Request<A extends Any> = Schema.Schema.Type<A["request"]>

/**
 * The response type of a declaration.
 *
 * @since 0.1.0
 * @category models
 */
export type Response<A extends Any> = Schema.Schema.Type<A["response"]>

/**
 * Declares an action (the identity, with the types inferred and checked; the paging and the
 * `DataType` span keep their literal types for the tables derived from them).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  const Name extends string,
  Req,
  Res,
  const P extends Paging,
  const W extends number | undefined
>(
  declaration: Action<Name, Req, Res> & { readonly paging: P; readonly maxSpanSecondsWithDataType: W }
): Action<Name, Req, Res> & { readonly paging: P; readonly maxSpanSecondsWithDataType: W } => declaration

/**
 * The widest span an action accepts for a request: with `DataType` its `maxSpanSecondsWithDataType`
 * where it has one.
 *
 * @since 0.1.0
 * @category getters
 */
export const maxSpanSecondsFor = (action: Any, withDataType: boolean): number =>
  withDataType && action.maxSpanSecondsWithDataType !== undefined ? action.maxSpanSecondsWithDataType : action.maxSpanSeconds

/**
 * The `Trtc.Service` method of an action: `DescribeUserEvent` → `describeUserEvent`.
 *
 * @since 0.1.0
 * @category getters
 */
export const methodName = <Name extends string>(name: Name): Uncapitalize<Name> =>
  `${name.charAt(0).toLowerCase()}${name.slice(1)}` as Uncapitalize<Name>
