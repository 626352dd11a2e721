/**
 * `@effect-trtc/core`: wire models, typed errors, the signed API client, its policies and the
 * `Trtc` service.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Models from "./Models.js"

/**
 * @since 0.1.0
 */
export * as Action from "./Action.js"

/**
 * @since 0.1.0
 */
export * as CommId from "./CommId.js"

/**
 * @since 0.1.0
 */
export * as TrtcError from "./TrtcError.js"

/**
 * @since 0.1.0
 */
export * as RateLimiter from "./RateLimiter.js"

/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"

/**
 * @since 0.1.0
 */
export * as TencentCloudClient from "./TencentCloudClient.js"

/**
 * @since 0.1.0
 */
export * as Trtc from "./Trtc.js"

/**
 * @since 0.1.0
 */
export * as EventCatalogue from "./EventCatalogue.js"

/**
 * @since 0.1.0
 */
export * as Windows from "./Windows.js"

/**
 * @since 0.1.0
 */
export * as Paginate from "./Paginate.js"

/**
 * @since 0.1.0
 */
export * as Dedupe from "./Dedupe.js"

/**
 * @since 0.1.0
 */
export * as TrtcStream from "./TrtcStream.js"
