/**
 * Signs a DescribeRoomInfo request with TC3-HMAC-SHA256 and prints its Authorization header.
 * The stand-in main job until the `trtc` CLI lands.
 */
import * as Redacted from "effect/Redacted"
import * as Tc3 from "@effect-trtc/signer/Tc3"

const body = JSON.stringify({ SdkAppId: 1400188366, StartTime: 1715990000, EndTime: 1715999999 })
const signed = Tc3.sign({
  method: "POST",
  host: "trtc.tencentcloudapi.com",
  contentType: "application/json",
  body,
  service: "trtc",
  timestamp: Math.floor(Date.now() / 1000),
  secretId: "AKIDEXAMPLE",
  secretKey: Redacted.make("example-secret-key")
})
console.log(`POST https://trtc.tencentcloudapi.com/\n${body}\nAuthorization: ${signed.authorization}`)
