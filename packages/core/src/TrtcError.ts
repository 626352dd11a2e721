/**
 * Typed errors of the TRTC client: one tagged class per API error-code family (decoded from the
 * HTTP-200 `Response.Error` envelope, the full code kept), the client-side failures (transport,
 * HTTP status, timeout, undecodable body, request validation), and the retry classification.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------
// client-side errors
// ---------------------------------------------------------------------------

/**
 * A request was refused before it was sent: `field` names the offending request field,
 * `problem` says what is wrong with it and `fix` what to do instead.
 *
 * @since 0.1.0
 * @category client errors
 */
export class RequestValidationError extends Schema.TaggedError<RequestValidationError>()("RequestValidationError", {
  action: Schema.String,
  field: Schema.String,
  problem: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return `${this.action}: ${this.field} ${this.problem} (${this.fix})`
  }
}
