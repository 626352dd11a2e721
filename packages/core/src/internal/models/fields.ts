/**
 * How a model's field maps to the wire: PascalCase keys, lists that may be null, the numeric
 * refinements of a response.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

// The wire key is a literal type parameter: with `key: string` the Encoded side of every class
// became an index signature, and the emitted .d.ts did not typecheck (TS2411) for users.
/** @internal */
export const field = <const K extends string, S extends Schema.Schema.All>(key: K, schema: S) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(key))

/** @internal */
export const optionalField = <const K extends string, S extends Schema.Schema.All>(key: K, schema: S) =>
  Schema.optional(schema).pipe(Schema.fromKey(key))

// The docs say list keys "may be null"; a missing or null list is an empty one.
/** @internal */
export const listField = <const K extends string, S extends Schema.Schema.Any>(key: K, schema: S) =>
  Schema.optionalWith(Schema.Array(schema), { nullable: true, default: () => [] }).pipe(Schema.fromKey(key))

/** A safe integer: `JSON.parse` gives `Infinity` for `1e400` and keeps `1.5`; neither is an id. @internal */
export const WireInt = Schema.Int

/** A time (Unix s or ms): a safe integer, never negative. @internal */
export const WireTime = Schema.NonNegativeInt

/** A finite float (`TimeValue.Value`). @internal */
export const WireFloat = Schema.Finite

// `Total` is documented but ambiguous; tolerate it missing or null rather than fail a page.
/** @internal */
export const totalField = Schema.optionalWith(WireInt, { nullable: true, default: () => 0 }).pipe(Schema.fromKey("Total"))

/** @internal */
export const requestIdField = field("RequestId", Schema.String)
