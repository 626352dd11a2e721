/**
 * Paging within one time window: `PageNumber` from 0, `PageSize` up to 100, stop on a short
 * page. `Total` is never used: the docs disagree on whether it counts the page or the whole
 * result, so the only safe end is a page with fewer rows than asked for. A server that ignores
 * `PageNumber` would make that loop forever, so a full page identical to the previous one ends
 * the window with a typed error, and so does an absurd number of pages.
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Constants from "./internal/models/constants.js"

/**
 * The largest page the query APIs accept (`Models.maxPageSize`).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSize: number = Constants.maxPageSize

/**
 * The most rows one window is paged through: 10,000. TRTC documents no total, but its query
 * errors (`InternalError.EsQueryError`) show an Elasticsearch store, whose default result window
 * (`index.max_result_window`, `from + size`) is 10,000 rows: 100 pages at the largest page size.
 * A server that goes on answering full pages past it is broken (or the window needs narrowing),
 * and paging on would never end. Inference from the error list, not a documented figure.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRowsPerWindow = 10_000

/**
 * The page cap of a window at `pageSize` rows a page: as many pages as {@link maxRowsPerWindow}
 * rows take (100 at the largest page size, 1,667 at the 6 users a `DataType` query allows).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPagesFor = (pageSize: number): number => Math.ceil(maxRowsPerWindow / Math.max(1, Math.floor(pageSize)))

/**
 * Paging did not end: the server answered the same full page twice, or more pages than
 * `maxPages`.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaginationError extends Schema.TaggedError<PaginationError>()("PaginationError", {
  action: Schema.String,
  pageNumber: Schema.Number,
  reason: Schema.Literal("RepeatedPage", "TooManyPages"),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.action}: paging stopped at page ${this.pageNumber} (${this.reason}): ${this.detail}`
  }
}

/**
 * How to page.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<A> {
  /** For the error message. */
  readonly action: string
  /** Rows per page, 1..100 (default 100). */
  readonly pageSize?: number | undefined
  /** A guard against a server that never answers a short page (default {@link maxPagesFor} the page size). */
  readonly maxPages?: number | undefined
  /** How rows are compared to detect a repeated page (default `Equal.equals`). */
  readonly equals?: ((a: A, b: A) => boolean) | undefined
  /** Called after each page is received (progress counters). */
  readonly onPage?: ((pageNumber: number, rows: number) => Effect.Effect<void>) | undefined
}

interface State<A> {
  readonly pageNumber: number
  readonly previous: ReadonlyArray<A> | undefined
}

const samePage = <A>(a: ReadonlyArray<A>, b: ReadonlyArray<A>, equals: (x: A, y: A) => boolean): boolean =>
  a.length === b.length && a.every((x, i) => equals(x, b[i]))

/**
 * Every row of a window, page by page: `fetch(pageNumber, pageSize)` is asked for page 0, 1, …
 * until a page has fewer than `pageSize` rows. Pages are requested one at a time, when the
 * consumer wants more (backpressure), so memory holds at most two pages.
 *
 * @since 0.1.0
 * @category constructors
 */
export const pages = <A, E, R>(
  fetch: (pageNumber: number, pageSize: number) => Effect.Effect<ReadonlyArray<A>, E, R>,
  options: Options<A>
): Stream.Stream<A, E | PaginationError, R> => {
  const pageSize = Math.max(1, Math.min(maxPageSize, Math.floor(options.pageSize ?? maxPageSize)))
  const maxPages = options.maxPages ?? maxPagesFor(pageSize)
  const equals = options.equals ?? Equal.equals
  return Stream.paginateChunkEffect<State<A>, A, E | PaginationError, R>(
    { pageNumber: 0, previous: undefined },
    (state) =>
      Effect.gen(function*() {
        if (state.pageNumber >= maxPages) {
          return yield* new PaginationError({
            action: options.action,
            pageNumber: state.pageNumber,
            reason: "TooManyPages",
            detail: `${maxPages} full pages of ${pageSize} rows and no short page: more than the ${maxRowsPerWindow} rows one window serves; ` +
              "the server ignores paging (check the endpoint) or the window is too busy (narrow the period)"
          })
        }
        const rows = yield* fetch(state.pageNumber, pageSize)
        if (options.onPage !== undefined) yield* options.onPage(state.pageNumber, rows.length)
        if (rows.length > 0 && state.previous !== undefined && samePage(rows, state.previous, equals)) {
          return yield* new PaginationError({
            action: options.action,
            pageNumber: state.pageNumber,
            reason: "RepeatedPage",
            detail: `page ${state.pageNumber} repeats page ${state.pageNumber - 1}; the server seems to ignore PageNumber`
          })
        }
        const next: Option.Option<State<A>> = rows.length < pageSize
          ? Option.none()
          : Option.some({ pageNumber: state.pageNumber + 1, previous: rows })
        return [Chunk.fromIterable(rows), next] as const
      })
  )
}
