import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { readFileSync } from "node:fs"
import * as TencentCloudClient from "../src/TencentCloudClient.js"

const resolved = (endpoint?: string) => Either.map(TencentCloudClient.resolveEndpoint(endpoint), (url) => url.toString())

describe("TencentCloudClient.resolveEndpoint", () => {
  it("defaults to https://trtc.tencentcloudapi.com/", () => {
    assert.deepStrictEqual(resolved(), Either.right("https://trtc.tencentcloudapi.com/"))
  })

  it("accepts the international and regional hosts, bare or as URLs", () => {
    assert.deepStrictEqual(resolved(TencentCloudClient.endpoints.international), Either.right("https://trtc.intl.tencentcloudapi.com/"))
    assert.deepStrictEqual(resolved(TencentCloudClient.endpoints.regional("ap-singapore")), Either.right("https://trtc.ap-singapore.tencentcloudapi.com/"))
    assert.deepStrictEqual(resolved("https://trtc.tencentcloudapi.com"), Either.right("https://trtc.tencentcloudapi.com/"))
    assert.deepStrictEqual(resolved("  trtc.tencentcloudapi.com:8443 "), Either.right("https://trtc.tencentcloudapi.com:8443/"))
  })

  it("accepts plain http:// only towards loopback", () => {
    for (const ok of ["http://127.0.0.1:9000", "http://127.1.2.3:1", "http://localhost:8080/", "http://[::1]:7000", "http://trtc.localhost:9"]) {
      assert.isTrue(Either.isRight(TencentCloudClient.resolveEndpoint(ok)), ok)
    }
    for (const bad of ["http://trtc.tencentcloudapi.com", "http://10.0.0.1:9000", "http://127.0.0.1.example.com", "http://localhost.example.com"]) {
      const result = TencentCloudClient.resolveEndpoint(bad)
      assert.isTrue(Either.isLeft(result), bad)
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "EndpointError")
        assert.include(result.left.message, "clear text")
      }
    }
  })

  it("refuses other schemes, paths, queries and user info", () => {
    for (const bad of ["ftp://trtc.tencentcloudapi.com", "https://trtc.tencentcloudapi.com/v1", "https://trtc.tencentcloudapi.com/?a=1", "https://user:pw@trtc.tencentcloudapi.com", "https://"]) {
      assert.isTrue(Either.isLeft(TencentCloudClient.resolveEndpoint(bad)), bad)
    }
  })

  it("names this library and its package version in User-Agent and X-TC-RequestClient", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    assert.strictEqual(TencentCloudClient.userAgent, `effect-trtc/${pkg.version}`)
    assert.strictEqual(TencentCloudClient.requestClient, `effect-trtc_${pkg.version}`)
  })
})
