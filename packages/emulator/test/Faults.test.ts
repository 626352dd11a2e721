import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Faults from "../src/Faults.js"

const firing = (decider: Faults.Decider, action: string, n: number): Array<number> => {
  const hits: Array<number> = []
  for (let i = 1; i <= n; i++) if (decider.decide(action) !== undefined) hits.push(i)
  return hits
}

const parseError = (input: unknown): Faults.FaultsError => {
  const result = Faults.parse(input, "rules.json")
  if (Either.isRight(result)) return assert.fail(`expected an error for ${JSON.stringify(input)}`)
  return result.left
}

describe("Faults.make", () => {
  it("fires on the nth matching request only", () => {
    const decider = Faults.make([{ action: "DescribeUserEvent", when: { nth: 3 }, effect: { apiError: "InternalError" } }])
    assert.isUndefined(decider.decide("DescribeRoomInfo"))
    assert.isUndefined(decider.decide("DescribeUserEvent"))
    assert.isUndefined(decider.decide("DescribeUserEvent"))
    assert.deepStrictEqual(decider.decide("DescribeUserEvent"), { rule: 0, action: "DescribeUserEvent", count: 3, effect: { apiError: "InternalError" } })
    assert.deepStrictEqual(firing(decider, "DescribeUserEvent", 20), [])
  })

  it("fires every nth request, for every action when none is named", () => {
    const decider = Faults.make([{ when: { everyNth: 4 }, effect: { httpStatus: 503 } }])
    const actions = ["DescribeRoomInfo", "DescribeUserInfo", "DescribeUserEvent"]
    const hits: Array<number> = []
    for (let i = 1; i <= 24; i++) if (decider.decide(actions[i % 3]!) !== undefined) hits.push(i)
    assert.deepStrictEqual(hits, [4, 8, 12, 16, 20, 24])
  })

  it("fires with a seeded probability, identically for the same seed", () => {
    const rule: Faults.FaultRule = { when: { probability: 0.3, seed: 42 }, effect: { reset: true } }
    const a = firing(Faults.make([rule]), "DescribeUserEvent", 1000)
    const b = firing(Faults.make([rule]), "DescribeUserEvent", 1000)
    assert.deepStrictEqual(a, b)
    assert.isTrue(a.length > 240 && a.length < 360, `about 30 % fire (${a.length})`)
    const c = firing(Faults.make([{ ...rule, when: { probability: 0.3, seed: 43 } }]), "DescribeUserEvent", 1000)
    assert.notStrictEqual(JSON.stringify(a), JSON.stringify(c))
    assert.deepStrictEqual(firing(Faults.make([{ when: { probability: 0, seed: 1 }, effect: { truncate: true } }]), "X", 100), [])
    assert.strictEqual(firing(Faults.make([{ when: { probability: 1, seed: 1 }, effect: { truncate: true } }]), "X", 100).length, 100)
  })

  it.prop("a rule's schedule does not depend on requests it does not match", [fc.array(fc.constantFrom("DescribeRoomInfo", "DescribeUserEvent"), { maxLength: 200 })], ([actions]) => {
    const rule: Faults.FaultRule = { action: "DescribeUserEvent", when: { probability: 0.5, seed: 7 }, effect: { latencyMs: 10 } }
    const mixed = Faults.make([rule])
    const hits = actions.filter((a) => a === "DescribeUserEvent").map(() => false)
    let k = 0
    for (const action of actions) {
      const fault = mixed.decide(action)
      if (action === "DescribeUserEvent") hits[k++] = fault !== undefined
      else assert.isUndefined(fault)
    }
    const alone = Faults.make([rule])
    assert.deepStrictEqual(hits, hits.map(() => alone.decide("DescribeUserEvent") !== undefined))
  })

  it.prop("nth fires exactly once, everyNth on the multiples", [fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 120 })], ([n, requests]) => {
    assert.deepStrictEqual(firing(Faults.make([{ when: { nth: n }, effect: { reset: true } }]), "A", requests), requests >= n ? [n] : [])
    const every = firing(Faults.make([{ when: { everyNth: n }, effect: { reset: true } }]), "A", requests)
    assert.deepStrictEqual(every, Array.from({ length: Math.floor(requests / n) }, (_, i) => (i + 1) * n))
  })

  it("respects limit, rule order, decideAll and reset", () => {
    const rules: ReadonlyArray<Faults.FaultRule> = [
      { when: { always: true }, effect: { latencyMs: 50 }, limit: 2 },
      { action: "*", when: { everyNth: 2 }, effect: { apiError: "RequestLimitExceeded", message: "slow down" } }
    ]
    const decider = Faults.make(rules)
    assert.deepStrictEqual(decider.decide("A")?.effect, { latencyMs: 50 })
    assert.deepStrictEqual(decider.decideAll("A").map((f) => f.rule), [0, 1])
    // The latency rule is used up; the every-2nd rule still counts every request.
    assert.isUndefined(decider.decide("A"))
    assert.deepStrictEqual(decider.decide("A"), { rule: 1, action: "A", count: 4, effect: { apiError: "RequestLimitExceeded", message: "slow down" } })
    decider.reset()
    assert.deepStrictEqual(decider.decide("A")?.rule, 0)
    assert.strictEqual(decider.rules, rules)
  })
})

describe("Faults.parse", () => {
  it("accepts an array, {rules}, a single rule, and JSON text", () => {
    const rule: Faults.FaultRule = { action: "DescribeUserInfo", when: { nth: 1 }, effect: { truncate: true } }
    for (const input of [[rule], { rules: [rule] }, rule, JSON.stringify([rule])]) {
      assert.deepStrictEqual(Faults.parse(input), Either.right([rule]))
    }
    assert.deepStrictEqual(Faults.parse([{ when: { probability: 0.5 }, effect: { httpStatus: 502 }, limit: 3 }]), Either.right([{ when: { probability: 0.5, seed: 0 }, effect: { httpStatus: 502 }, limit: 3 }]))
  })

  it("names the bad field in a typed error", () => {
    const cases: ReadonlyArray<readonly [unknown, string, string]> = [
      [[{ when: { nth: 1 }, effect: { reset: true } }, { when: { everyNth: 0 }, effect: { reset: true } }], "[1].when.everyNth", "integer"],
      [{ rules: [{ when: { nth: 1 }, effect: { httpStatus: 99 } }] }, "rules[0].effect.httpStatus", "200 to 599"],
      [[{ when: { probability: 1.5, seed: 1 }, effect: { reset: true } }], "[0].when.probability", "0 to 1"],
      [[{ when: { nth: 1, everyNth: 2 }, effect: { reset: true } }], "[0].when", "exactly one"],
      [[{ when: { nth: 1 }, effect: {} }], "[0].effect", "needs one of"],
      [[{ when: { nth: 1 }, effect: { apiError: "not a code" } }], "[0].effect.apiError", "error code"],
      [[{ when: { nth: 1 }, effect: { reset: false } }], "[0].effect.reset", "must be true"],
      [[{ effect: { reset: true } }], "[0].when", "missing"],
      [[{ when: { nth: 1 } }], "[0].effect", "missing"],
      [[{ action: 3, when: { nth: 1 }, effect: { reset: true } }], "[0].action", "action name"],
      [[{ when: { nth: 1 }, effect: { reset: true }, colour: "red" }], "[0].colour", "not a known field"],
      [[{ when: { nth: 1 }, effect: { latencyMs: -5 } }], "[0].effect.latencyMs", "integer"],
      [[{ when: { nth: 1 }, effect: { reset: true }, limit: 0 }], "[0].limit", "integer"],
      [42, "", "must be an array"],
      ["{oops", "", "not valid JSON"]
    ]
    for (const [input, field, problem] of cases) {
      const error = parseError(input)
      assert.strictEqual(error._tag, "FaultsError")
      assert.strictEqual(error.field, field, JSON.stringify(input))
      assert.include(error.problem, problem)
      assert.include(error.message, "rules.json")
    }
  })

  it("throws the typed error from parseOrThrow", () => {
    assert.throws(() => Faults.parseOrThrow([{ when: {}, effect: { reset: true } }]), /\[0\]\.when/)
  })

  it("parses compact flags", () => {
    assert.deepStrictEqual(
      Faults.parseFlags(["action=DescribeUserEvent,everyNth=3,apiError=InternalError.DBError", "probability=0.1,seed=7,httpStatus=503", "nth=1,reset", "truncate", "latencyMs=1500,limit=2"]),
      Either.right([
        { action: "DescribeUserEvent", when: { everyNth: 3 }, effect: { apiError: "InternalError.DBError" } },
        { when: { probability: 0.1, seed: 7 }, effect: { httpStatus: 503 } },
        { when: { nth: 1 }, effect: { reset: true } },
        { when: { always: true }, effect: { truncate: true } },
        { when: { always: true }, effect: { latencyMs: 1500 }, limit: 2 }
      ])
    )
    const bad = Faults.parseFlags(["nth=1,reset", "everyNth=x,reset"])
    assert.isTrue(Either.isLeft(bad))
    if (Either.isLeft(bad)) assert.strictEqual(bad.left.field, "--fault[1].everyNth")
    const unknown = Faults.parseFlags(["nth=1,explode"])
    assert.isTrue(Either.isLeft(unknown) && unknown.left.field === "--fault[0].explode")
  })

  it.effect("loads a rules file and fails typed on bad content", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "faults-"))
      const good = join(dir, "good.json")
      writeFileSync(good, JSON.stringify({ rules: [{ action: "DescribeRoomInfo", when: { everyNth: 2 }, effect: { httpStatus: 500 } }] }))
      const rules = yield* Faults.load(good)
      assert.deepStrictEqual(Faults.make(rules).decideAll("DescribeRoomInfo"), [])
      const bad = join(dir, "bad.json")
      writeFileSync(bad, JSON.stringify([{ when: { nth: "3" }, effect: { reset: true } }]))
      const error = yield* Effect.flip(Faults.load(bad))
      assert.strictEqual(error.source, bad)
      assert.strictEqual(error.field, "[0].when.nth")
      const missing = yield* Effect.flip(Faults.load(join(dir, "none.json")))
      assert.include(missing.problem, "cannot be read")
    }))

  it("describes effects in one line", () => {
    assert.strictEqual(Faults.describeEffect({ apiError: "InternalError" }), "apiError InternalError")
    assert.strictEqual(Faults.describeEffect({ httpStatus: 503 }), "httpStatus 503")
    assert.strictEqual(Faults.describeEffect({ latencyMs: 20 }), "latency 20ms")
    assert.strictEqual(Faults.describeEffect({ reset: true }), "reset")
    assert.strictEqual(Faults.describeEffect({ truncate: true }), "truncate")
  })
})
