/**
 * `redis://[user[:password]@]host[:port][/db]` (or `rediss://` for TLS), parsed once at the
 * edge into the parts ioredis takes, with the password kept `Redacted`: a URL echoed in a log
 * line, an error or a `--help` must never show it.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * Where the shared limiter's Redis is.
 *
 * @since 0.1.0
 * @category models
 */
export interface RedisUrl {
  readonly tls: boolean
  readonly host: string
  readonly port: number
  /** Logical database, `SELECT`ed on connect; default 0. */
  readonly db: number
  readonly username: string | undefined
  readonly password: Redacted.Redacted<string> | undefined
}

/**
 * A URL that is not a usable Redis address. The message names the problem and the fix, and
 * never holds the password (the input is echoed with it masked).
 *
 * @since 0.1.0
 * @category errors
 */
export class RedisUrlError extends Schema.TaggedError<RedisUrlError>()("RedisUrlError", {
  /** The input with any password replaced by `***`. */
  input: Schema.String,
  problem: Schema.String
}) {
  /** @since 0.1.0 */
  override get message(): string {
    return `rate limit URL "${this.input}": ${this.problem}; expected redis://host:port[/db] (or rediss:// for TLS), e.g. redis://127.0.0.1:6379/0`
  }
}

/**
 * Redis's default port.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPort = 6379

// Masks the password of anything that looks like `scheme://user:password@host`, even when the
// rest does not parse: the error must be safe to print whatever the input was.
const mask = (input: string): string => input.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, "$1***@")

/**
 * Parses a Redis URL.
 *
 * @example
 * ```ts
 * import * as RedisUrl from "@effect-trtc/redis/RedisUrl"
 * import * as Either from "effect/Either"
 *
 * const url = Either.getOrThrow(RedisUrl.parse("redis://:s3cret@127.0.0.1:6380/2"))
 * assert.deepStrictEqual([url.host, url.port, url.db], ["127.0.0.1", 6380, 2])
 * assert.strictEqual(RedisUrl.display(url), "redis://:***@127.0.0.1:6380/2")
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: string): Either.Either<RedisUrl, RedisUrlError> => {
  const fail = (problem: string) => Either.left(new RedisUrlError({ input: mask(input), problem }))
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return fail("not a URL")
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") return fail(`scheme "${url.protocol.slice(0, -1)}" is not redis or rediss`)
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
  if (host === "") return fail("no host")
  const port = url.port === "" ? defaultPort : Number(url.port)
  const path = url.pathname.replace(/^\//, "")
  if (path !== "" && !/^\d{1,2}$/.test(path)) return fail(`database "${path}" is not a number from 0 to 99`)
  if (url.search !== "" || url.hash !== "") return fail("query and fragment are not supported")
  return Either.right({
    tls: url.protocol === "rediss:",
    host,
    port,
    db: path === "" ? 0 : Number(path),
    username: url.username === "" ? undefined : decodeURIComponent(url.username),
    password: url.password === "" ? undefined : Redacted.make(decodeURIComponent(url.password))
  })
}

/**
 * The URL for logs and messages: the password, if any, as `***`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const display = (url: RedisUrl): string => {
  const auth = url.password === undefined
    ? url.username === undefined ? "" : `${encodeURIComponent(url.username)}@`
    : `${url.username === undefined ? "" : encodeURIComponent(url.username)}:***@`
  const host = url.host.includes(":") ? `[${url.host}]` : url.host
  return `${url.tls ? "rediss" : "redis"}://${auth}${host}:${url.port}/${url.db}`
}
