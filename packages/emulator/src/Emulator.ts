/**
 * A local TRTC API 3.0 server over real HTTP: TC3 and v1 signatures, common parameters, the
 * five Call Quality Monitoring actions with their limits and error codes, a per-action rate
 * limit, fault injection and admin endpoints. Used by tests, demos and the `trtc emulator`
 * command.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as DataSetModule from "./DataSet.js"
import type * as Faults from "./Faults.js"
import * as Server from "./internal/server.js"

/**
 * The credential every emulator accepts unless told otherwise. It is public: it opens nothing
 * but a local emulator.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultCredential: { readonly secretId: string; readonly secretKey: string } = {
  secretId: "AKIDEMULATOR0000000000000000000000000",
  secretKey: "emulatorSecretKey000000000000000"
}

/**
 * How long a connection may take to send its headers before it is closed (milliseconds).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultHeadersTimeoutMs = 10_000

/**
 * How long a client may take to send a whole request before HTTP 408 (milliseconds).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRequestTimeoutMs = 30_000

/**
 * The SdkAppId of the default data set's first application.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSdkAppId = 1400000001

/**
 * A credential as configured: the secret key and the optional token as text or `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CredentialInput {
  readonly secretId: string
  readonly secretKey: string | Redacted.Redacted<string>
  /** When set, requests signed with this SecretId must send it as `X-TC-Token`. */
  readonly token?: string | Redacted.Redacted<string> | undefined
}

/**
 * A credential the emulator accepts (the shape of `@effect-trtc/signer/Credentials`'
 * `Credential`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Credential {
  readonly secretId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
}

/**
 * The data the emulator serves (see `DataSet`; plain JSON).
 *
 * @since 0.1.0
 * @category models
 */
export type DataSet = DataSetModule.DataSet

/**
 * One entry of the request log. It never holds a header, a signature, a key or a token.
 *
 * @since 0.1.0
 * @category models
 */
export type LogEntry = Server.LogEntry

/**
 * How to run an emulator. Every field is optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string | undefined
  /** Port; default 0 = a free port. */
  readonly port?: number | undefined
  /** Accepted credentials; default `[defaultCredential]`. */
  readonly credentials?: ReadonlyArray<CredentialInput> | undefined
  /** The data to serve. Without it one is generated from `seed` around the clock's "now". */
  readonly dataSet?: DataSet | undefined
  /** Seed of the generated data set (default 1). */
  readonly seed?: number | undefined
  /** Applications of the generated data set: SdkAppIds, or how many from `1400000001` (default 1). */
  readonly apps?: number | ReadonlyArray<number> | undefined
  /** Calls per application of the generated data set (default 24). */
  readonly roomsPerApp?: DataSetModule.Count | undefined
  /** Distinct users per call of the generated data set (default 2–6). */
  readonly usersPerRoom?: DataSetModule.Count | undefined
  /** Mean mid-call events per session hour of the generated data set (default 24). */
  readonly eventsPerHour?: number | undefined
  /**
   * Generate events on demand (`DataSet.generateLazy`) instead of keeping them all in memory:
   * the same answers, a few MB for a million events. Default: lazy above
   * {@link lazyRoomThreshold} generated calls.
   */
  readonly lazy?: boolean | undefined
  /** Requests per second per action, in any 1-second sliding window; 0 = no limit (default 20). */
  readonly rps?: number | undefined
  /** The plan's retention window (default 14). A start older than it is refused. */
  readonly retentionDays?: 7 | 14 | undefined
  /** Above this many events `DescribeUserEvent` answers `ResponseSizeLimitExceeded` (default 10,000). */
  readonly maxEventsPerResponse?: number | undefined
  /** What `Total` counts: the entries of this page (default; the CN docs) or all matches. */
  readonly total?: "page" | "grand" | undefined
  /** Fault rules (see `Faults`). */
  readonly faults?: ReadonlyArray<Faults.FaultRule> | undefined
  /** Seconds added to the wall clock: the emulator's "now" is `Date.now()` plus this. */
  readonly clockOffsetSeconds?: number | undefined
  /**
   * Calls progress with the emulator's clock (default `false`): nothing after "now" is answered
   * (calls not yet created, sessions not yet joined, events and quality samples still to come),
   * a call or session that ends after now is reported open with its end capped at now, and
   * moving the clock forward (`advanceClock`, `POST /_admin/clock`) reveals the rest. A generated
   * data set then also has calls still running at the start that really end later
   * (`DataSet.GenerateOptions.progressive`).
   */
  readonly progressive?: boolean | undefined
  /** How many requests the log keeps (the most recent; default 10,000). */
  readonly logLimit?: number | undefined
  /**
   * Milliseconds a connection may take to send a request's headers, counted from connecting
   * (or from a later request's first byte); past it the socket is closed (default 10,000).
   * Idle and slowloris sockets cannot pile up.
   */
  readonly headersTimeoutMs?: number | undefined
  /** Milliseconds a client may take to send a whole request, body included; past it: HTTP 408 (default 30,000). */
  readonly requestTimeoutMs?: number | undefined
  /** The STS (`AssumeRole`, `AssumeRoleWithWebIdentity`) and the instance metadata service. */
  readonly sts?: StsOptions | undefined
}

/**
 * How the emulator's STS and instance metadata service issue temporary credentials. TRTC
 * requests signed with one (and its token as `X-TC-Token`) are accepted until its
 * `ExpiredTime` on the emulator's clock, then refused with `AuthFailure.TokenFailure`.
 *
 * @since 0.1.0
 * @category models
 */
export interface StsOptions {
  /** Lifetime of a credential when the request sends no `DurationSeconds`, and of the metadata service's (default 7200, STS's default). */
  readonly durationSeconds?: number | undefined
  /** The web identity tokens `AssumeRoleWithWebIdentity` accepts; default: any non-empty token. */
  readonly webIdentityTokens?: ReadonlyArray<string | Redacted.Redacted<string>> | undefined
  /**
   * The role bound to the emulated instance: `GET /latest/meta-data/cam/security-credentials/`
   * answers its name and `…/<name>` its credentials. Default: none (404, as on a CVM without a role).
   */
  readonly instanceRole?: string | undefined
}

/**
 * A running emulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Instance {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  readonly host: string
  readonly port: number
  /** `host:port`, as an SDK endpoint. */
  readonly endpoint: string
  readonly credentials: ReadonlyArray<Credential>
  /** The first of `credentials`. */
  readonly credential: Credential
  /** What it serves. A lazy set regenerates a session's `events` on every read: read them once per use. */
  readonly dataSet: DataSet
  /** The emulator's clock, Unix milliseconds. */
  readonly now: Effect.Effect<number>
  /** The request log, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<LogEntry>>
  /** Clears the log, the rate-limit windows and fault counters, and restores clock and rules. */
  readonly reset: Effect.Effect<void>
  /** Sets the clock offset (seconds added to the wall clock). */
  readonly setClockOffset: (seconds: number) => Effect.Effect<void>
  /** Moves the clock by some seconds. */
  readonly advanceClock: (seconds: number) => Effect.Effect<void>
  /** Stops the clock (`true`) so time windows can be tested at exact instants, or restarts it from where it stood. */
  readonly freezeClock: (frozen: boolean) => Effect.Effect<void>
  /** Replaces the fault rules (their counters start afresh). */
  readonly setFaults: (rules: ReadonlyArray<Faults.FaultRule>) => Effect.Effect<void>
  /** Revokes every temporary credential issued so far (their next request: `AuthFailure.TokenFailure`); answers how many. */
  readonly revokeTemporaryCredentials: Effect.Effect<number>
  /** How many temporary credentials the STS and the metadata service issued so far. */
  readonly issuedCredentials: Effect.Effect<number>
}

/**
 * The running emulator as a service, for tests that share one.
 *
 * @since 0.1.0
 * @category tags
 */
export class Emulator extends Context.Tag("@effect-trtc/emulator/Emulator")<Emulator, Instance>() {}

const toCredential = (input: CredentialInput): Credential => ({
  secretId: input.secretId,
  secretKey: typeof input.secretKey === "string" ? Redacted.make(input.secretKey) : input.secretKey,
  token: input.token === undefined || input.token === ""
    ? Option.none()
    : Option.some(typeof input.token === "string" ? Redacted.make(input.token) : input.token)
})

/**
 * Above this many generated calls (all apps together) the emulator generates events on
 * demand unless `lazy` says otherwise: a few hundred calls already hold ~100,000 events.
 *
 * @since 0.1.0
 * @category constants
 */
export const lazyRoomThreshold = 200

const generate = (options: Options, anchor: number): DataSet => {
  const apps = typeof options.apps === "number"
    ? Array.from({ length: Math.max(1, options.apps) }, (_, i) => defaultSdkAppId + i)
    : options.apps
  const roomsPerApp = options.roomsPerApp ?? 24
  const calls = (apps?.length ?? 1) * (typeof roomsPerApp === "number" ? roomsPerApp : Math.max(roomsPerApp.min, roomsPerApp.max))
  const generateOptions: DataSetModule.GenerateOptions = {
    seed: options.seed ?? 1,
    anchor,
    apps,
    roomsPerApp: options.roomsPerApp,
    usersPerRoom: options.usersPerRoom,
    eventsPerHour: options.eventsPerHour,
    retentionDays: options.retentionDays,
    progressive: options.progressive
  }
  return (options.lazy ?? calls > lazyRoomThreshold) ? DataSetModule.generateLazy(generateOptions) : DataSetModule.generate(generateOptions)
}

/**
 * Starts an emulator for the life of the scope.
 *
 * @example
 * ```ts
 * import * as DataSet from "@effect-trtc/emulator/DataSet"
 * import * as Emulator from "@effect-trtc/emulator/Emulator"
 * import * as Effect from "effect/Effect"
 *
 * // A seeded TRTC API on 127.0.0.1 and a free port, stopped when the scope closes. Point a client
 * // at `emulator.endpoint` with `emulator.credential` (the public `Emulator.defaultCredential`).
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const emulator = yield* Emulator.make({ seed: 7, roomsPerApp: 3 })
 *   assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/)
 *   assert.strictEqual(emulator.credential.secretId, Emulator.defaultCredential.secretId)
 *   return DataSet.stats(emulator.dataSet)
 * }))
 *
 * const stats = await Effect.runPromise(program)
 * assert.strictEqual(stats.rooms, 3)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Instance, never, Scope.Scope> = Effect.fn("Emulator.make")(
  function* (options: Options = {}) {
    const credentials = (options.credentials ?? [defaultCredential]).map(toCredential)
    const clockOffsetSeconds = options.clockOffsetSeconds ?? 0
    const anchor = Math.floor(Date.now() / 1000 + clockOffsetSeconds)
    const dataSet = options.dataSet ?? generate(options, anchor)
    const server = yield* Effect.acquireRelease(
      Effect.promise(() =>
        Server.startServer({
          host: options.host ?? "127.0.0.1",
          port: options.port ?? 0,
          credentials,
          dataSet,
          // 20 requests per second per action (reference §4.1): the emulator's own copy.
          rps: options.rps ?? 20,
          retentionDays: options.retentionDays ?? 14,
          maxEventsPerResponse: options.maxEventsPerResponse ?? 10_000,
          total: options.total ?? "page",
          clockOffsetSeconds,
          faults: options.faults ?? [],
          logLimit: options.logLimit ?? 10_000,
          progressive: options.progressive ?? false,
          headersTimeoutMs: options.headersTimeoutMs ?? defaultHeadersTimeoutMs,
          requestTimeoutMs: options.requestTimeoutMs ?? defaultRequestTimeoutMs,
          sts: {
            defaultDurationSeconds: options.sts?.durationSeconds ?? 7200,
            webIdentityTokens: options.sts?.webIdentityTokens?.map((token) => typeof token === "string" ? Redacted.make(token) : token),
            instanceRole: options.sts?.instanceRole
          }
        })),
      (running) => Effect.promise(() => running.close())
    )
    return {
      url: server.url,
      host: server.host,
      port: server.port,
      endpoint: `${server.host.includes(":") ? `[${server.host}]` : server.host}:${server.port}`,
      credentials,
      credential: credentials[0]!,
      dataSet,
      now: Effect.sync(server.nowMillis),
      requests: Effect.sync(server.requests),
      reset: Effect.sync(server.reset),
      setClockOffset: (seconds) => Effect.sync(() => server.setClockOffsetSeconds(seconds)),
      advanceClock: (seconds) => Effect.sync(() => server.setClockOffsetSeconds(server.clockOffsetSeconds() + seconds)),
      freezeClock: (frozen) => Effect.sync(() => server.freezeClock(frozen)),
      setFaults: (rules) => Effect.sync(() => server.setFaults(rules)),
      revokeTemporaryCredentials: Effect.sync(() => server.sts.revokeAll()),
      issuedCredentials: Effect.sync(() => server.sts.issuedCount())
    } satisfies Instance
  }
)

/**
 * The emulator as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Emulator> => Layer.scoped(Emulator, make(options))
