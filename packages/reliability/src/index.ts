/**
 * `@effect-trtc/reliability`: helpers of the reliability suite (resource probes; the CLI's
 * bin is built and spawned with `@effect-trtc/cli/CliProcess`). Private; not published.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Probe from "./Probe.js"
