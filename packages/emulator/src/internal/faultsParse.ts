/**
 * Validation of fault rules from JSON (file, admin API) and from compact CLI flags. Written
 * by hand rather than with a Schema union so that an error names the one field that is wrong
 * (`[1].when.everyNth`) instead of listing every union member that did not match.
 *
 * @internal
 */
import type { FaultEffect, FaultRule, FaultWhen } from "../Faults.js"

/** A validation failure: the path of the bad field and what is wrong with it. */
export class Invalid {
  constructor(readonly field: string, readonly problem: string) {}
}

type Obj = Readonly<Record<string, unknown>>

const isObject = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)

const describe = (u: unknown): string => {
  if (u === null) return "null"
  if (Array.isArray(u)) return "an array"
  if (typeof u === "string") return JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u)
  if (typeof u === "object") return "an object"
  return String(u)
}

const integer = (value: unknown, field: string, min: number, max: number): number => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Invalid(field, `must be an integer from ${min} to ${max}, got ${describe(value)}`)
  }
  return value
}

const whenKeys = ["nth", "everyNth", "probability", "always"] as const
const effectKeys = ["apiError", "httpStatus", "reset", "truncate", "latencyMs"] as const
const ruleKeys = ["action", "when", "effect", "limit"] as const

const onlyKeys = (o: Obj, allowed: ReadonlyArray<string>, at: string): void => {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw new Invalid(`${at}${at === "" ? "" : "."}${key}`, `is not a known field (expected one of ${allowed.join(", ")})`)
  }
}

const exactlyOne = (o: Obj, keys: ReadonlyArray<string>, at: string): string => {
  const present = keys.filter((k) => o[k] !== undefined)
  if (present.length !== 1) {
    throw new Invalid(at, present.length === 0 ? `needs one of ${keys.join(", ")}` : `has ${present.join(" and ")}; give exactly one`)
  }
  return present[0]!
}

const whenOf = (u: unknown, at: string): FaultWhen => {
  if (!isObject(u)) throw new Invalid(at, `must be an object like {"nth": 3}, {"everyNth": 5} or {"probability": 0.1, "seed": 1}, got ${describe(u)}`)
  const key = exactlyOne(u, whenKeys, at)
  switch (key) {
    case "nth":
      onlyKeys(u, ["nth"], at)
      return { nth: integer(u["nth"], `${at}.nth`, 1, Number.MAX_SAFE_INTEGER) }
    case "everyNth":
      onlyKeys(u, ["everyNth"], at)
      return { everyNth: integer(u["everyNth"], `${at}.everyNth`, 1, Number.MAX_SAFE_INTEGER) }
    case "always":
      onlyKeys(u, ["always"], at)
      if (u["always"] !== true) throw new Invalid(`${at}.always`, `must be true, got ${describe(u["always"])}`)
      return { always: true }
    default: {
      onlyKeys(u, ["probability", "seed"], at)
      const p = u["probability"]
      if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Invalid(`${at}.probability`, `must be a number from 0 to 1, got ${describe(p)}`)
      const seed = u["seed"] === undefined ? 0 : integer(u["seed"], `${at}.seed`, 0, 4294967295)
      return { probability: p, seed }
    }
  }
}

const codePattern = /^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/

const effectOf = (u: unknown, at: string): FaultEffect => {
  if (!isObject(u)) throw new Invalid(at, `must be an object like {"apiError": "InternalError"}, {"httpStatus": 503}, {"reset": true}, {"truncate": true} or {"latencyMs": 2000}, got ${describe(u)}`)
  const key = exactlyOne(u, effectKeys, at)
  switch (key) {
    case "apiError": {
      onlyKeys(u, ["apiError", "message"], at)
      const code = u["apiError"]
      if (typeof code !== "string" || !codePattern.test(code)) {
        throw new Invalid(`${at}.apiError`, `must be an error code like "InternalError" or "RequestLimitExceeded", got ${describe(code)}`)
      }
      const message = u["message"]
      if (message !== undefined && typeof message !== "string") throw new Invalid(`${at}.message`, `must be a string, got ${describe(message)}`)
      return message === undefined ? { apiError: code } : { apiError: code, message }
    }
    case "httpStatus":
      onlyKeys(u, ["httpStatus"], at)
      return { httpStatus: integer(u["httpStatus"], `${at}.httpStatus`, 200, 599) }
    case "latencyMs":
      onlyKeys(u, ["latencyMs"], at)
      return { latencyMs: integer(u["latencyMs"], `${at}.latencyMs`, 0, 600000) }
    default:
      onlyKeys(u, [key], at)
      if (u[key] !== true) throw new Invalid(`${at}.${key}`, `must be true, got ${describe(u[key])}`)
      return key === "reset" ? { reset: true } : { truncate: true }
  }
}

export const ruleOf = (u: unknown, at: string): FaultRule => {
  if (!isObject(u)) throw new Invalid(at, `must be a fault rule object, got ${describe(u)}`)
  onlyKeys(u, ruleKeys, at)
  const action = u["action"]
  if (action !== undefined && (typeof action !== "string" || action === "")) throw new Invalid(`${at}.action`, `must be an action name like "DescribeUserEvent", got ${describe(action)}`)
  if (u["when"] === undefined) throw new Invalid(`${at}.when`, "is missing (nth, everyNth, probability or always)")
  if (u["effect"] === undefined) throw new Invalid(`${at}.effect`, "is missing (apiError, httpStatus, reset, truncate or latencyMs)")
  const when = whenOf(u["when"], `${at}.when`)
  const effect = effectOf(u["effect"], `${at}.effect`)
  const limit = u["limit"] === undefined ? undefined : integer(u["limit"], `${at}.limit`, 1, Number.MAX_SAFE_INTEGER)
  return {
    ...(action === undefined ? {} : { action }),
    when,
    effect,
    ...(limit === undefined ? {} : { limit })
  }
}

/** An array of rules, `{ "rules": [...] }`, or one rule. */
export const rulesOf = (u: unknown): Array<FaultRule> => {
  if (Array.isArray(u)) return u.map((rule, i) => ruleOf(rule, `[${i}]`))
  if (isObject(u) && "rules" in u) {
    const rules = u["rules"]
    if (!Array.isArray(rules)) throw new Invalid("rules", `must be an array of fault rules, got ${describe(rules)}`)
    onlyKeys(u, ["rules"], "")
    return rules.map((rule, i) => ruleOf(rule, `rules[${i}]`))
  }
  if (isObject(u)) return [ruleOf(u, "")]
  throw new Invalid("", `must be an array of fault rules, {"rules": [...]} or one rule, got ${describe(u)}`)
}

const flagNumber = (key: string, value: string | undefined, at: string): number => {
  if (value === undefined || value.trim() === "" || !Number.isFinite(Number(value))) throw new Invalid(`${at}.${key}`, `needs a number, got ${describe(value ?? "")}`)
  return Number(value)
}

/**
 * One compact flag, e.g. `action=DescribeUserEvent,everyNth=3,apiError=InternalError`,
 * `probability=0.1,seed=7,httpStatus=503`, `nth=1,reset`, `latencyMs=1500`. With no `when`
 * key the rule always fires.
 */
export const flagOf = (spec: string, at: string): FaultRule => {
  const when: Record<string, unknown> = {}
  const effect: Record<string, unknown> = {}
  const rule: Record<string, unknown> = {}
  for (const part of spec.split(",")) {
    const trimmed = part.trim()
    if (trimmed === "") continue
    const eq = trimmed.indexOf("=")
    const key = eq < 0 ? trimmed : trimmed.slice(0, eq).trim()
    const value = eq < 0 ? undefined : trimmed.slice(eq + 1).trim()
    switch (key) {
      case "action":
        rule["action"] = value ?? ""
        break
      case "limit":
        rule["limit"] = flagNumber(key, value, at)
        break
      case "nth":
      case "everyNth":
      case "probability":
      case "seed":
      case "httpStatus":
      case "latencyMs":
        ;(key === "httpStatus" || key === "latencyMs" ? effect : when)[key] = flagNumber(key, value, at)
        break
      case "always":
        when["always"] = true
        break
      case "reset":
      case "truncate":
        if (value !== undefined && value !== "true") throw new Invalid(`${at}.${key}`, `takes no value, got ${describe(value)}`)
        effect[key] = true
        break
      case "apiError":
      case "message":
        effect[key] = value ?? ""
        break
      default:
        throw new Invalid(`${at}.${key}`, "is not a known key (action, nth, everyNth, probability, seed, always, limit, apiError, message, httpStatus, reset, truncate, latencyMs)")
    }
  }
  if (Object.keys(when).length === 0) when["always"] = true
  return ruleOf({ ...rule, when, effect }, at)
}
