/**
 * API errors as the emulator answers them: a code and a message in the style of Tencent Cloud
 * (English, backticks around names). Plain values, not Effect errors: the request path is
 * synchronous for speed.
 *
 * @internal
 */

/** An error the emulator answers inside the HTTP-200 `Response.Error` envelope. */
export class ApiFailure {
  constructor(readonly code: string, readonly message: string) {}
}

/** Default messages, used when a fault rule names only a code, and for the fixed answers. */
export const defaultMessages: Readonly<Record<string, string>> = {
  "AuthFailure.InvalidAuthorization": "The `Authorization` in the request header is invalid.",
  "AuthFailure.InvalidSecretId": "Invalid key (not a TencentCloud API key type).",
  "AuthFailure.MFAFailure": "MFA failed.",
  "AuthFailure.SecretIdNotFound": "The SecretId is not found, please ensure that your SecretId is correct.",
  "AuthFailure.SignatureExpire": "The signature is expired, please request again.",
  "AuthFailure.SignatureFailure": "The provided credentials could not be validated. Please check your signature is correct.",
  "AuthFailure.TokenFailure": "The token is invalid or expired.",
  "AuthFailure.UnauthorizedOperation": "The request is not authorized.",
  "FailedOperation": "Operation failed.",
  "InternalError": "Internal error.",
  "InternalError.DBError": "An error occurred while querying the database.",
  "InternalError.EsQueryError": "An error occurred during an ES query.",
  "InternalError.HttpParaseFalied": "Failed to parse the HTTP request.",
  "InternalError.InterfaceErr": "API error.",
  "InternalError.MethodErr": "Unsupported method.",
  "InvalidAction": "The request `Action` is invalid or not found.",
  "InvalidParameter": "Parameter error.",
  "InvalidParameterValue": "Invalid parameter value.",
  "InvalidParameter.BodyParamsError": "Failed to parse body parameters.",
  "LimitExceeded": "Quota limit exceeded.",
  "MissingParameter": "Missing parameter.",
  "NoSuchVersion": "The API version does not exist.",
  "RequestLimitExceeded": "The number of requests exceeds the frequency limit.",
  "RequestSizeLimitExceeded": "The request size exceeds the upper limit.",
  "ResourceNotFound": "The resource does not exist.",
  "ResourceUnavailable": "Resource is unavailable.",
  "ResponseSizeLimitExceeded": "The response size exceeds the upper limit.",
  "ServiceUnavailable": "Service is unavailable now.",
  "UnauthorizedOperation": "Unauthorized operation.",
  "UnsupportedProtocol": "HTTP(S) request protocol error; only GET and POST requests are supported.",
  "UnsupportedRegion": "The action does not support this region."
}

/** An error with its default message (or a generic one for codes without a default). */
export const apiFailure = (code: string, message?: string): ApiFailure =>
  new ApiFailure(code, message ?? defaultMessages[code] ?? `The request failed with error code \`${code}\`.`)
