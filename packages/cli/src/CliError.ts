/**
 * How a failure reaches the person at the terminal: one line on stderr (code, message,
 * RequestId, a hint) and an exit code — never a stack trace, never a secret.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Process exit codes of `trtc`.
 *
 * @since 0.1.0
 * @category constants
 */
export const ExitCode = {
  ok: 0,
  /** An API or runtime error. */
  failure: 1,
  /** The command line is wrong. */
  usage: 2,
  /** Credentials are missing or were rejected. */
  credentials: 3,
  /** Nothing matched: no call with that CommId, no call of that room and user in the period. */
  notFound: 4,
  /** Interrupted (SIGINT/SIGTERM); partial output stays valid. */
  interrupted: 130
} as const

/**
 * A command line that cannot run: names the problem and how to fix it.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  problem: Schema.String,
  fix: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.fix === undefined ? this.problem : `${this.problem} (${this.fix})`
  }
}

/**
 * A failure of the CLI itself at run time (a file that cannot be written, a bad data file).
 *
 * @since 0.1.0
 * @category errors
 */
export class RuntimeError extends Schema.TaggedError<RuntimeError>()("RuntimeError", {
  problem: Schema.String,
  fix: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.fix === undefined ? this.problem : `${this.problem} (${this.fix})`
  }
}

/**
 * A query that found nothing where something was named (a CommId, a room and user): said on
 * stderr with where it looked and a hint, exit code 4, instead of an empty output and 0.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends Schema.TaggedError<NotFoundError>()("NotFoundError", {
  problem: Schema.String,
  fix: Schema.String
}) {
  override get message(): string {
    return this.problem
  }
}

/**
 * An error rendered for the terminal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rendered {
  readonly line: string
  readonly exitCode: number
}

const usageTags = new Set([
  "UsageError",
  "TimeParseError",
  "PeriodError",
  "ValidationError",
  "RequestValidationError",
  "InvalidEndpoint",
  "EndpointError",
  "ConfigError"
])

const credentialTags = new Set(["CredentialsError", "AuthFailure", "UnauthorizedOperation"])

const hints: ReadonlyArray<readonly [RegExp, string]> = [
  [/^AuthFailure\.SignatureExpire/, "check the system clock: it must be within 5 minutes of Tencent Cloud's (sync it with NTP)"],
  [/^AuthFailure\.SignatureFailure/, "the secret key does not match the SecretId: check TENCENTCLOUD_SECRET_KEY or the profile (stray whitespace?)"],
  [/^AuthFailure\.SecretIdNotFound/, "the SecretId is unknown or disabled: check TENCENTCLOUD_SECRET_ID or the profile"],
  [/^AuthFailure\.InvalidSecretId/, "the SecretId is not a Tencent Cloud API key: check TENCENTCLOUD_SECRET_ID"],
  [/^AuthFailure\.TokenFailure/, "the session token is invalid or expired: refresh the temporary credentials"],
  [/^AuthFailure\.InvalidAuthorization/, "the Authorization header was rejected: check the credentials and --endpoint"],
  [/^(AuthFailure\.)?UnauthorizedOperation/, "the key lacks permission for TRTC monitoring data: grant it in CAM"],
  [/^AuthFailure/, "check the credentials (TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY or --profile)"],
  [/^RequestLimitExceeded/, "the API allows 20 requests per second per action: lower --rps"],
  [/StartTs(Oversize)?$|StartTimeOversize/, "the start is outside the data retention (14 days, 7 on some plans): use a later --start"],
  [/QueryScaleOversize/, "the period is too long for one request: use a shorter --start/--end"],
  [/^ResponseSizeLimitExceeded/, "the response is too large: narrow the period"],
  [/^UnsupportedRegion/, "choose a supported region with --region (e.g. ap-guangzhou)"],
  [/^InternalError|^ServiceUnavailable|^ResourceUnavailable/, "a server-side problem: try again later"],
  [/^ResourceNotFound/, "check the ids: --sdk-app-id, --comm-id, --room-id, --user-id"],
  [/^InvalidParameter\.SdkAppId|^MissingParameter\.SdkAppId/, "check --sdk-app-id"],
  [/^InvalidParameter\.UserId/, "check --user-id"],
  [/^(InvalidParameter|MissingParameter)/, "check the command's flags (trtc <command> --help)"]
]

const hintFor = (code: string): string | undefined => hints.find(([re]) => re.test(code))?.[1]

const str = (u: unknown): string | undefined => typeof u === "string" && u.length > 0 ? u : undefined

const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, " ").trim()

/**
 * The forms in which a secret may be quoted back: raw, URL-encoded, base64 (padded, unpadded,
 * URL-safe) and hex in either case. A server that echoes a request's header in its error message
 * might encode it any of these ways.
 *
 * @since 0.1.0
 * @category redaction
 */
export const secretForms = (secret: string): ReadonlyArray<string> => {
  const bytes = Buffer.from(secret, "utf8")
  const base64 = bytes.toString("base64")
  const hex = bytes.toString("hex")
  const forms = new Set([secret, encodeURIComponent(secret), base64, base64.replace(/=+$/, ""), bytes.toString("base64url"), hex, hex.toUpperCase()])
  // Longest first: a form that contains another is cut whole.
  return [...forms].sort((a, b) => b.length - a.length)
}

/**
 * Removes every occurrence of the given secrets, in each of their {@link secretForms}, from a
 * text (defence in depth: secrets are `Redacted` everywhere, but an error message from a server
 * or a dependency could still quote one).
 *
 * @since 0.1.0
 * @category redaction
 */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
  for (const secret of secrets) {
    if (secret.length < 4) continue
    for (const form of secretForms(secret)) out = out.split(form).join("<redacted>")
  }
  return out
}

/**
 * Renders any failure as one line and picks its exit code. Works on the shape of the error
 * (`_tag`, `code`, `requestId`, ...) so every package's tagged errors render without this module
 * importing them.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (error: unknown, secrets: ReadonlyArray<string> = []): Rendered => {
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as Record<
    string,
    unknown
  >
  const tag = str(e._tag) ?? "Error"
  const code = str(e.code)
  const family = code?.split(".")[0]
  let exitCode: number = ExitCode.failure
  if (usageTags.has(tag)) exitCode = ExitCode.usage
  if (credentialTags.has(tag) || (family !== undefined && credentialTags.has(family))) {
    exitCode = ExitCode.credentials
  }
  const parts: Array<string> = []
  let hint: string | undefined
  const message = str(e.apiMessage) ?? safeMessage(e)
  switch (tag) {
    case "CredentialsError": {
      parts.push(`credentials: ${str(e.problem) ?? message}${str(e.source) ? ` (source: ${e.source})` : ""}`)
      hint = str(e.fix) ?? "set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or use --profile"
      break
    }
    case "TransportError": {
      parts.push(`cannot reach the API${str(e.action) ? ` (${e.action})` : ""}: ${str(e.reason) ?? message}`)
      hint = "check --endpoint / TRTC_ENDPOINT and the network"
      break
    }
    case "TimeoutError": {
      parts.push(`${str(e.action) ?? "request"} timed out${typeof e.timeoutMillis === "number" ? ` after ${e.timeoutMillis} ms` : ""}`)
      hint = "raise --timeout or check the network"
      break
    }
    case "HttpStatusError": {
      const location = str(e.location)
      parts.push(`${str(e.action) ?? "request"}: HTTP ${String(e.status)}${
        location === undefined ? "" : ` redirecting to ${location}, not followed (the TRTC API never redirects)`
      }`)
      hint = "the endpoint did not answer like a Tencent Cloud API: check --endpoint"
      break
    }
    case "ResponseTooLarge": {
      const declared = typeof e.declaredBytes === "number" ? ` (Content-Length ${e.declaredBytes})` : ""
      parts.push(`${str(e.action) ?? "request"}: response larger than the ${String(e.limitBytes)}-byte cap${declared}; not read further`)
      hint = "no TRTC answer is that large: check --endpoint"
      break
    }
    case "PaginationError": {
      parts.push(`${str(e.action) ?? "request"}: paging stopped at page ${String(e.pageNumber)} (${str(e.reason) ?? "?"}): ${str(e.detail) ?? message}`)
      hint = "check --endpoint, or query a shorter period"
      break
    }
    case "ResponseDecodeError": {
      parts.push(`${str(e.action) ?? "request"}: unreadable response: ${str(e.detail) ?? message}`)
      hint = "the endpoint did not answer like a Tencent Cloud API: check --endpoint"
      break
    }
    case "RequestValidationError": {
      parts.push(`${str(e.field) ?? "parameter"}: ${str(e.problem) ?? message}`)
      hint = str(e.fix)
      break
    }
    case "NotFoundError": {
      exitCode = ExitCode.notFound
      parts.push(message)
      hint = str(e.fix)
      break
    }
    case "ValidationError": {
      parts.push(message === "" ? "invalid command line" : message)
      hint = "see trtc --help"
      break
    }
    default: {
      if (code !== undefined) {
        parts.push(code)
        if (message !== "" && message !== code) parts.push(message)
        hint = hintFor(code)
      } else {
        parts.push(message === "" ? tag : message)
      }
    }
  }
  const requestId = str(e.requestId)
  let line = "error: " + parts.join(": ")
  if (requestId !== undefined) line += ` (RequestId ${requestId})`
  if (hint !== undefined) line += ` — hint: ${hint}`
  return { line: scrub(oneLine(line), secrets), exitCode }
}

const safeMessage = (e: Record<string, unknown>): string => {
  try {
    const m = (e as { message?: unknown }).message
    return typeof m === "string" ? oneLine(m) : ""
  } catch {
    return ""
  }
}
