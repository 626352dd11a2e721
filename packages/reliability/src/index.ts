/**
 * `@effect-trtc/reliability`: helpers of the reliability suite (a private build of the CLI,
 * resource probes). Private; not published.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as CliBin from "./CliBin.js"

/**
 * @since 0.1.0
 */
export * as Probe from "./Probe.js"
