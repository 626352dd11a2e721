/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Archive from "./Archive.js"

/**
 * @since 0.1.0
 */
export * as ArchiveError from "./ArchiveError.js"
