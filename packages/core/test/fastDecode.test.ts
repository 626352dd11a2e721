import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as FastDecode from "../src/internal/fastDecode.js"
import * as Models from "../src/Models.js"
import * as TrtcError from "../src/TrtcError.js"

const responses = [
  Models.DescribeRoomInfoResponse,
  Models.DescribeUserInfoResponse,
  Models.DescribeCallDetailInfoResponse,
  Models.DescribeUserEventResponse,
  Models.DescribeUnusualEventResponse
] as const

type Mutation = readonly [at: number, change: "delete" | "replace" | "add", value: unknown]

const badNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, JSON.parse("1e400") as number, JSON.parse("-1e400") as number, 0.5, -1.5, 2 ** 53, -(2 ** 60), 1e20),
  fc.double({ noInteger: true })
)

const wrongValues: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 3 }),
  fc.double(),
  fc.integer(),
  // Numbers no wire integer may be: non-finite (JSON's 1e400 parses to Infinity), fractional,
  // beyond 2^53 (no longer exact).
  badNumber,
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 2 }),
  fc.object({ maxDepth: 1 })
)

const mutation: fc.Arbitrary<Mutation> = fc.tuple(fc.nat(), fc.constantFrom("delete" as const, "replace" as const, "add" as const), wrongValues)

/** Every (container, key) pair of a JSON-like value, the root's own keys included. */
const slots = (value: unknown, out: Array<readonly [Record<string, unknown>, string]> = []) => {
  if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      out.push([value as Record<string, unknown>, key])
      slots((value as Record<string, unknown>)[key], out)
    }
  }
  return out
}

const mutate = (wire: unknown, mutations: ReadonlyArray<Mutation>): unknown => {
  for (const [at, change, value] of mutations) {
    const all = slots(wire)
    if (all.length === 0) return wire
    const [container, key] = all[at % all.length]!
    if (change === "delete") delete container[key]
    else if (change === "replace") container[key] = value
    else container[`${key}X`] = value
  }
  return wire
}

const schemaDecode = (schema: Schema.Schema<unknown, unknown>) =>
  Schema.decodeUnknownEither(schema, { errors: "first", onExcessProperty: "ignore" })

describe("fast response decoding and request encoding", () => {
  it("covers every response class", () => {
    for (const schema of responses) assert.isDefined(FastDecode.lookup(schema), schema.identifier)
  })

  for (const schema of responses) {
    const fast = FastDecode.lookup(schema)!
    const any = schema as unknown as Schema.Schema<unknown, unknown>
    const slow = schemaDecode(any)
    const wire = Arbitrary.make(any).map((value) => Schema.encodeSync(any)(value))

    it.prop(`${schema.identifier}: accepts every encoded value, equal to the Schema's`, [wire], ([body]) => {
      const expected = slow(body)
      const actual = fast(body)
      assert.isTrue(Either.isRight(expected))
      assert.notStrictEqual(actual, FastDecode.miss)
      assert.deepStrictEqual(actual, Either.getOrThrow(expected))
      assert.instanceOf(actual, schema as unknown as new() => object)
    })

    it.prop(`${schema.identifier}: never accepts what the Schema rejects; equal where both accept`, [wire, fc.array(mutation, { minLength: 1, maxLength: 3 })], ([body, mutations]) => {
      const mutated = mutate(body, mutations)
      const actual = fast(mutated)
      const expected = slow(mutated)
      if (actual === FastDecode.miss) return
      assert.isTrue(Either.isRight(expected), `fast path accepted what the Schema rejects: ${JSON.stringify(mutated)}`)
      assert.deepStrictEqual(actual, Either.getOrThrow(expected))
    })
  }

  // The mutations above rarely land on a number; this one always does: every numeric slot of a
  // valid body replaced by a non-integer or non-finite number.
  for (const schema of responses) {
    const fast = FastDecode.lookup(schema)!
    const any = schema as unknown as Schema.Schema<unknown, unknown>
    const slow = schemaDecode(any)
    const wire = Arbitrary.make(any).map((value) => Schema.encodeSync(any)(value))

    it.prop(`${schema.identifier}: refuses a non-integer or non-finite wire number, on both paths`, [wire, fc.nat(), badNumber], ([body, at, bad]) => {
      const numeric = slots(body).filter(([container, key]) => typeof container[key] === "number")
      if (numeric.length === 0) return
      const [container, key] = numeric[at % numeric.length]!
      container[key] = bad
      const actual = fast(body)
      const expected = slow(body)
      // `TimeValue.Value` is the one float: a finite fraction is fine there, on both paths.
      if (key === "Value" && Number.isFinite(bad)) {
        assert.isTrue(Either.isRight(expected))
        assert.deepStrictEqual(actual, Either.getOrThrow(expected))
        return
      }
      assert.isTrue(Either.isLeft(expected), `the Schema accepted ${key}: ${bad}`)
      assert.strictEqual(actual, FastDecode.miss, `the fast path accepted ${key}: ${bad}`)
    })
  }

  it("int and finite refuse what Schema.Int and Schema.Finite refuse", () => {
    for (const n of [0, -0, 1, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e20, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE]) {
      const record = { n }
      assert.strictEqual(FastDecode.int(n, record, "n") !== FastDecode.miss, Schema.is(Schema.Int)(n), `int ${n}`)
      assert.strictEqual(FastDecode.finite(n, record, "n") !== FastDecode.miss, Schema.is(Schema.Finite)(n), `finite ${n}`)
    }
  })

  const requests = [
    Models.DescribeRoomInfoRequest,
    Models.DescribeUserInfoRequest,
    Models.DescribeCallDetailInfoRequest,
    Models.DescribeUserEventRequest,
    Models.DescribeUnusualEventRequest
  ] as const

  for (const schema of requests) {
    const any = schema as unknown as Schema.Schema<unknown, unknown>
    const fast = FastDecode.lookupEncoder(schema)!
    const slow = Schema.encodeUnknownEither(any)
    const values = Arbitrary.make(any)

    it.prop(`${schema.identifier}: encodes every value to the Schema's JSON`, [values], ([value]) => {
      const actual = fast(value)
      assert.notStrictEqual(actual, FastDecode.miss)
      assert.strictEqual(JSON.stringify(actual), JSON.stringify(Either.getOrThrow(slow(value))))
    })

    it.prop(`${schema.identifier}: never encodes what the Schema refuses; same JSON where both encode`, [values, fc.array(mutation, { minLength: 1, maxLength: 2 })], ([value, mutations]) => {
      // Instances are frozen data; mutate a copy with the same prototype.
      const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object) as object, value as object)
      for (const key of Object.keys(copy)) {
        const field = (copy as Record<string, unknown>)[key]
        if (Array.isArray(field)) (copy as Record<string, unknown>)[key] = [...field]
      }
      const mutated = mutate(copy, mutations)
      const actual = fast(mutated)
      if (actual === FastDecode.miss) return
      const expected = slow(mutated)
      assert.isTrue(Either.isRight(expected), `fast path encoded what the Schema refuses: ${fc.stringify(mutations)}`)
      assert.strictEqual(JSON.stringify(actual), JSON.stringify(Either.getOrThrow(expected)))
    })
  }

  it("leaves a plain object (not an instance) to the Schema", () => {
    const fast = FastDecode.lookupEncoder(Models.DescribeRoomInfoRequest)!
    assert.strictEqual(fast({ sdkAppId: 1, startTime: 1, endTime: 2 }), FastDecode.miss)
  })

  it("leaves null lists, a null Total and a null PeerId to their defaults, like the Schema", () => {
    const body = {
      Total: null,
      UserList: null,
      Data: [{ Content: null, UserId: "u1", PeerId: null, DataType: "rtt" }],
      RequestId: "r1"
    }
    const fast = FastDecode.lookup(Models.DescribeCallDetailInfoResponse)!(body)
    assert.deepStrictEqual(fast, new Models.DescribeCallDetailInfoResponse({
      total: 0,
      userList: [],
      data: [new Models.QualityData({ content: [], userId: "u1", peerId: "", dataType: "rtt" })],
      requestId: "r1"
    }))
  })

  it("decodeResponseEither still reports a wrong shape as ResponseDecodeError", () => {
    const decoded = TrtcError.decodeResponseEither("DescribeUserEvent", Models.DescribeUserEventResponse)(
      JSON.stringify({ Response: { Data: [{ PeerId: "p", Content: [{ Type: "0" }] }], RequestId: "r2" } })
    )
    assert.isTrue(Either.isLeft(decoded))
    const error = Either.getLeft(decoded)
    assert.strictEqual(error._tag === "Some" ? error.value._tag : undefined, "ResponseDecodeError")
  })
})
