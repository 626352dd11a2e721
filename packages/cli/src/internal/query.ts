// `--query`: a JMESPath expression (as in the AWS CLI and tccli) through the maintained
// @jmespath-community/jmespath. Compiled once when the flags are read, so a bad expression is a
// usage error before any request, naming the column where it goes wrong.
import * as JmesPath from "@jmespath-community/jmespath"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { UsageError } from "../CliError.js"
import * as Output from "../Output.js"

/** A compiled `--query` expression. */
export interface Query {
  readonly expression: string
  /** Applies the expression to one value (a record, or the whole array for `json`). */
  readonly apply: (value: unknown) => Either.Either<unknown, UsageError>
}

const fix = "write a JMESPath expression (https://jmespath.site), e.g. --query \"{user: userId, event: eventName}\""

const messageOf = (error: unknown) => error instanceof Error ? error.message : String(error)

// The library's parser errors do not say where: find the first token at which the expression
// fails for a reason other than ending too early (its error names the EOF token), and for a
// lexer error the first character the lexer refuses. Expressions are short: quadratic is fine.
const errorColumn = (expression: string): number => {
  let tokens: ReadonlyArray<{ readonly start: number }>
  try {
    tokens = JmesPath.tokenize(expression)
  } catch {
    for (let end = 1; end <= expression.length; end++) {
      try {
        JmesPath.tokenize(expression.slice(0, end))
      } catch {
        return end
      }
    }
    return expression.length + 1
  }
  for (let i = 0; i < tokens.length; i++) {
    const end = i + 1 < tokens.length ? tokens[i + 1].start : expression.length
    try {
      JmesPath.compile(expression.slice(0, end))
    } catch (error) {
      if (!/EOF/.test(messageOf(error))) return tokens[i].start + 1
    }
  }
  return expression.length + 1
}

/** Compiles `--query`; a syntax error names the column (1-based) and what the parser expected. */
export const compile = (expression: string): Either.Either<Query, UsageError> => {
  let ast: ReturnType<typeof JmesPath.compile>
  try {
    ast = JmesPath.compile(expression)
  } catch (error) {
    const column = errorColumn(expression)
    const near = column > expression.length ? "at the end" : `near ${JSON.stringify(expression.slice(column - 1, column + 9))}`
    return Either.left(
      new UsageError({
        problem: `--query: invalid JMESPath at column ${column} (${near}) of ${JSON.stringify(expression)}: ${messageOf(error)}`,
        fix
      })
    )
  }
  return Either.right({
    expression,
    apply: (value) => {
      try {
        return Either.right(JmesPath.TreeInterpreter.search(ast, value as JmesPath.JSONValue))
      } catch (error) {
        // Errors only a value can reveal: an unknown function, an argument of the wrong type.
        return Either.left(new UsageError({ problem: `--query ${JSON.stringify(expression)}: ${messageOf(error)}`, fix }))
      }
    }
  })
}

// A query's result as a flat record for csv and table: an object's fields (nested values as
// JSON text), anything else in one `value` column.
const flat = (value: unknown): Record<string, Output.Cell> => {
  const cell = (v: unknown): Output.Cell =>
    v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? v : JSON.stringify(v)
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cell(v)]))
  }
  return { value: cell(value) }
}

/**
 * Writes rows through a query: `json` applies it to the whole array (the document the user would
 * otherwise get) and prints the result; the streamed formats apply it to each record as it
 * arrives, dropping records whose result is null (JMESPath's "nothing matched"), so an export
 * stays streamed. For csv and table the result's fields are the columns (csv takes them from the
 * first result, since its header is written before the rest are known).
 */
export const writeStream = <E, R>(
  rows: Stream.Stream<Output.Row, E, R>,
  query: Query,
  options: { readonly format: Output.Format; readonly write: Output.Write; readonly width?: number | undefined }
): Effect.Effect<number, E | UsageError, R> => {
  const { format, write } = options
  const results = rows.pipe(
    Stream.mapEffect((row) => query.apply(row)),
    Stream.filter((result) => result !== null)
  )
  switch (format) {
    case "json":
      return Stream.runCollect(rows).pipe(
        Effect.flatMap((all) => query.apply(Chunk.toReadonlyArray(all))),
        Effect.flatMap((result) => Effect.as(write(JSON.stringify(result, null, 2) + "\n"), 1))
      )
    case "ndjson":
      return Stream.runFoldEffect(results, 0, (n, result) => Effect.as(write(JSON.stringify(result) + "\n"), n + 1))
    case "csv": {
      let columns: ReadonlyArray<string> | undefined
      return Stream.runFoldEffect(results, 0, (n, result) => {
        const row = flat(result)
        const header = columns === undefined ? Output.csvLine((columns = Object.keys(row))) : ""
        return Effect.as(write(header + Output.csvLine(columns.map((k) => row[k]))), n + 1)
      })
    }
    case "table":
      return Stream.runCollect(results).pipe(
        Effect.flatMap((all) => {
          const flatRows = Chunk.toReadonlyArray(all).map(flat)
          const columns = [...new Set(flatRows.flatMap((row) => Object.keys(row)))]
          return Effect.as(
            write(flatRows.length === 0 ? "(no results)\n" : Output.renderTable(flatRows, columns, options.width)),
            flatRows.length
          )
        })
      )
  }
}
