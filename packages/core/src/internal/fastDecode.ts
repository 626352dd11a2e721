// A fast path for decoding successful answers. The Schema decode of a response into the
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

// Keyed by the schema (the class) that `decodeResponseEither` is given.
const registry = new WeakMap<object, Decoder<unknown>>()

/** Registers the fast decoder of a schema (done by `Models` for its response classes). */
export const register = <A>(schema: object, decoder: Decoder<A>): void => {
  registry.set(schema, decoder)
}

/** The fast decoder of a schema, if it has one. */
export const lookup = (schema: object): Decoder<unknown> | undefined => registry.get(schema)

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

const encoders = new WeakMap<object, Encoder>()

/** Registers the fast encoder of a request schema (done by `Models`). */
export const registerEncoder = (schema: object, encoder: Encoder): void => {
  encoders.set(schema, encoder)
}

/** The fast encoder of a request schema, if it has one. */
export const lookupEncoder = (schema: object): Encoder | undefined => encoders.get(schema)
