/**
 * `@effect-trtc/diagnosis`: what went wrong for whom in a TRTC call (named rules over its
 * events and quality series) and the call drawn as one self-contained HTML page.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Diagnosis from "./Diagnosis.js"

/**
 * @since 0.1.0
 */
export * as Timeline from "./Timeline.js"
