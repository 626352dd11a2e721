/**
 * @since 0.1.0
 */

/**
 * A local TRTC API 3.0 server over real HTTP.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"

/**
 * The data the emulator serves: a deterministic seeded generator, JSON load/export, lookups.
 *
 * @since 0.1.0
 */
export * as DataSet from "./DataSet.js"

/**
 * Fault injection rules and their deterministic decider.
 *
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"
