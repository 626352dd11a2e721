// The official Node SDK's own TC3 signer (tencentcloud-sdk-nodejs-common, the devDependency of
// this package), loaded the same way under vitest and tsx: through require, since the module is
// CommonJS and the ESM interop of its default export differs between the two.
import { createRequire } from "node:module"

/** What `Sign.sign3` takes; `headers["Content-Type"]` is signed as given. */
export interface Sign3Input {
  readonly method: "GET" | "POST"
  readonly url: string
  /** A Buffer is hashed as it is; any other value is JSON-serialized by the SDK first. */
  readonly payload: Buffer | string
  readonly timestamp: number
  readonly service: string
  readonly secretId: string
  readonly secretKey: string
  readonly headers: Readonly<Record<string, string>>
}

const sdk = createRequire(import.meta.url)("tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js") as {
  readonly default: { readonly sign3: (input: Sign3Input & { readonly multipart: boolean; readonly boundary: string }) => string }
}

/** The `Authorization` header the SDK computes. */
export const sign3 = (input: Sign3Input): string => sdk.default.sign3({ ...input, multipart: false, boundary: "" })
