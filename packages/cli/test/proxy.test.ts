// Proxies end to end: the built bin reaching the emulator through a real local proxy, from
// HTTP_PROXY or --proxy, NO_PROXY bypassing it, and a proxy password never in any output.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { credentialEnv, e2eDataSet, emulatorFor, fast, ndjson, run, sdkAppId } from "./helpers.js"
import * as ProxyServer from "./proxyServer.js"

const dataSet = e2eDataSet()
const commIds = dataSet.apps[0].rooms.map((room) => room.commId).sort()
const listRooms = ["rooms", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", "ndjson", ...fast]
const user = "proxyuser"
const password = "proxyPassw0rdDoNotLeak"
const withAuth = (url: string, pass = password) => url.replace("http://", `http://${user}:${encodeURIComponent(pass)}@`)
const requestsThrough = (proxy: ProxyServer.ProxyServer) => proxy.tunnels.length + proxy.forwarded.length

const noSecret = (texts: ReadonlyArray<string>, secrets: ReadonlyArray<string>) => {
  for (const text of texts) {
    for (const secret of secrets) {
      assert.notInclude(text, secret)
      assert.notInclude(text, encodeURIComponent(secret))
      assert.notInclude(text, Buffer.from(secret).toString("base64"))
    }
  }
}

layer(emulatorFor(dataSet))("trtc through a proxy", (it) => {
  describe.concurrent("against the emulator", () => {
    it.scoped("HTTP_PROXY with credentials: every request goes through the proxy, authenticated; the password is never printed", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const proxy = yield* ProxyServer.start({ auth: { user, password } })
        const r = yield* run([...listRooms, "--verbose"], { env: { ...credentialEnv(emulator.url), HTTP_PROXY: withAuth(proxy.url) } })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.deepStrictEqual(ndjson(r.stdout).map((x) => x.commId).sort(), commIds)
        assert.isAbove(requestsThrough(proxy), 0)
        const port = new URL(emulator.url).port
        for (const target of [...proxy.tunnels, ...proxy.forwarded]) assert.strictEqual(target, `127.0.0.1:${port}`)
        assert.include(proxy.authorizations, `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`)
        noSecret([r.stdout, r.stderr], [password, `${user}:${password}`])
      }))

    it.scoped("--proxy beats the environment's proxy", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const flagged = yield* ProxyServer.start()
        const fromEnv = yield* ProxyServer.start()
        const r = yield* run([...listRooms, "--proxy", flagged.url], { env: { ...credentialEnv(emulator.url), HTTP_PROXY: fromEnv.url } })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.isAbove(requestsThrough(flagged), 0)
        assert.strictEqual(requestsThrough(fromEnv), 0)
      }))

    it.scoped("NO_PROXY names the emulator's host: it is reached directly", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const proxy = yield* ProxyServer.start()
        const r = yield* run(listRooms, { env: { ...credentialEnv(emulator.url), HTTP_PROXY: proxy.url, NO_PROXY: "example.com,127.0.0.1" } })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.deepStrictEqual(ndjson(r.stdout).map((x) => x.commId).sort(), commIds)
        assert.strictEqual(requestsThrough(proxy), 0)
      }))

    it.scoped("a proxy refusing the credentials: a failure that names the proxy without its password", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const proxy = yield* ProxyServer.start({ auth: { user, password } })
        const wrong = "wrongProxyPassw0rd"
        for (const verbose of [[], ["--verbose"]]) {
          const r = yield* run([...listRooms, "--timeout", "5s", ...verbose], { env: { ...credentialEnv(emulator.url), HTTPS_PROXY: withAuth(proxy.url, wrong), HTTP_PROXY: withAuth(proxy.url, wrong) } })
          assert.strictEqual(r.code, 1, r.stderr)
          assert.strictEqual(r.stdout, "")
          assert.notInclude(r.stderr, "    at ")
          noSecret([r.stdout, r.stderr], [wrong, `${user}:${wrong}`])
        }
        assert.isAbove(proxy.authorizations.length, 0)
      }))
  })

  describe.concurrent("bad proxy settings", () => {
    const cases = [
      { name: "--proxy without a scheme", args: ["--proxy", `${user}:${password}@nohost`], env: {}, message: /--proxy: .*unsupported scheme proxyuser:/ },
      { name: "--proxy not a URL", args: ["--proxy", `http://${password}@`], env: {}, message: /--proxy: the value is not a URL/ },
      { name: "--proxy with another scheme", args: ["--proxy", `socks5://${user}:${password}@127.0.0.1:1080`], env: {}, message: /--proxy: socks5:\/\/\*\*\*@127\.0\.0\.1:1080: unsupported scheme socks5:/ },
      { name: "HTTPS_PROXY not a URL", args: [], env: { HTTPS_PROXY: `${password}` }, message: /HTTPS_PROXY: the value is not a URL/ }
    ]
    for (const c of cases) {
      it.effect(`${c.name}: a usage error naming where it came from, no password`, () =>
        Effect.gen(function*() {
          const r = yield* run([...listRooms, ...c.args], { env: { TRTC_ENDPOINT: "http://127.0.0.1:9", ...c.env } })
          assert.strictEqual(r.code, 2, r.stderr)
          assert.match(r.stderr, c.message)
          noSecret([r.stdout, r.stderr], [password])
        }))
    }
  })
})
