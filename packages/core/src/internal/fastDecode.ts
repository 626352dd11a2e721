import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as AST from "effect/SchemaAST"
import * as Schema from "effect/Schema"
// A fast path for decoding successful answers (and encoding requests), derived from each
// `Schema.Class`'s own AST the first time it is asked for: nothing is registered and nothing is
// restated beside the classes, so a new action's classes get a fast path by being classes. The Schema decode of a response into the
// `Models` classes costs 70–400 µs per answer (5–20× the `JSON.parse` of the same body) and was
// the largest cost of a request (bench/results/client.md). These decoders check the exact
// shape by hand and build the class instances without the Schema; whenever a value is not
// what they expect they answer `miss` and the Schema decides (and reports the typed error).
// A property test (test/fastDecode.test.ts) holds them to the Schema: never accepting what the
// Schema rejects, equal values where both accept.

/** "Not sure": let the Schema decode this value. */
export const miss: unique symbol = Symbol.for("@effect-trtc/core/fastDecode/miss")

/** A decoder of a whole value (an element of a list, a response object). */
export type Decoder<A> = (input: unknown) => A | typeof miss

/** A decoder of one property, given its value and the record it came from (to tell absent from undefined). */
export type FieldDecoder<A> = (value: unknown, record: Readonly<Record<string, unknown>>, key: string) => A | typeof miss

const hasOwn = Object.prototype.hasOwnProperty

/** `Schema.Number`. */
export const number: FieldDecoder<number> = (value) => typeof value === "number" ? value : miss

/** `Schema.Int` (`Models.WireInt`): the same predicate, a safe integer (never NaN, ±Infinity, 1.5). */
export const int: FieldDecoder<number> = (value) => typeof value === "number" && Number.isSafeInteger(value) ? value : miss

/** `Schema.NonNegativeInt` (`Models.WireTime`): a safe integer ≥ 0. */
export const time: FieldDecoder<number> = (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : miss

/** `Schema.Finite` (`Models.WireFloat`): never NaN or ±Infinity. */
export const finite: FieldDecoder<number> = (value) => typeof value === "number" && Number.isFinite(value) ? value : miss

/** `Schema.String`. */
export const string: FieldDecoder<string> = (value) => typeof value === "string" ? value : miss

/** `Schema.Boolean`. */
export const boolean: FieldDecoder<boolean> = (value) => typeof value === "boolean" ? value : miss

/**
 * `Schema.optionalWith(schema, { nullable: true, default })`: null or an absent key give the
 * default. A key present with `undefined` (never from JSON) is left to the Schema.
 */
export const orDefault = <A>(decode: FieldDecoder<A>, fallback: () => A): FieldDecoder<A> => (value, record, key) =>
  value === null || (value === undefined && !hasOwn.call(record, key)) ? fallback() : decode(value, record, key)

/** `Schema.Array(element)`. */
export const array = <A>(element: Decoder<A>): FieldDecoder<ReadonlyArray<A>> => (value) => {
  if (!Array.isArray(value)) return miss
  const out: Array<A> = new Array(value.length)
  for (let i = 0; i < value.length; i++) {
    const decoded = element(value[i])
    if (decoded === miss) return miss
    out[i] = decoded
  }
  return out
}

/** One property: its name in TypeScript, its key on the wire, its decoder. */
export type Field = readonly [name: string, key: string, decode: FieldDecoder<unknown>]

/**
 * A `Schema.Class` whose fields are all `fromKey` properties: each field decoded from its wire
 * key (other keys ignored, as the client's Schema decode does) onto an instance of the class.
 *
 * The Schema builds each instance with `new Class(props, true)`, which copies the props onto
 * the instance (and fills constructor defaults of absent props: here none is ever absent).
 * That constructor costs 0.6–1 µs (a spread of the props, a walk of the fields), an instance
 * made from the prototype and assigned its fields 25 ns, and an answer holds hundreds of them.
 */
export const classOf = <A>(
  Class: { readonly prototype: A },
  fields: ReadonlyArray<Field>
): Decoder<A> => {
  const prototype = Class.prototype as object
  return (input) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return miss
    const record = input as Readonly<Record<string, unknown>>
    const instance: Record<string, unknown> = Object.create(prototype)
    for (let i = 0; i < fields.length; i++) {
      const [name, key, decode] = fields[i]!
      const value = decode(record[key], record, key)
      if (value === miss) return miss
      instance[name] = value
    }
    return instance as A
  }
}

// ---------------------------------------------------------------------------
// requests: the same idea the other way, for the JSON body of a request
// ---------------------------------------------------------------------------

/** An encoder of a request value to its wire object, or `miss` (then the Schema encodes). */
export type Encoder = (value: unknown) => Record<string, unknown> | typeof miss

/** The check of one request property: its wire value, or `miss`. */
export type FieldEncoder = (value: unknown) => unknown

/** `Schema.Array(Schema.String)`. */
export const strings: FieldEncoder = (value) => {
  if (!Array.isArray(value)) return miss
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") return miss
  return value
}

/** One request property: its name in TypeScript, its key on the wire, its check, whether it may be absent. */
export type RequestField = readonly [name: string, key: string, encode: FieldEncoder, optional: boolean]

/**
 * A request class whose fields are `fromKey` properties (required or `Schema.optional`): the
 * wire object with the keys in field order, an absent or `undefined` optional left out.
 * Anything else (not an instance, a wrong type) is left to the Schema.
 */
export const requestOf = (Class: abstract new(...args: never) => unknown, fields: ReadonlyArray<RequestField>): Encoder => (value) => {
  if (!(value instanceof Class)) return miss
  const record = value as unknown as Readonly<Record<string, unknown>>
  const out: Record<string, unknown> = {}
  for (let i = 0; i < fields.length; i++) {
    const [name, key, encode, optional] = fields[i]!
    const field = record[name]
    if (field === undefined && optional) continue
    const wire = encode(field)
    if (wire === miss) return miss
    out[key] = wire
  }
  return out
}

// ---------------------------------------------------------------------------
// derivation from a class's AST
// ---------------------------------------------------------------------------

// The refinements the models use, by identity: a plain predicate each instead of the Schema's
// filter (which allocates its result). Any other refinement runs its own filter.
const knownRefinements = new Map<AST.AST, FieldDecoder<unknown>>([
  [Schema.Int.ast, int],
  [Schema.NonNegativeInt.ast, time],
  [Schema.Finite.ast, finite]
])

const noParseOptions: AST.ParseOptions = {}

const unsupported = (why: string): never => {
  throw new Unsupported(why)
}

class Unsupported {
  constructor(readonly why: string) {}
}

/** The decoder of a property's value type, or `Unsupported` thrown (then no fast path). */
const typeDecoder = (ast: AST.AST): FieldDecoder<unknown> => {
  switch (ast._tag) {
    case "StringKeyword":
      return string
    case "NumberKeyword":
      return number
    case "BooleanKeyword":
      return boolean
    case "Refinement": {
      const known = knownRefinements.get(ast)
      if (known !== undefined) return known
      const from = typeDecoder(ast.from)
      return (value, record, key) => {
        const decoded = from(value, record, key)
        return decoded === miss || Option.isSome(ast.filter(decoded, noParseOptions, ast)) ? miss : decoded
      }
    }
    case "TupleType": {
      if (ast.elements.length !== 0 || ast.rest.length !== 1) return unsupported("a tuple")
      const elementAst = ast.rest[0]!.type
      // A class decodes an element as it is; a primitive's field decoder wants a record too.
      if (elementAst._tag === "Transformation") return array(classDecoder(elementAst))
      const element = typeDecoder(elementAst)
      return array((input) => element(input, emptyRecord, ""))
    }
    case "Transformation":
      // A `Decoder` is a `FieldDecoder` that ignores the record and the key.
      return classDecoder(ast)
    default:
      return unsupported(ast._tag)
  }
}

const emptyRecord: Readonly<Record<string, unknown>> = {}

/** The members of a union other than `null` and `undefined`, and which of those two it has. */
const nullable = (ast: AST.AST): { readonly type: AST.AST; readonly hasNull: boolean } => {
  if (ast._tag !== "Union") return { type: ast, hasNull: false }
  const rest = ast.types.filter((t) => !(t._tag === "Literal" && t.literal === null) && t._tag !== "UndefinedKeyword")
  if (rest.length !== 1) return unsupported("a union")
  return { type: rest[0]!, hasNull: ast.types.some((t) => t._tag === "Literal" && t.literal === null) }
}

interface Property {
  /** The name in TypeScript. */
  readonly name: string
  /** The key on the wire. */
  readonly key: string
  readonly isOptional: boolean
  /** The wire type without `null` / `undefined`. */
  readonly type: AST.AST
  readonly hasNull: boolean
  /** The value of an absent (or, with `hasNull`, null) key, when the field has a default. */
  readonly fallback: (() => unknown) | undefined
}

/**
 * The properties of a `Schema.Class` (the `from` side of its AST: a type literal, or a type
 * literal renamed by `fromKey` and defaulted by `optionalWith`), and its prototype.
 */
const classParts = (ast: AST.AST): { readonly prototype: object; readonly properties: ReadonlyArray<Property> } => {
  if (ast._tag !== "Transformation" || ast.to._tag !== "Declaration" || ast.transformation._tag !== "FinalTransformation") {
    return unsupported("not a Schema.Class")
  }
  // The class's own decode is `new Class(props, true)`: made once from `{}` (no validation), the
  // instance gives the prototype the decoders build on.
  const sample = ast.transformation.decode({}, noParseOptions, ast, {}) as Either.Either<unknown, unknown>
  if (!Either.isEither(sample) || Either.isLeft(sample) || typeof sample.right !== "object" || sample.right === null) {
    return unsupported("a class whose decode is not synchronous")
  }
  const prototype = Object.getPrototypeOf(sample.right) as object
  const struct = ast.from
  const [wire, renames] = struct._tag === "TypeLiteral"
    ? [struct, [] as ReadonlyArray<AST.PropertySignatureTransformation>]
    : struct._tag === "Transformation" && struct.from._tag === "TypeLiteral" && struct.transformation._tag === "TypeLiteralTransformation"
      ? [struct.from, struct.transformation.propertySignatureTransformations]
      : unsupported("a struct with a transformation")
  if (wire.indexSignatures.length > 0) return unsupported("an index signature")
  const properties = wire.propertySignatures.map((ps): Property => {
    if (typeof ps.name !== "string") return unsupported("a symbol key")
    const rename = renames.find((r) => r.from === ps.name)
    const { hasNull, type } = nullable(ps.type)
    const decodeAbsent = rename?.decode(Option.none())
    const fallback = decodeAbsent !== undefined && Option.isSome(decodeAbsent)
      ? () => Option.getOrUndefined(rename!.decode(Option.none()))
      : undefined
    return { name: String(rename?.to ?? ps.name), key: ps.name, isOptional: ps.isOptional, type, hasNull, fallback }
  })
  return { prototype, properties }
}

const decoderCache = new WeakMap<AST.AST, Decoder<unknown>>()

/**
 * The decoder of a class's AST: each property from its wire key (other keys ignored, as the
 * client's Schema decode does), `null` or absent keys to their defaults, onto an instance.
 */
const classDecoder = (ast: AST.AST): Decoder<unknown> => {
  const cached = decoderCache.get(ast)
  if (cached !== undefined) return cached
  const { prototype, properties } = classParts(ast)
  const fields = properties.map((p): Field => {
    const decode = typeDecoder(p.type)
    if (p.fallback !== undefined) {
      const fallback = p.fallback
      if (p.hasNull) return [p.name, p.key, orDefault(decode, fallback)]
      // Without `nullable` only an absent key takes the default; a null one is the Schema's to refuse.
      return [p.name, p.key, (value, record, key) =>
        value === undefined && !hasOwn.call(record, key) ? fallback() : value === null ? miss : decode(value, record, key)]
    }
    // An optional key without a default stays absent: the Schema's decode leaves it out too.
    if (p.isOptional || p.hasNull) return unsupported("an optional field without a default")
    return [p.name, p.key, decode]
  })
  const decoder = classOf({ prototype }, fields)
  decoderCache.set(ast, decoder)
  return decoder
}

const tryDerive = <A>(derive: () => A): A | undefined => {
  try {
    return derive()
  } catch (e) {
    if (e instanceof Unsupported) return undefined
    throw e
  }
}

const lookupCache = new WeakMap<object, Decoder<unknown> | null>()

/**
 * The fast decoder of a schema, derived from it on first use: defined for a `Schema.Class`
 * whose fields are strings, numbers (`Schema.Int`, `NonNegativeInt`, `Finite` or another
 * refinement), booleans, arrays and other such classes, with `fromKey` and `optionalWith`
 * defaults; `undefined` (the Schema decodes alone) for anything else.
 */
export const lookup = (schema: Schema.Schema.Any): Decoder<unknown> | undefined => {
  const cached = lookupCache.get(schema)
  if (cached !== undefined) return cached ?? undefined
  const decoder = tryDerive(() => classDecoder(schema.ast))
  lookupCache.set(schema, decoder ?? null)
  return decoder
}

/** A request property's check, when its TypeScript value is its own wire value. */
const selfEncoding = (ast: AST.AST): FieldEncoder => {
  if (ast._tag === "TupleType" && ast.elements.length === 0 && ast.rest.length === 1 && ast.rest[0]!.type._tag === "StringKeyword") {
    return strings
  }
  if (ast._tag === "Transformation") return unsupported("a transformed request field")
  const decode = typeDecoder(ast)
  return (value) => decode(value, emptyRecord, "")
}

const encoderCache = new WeakMap<object, Encoder | null>()

/**
 * The fast encoder of a request class, derived from it on first use: defined when every field
 * is a primitive (or list of strings) under its `fromKey`, required or `Schema.optional`.
 */
export const lookupEncoder = (schema: Schema.Schema.Any): Encoder | undefined => {
  const cached = encoderCache.get(schema)
  if (cached !== undefined) return cached ?? undefined
  const Class: unknown = schema
  const encoder = typeof Class === "function"
    ? tryDerive(() => {
        const { properties } = classParts(schema.ast)
        return requestOf(Class as abstract new(...args: never) => unknown, properties.map((p): RequestField => {
          if (p.fallback !== undefined || p.hasNull) return unsupported("a request field with a default")
          return [p.name, p.key, selfEncoding(p.type), p.isOptional]
        }))
      })
    : undefined
  encoderCache.set(schema, encoder ?? null)
  return encoder
}
