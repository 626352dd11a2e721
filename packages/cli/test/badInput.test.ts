// The bad input matrix: each mistake gives its exit code and one line naming the problem, and no
// output ever contains the secret key or the session token (with --verbose too).
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as net from "node:net"
import { credentialEnv, run, sdkAppId, secretId, secretKey, token } from "./helpers.js"

const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

interface Case {
  readonly name: string
  readonly args: ReadonlyArray<string>
  readonly env?: (url: string) => Record<string, string | undefined>
  readonly code: number
  readonly message: RegExp
}

const app = ["--sdk-app-id", String(sdkAppId)]

const cases: ReadonlyArray<Case> = [
  { name: "missing flags", args: ["events"], code: 2, message: /missing required flags --sdk-app-id, --user-id/ },
  { name: "no command", args: [], code: 2, message: /missing command/ },
  { name: "unknown command", args: ["frobnicate"], code: 2, message: /frobnicate/ },
  { name: "unknown flag", args: ["rooms", ...app, "--bogus"], code: 2, message: /--bogus/ },
  { name: "non-numeric --sdk-app-id", args: ["rooms", "--sdk-app-id", "abc"], code: 2, message: /--sdk-app-id: "abc" is not an integer/ },
  { name: "unparsable time", args: ["rooms", ...app, "--start", "the day before"], code: 2, message: /--start: cannot read "the day before" as a time/ },
  { name: "impossible date", args: ["rooms", ...app, "--start", "2026-11-31T00:00:00Z"], code: 2, message: /--start: "2026-11-31T00:00:00Z" is not a real time: 2026-11-31: November has 30 days/ },
  { name: "no leap day", args: ["rooms", ...app, "--end", "2026-02-29"], code: 2, message: /--end: "2026-02-29" is not a real time: 2026-02-29: February has 28 days in 2026/ },
  { name: "unparsable duration", args: ["export", ...app, "--since", "a while"], code: 2, message: /--since: cannot read "a while" as a duration/ },
  { name: "end before start", args: ["rooms", ...app, "--start", "1h", "--end", "2h"], code: 2, message: /--end .* is not after --start/ },
  { name: "period beyond retention", args: ["rooms", ...app, "--start", "30d", "--end", "20d"], code: 2, message: /before TRTC's 14-day retention/ },
  { name: "unknown --format", args: ["rooms", ...app, "--format", "xml"], code: 2, message: /--format: unknown value "xml" \(expected one of json, ndjson, table, csv\)/ },
  {
    name: "plain-http non-loopback endpoint",
    args: ["rooms", ...app, "--endpoint", "http://trtc.example.com"],
    code: 2,
    message: /--endpoint: plain http to trtc\.example\.com/
  },
  {
    name: "missing credentials",
    args: ["rooms", ...app],
    env: (url) => ({ TRTC_ENDPOINT: url }),
    code: 3,
    message: /credentials/
  },
  {
    name: "wrong key",
    args: ["rooms", ...app],
    env: (url) => ({ ...credentialEnv(url), TENCENTCLOUD_SECRET_KEY: "wrongKeyButAlsoSecret012345" }),
    code: 3,
    message: /AuthFailure\.SignatureFailure.*RequestId .*hint: /
  },
  {
    name: "unknown SecretId",
    args: ["rooms", ...app],
    env: (url) => ({ ...credentialEnv(url), TENCENTCLOUD_SECRET_ID: "AKIDUNKNOWN000000000000000000000000000" }),
    code: 3,
    message: /AuthFailure\.SecretIdNotFound/
  }
]

const secrets = [secretKey, token, "wrongKeyButAlsoSecret012345"]

const assertClean = (output: string, label: string) => {
  for (const secret of secrets) assert.notInclude(output, secret, `${label} leaks a secret`)
}

layer(Emulator.layer({ rps: 0, credentials: [{ secretId, secretKey, token }] }))("bad input", (it) => {
  // Each case is an independent process: run them side by side.
  describe.concurrent("matrix", () => {
    for (const c of cases) {
    // --verbose matters where requests are made and credentials loaded.
      for (const verbose of c.env !== undefined || c.code === 3 ? [false, true] : [false]) {
        it.effect(`${c.name}${verbose ? " (--verbose)" : ""} → exit ${c.code}`, () =>
          Effect.gen(function*() {
            const emulator = yield* Emulator.Emulator
            const env = c.env ? c.env(emulator.url) : credentialEnv(emulator.url)
            const r = yield* run([...c.args, ...(verbose && c.args.length > 0 ? ["--verbose"] : [])], { env })
            assertClean(r.stdout + r.stderr, c.name)
            assert.strictEqual(r.code, c.code, r.stderr)
            const errorLines = r.stderr.split("\n").filter((l) => l.startsWith("error:"))
            assert.strictEqual(errorLines.length, 1, r.stderr)
            assert.match(errorLines[0], c.message)
            assert.notMatch(r.stderr, /\n\s+at /, "no stack trace")
            if (!verbose) assert.strictEqual(r.stderr.trimEnd().split("\n").length, 1, r.stderr)
            // --verbose adds the requests and retries, not Effect's own fiber diagnostics.
            assert.notInclude(r.stderr, "Fiber terminated", "no unhandled-error noise")
          }))
      }
    }
  })

  it.effect("unreachable endpoint → exit 1 naming the endpoint problem", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(closedPort)
      const r = yield* run(["rooms", ...app, "--verbose"], { env: credentialEnv(`http://127.0.0.1:${port}`) })
      assertClean(r.stdout + r.stderr, "unreachable")
      assert.strictEqual(r.code, 1, r.stderr)
      const errorLines = r.stderr.split("\n").filter((l) => l.startsWith("error:"))
      assert.strictEqual(errorLines.length, 1)
      assert.match(errorLines[0], /cannot reach the API.*hint: check --endpoint/)
    }))

  it.effect("--verbose logs requests on stderr without secrets, output stays clean", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const r = yield* run(["rooms", ...app, "--since", "2d", "--format", "ndjson", "--verbose"], { env: credentialEnv(emulator.url) })
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(r.stderr, /→ POST http:\/\/127\.0\.0\.1:\d+\/ DescribeRoomInfo \{/)
      assert.match(r.stderr, /← DescribeRoomInfo HTTP 200/)
      assertClean(r.stdout + r.stderr, "verbose")
      assert.notInclude(r.stdout, "→", "the request log is on stderr only")
    }))
})

describe.concurrent("help", () => {
  for (const args of [["--help"], ["rooms", "--help"], ["emulator", "--help"]]) {
    it.live(`${args.join(" ")} piped: plain text, no colour codes`, () =>
      Effect.gen(function*() {
        // NO_COLOR unset (empty): only the pipe says "no colours".
        const r = yield* run(args, { env: { NO_COLOR: "" } })
        assert.strictEqual(r.code, 0, r.stderr)
        assert.include(r.stdout, "USAGE")
        assert.notInclude(r.stdout + r.stderr, "\x1b[")
      }))
  }
})
