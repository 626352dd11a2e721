/**
 * Error classification by tag and code, so the retry policy works on any error value it is
 * handed (including ones from a replaced client).
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

/** @internal */
export const isSignatureExpire = (error: unknown): boolean =>
  tagOf(error) === "AuthFailure" && codeOf(error) === "AuthFailure.SignatureExpire"

const retryableTags = new Set(["TransportError", "TimeoutError", "InternalError", "ServiceUnavailable", "RequestLimitExceeded"])

/**
 * DESIGN's list: transport errors, timeouts, HTTP 5xx and 429, `InternalError*`,
 * `ServiceUnavailable`, `RequestLimitExceeded*`; never auth or parameter errors.
 *
 * @internal
 */
export const defaultIsRetryable = (error: unknown): boolean => {
  const tag = tagOf(error)
  if (tag === undefined) return false
  if (retryableTags.has(tag)) return true
  if (tag === "HttpStatusError") {
    const status = field(error, "status")
    return typeof status === "number" && (status >= 500 || status === 429)
  }
  if (tag === "UnknownApiError") {
    const code = codeOf(error) ?? ""
    return code.startsWith("InternalError") || code.startsWith("RequestLimitExceeded") || code.startsWith("ServiceUnavailable")
  }
  return false
}

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
