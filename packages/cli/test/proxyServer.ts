// A real forward proxy on 127.0.0.1 for the proxy tests: CONNECT tunnels (piped to the target)
// and absolute-URI requests (forwarded), each counted, with the Proxy-Authorization seen. It
// answers 407 to a request without the expected credentials when `auth` is set.
import * as Effect from "effect/Effect"
import * as http from "node:http"
import * as net from "node:net"

export interface ProxyServer {
  readonly url: string
  readonly port: number
  /** CONNECT tunnels opened, by target `host:port`. */
  readonly tunnels: Array<string>
  /** Absolute-URI requests forwarded. */
  readonly forwarded: Array<string>
  /** Every Proxy-Authorization header received. */
  readonly authorizations: Array<string>
}

export const start = (options: { readonly auth?: { readonly user: string; readonly password: string } } = {}) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: http.Server; readonly proxy: ProxyServer }>((resume) => {
      const tunnels: Array<string> = []
      const forwarded: Array<string> = []
      const authorizations: Array<string> = []
      const expected = options.auth === undefined
        ? undefined
        : `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}`
      const allowed = (header: string | undefined) => {
        if (header !== undefined) authorizations.push(header)
        return expected === undefined || header === expected
      }
      const server = http.createServer((req, res) => {
        if (!allowed(req.headers["proxy-authorization"])) {
          res.writeHead(407, { "proxy-authenticate": "Basic realm=\"test\"" }).end()
          return
        }
        const target = new URL(req.url ?? "")
        forwarded.push(target.host)
        const headers = { ...req.headers }
        delete headers["proxy-authorization"]
        const upstream = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers)
          up.pipe(res)
        })
        upstream.on("error", () => res.writeHead(502).end())
        req.pipe(upstream)
      })
      server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        if (!allowed(req.headers["proxy-authorization"])) {
          client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n\r\n")
          return
        }
        const [host, port] = (req.url ?? "").split(":")
        tunnels.push(req.url ?? "")
        const upstream = net.connect(Number(port), host, () => {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
          if (head.length > 0) upstream.write(head)
          upstream.pipe(client)
          client.pipe(upstream)
        })
        upstream.on("error", () => client.destroy())
        client.on("error", () => upstream.destroy())
      })
      server.listen(0, "127.0.0.1", () => {
        const port = (server.address() as net.AddressInfo).port
        resume(Effect.succeed({ server, proxy: { url: `http://127.0.0.1:${port}`, port, tunnels, forwarded, authorizations } }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))
