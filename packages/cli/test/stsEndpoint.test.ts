// Where the CLI sends STS calls for a role: beside Tencent Cloud's own TRTC hosts, else to the
// --endpoint itself (the emulator serves both services on one port, told apart by X-TC-Action).
import { assert, it } from "@effect/vitest"
import { stsEndpointFor } from "../src/internal/api.js"

it("STS follows --endpoint: sts.* beside Tencent Cloud's TRTC hosts, the endpoint itself elsewhere, the default without one", () => {
  assert.strictEqual(stsEndpointFor(undefined), undefined)
  assert.strictEqual(stsEndpointFor("https://trtc.tencentcloudapi.com"), "https://sts.tencentcloudapi.com")
  assert.strictEqual(stsEndpointFor("https://trtc.ap-singapore.tencentcloudapi.com"), "https://sts.ap-singapore.tencentcloudapi.com")
  assert.strictEqual(stsEndpointFor("https://trtc.internal.tencentcloudapi.com"), "https://sts.internal.tencentcloudapi.com")
  assert.strictEqual(stsEndpointFor("http://127.0.0.1:8080"), "http://127.0.0.1:8080")
  assert.strictEqual(stsEndpointFor("https://gateway.example.com/trtc"), "https://gateway.example.com/trtc")
  // Only a host that is Tencent Cloud's: a look-alike keeps its own name.
  assert.strictEqual(stsEndpointFor("https://trtc.tencentcloudapi.com.evil.example"), "https://trtc.tencentcloudapi.com.evil.example")
})
