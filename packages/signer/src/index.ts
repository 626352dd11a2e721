/**
 * @since 0.1.0
 */

/**
 * Tencent Cloud API credentials and their providers.
 *
 * @since 0.1.0
 */
export * as Credentials from "./Credentials.js"

/**
 * The HttpClient middleware that signs every attempt.
 *
 * @since 0.1.0
 */
export * as Signing from "./Signing.js"

/**
 * TC3-HMAC-SHA256 signing and verification.
 *
 * @since 0.1.0
 */
export * as Tc3 from "./Tc3.js"

/**
 * The legacy signature v1 (HmacSHA1 / HmacSHA256).
 *
 * @since 0.1.0
 */
export * as V1 from "./V1.js"

/**
 * Temporary and role credentials (STS AssumeRole, CVM/TKE instance role, OIDC web identity),
 * refreshed before they expire.
 *
 * @since 0.1.0
 */
export * as RoleCredentials from "./RoleCredentials.js"
