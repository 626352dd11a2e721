/**
 * Fault injection for the emulator: rules that make chosen requests fail (an API error, an
 * HTTP status with an HTML body, a connection reset, a truncated JSON body, added latency) on
 * the nth matching request, every nth, or with a seeded probability — deterministic, so a
 * test that injects faults fails or passes the same way every run.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { readFile } from "node:fs/promises"
import { flagOf, Invalid, rulesOf } from "./internal/faultsParse.js"
import { mulberry32, type Rng } from "./internal/prng.js"

/**
 * When a rule fires, counting only the requests it matches (1-based): exactly the `nth`,
 * every `everyNth`-th, each with `probability` (drawn from a PRNG seeded with `seed`), or
 * `always`.
 *
 * @since 0.1.0
 * @category models
 */
export type FaultWhen =
  | { readonly nth: number }
  | { readonly everyNth: number }
  | { readonly probability: number; readonly seed: number }
  | { readonly always: true }

/**
 * What a fired rule does to the request: answer with an API error code (HTTP 200 envelope,
 * optional message), an HTTP status with an HTML body, reset the connection, send a truncated
 * JSON body, or answer normally after a delay.
 *
 * @since 0.1.0
 * @category models
 */
export type FaultEffect =
  | { readonly apiError: string; readonly message?: string }
  | { readonly httpStatus: number }
  | { readonly reset: true }
  | { readonly truncate: true }
  | { readonly latencyMs: number }

/**
 * One fault rule. `action` (e.g. `DescribeUserEvent`; absent or `"*"` = every action) selects
 * the requests the rule counts; `limit` caps how often it fires.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultRule {
  readonly action?: string
  readonly when: FaultWhen
  readonly effect: FaultEffect
  readonly limit?: number
}

/**
 * A decision: which rule fired (index in the rule list), for which action, on which of the
 * rule's matching requests (`count`, 1-based), with what effect.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fault {
  readonly rule: number
  readonly action: string
  readonly count: number
  readonly effect: FaultEffect
}

/**
 * The stateful decider made by {@link make}. Rules are checked in order; every rule that
 * matches the action counts the request (and draws its random number), and the first that
 * fires is the decision.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decider {
  readonly rules: ReadonlyArray<FaultRule>
  /** The fault for this request, if any. */
  readonly decide: (action: string) => Fault | undefined
  /** Every rule that fires for this request, in rule order (e.g. latency plus an error). */
  readonly decideAll: (action: string) => ReadonlyArray<Fault>
  /** Forgets all counts and restarts every PRNG: the schedule replays from the start. */
  readonly reset: () => void
}

/**
 * Fault rules could not be parsed. `field` is the path of the bad value, e.g.
 * `[1].when.everyNth` or `rules[0].effect.httpStatus` (for a flag: `--fault[0].nth`).
 *
 * @since 0.1.0
 * @category errors
 */
export class FaultsError extends Schema.TaggedError<FaultsError>()("FaultsError", {
  source: Schema.String,
  field: Schema.String,
  problem: Schema.String
}) {
  override get message(): string {
    return `Invalid fault rules (${this.source}): ${this.field === "" ? "" : `${this.field} `}${this.problem}`
  }
}

const matches = (rule: FaultRule, action: string): boolean =>
  rule.action === undefined || rule.action === "*" || rule.action === action

/**
 * Builds the deterministic decider for a list of (valid) rules.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (rules: ReadonlyArray<FaultRule>): Decider => {
  const seen: Array<number> = []
  const fired: Array<number> = []
  const rngs: Array<Rng | undefined> = []
  const reset = (): void => {
    rules.forEach((rule, i) => {
      seen[i] = 0
      fired[i] = 0
      rngs[i] = "probability" in rule.when ? mulberry32(rule.when.seed) : undefined
    })
  }
  reset()
  const fires = (rule: FaultRule, i: number): boolean => {
    const when = rule.when
    const n = ++seen[i]!
    // Draw on every matching request, so one rule's schedule does not depend on the others.
    const hit = "nth" in when
      ? n === when.nth
      : "everyNth" in when
        ? n % when.everyNth === 0
        : "probability" in when
          ? rngs[i]!.next() < when.probability
          : true
    return hit && (rule.limit === undefined || fired[i]! < rule.limit)
  }
  const decideAll = (action: string): Array<Fault> => {
    const out: Array<Fault> = []
    rules.forEach((rule, i) => {
      if (matches(rule, action) && fires(rule, i)) {
        fired[i]!++
        out.push({ rule: i, action, count: seen[i]!, effect: rule.effect })
      }
    })
    return out
  }
  const decide = (action: string): Fault | undefined => {
    let decision: Fault | undefined
    rules.forEach((rule, i) => {
      if (matches(rule, action) && fires(rule, i) && decision === undefined) {
        fired[i]!++
        decision = { rule: i, action, count: seen[i]!, effect: rule.effect }
      }
    })
    return decision
  }
  return { rules, decide, decideAll, reset }
}

const toError = (source: string) => (e: unknown): FaultsError =>
  e instanceof Invalid
    ? new FaultsError({ source, field: e.field, problem: e.problem })
    : new FaultsError({ source, field: "", problem: e instanceof Error ? e.message : String(e) })

/**
 * Validates fault rules: an array of rules, `{ "rules": [...] }` or a single rule, as a parsed
 * value or as JSON text.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: unknown, source = "json"): Either.Either<ReadonlyArray<FaultRule>, FaultsError> => {
  let value = input
  if (typeof input === "string") {
    try {
      value = JSON.parse(input)
    } catch (e) {
      return Either.left(new FaultsError({ source, field: "", problem: `is not valid JSON (${e instanceof Error ? e.message : String(e)})` }))
    }
  }
  return Either.try({ try: () => rulesOf(value), catch: toError(source) })
}

/**
 * Like {@link parse}, throwing the {@link FaultsError} (for callers outside Effect, such as
 * an HTTP handler that turns exceptions into a 400).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseOrThrow = (input: unknown, source = "json"): ReadonlyArray<FaultRule> => {
  const result = parse(input, source)
  if (Either.isLeft(result)) throw result.left
  return result.right
}

/**
 * Parses compact command-line flags, one rule each:
 * `action=DescribeUserEvent,everyNth=3,apiError=InternalError`,
 * `probability=0.1,seed=7,httpStatus=503`, `nth=1,reset`, `truncate`, `latencyMs=1500,limit=2`.
 * A flag without `nth`/`everyNth`/`probability` fires always.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseFlags = (flags: ReadonlyArray<string>, source = "--fault"): Either.Either<ReadonlyArray<FaultRule>, FaultsError> =>
  Either.try({ try: () => flags.map((flag, i) => flagOf(flag, `${source}[${i}]`)), catch: toError(source) })

/**
 * Reads and validates a JSON file of fault rules.
 *
 * @since 0.1.0
 * @category parsing
 */
export const load: (path: string) => Effect.Effect<ReadonlyArray<FaultRule>, FaultsError> = Effect.fn("Faults.load")(function*(path: string) {
  const text = yield* Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (e) => new FaultsError({ source: path, field: "", problem: `cannot be read (${e instanceof Error ? e.message : String(e)})` })
  })
  return yield* parse(text, path)
})

/**
 * A one-line description of a fault for logs, e.g. `apiError InternalError`, `httpStatus 503`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeEffect = (effect: FaultEffect): string =>
  "apiError" in effect
    ? `apiError ${effect.apiError}`
    : "httpStatus" in effect
      ? `httpStatus ${effect.httpStatus}`
      : "latencyMs" in effect
        ? `latency ${effect.latencyMs}ms`
        : "reset" in effect
          ? "reset"
          : "truncate"
