/**
 * @since 0.1.0
 */

/**
 * A local TRTC API 3.0 server over real HTTP.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"
