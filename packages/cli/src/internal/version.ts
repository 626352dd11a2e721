/** The version of the `trtc` command (kept in step with package.json). */
export const version = "0.1.0"
