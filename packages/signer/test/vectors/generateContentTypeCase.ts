// Regenerates tc3-content-type-case.json with the official Node SDK's own signer
// (tencentcloud-sdk-nodejs-common 4.1.220, `Sign.sign3`, the devDependency of this package):
//
//   pnpm exec tsx packages/signer/test/vectors/generateContentTypeCase.ts
//
// The SDK writes the Content-Type value into the canonical headers as it is (no lowercasing), so
// a request sent as `Application/JSON` has its own signature. These vectors pin that; the
// lowercased signature other SDKs compute for the same request is recorded beside it so the
// verifier can be checked against both. Nothing here reads anything outside this package.
import { createHash, createHmac } from "node:crypto"
import { writeFileSync } from "node:fs"
import { sign3 } from "../sdkSign3.js"

const secretId = "AKIDtrtcTESTsecretIdEXAMPLE0000000000"
const secretKey = "trtcTESTsecretKeyEXAMPLE00000000"
const timestamp = 1716000000
const body = "{\"SdkAppId\":1400188366,\"StartTime\":1715990000,\"EndTime\":1715999999,\"PageNumber\":0,\"PageSize\":10}"
const query = "SdkAppId=1400188366&StartTime=1715990000&EndTime=1715999999&PageNumber=0&PageSize=10"

interface Case {
  readonly id: string
  readonly note: string
  readonly method: "GET" | "POST"
  readonly contentType: string
}

const cases: ReadonlyArray<Case> = [
  { id: "trtc-post-content-type-mixed-case", note: "httpProfile.headers Content-Type: Application/JSON — the SDK signs the value as given.", method: "POST", contentType: "Application/JSON" },
  { id: "trtc-post-content-type-charset-mixed-case", note: "Content-Type: application/json; charset=UTF-8 — the charset keeps its case in the signature.", method: "POST", contentType: "application/json; charset=UTF-8" },
  { id: "trtc-post-content-type-upper-case", note: "Content-Type: APPLICATION/JSON.", method: "POST", contentType: "APPLICATION/JSON" },
  { id: "trtc-get-content-type-mixed-case", note: "sign3 for a GET with Content-Type: Application/X-WWW-Form-Urlencoded (the SDK's own GET path sends it lowercase; sign3 still signs what it is given).", method: "GET", contentType: "Application/X-WWW-Form-Urlencoded" }
]

// The same derivation as the SDK, over the lowercased value: what the API document's rule
// ("header values in lowercase") and the SDKs that follow it produce.
const lowercasedSignature = (c: Case): string => {
  const hash = (data: string) => createHash("sha256").update(data).digest("hex")
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest()
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10)
  const canonical = [
    c.method,
    "/",
    c.method === "GET" ? query : "",
    `content-type:${c.contentType.toLowerCase()}\nhost:trtc.tencentcloudapi.com\n`,
    "content-type;host",
    hash(c.method === "GET" ? "" : body)
  ].join("\n")
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/trtc/tc3_request\n${hash(canonical)}`
  const key = hmac(hmac(hmac(`TC3${secretKey}`, date), "trtc"), "tc3_request")
  return createHmac("sha256", key).update(toSign).digest("hex")
}

const vectors = cases.map((c) => {
  const authorization = sign3({
    method: c.method,
    url: c.method === "GET" ? `https://trtc.tencentcloudapi.com/?${query}` : "https://trtc.tencentcloudapi.com/",
    // A Buffer is hashed as it is; an object would be re-serialized by the SDK.
    payload: c.method === "GET" ? "" : Buffer.from(body, "utf8"),
    timestamp,
    service: "trtc",
    secretId,
    secretKey,
    headers: { "Content-Type": c.contentType }
  })
  const signature = /Signature=([0-9a-f]{64})$/.exec(authorization)![1]!
  return {
    id: c.id,
    note: c.note,
    source: "sdk-sign3",
    secretId,
    secretKey,
    service: "trtc",
    host: "trtc.tencentcloudapi.com",
    action: "DescribeRoomInfo",
    version: "2019-07-22",
    region: "ap-guangzhou",
    timestamp,
    date: "2024-05-18",
    method: c.method,
    contentType: c.contentType,
    payload: c.method === "GET" ? "" : body,
    ...(c.method === "GET" ? { query } : {}),
    signedHeaders: "content-type;host",
    credentialScope: "2024-05-18/trtc/tc3_request",
    authorization,
    signature,
    lowercasedSignature: lowercasedSignature(c)
  }
})

writeFileSync(new URL("./tc3-content-type-case.json", import.meta.url), `${JSON.stringify(vectors, null, 2)}\n`)
