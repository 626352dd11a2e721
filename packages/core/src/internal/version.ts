/**
 * The version of `@effect-trtc/core`, sent in `User-Agent` and `X-TC-RequestClient`. Kept as a
 * constant (a test checks it against package.json) so bundles need no JSON import.
 *
 * @internal
 */
export const libraryVersion = "0.1.0"
