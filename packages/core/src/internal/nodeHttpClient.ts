import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"

/**
 * A buffered response: the API's answers are small JSON documents, read whole before the
 * response is handed over, so `text` is a plain UTF-8 decode instead of a trip through web
 * streams (which costs more than the rest of a loopback request).
 *
 * @internal
 */
class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly incoming: Http.IncomingHttpHeaders,
    private readonly body: Buffer,
    private readonly address: string | undefined
  ) {
    super()
  }

  // Built on first use: a successful answer is decoded from its body alone.
  get headers(): Headers.Headers {
    if (this.cachedHeaders === undefined) this.cachedHeaders = Headers.fromInput(this.incoming as Record<string, string | ReadonlyArray<string>>)
    return this.cachedHeaders
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, { _id: "@effect/platform/HttpClientResponse", request: this.request.toJSON(), status: this.status })
  }

  get cookies(): Cookies.Cookies {
    return Cookies.fromSetCookie(this.incoming["set-cookie"] ?? [])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.fromNullable(this.address)
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.sync(() => this.body.toString("utf8"))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => {
        const text = this.body.toString("utf8")
        return text === "" ? null : JSON.parse(text) as unknown
      },
      catch: (cause) => this.decodeError(cause)
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(this.body.toString("utf8"))), catch: (cause) => this.decodeError(cause) })
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer)
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.succeed(new Uint8Array(this.body))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({ try: () => new Response(this.body, { headers: this.headers }).formData(), catch: (cause) => this.decodeError(cause) })
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

// Node sends a string body in the same write as the headers (one syscall, one segment); bytes
// go out as a second buffer through writev. Bodies here are JSON text, so hand them over as
// the exact string they encode (a fatal decoder refuses anything that would not round-trip).
const asText = (bytes: Uint8Array): string | Uint8Array => {
  try {
    return utf8.decode(bytes)
  } catch {
    return bytes
  }
}

const requestBody = (request: HttpClientRequest.HttpClientRequest): Uint8Array | string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return asText(body.body)
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : undefined
    default:
      return undefined
  }
}

/**
 * Why a request of a client made by {@link configure} with a timeout failed: no complete response within
 * the time. The cause of its `RequestError`, so that the caller can tell it from a transport
 * failure.
 *
 * @internal
 */
export class ResponseTimeout extends Error {
  constructor(readonly timeoutMillis: number) {
    super(`no complete response within ${timeoutMillis} ms`)
  }
}

/**
 * Why a request of a client made by {@link configure} with `maxBodyBytes` failed: the body (or
 * its announced `Content-Length`) was larger than the cap. The body is not read any further.
 *
 * @internal
 */
export class BodyTooLarge extends Error {
  constructor(readonly limitBytes: number, readonly declaredBytes: number | undefined) {
    super(`response body larger than ${limitBytes} bytes`)
  }
}

/**
 * The settings of a lean client: a per-request timeout (from sending to the end of the body)
 * and a cap on the body's bytes.
 *
 * @internal
 */
export interface Settings {
  readonly timeoutMillis?: number | undefined
  readonly maxBodyBytes?: number | undefined
}

interface Target {
  readonly protocol: string
  readonly hostname: string
  readonly port: string
  readonly path: string
}

// A client posts to one URL; parsing it for every request costs more than the rest of the
// request's setup.
let lastUrl = ""
let lastTarget: Target | undefined

const targetOf = (request: HttpClientRequest.HttpClientRequest): Target | HttpClientError.RequestError => {
  if (request.url === lastUrl && lastTarget !== undefined && request.urlParams.length === 0 && Option.isNone(request.hash)) return lastTarget
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") return new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left })
  const hostname = url.right.hostname.startsWith("[") ? url.right.hostname.slice(1, -1) : url.right.hostname
  const target = { protocol: url.right.protocol, hostname, port: url.right.port, path: `${url.right.pathname}${url.right.search}` }
  if (request.urlParams.length === 0 && Option.isNone(request.hash)) {
    lastUrl = request.url
    lastTarget = target
  }
  return target
}

interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
}

// One request over the agents; with `timeoutMillis`, a timer from the moment of sending to the
// end of the body (Node's own timer: the transport does real I/O, so it keeps real time).
const send = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  settings: Settings
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const timeoutMillis = settings.timeoutMillis
  const maxBodyBytes = settings.maxBodyBytes ?? Number.POSITIVE_INFINITY
  const body = requestBody(request)
  if (body === undefined && request.body._tag !== "Empty") {
    return Effect.fail(new HttpClientError.RequestError({ request, reason: "Encode", description: `a ${request.body._tag} body is not supported` }))
  }
  const target = targetOf(request)
  if (target instanceof HttpClientError.RequestError) return Effect.fail(target)
  return Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resumeOnce) => {
    // Node may report an error after the end (or twice); only the first outcome counts.
    let done = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const resume = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>) => {
      if (done) return
      done = true
      if (timer !== undefined) clearTimeout(timer)
      resumeOnce(effect)
    }
    const headers: Record<string, string> = { ...request.headers }
    if (body !== undefined) headers["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength)
    const secure = target.protocol === "https:"
    const transportError = (cause: unknown) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
    const outgoing = (secure ? Https : Http).request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: request.method,
      headers,
      agent: secure ? agents.https : agents.http
    }, (incoming) => {
      const tooLarge = (declared: number | undefined) => {
        resume(Effect.fail(transportError(new BodyTooLarge(maxBodyBytes, declared))))
        outgoing.destroy()
      }
      // Refused before a byte of the body is read when the server says up front it is too big.
      const declared = Number(incoming.headers["content-length"])
      if (declared > maxBodyBytes) return tooLarge(declared)
      const chunks: Array<Buffer> = []
      let received = 0
      incoming.on("data", (chunk: Buffer) => {
        received += chunk.length
        if (received > maxBodyBytes) return tooLarge(undefined)
        chunks.push(chunk)
      })
      incoming.on("error", (cause) => resume(Effect.fail(transportError(cause))))
      incoming.on("aborted", () => resume(Effect.fail(transportError(new Error("the connection closed before the response ended")))))
      incoming.on("end", () => {
        if (!incoming.complete) return resume(Effect.fail(transportError(new Error("the connection closed before the response ended"))))
        resume(Effect.succeed(new BufferedResponse(request, incoming.statusCode ?? 0, incoming.headers, Buffer.concat(chunks), incoming.socket?.remoteAddress)))
      })
    })
    outgoing.on("error", (cause) => resume(Effect.fail(transportError(cause))))
    if (timeoutMillis !== undefined) {
      timer = setTimeout(() => {
        resume(Effect.fail(transportError(new ResponseTimeout(timeoutMillis))))
        outgoing.destroy()
      }, timeoutMillis)
    }
    outgoing.end(body)
    // Interruption ends the request (and its timer) at once.
    return Effect.sync(() => {
      if (timer !== undefined) clearTimeout(timer)
      outgoing.destroy()
    })
  })
}

// A lean client's agents, by client, for its variants with a timeout.
const leanAgents = new WeakMap<HttpClient.HttpClient, Agents>()

// Built on `HttpClient.makeWith` rather than `HttpClient.make`: no AbortController, response
// finalization registry or tracer check per request (interruption destroys the request
// directly), and no HTTP client span: the API client has its own spans.
const makeClient = (agents: Agents, settings: Settings): HttpClient.HttpClient => {
  const client = HttpClient.makeWith(
    (request: Effect.Effect<HttpClientRequest.HttpClientRequest>) => Effect.flatMap(request, (request) => send(agents, request, settings)),
    Effect.succeed
  )
  leanAgents.set(client, agents)
  return client
}

/**
 * An `HttpClient` over `node:http` / `node:https` with keep-alive agents that live as long as
 * the scope, for bodies whose bytes are known up front (all this library sends).
 *
 * @internal
 */
export const make: Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> = Effect.map(
  Effect.acquireRelease(
    Effect.sync((): Agents => ({ http: new Http.Agent({ keepAlive: true }), https: new Https.Agent({ keepAlive: true }) })),
    (agents) => Effect.sync(() => {
      agents.http.destroy()
      agents.https.destroy()
    })
  ),
  (agents) => makeClient(agents, {})
)

/**
 * Whether a client is one made by {@link make} (it makes no spans of its own).
 *
 * @internal
 */
export const isLean = (client: HttpClient.HttpClient): boolean => leanAgents.has(client)

/**
 * The same lean client (same agents) with a per-request timeout, from sending to the end of
 * the body, failing with a `RequestError` whose cause is a {@link ResponseTimeout}, and a cap on
 * the body failing with one whose cause is a {@link BodyTooLarge}; `undefined` for a client not
 * made by {@link make}.
 *
 * @internal
 */
export const configure = (client: HttpClient.HttpClient, settings: Settings): HttpClient.HttpClient | undefined => {
  const agents = leanAgents.get(client)
  return agents === undefined ? undefined : makeClient(agents, settings)
}
