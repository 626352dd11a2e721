/**
 * The HTTP server: protocol (TC3 and v1), common parameters, rate limit, faults, the five
 * actions, the request log and the admin endpoints. Built directly on `node:http` with a
 * synchronous request path, because the emulator must serve thousands of signed requests per
 * second on a small machine.
 *
 * @internal
 */
import * as Tc3 from "@effect-trtc/signer/Tc3"
import * as V1 from "@effect-trtc/signer/V1"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { ApiFailure, apiFailure } from "./apiError.js"
import * as DataSet from "../DataSet.js"
import * as Faults from "../Faults.js"
import * as Metadata from "./metadata.js"
import * as Params from "./params.js"
import { makeSlidingWindow } from "./slidingWindow.js"
import * as StoreModule from "./store.js"
import * as Sts from "./sts.js"

/** A credential the server accepts. */
export interface ServerCredential {
  readonly secretId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
}

/** One entry of the request log: never a header, a signature or a secret. */
export interface LogEntry {
  /** Unix milliseconds of the emulator clock when the request arrived. */
  readonly time: number
  readonly method: string
  readonly action: string
  /** HTTP status sent, 0 for a connection reset. */
  readonly status: number
  /** The error code, `undefined` on success. */
  readonly code: string | undefined
  readonly requestId: string
  /** The business parameters as decoded (credentials and signature stripped). */
  readonly params: unknown
  /** The fault applied, if any. */
  readonly fault: string | undefined
}

/** Everything the server needs. */
export interface ServerConfig {
  readonly host: string
  readonly port: number
  readonly credentials: ReadonlyArray<ServerCredential>
  readonly dataSet: DataSet.DataSet
  readonly rps: number
  readonly retentionDays: 7 | 14
  readonly maxEventsPerResponse: number
  readonly total: StoreModule.TotalMode
  readonly clockOffsetSeconds: number
  readonly faults: ReadonlyArray<Faults.FaultRule>
  readonly logLimit: number
  /** Answers follow the clock: nothing after now, calls and sessions that end later open (see `StoreOptions`). */
  readonly progressive: boolean
  /** Milliseconds a connection may take to send a request's headers (from connecting, or from the request's first byte). */
  readonly headersTimeoutMs: number
  /** Milliseconds a client may take to send a whole request, body included. */
  readonly requestTimeoutMs: number
  /** STS and instance metadata (sts.ts, metadata.ts); default: 7200 s credentials, no instance role. */
  readonly sts?: Sts.StsConfig & { readonly instanceRole?: string | undefined } | undefined
}

/** A running server with its controls. */
export interface RunningServer {
  readonly host: string
  readonly port: number
  readonly url: string
  readonly dataSet: () => DataSet.DataSet
  readonly nowMillis: () => number
  readonly clockOffsetSeconds: () => number
  readonly freezeClock: (frozen: boolean) => void
  readonly setClockOffsetSeconds: (seconds: number) => void
  readonly requests: () => ReadonlyArray<LogEntry>
  readonly faultRules: () => ReadonlyArray<Faults.FaultRule>
  readonly setFaults: (rules: ReadonlyArray<Faults.FaultRule>) => void
  readonly reset: () => void
  readonly sts: Sts.Sts
  readonly close: () => Promise<void>
}

// The emulator's own copies of the protocol's facts (version, regions, actions), independent of
// core's on purpose: it is the check of the client, not a mirror of it.
const version = "2019-07-22"
const regions = new Set(["ap-beijing", "ap-guangzhou", "ap-mumbai", "ap-singapore", "na-toronto"])
const actionNames = new Set(["DescribeRoomInfo", "DescribeUserInfo", "DescribeCallDetailInfo", "DescribeUserEvent", "DescribeUnusualEvent"])
const languages = new Set(["zh-CN", "en-US"])
const maxBodyBytes = 10 * 1024 * 1024
const maxQueryBytes = 32 * 1024
// The admin clock moves at most ten years from the wall clock.
const maxClockOffsetSeconds = 10 * 366 * 86400
// Parameters of a v1 request that are protocol, not business; the secret-bearing ones must
// never reach the log.
const v1Common = new Set(["Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "Signature", "SignatureMethod", "Token", "Language", "RequestClient"])

// Echoes of client input in messages stay short and printable.
const quote = (text: string): string => {
  const clean = text.replace(/[^\x20-\x7e]/g, "?")
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean
}

const statusText = (status: number): string => Http.STATUS_CODES[status] ?? "Error"

const htmlPage = (status: number): string =>
  `<!DOCTYPE html>\n<html><head><title>${status} ${statusText(status)}</title></head><body><center><h1>${status} ${statusText(status)}</h1></center><hr><center>tencent-cloud-emulator</center></body></html>\n`

/** One request on its way through the pipeline. */
interface Exchange {
  readonly req: Http.IncomingMessage
  readonly res: Http.ServerResponse
  readonly requestId: string
  readonly time: number
  readonly method: string
  action: string
  params: unknown
  fault: string | undefined
}

/** Starts the server; resolves once it listens. */
export const startServer = (config: ServerConfig): Promise<RunningServer> => {
  const credentials = new Map(config.credentials.map((c) => [c.secretId, c]))
  const sts = Sts.make(config.sts ?? { defaultDurationSeconds: 7200, webIdentityTokens: undefined })
  const metadata = Metadata.make({ roleName: config.sts?.instanceRole, durationSeconds: config.sts?.defaultDurationSeconds ?? 7200 }, sts)
  const lookup = (secretId: string) =>
    Option.orElse(Option.map(Option.fromNullable(credentials.get(secretId)), (c) => c.secretKey), () => sts.lookup(secretId))
  let clockOffsetSeconds = config.clockOffsetSeconds
  // A frozen clock stands still until moved: tests of time windows need exact instants.
  let frozenAt: number | undefined = undefined
  const nowMillis = () => frozenAt ?? Date.now() + clockOffsetSeconds * 1000
  const store = StoreModule.makeStore(config.dataSet)
  const storeOptions: StoreModule.StoreOptions = { total: config.total, maxEventsPerResponse: config.maxEventsPerResponse, progressive: config.progressive }
  const limiter = makeSlidingWindow(config.rps)
  let faultRules = config.faults
  let faults = Faults.make(faultRules)
  let log: Array<LogEntry> = []
  let logStart = 0

  const record = (ex: Exchange, status: number, code: string | undefined) => {
    const entry: LogEntry = { time: ex.time, method: ex.method, action: ex.action, status, code, requestId: ex.requestId, params: ex.params, fault: ex.fault }
    // A bounded ring: a long benchmark must not grow memory.
    if (log.length < config.logLimit) log.push(entry)
    else {
      log[logStart] = entry
      logStart = (logStart + 1) % config.logLimit
    }
  }

  const send = (ex: Exchange, body: string, code: string | undefined, truncate = false) => {
    const bytes = Buffer.from(body, "utf8")
    const sent = truncate ? bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))) : bytes
    ex.res.writeHead(200, {
      "Content-Type": "application/json",
      "Content-Length": sent.length,
      "X-TC-RequestId": ex.requestId,
      // The emulator's own clock (offset included): clients correct clock skew from it.
      "Date": new Date(nowMillis()).toUTCString()
    })
    ex.res.end(sent)
    record(ex, 200, code)
  }

  const sendError = (ex: Exchange, failure: ApiFailure) =>
    send(ex, JSON.stringify({ Response: { Error: { Code: failure.code, Message: failure.message }, RequestId: ex.requestId } }), failure.code)

  const sendSuccess = (ex: Exchange, payload: Record<string, unknown>, truncate: boolean) =>
    send(ex, JSON.stringify({ Response: { ...payload, RequestId: ex.requestId } }), undefined, truncate)

  const header = (req: Http.IncomingMessage, name: string): string | undefined => {
    const value = req.headers[name]
    return typeof value === "string" ? value : undefined
  }

  /** The part shared by TC3 and v1 once the caller is authenticated. */
  const dispatch = (
    ex: Exchange,
    action: string,
    region: string | undefined,
    language: string | undefined,
    readParams: () => Params.RawParams | ApiFailure
  ) => {
    if (language !== undefined && !languages.has(language)) {
      return sendError(ex, apiFailure("InvalidParameterValue", `The value \`${quote(language)}\` of parameter \`Language\` is invalid: choose zh-CN or en-US.`))
    }
    if (!actionNames.has(action)) {
      return sendError(ex, apiFailure("InvalidAction", `The request \`Action\` \`${quote(action)}\` is invalid or not found.`))
    }
    if (region === undefined || region === "") {
      return sendError(ex, apiFailure("MissingParameter", "The request is missing a required parameter `Region`."))
    }
    if (!regions.has(region)) {
      return sendError(ex, apiFailure("UnsupportedRegion", `The action does not support this region \`${quote(region)}\`.`))
    }
    const count = limiter.take(action, nowMillis())
    if (count !== undefined) {
      return sendError(ex, apiFailure("RequestLimitExceeded", `Your current request times equals to \`${count}\` in a second, which exceeds the frequency limit \`${config.rps}\` for a second. Please reduce the frequency of calls.`))
    }
    // Every firing latency rule adds its delay; the first other effect decides the answer.
    const fired = faults.decideAll(action)
    if (fired.length === 0) return answer(ex, action, readParams, false)
    let delay = 0
    let effect: Faults.FaultEffect | undefined = undefined
    for (const fault of fired) {
      if ("latencyMs" in fault.effect) delay += fault.effect.latencyMs
      else effect ??= fault.effect
    }
    ex.fault = fired.map((fault) => Faults.describeEffect(fault.effect)).join(", ")
    if (delay <= 0) return applyFault(ex, action, readParams, effect)
    setTimeout(() => {
      try {
        applyFault(ex, action, readParams, effect)
      } catch {
        if (!ex.res.headersSent) sendError(ex, apiFailure("InternalError"))
      }
    }, Math.min(delay, 600_000))
  }

  const applyFault = (ex: Exchange, action: string, readParams: () => Params.RawParams | ApiFailure, effect: Faults.FaultEffect | undefined) => {
    if (ex.res.destroyed) return record(ex, 0, undefined)
    if (effect === undefined) return answer(ex, action, readParams, false)
    if ("apiError" in effect) return sendError(ex, apiFailure(effect.apiError, effect.message))
    if ("httpStatus" in effect) {
      const page = htmlPage(effect.httpStatus)
      ex.res.writeHead(effect.httpStatus, { "Content-Type": "text/html", "Content-Length": Buffer.byteLength(page), "X-TC-RequestId": ex.requestId })
      ex.res.end(page)
      return record(ex, effect.httpStatus, undefined)
    }
    if ("reset" in effect) {
      record(ex, 0, undefined)
      return ex.req.socket.resetAndDestroy()
    }
    return answer(ex, action, readParams, "truncate" in effect)
  }

  const answer = (ex: Exchange, action: string, readParams: () => Params.RawParams | ApiFailure, truncate: boolean) => {
    if (ex.res.destroyed) return record(ex, 0, undefined)
    const raw = readParams()
    if (raw instanceof ApiFailure) return sendError(ex, raw)
    ex.params = raw.value
    const nowSeconds = Math.floor(nowMillis() / 1000)
    const ctx: Params.CheckContext = { nowSeconds, retentionDays: config.retentionDays }
    const horizon = StoreModule.horizonOf(storeOptions, nowSeconds)
    let result: Record<string, unknown> | ApiFailure
    switch (action) {
      case "DescribeRoomInfo": {
        const q = Params.roomInfo(raw, ctx)
        result = q instanceof ApiFailure ? q : StoreModule.describeRoomInfo(store, storeOptions, q, horizon)
        break
      }
      case "DescribeUserInfo": {
        const q = Params.userInfo(raw, ctx)
        result = q instanceof ApiFailure ? q : StoreModule.describeUserInfo(store, storeOptions, q, horizon)
        break
      }
      case "DescribeCallDetailInfo": {
        const q = Params.callDetailInfo(raw, ctx)
        result = q instanceof ApiFailure ? q : StoreModule.describeCallDetailInfo(store, storeOptions, q, horizon)
        break
      }
      case "DescribeUnusualEvent": {
        const q = Params.unusualEvent(raw, ctx)
        result = q instanceof ApiFailure ? q : StoreModule.describeUnusualEvent(store, q, horizon)
        break
      }
      default: {
        const q = Params.userEvent(raw, ctx)
        result = q instanceof ApiFailure ? q : StoreModule.describeUserEvent(store, storeOptions, q, nowSeconds, horizon)
      }
    }
    return result instanceof ApiFailure ? sendError(ex, result) : sendSuccess(ex, result, truncate)
  }

  const flatParams = (text: string, action: string): Params.RawParams | ApiFailure => {
    const value = Params.decodeFlat(text)
    if (value === undefined) {
      return action === "DescribeUserInfo" || action === "DescribeCallDetailInfo" || action === "DescribeUnusualEvent"
        ? apiFailure("InvalidParameter.EncodeParams", "Invalid `EncodeParams`: the parameters are not correctly URL-encoded.")
        : apiFailure("InvalidParameter.UrlParamsError", "Failed to parse URL parameters: they are not correctly URL-encoded.")
    }
    return { kind: "flat", value }
  }

  const jsonParams = (body: Buffer): Params.RawParams | ApiFailure => {
    if (body.length === 0) return { kind: "json", value: {} }
    let value: unknown
    try {
      value = JSON.parse(body.toString("utf8"))
    } catch {
      return apiFailure("InvalidParameter.BodyParamsError", "Failed to parse body parameters: the body is not valid JSON.")
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return apiFailure("InvalidParameter.BodyParamsError", "Failed to parse body parameters: the body must be a JSON object.")
    }
    return { kind: "json", value: value as Record<string, unknown> }
  }

  const isForm = (req: Http.IncomingMessage): boolean =>
    (header(req, "content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")

  const handleTc3 = (ex: Exchange, query: string, body: Buffer) => {
    const { req } = ex
    const action = header(req, "x-tc-action")
    if (action === undefined || action === "") {
      return sendError(ex, apiFailure("MissingParameter", "The request is missing a required parameter `Action`."))
    }
    ex.action = action
    const requestVersion = header(req, "x-tc-version")
    if (requestVersion === undefined || requestVersion === "") {
      return sendError(ex, apiFailure("MissingParameter", "The request is missing a required parameter `Version`."))
    }
    const expected = Sts.actions.has(action) ? Sts.version : version
    if (requestVersion !== expected) {
      return sendError(ex, apiFailure("NoSuchVersion", `The API version \`${quote(requestVersion)}\` does not exist; use \`${expected}\`.`))
    }
    // The SDKs send AssumeRoleWithWebIdentity unsigned (`Authorization: SKIP`): the token is the proof.
    if (action === "AssumeRoleWithWebIdentity") return answerSts(ex, action, query, body)
    const verified = Tc3.verify(
      { method: ex.method, query, headers: req.headers as Record<string, string | undefined>, body },
      { lookup, nowSeconds: Math.floor(nowMillis() / 1000) }
    )
    if (verified._tag === "Left") return sendError(ex, authFailure(verified.left.reason))
    const tokenFailure = checkToken(verified.right.secretId, header(req, "x-tc-token"))
    if (tokenFailure !== undefined) return sendError(ex, tokenFailure)
    if (action === "AssumeRole") return answerSts(ex, action, query, body)
    return dispatch(ex, action, header(req, "x-tc-region"), header(req, "x-tc-language"), () =>
      ex.method === "GET" ? flatParams(query, action) : isForm(req) ? flatParams(body.toString("utf8"), action) : jsonParams(body))
  }

  const handleV1 = (ex: Exchange, params: Record<string, string>) => {
    const action = params["Action"]
    if (action === undefined || action === "") {
      return sendError(ex, apiFailure("MissingParameter", "The request is missing a required parameter `Action`."))
    }
    ex.action = action
    const requestVersion = params["Version"]
    if (requestVersion === undefined || requestVersion === "") {
      return sendError(ex, apiFailure("MissingParameter", "The request is missing a required parameter `Version`."))
    }
    if (requestVersion !== version) {
      return sendError(ex, apiFailure("NoSuchVersion", `The API version \`${quote(requestVersion)}\` does not exist; use \`${version}\`.`))
    }
    const verified = V1.verify(ex.method, header(ex.req, "host") ?? "", params, lookup, Math.floor(nowMillis() / 1000))
    if (verified._tag === "Left") return sendError(ex, authFailure(verified.left.reason))
    const tokenFailure = checkToken(verified.right.secretId, params["Token"])
    if (tokenFailure !== undefined) return sendError(ex, tokenFailure)
    const business: Record<string, string> = Object.create(null)
    for (const key in params) if (!v1Common.has(key)) business[key] = params[key]!
    return dispatch(ex, action, params["Region"], params["Language"], () => ({ kind: "flat", value: business }))
  }

  const answerSts = (ex: Exchange, action: string, query: string, body: Buffer) => {
    const raw = ex.method === "GET" ? flatParams(query, action) : isForm(ex.req) ? flatParams(body.toString("utf8"), action) : jsonParams(body)
    if (raw instanceof ApiFailure) return sendError(ex, raw)
    ex.params = Sts.loggable(raw.value)
    const result = sts.answer(action, raw.value, Math.floor(nowMillis() / 1000))
    return result instanceof ApiFailure ? sendError(ex, result) : sendSuccess(ex, result, false)
  }

  const authFailure = (reason: string): ApiFailure => apiFailure(`AuthFailure.${reason}`)

  const checkToken = (secretId: string, sent: string | undefined): ApiFailure | undefined => {
    const credential = credentials.get(secretId)
    if (credential === undefined) return sts.checkToken(secretId, sent, Math.floor(nowMillis() / 1000)) ?? undefined
    if (Option.isNone(credential.token)) return undefined
    if (sent === undefined || sent === "") return apiFailure("AuthFailure.TokenFailure", "The `X-TC-Token` is missing: temporary credentials require their token.")
    if (sent !== Redacted.value(credential.token.value)) return apiFailure("AuthFailure.TokenFailure", "The `X-TC-Token` is invalid or expired.")
    return undefined
  }

  const handleApi = (req: Http.IncomingMessage, res: Http.ServerResponse, query: string, body: Buffer | undefined) => {
    const ex: Exchange = { req, res, requestId: randomUUID(), time: nowMillis(), method: req.method ?? "", action: "", params: undefined, fault: undefined }
    if (ex.method !== "GET" && ex.method !== "POST") {
      return sendError(ex, apiFailure("UnsupportedProtocol", `HTTP(S) request protocol error; only GET and POST requests are supported, not \`${quote(ex.method)}\`.`))
    }
    if (body === undefined || query.length > maxQueryBytes) {
      return sendError(ex, apiFailure("RequestSizeLimitExceeded", "The request size exceeds the upper limit: a GET query may hold 32 KB, a POST body 10 MB."))
    }
    if (header(req, "authorization") === undefined) {
      // No TC3 header: a v1 request carries its credential in the parameters.
      const text = ex.method === "GET" ? query : isForm(req) ? body.toString("utf8") : undefined
      const params = text === undefined ? undefined : Params.decodeFlat(text)
      if (params !== undefined && (params["Signature"] !== undefined || params["SecretId"] !== undefined)) return handleV1(ex, params)
      if (text !== undefined && params === undefined && /(^|&)(Signature|SecretId)=/.test(text)) {
        return sendError(ex, apiFailure("InvalidParameter.UrlParamsError", "Failed to parse URL parameters: they are not correctly URL-encoded."))
      }
    }
    return handleTc3(ex, query, body)
  }

  const adminJson = (res: Http.ServerResponse, status: number, value: unknown) => {
    const body = JSON.stringify(value)
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) })
    res.end(body)
  }

  // A million-event set is ~100 MB of JSON: send it a few rooms at a time, waiting for the
  // socket to drain, so neither the text nor (for a lazy set) the events pile up in memory.
  const streamDataSet = (res: Http.ServerResponse) => {
    res.writeHead(200, { "Content-Type": "application/json" })
    const chunks = DataSet.toJsonChunks(config.dataSet)
    const pump = () => {
      try {
        for (;;) {
          let batch = ""
          let next = chunks.next()
          while (!next.done) {
            batch += next.value
            if (batch.length >= 65_536) break
            next = chunks.next()
          }
          if (next.done) {
            res.end(batch)
            return
          }
          if (res.destroyed) return
          if (!res.write(batch)) {
            res.once("drain", pump)
            return
          }
        }
      } catch {
        res.destroy()
      }
    }
    res.on("close", () => res.off("drain", pump))
    pump()
  }

  const requests = () => (logStart === 0 ? log.slice() : [...log.slice(logStart), ...log.slice(0, logStart)])

  const clockView = () => ({
    nowSeconds: Math.floor(nowMillis() / 1000),
    nowMillis: nowMillis(),
    offsetSeconds: clockOffsetSeconds,
    frozen: frozenAt !== undefined,
    // Whether moving the clock changes what the API answers.
    progressive: config.progressive
  })

  const setClockOffsetSeconds = (seconds: number) => {
    const delta = seconds - clockOffsetSeconds
    clockOffsetSeconds = seconds
    if (frozenAt !== undefined) frozenAt += delta * 1000
    // Requests counted "in the future" of a clock moved back would block the limit for long.
    if (delta < 0) limiter.clear()
  }

  const freezeClock = (frozen: boolean) => {
    if (frozen && frozenAt === undefined) frozenAt = nowMillis()
    if (!frozen && frozenAt !== undefined) {
      // Time resumes from the frozen instant.
      clockOffsetSeconds = (frozenAt - Date.now()) / 1000
      frozenAt = undefined
    }
  }

  const setFaults = (rules: ReadonlyArray<Faults.FaultRule>) => {
    faults = Faults.make(rules)
    faultRules = rules
  }

  const reset = () => {
    log = []
    logStart = 0
    frozenAt = undefined
    setClockOffsetSeconds(config.clockOffsetSeconds)
    limiter.clear()
    setFaults(config.faults)
  }

  const handleAdmin = (req: Http.IncomingMessage, res: Http.ServerResponse, route: string, body: Buffer | undefined) => {
    const remote = req.socket.remoteAddress ?? ""
    if (!(remote === "127.0.0.1" || remote === "::1" || remote === "::ffff:127.0.0.1")) {
      return adminJson(res, 403, { error: "the admin endpoints answer loopback clients only" })
    }
    let input: unknown = undefined
    if (req.method === "POST" && body !== undefined && body.length > 0) {
      try {
        input = JSON.parse(body.toString("utf8"))
      } catch {
        return adminJson(res, 400, { error: "the body is not valid JSON" })
      }
    }
    const route2 = `${req.method} ${route}`
    switch (route2) {
      case "GET requests":
        return adminJson(res, 200, { requests: requests() })
      case "DELETE requests":
        log = []
        logStart = 0
        return adminJson(res, 200, { ok: true })
      case "POST reset":
        reset()
        return adminJson(res, 200, { ok: true })
      case "GET clock":
        return adminJson(res, 200, clockView())
      case "POST clock": {
        const o = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>
        if (typeof o["freeze"] === "boolean") {
          freezeClock(o["freeze"])
          if (o["offsetSeconds"] === undefined && o["advanceSeconds"] === undefined && o["nowSeconds"] === undefined) return adminJson(res, 200, clockView())
        }
        const field = (["offsetSeconds", "advanceSeconds", "nowSeconds"] as const).find((name) => o[name] !== undefined)
        if (field === undefined) return adminJson(res, 400, { error: "send {\"offsetSeconds\": n}, {\"advanceSeconds\": n}, {\"nowSeconds\": n} and/or {\"freeze\": true|false}" })
        const value = o[field]
        if (typeof value !== "number" || !Number.isFinite(value)) {
          return adminJson(res, 400, { error: `${field}: expected a finite number of seconds, got ${quote(JSON.stringify(value) ?? String(value))}` })
        }
        const offset = field === "offsetSeconds" ? value : field === "advanceSeconds" ? clockOffsetSeconds + value : clockOffsetSeconds + value - nowMillis() / 1000
        // Beyond this a Date cannot be formatted (`nowSeconds` became null) and no data set is near.
        if (Math.abs(offset) > maxClockOffsetSeconds) {
          return adminJson(res, 400, { error: `${field}: ${value} would put the clock ${Math.round(offset)} s from the wall clock, beyond ±${maxClockOffsetSeconds} s (10 years); keep the offset within it` })
        }
        setClockOffsetSeconds(offset)
        // A frozen clock set to an instant reads exactly that instant: the offset arithmetic
        // alone can land a float hair below it, a whole second early once floored.
        if (field === "nowSeconds" && frozenAt !== undefined) frozenAt = value * 1000
        return adminJson(res, 200, clockView())
      }
      case "GET faults":
        return adminJson(res, 200, { rules: faultRules })
      case "POST faults": {
        const rules = Faults.parse(input ?? [], "POST /_admin/faults")
        if (rules._tag === "Left") return adminJson(res, 400, { error: rules.left.message })
        setFaults(rules.right)
        return adminJson(res, 200, { rules: rules.right })
      }
      case "GET dataset":
        return streamDataSet(res)
      default:
        return adminJson(res, 404, { error: `no admin endpoint ${quote(route2)}; try GET requests|clock|faults|dataset, POST reset|clock|faults` })
    }
  }

  const tooLarge = (req: Http.IncomingMessage, res: Http.ServerResponse) =>
    sendError(
      { req, res, requestId: randomUUID(), time: nowMillis(), method: req.method ?? "", action: header(req, "x-tc-action") ?? "", params: undefined, fault: undefined },
      apiFailure("RequestSizeLimitExceeded", "The request size exceeds the upper limit: a GET query may hold 32 KB, a POST body 10 MB.")
    )

  // Node's own timers stop slow clients from holding sockets and memory: `headersTimeout` for
  // headers sent a byte at a time, `requestTimeout` for bodies trickled in; both are checked
  // every `connectionsCheckingInterval`, so it is kept well below them.
  const server = Http.createServer({
    keepAliveTimeout: 30_000,
    maxHeaderSize: 64 * 1024,
    // Node refuses a headers timeout longer than the whole request's.
    headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
    requestTimeout: config.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4)))
  }, (req, res) => {
    const waiting = idleSockets.get(req.socket)
    if (waiting !== undefined) {
      clearTimeout(waiting)
      idleSockets.delete(req.socket)
    }
    // A body declared beyond the limit is refused before a byte of it is read; `Connection:
    // close` because the rest of it will not be read.
    const declared = Number(req.headers["content-length"] ?? 0)
    if (declared > maxBodyBytes) {
      res.shouldKeepAlive = false
      req.resume()
      return tooLarge(req, res)
    }
    const chunks: Array<Buffer> = []
    let size = 0
    let tooBig = false
    req.on("data", (chunk: Buffer) => {
      if (tooBig) return
      size += chunk.length
      if (size > maxBodyBytes) {
        tooBig = true
        chunks.length = 0
      } else chunks.push(chunk)
    })
    req.on("error", () => res.destroy())
    req.on("end", () => {
      const body = tooBig ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      const url = req.url ?? "/"
      const mark = url.indexOf("?")
      const path = mark < 0 ? url : url.slice(0, mark)
      const query = mark < 0 ? "" : url.slice(mark + 1)
      try {
        const admin = /^\/_(?:admin|emulator)\/([a-z]+)\/?$/.exec(path)
        if (admin !== null) handleAdmin(req, res, admin[1]!, body)
        else if (path.startsWith("/_admin/") || path.startsWith("/_emulator/")) adminJson(res, 404, { error: "no such admin endpoint" })
        else if (path.startsWith(Metadata.pathPrefix)) {
          const answer = metadata.answer(path, Math.floor(nowMillis() / 1000))
          res.writeHead(answer.status, { "Content-Type": answer.contentType, "Content-Length": Buffer.byteLength(answer.body) })
          res.end(answer.body)
          record({ req, res, requestId: randomUUID(), time: nowMillis(), method: req.method ?? "", action: `metadata ${path}`, params: undefined, fault: undefined }, answer.status, undefined)
        } else handleApi(req, res, query, body)
      } catch {
        // A bug must cost one request, never the server.
        if (!res.headersSent) {
          const requestId = randomUUID()
          const text = JSON.stringify({ Response: { Error: { Code: "InternalError", Message: "Internal error." }, RequestId: requestId } })
          res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) })
          res.end(text)
        } else res.destroy()
      }
    })
  })
  // Node's timers start at a request's first byte: a socket that connects and sends nothing is
  // closed here, or a few hundred of them would hold their file descriptors for ever.
  const idleSockets = new WeakMap<object, ReturnType<typeof setTimeout>>()
  server.on("connection", (socket: Socket) => {
    const timer = setTimeout(() => {
      idleSockets.delete(socket)
      socket.destroy()
    }, config.headersTimeoutMs)
    timer.unref()
    idleSockets.set(socket, timer)
    socket.once("close", () => {
      clearTimeout(timer)
      idleSockets.delete(socket)
    })
  })
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    // A request not received within `requestTimeout` is the client's slowness, not its syntax.
    const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request"
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    else socket.destroy()
  })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(config.port, config.host, () => {
      server.off("error", reject)
      const address = server.address() as AddressInfo
      const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address
      resolve({
        host: address.address,
        port: address.port,
        url: `http://${urlHost}:${address.port}`,
        dataSet: () => config.dataSet,
        nowMillis,
        clockOffsetSeconds: () => clockOffsetSeconds,
        freezeClock,
        setClockOffsetSeconds,
        requests,
        faultRules: () => faultRules,
        setFaults,
        reset,
        sts,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          })
      })
    })
  })
}
