/**
 * Reading the tag, code and RequestId of any error value the retry policy is handed (it may
 * come from a replaced client), for the log lines.
 *
 * @internal
 */

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

/** @internal */
export const tagOf = (error: unknown): string | undefined => text(field(error, "_tag"))

/** @internal */
export const codeOf = (error: unknown): string | undefined => text(field(error, "code"))

/**
 * The fields a retry log line carries: the code (or HTTP status, or tag) and the RequestId.
 *
 * @internal
 */
export const describeError = (error: unknown): { readonly code: string; readonly requestId: string } => {
  const status = field(error, "status")
  const code = codeOf(error) ?? (typeof status === "number" ? `HTTP ${status}` : tagOf(error) ?? "unknown")
  return { code, requestId: text(field(error, "requestId")) ?? "" }
}
