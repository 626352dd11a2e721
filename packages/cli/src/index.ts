/**
 * @since 0.1.0
 */

/**
 * The `trtc` command line: commands, flags and `run`.
 *
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

/**
 * One-line error rendering, exit codes and the CLI's own errors.
 *
 * @since 0.1.0
 */
export * as CliError from "./CliError.js"

/**
 * Output formats: json, ndjson, csv (RFC 4180) and fitted tables.
 *
 * @since 0.1.0
 */
export * as Output from "./Output.js"

/**
 * The flat event, room and user records the CLI prints.
 *
 * @since 0.1.0
 */
export * as Records from "./Records.js"

/**
 * Times and durations as typed on the command line, and periods.
 *
 * @since 0.1.0
 */
export * as Time from "./Time.js"
