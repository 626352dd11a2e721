// Secret hygiene of the `trtc` bin: with known key and token values, every command on its
// success and failure paths (with --verbose where it applies) leaves neither the key nor the
// token — raw, base64, hex, URL-encoded or a 16-character fragment — in stdout, stderr, the
// output file or the emulator's request log. Also: plain http:// to a host that is not loopback
// is refused before any connection is made.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { credentialEnv, emptyHome, leaks, run, sdkAppId, secretId, secretKey, tempDir, token } from "./helpers.js"

const wrongKey = "wrongRelKeyAlsoSecret0123456789xyz"
const wrongToken = "expiredRelTokenAlsoSecret012345678"
const profileKey = "profileRelKeySecret0123456789abcdef"
const emulatorKey = "cmdlineEmulatorKeySecret0123456789"
const dbPassword = "pgPasswordRelSecret0123456789abcd"
const configureKey = "configureRelKeySecret0123456789abc"
const configureToken = "configureRelTokenSecret0123456789a"
const allSecrets = [secretKey, token, wrongKey, wrongToken, profileKey, emulatorKey, dbPassword, configureKey, configureToken]

const assertClean = (text: string, label: string) => {
  const found = leaks(text, allSecrets)
  assert.deepStrictEqual(found, [], `${label} leaks ${found.join(", ")}`)
}

const app = ["--sdk-app-id", String(sdkAppId)]

/** One CLI run of a scan: its arguments, environment, home, stdin, the exit codes allowed, and whether to run it with --verbose too. */
type Case = {
  readonly name: string
  readonly args: ReadonlyArray<string>
  readonly env?: Record<string, string>
  readonly home?: string
  readonly stdin?: string
  readonly codes: ReadonlyArray<number>
  readonly verbose: ReadonlyArray<boolean>
}

/**
 * Runs the groups (each group's cases in order, the groups at once, each case once per
 * `verbose` value) and checks every run: an allowed exit code, no secret in stdout or stderr,
 * no stack trace. Answers how many runs there were.
 */
const scan = (groups: ReadonlyArray<ReadonlyArray<Case>>, env: Record<string, string>) =>
  Effect.gen(function*() {
    const ran = yield* Effect.forEach(groups, (group) =>
      Effect.forEach(group, (c) =>
        Effect.forEach(c.verbose, (verbose) =>
          Effect.map(
            run([...c.args, ...(verbose ? ["--verbose"] : [])], {
              env: c.env ?? env,
              ...(c.home ? { home: c.home } : {}),
              ...(c.stdin === undefined ? {} : { stdin: c.stdin })
            }),
            (r) => ({ label: `${c.name}${verbose ? " --verbose" : ""}`, codes: c.codes, r })
          ))), { concurrency: 4 })
    let runs = 0
    for (const { codes, label, r } of ran.flat(2)) {
      runs++
      assert.include(codes, r.code, `${label}: ${r.stderr}`)
      assertClean(r.stdout, `${label} stdout`)
      assertClean(r.stderr, `${label} stderr`)
      assert.notMatch(r.stderr, /\n\s+at /, `${label}: no stack trace`)
    }
    return runs
  })

layer(Emulator.layer({ rps: 0, seed: 11, credentials: [{ secretId, secretKey, token }] }))("secret hygiene", (it) => {
  it.effect("no command, on any path, prints the key or the token in any encoding", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const env = credentialEnv(emulator.url)
      const room = emulator.dataSet.apps[0].rooms.find((r) => r.sessions.length > 0)!
      const user = room.sessions[0].userId
      const call = ["--comm-id", room.commId]
      const events = [...app, ...call, "--room-id", room.roomId, "--user-id", user, "--start", String(room.createTime)]
      const dir = tempDir()
      const out = join(dir, "events.ndjson")
      const csvOut = join(dir, "events.csv")
      // A profile file holding another key (rejected by the emulator) and one without a key.
      const home = emptyHome()
      fs.mkdirSync(join(home, ".tencentcloud"), { mode: 0o700 })
      fs.writeFileSync(
        join(home, ".tencentcloud", "credentials"),
        `[default]\nsecret_id = ${secretId}\nsecret_key = ${profileKey}\n\n[broken]\nsecret_id = ${secretId}\n`,
        { mode: 0o600 }
      )
      const closed = yield* Effect.promise(closedPort)
      const profileEnv = { TRTC_ENDPOINT: emulator.url }
      // Success paths run with --verbose (the superset of what is printed); failure paths where
      // credentials are loaded or requests made run with and without; usage errors without.
      const v = [true]
      const both = [false, true]
      const plain = [false]
      // Each group runs in order (the resume needs the export before it); groups run at once.
      const groups: ReadonlyArray<ReadonlyArray<Case>> = [
        [{ name: "rooms table", args: ["rooms", ...app, "--since", "14d", "--format", "table"], codes: [0], verbose: v }],
        [{ name: "users csv", args: ["users", ...app, ...call, "--format", "csv"], codes: [0], verbose: v }],
        [{ name: "events ndjson", args: ["events", ...events, "--format", "ndjson"], codes: [0], verbose: v }],
        [{ name: "export json stdout", args: ["export", ...app, "--since", "1d", "--format", "json", "--rps", "1000"], codes: [0], verbose: v }],
        [
          { name: "export --out", args: ["export", ...app, "--since", "1d", "--out", out, "--rps", "1000"], codes: [0], verbose: v },
          { name: "export --resume", args: ["export", ...app, "--since", "1d", "--out", out, "--resume", "--rps", "1000"], codes: [0], verbose: v }
        ],
        [{ name: "export --out csv", args: ["export", ...app, "--since", "1d", "--out", csvOut, "--rps", "1000"], codes: [0], verbose: v }],
        [{ name: "wrong key", args: ["rooms", ...app], env: { ...env, TENCENTCLOUD_SECRET_KEY: wrongKey }, codes: [3], verbose: v }],
        [{ name: "wrong key with spaces", args: ["export", ...app, "--since", "1h"], env: { ...env, TENCENTCLOUD_SECRET_KEY: ` ${wrongKey} ` }, codes: [3], verbose: v }],
        [{ name: "expired token", args: ["rooms", ...app], env: { ...env, TENCENTCLOUD_SESSION_TOKEN: wrongToken }, codes: [3], verbose: both }],
        [{ name: "tccli token variable", args: ["users", ...app, ...call], env: { TRTC_ENDPOINT: emulator.url, TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey, TENCENTCLOUD_TOKEN: wrongToken }, codes: [3], verbose: v }],
        [{ name: "missing token", args: ["events", ...events], env: credentialEnv(emulator.url, false), codes: [3], verbose: v }],
        [{ name: "profile file (key rejected)", args: ["rooms", ...app, "--profile", "default"], env: profileEnv, home, codes: [3], verbose: both }],
        [{ name: "profile without key", args: ["rooms", ...app, "--profile", "broken"], env: profileEnv, home, codes: [3], verbose: v }],
        [{ name: "unreachable endpoint", args: ["rooms", ...app, "--timeout", "2s"], env: { ...env, TRTC_ENDPOINT: `http://127.0.0.1:${closed}` }, codes: [1], verbose: v }],
        [{ name: "plain http elsewhere", args: ["rooms", ...app, "--endpoint", "http://10.255.255.1"], codes: [2], verbose: v }],
        [{ name: "usage error", args: ["events", ...app], codes: [2], verbose: plain }],
        // A secret pasted into the wrong flag must not be echoed back either.
        [{ name: "secret as a time", args: ["export", ...app, "--start", secretKey], codes: [2], verbose: v }],
        [{ name: "secret as a flag value", args: ["rooms", "--sdk-app-id", token], codes: [2], verbose: v }],
        [{ name: "help", args: ["export", "--help"], codes: [0], verbose: plain }]
      ]
      assert.strictEqual(yield* scan(groups, env), 22)
      assertClean(fs.readFileSync(out, "utf8"), "export file")
      assertClean(fs.readFileSync(csvOut, "utf8"), "csv export file")
      // The emulator's request log, as a value and as the admin endpoint serves it.
      const log = yield* emulator.requests
      assertClean(JSON.stringify(log), "emulator request log")
      const served = yield* Effect.promise(() => fetch(`${emulator.url}/_admin/requests`).then((r) => r.text()))
      assert.isAbove(served.length, 100)
      assertClean(served, "GET /_admin/requests")
      const codes = new Set(log.map((e) => e.code))
      for (const code of ["AuthFailure.SignatureFailure", "AuthFailure.TokenFailure"]) assert.isTrue(codes.has(code), `${code} was exercised`)
    }))

  it.effect("diagnose, timeline (and its HTML), archive (SQLite, postgres URL password), anomalies and configure print no secret", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const env = credentialEnv(emulator.url)
      const room = emulator.dataSet.apps[0].rooms.find((r) => r.sessions.length > 0)!
      const call = ["--comm-id", room.commId]
      const dir = tempDir()
      const html = join(dir, "timeline.html")
      const sqlite = join(dir, "archive.sqlite")
      const closed = yield* Effect.promise(closedPort)
      // A database URL whose password must stay hidden, to a port nothing listens on.
      const postgres = `postgres://trtc:${dbPassword}@127.0.0.1:${closed}/trtc`
      const configureHome = emptyHome()
      // Each group runs in order (archive status needs the archive); groups run at once. Every
      // case runs with and without --verbose but configure (it has no --verbose).
      const groups: ReadonlyArray<ReadonlyArray<Omit<Case, "verbose">>> = [
        [{ name: "diagnose", args: ["diagnose", ...app, ...call], codes: [0] }],
        [{ name: "diagnose, wrong key", args: ["diagnose", ...app, ...call], env: { ...env, TENCENTCLOUD_SECRET_KEY: wrongKey }, codes: [3] }],
        [{ name: "timeline --out", args: ["timeline", ...app, ...call, "--out", html], codes: [0] }],
        [{ name: "anomalies", args: ["anomalies", ...app, "--since", "1d", "--format", "ndjson"], codes: [0] }],
        [{ name: "anomalies, expired token", args: ["anomalies", ...app, "--since", "1d"], env: { ...env, TENCENTCLOUD_SESSION_TOKEN: wrongToken }, codes: [3] }],
        [
          { name: "archive to SQLite", args: ["archive", ...app, "--db", sqlite, "--since", "1d", "--rps", "1000"], codes: [0] },
          { name: "archive status", args: ["archive", "status", "--db", sqlite], codes: [0] }
        ],
        [{ name: "archive, wrong key", args: ["archive", ...app, "--db", join(dir, "refused.sqlite"), "--since", "1h"], env: { ...env, TENCENTCLOUD_SECRET_KEY: wrongKey }, codes: [3] }],
        [{ name: "archive to an unreachable postgres", args: ["archive", ...app, "--db", postgres, "--since", "1h"], codes: [1] }],
        [{ name: "archive status of an unreachable postgres", args: ["archive", "status", "--db", postgres], codes: [1] }],
        [{ name: "configure, key and token from stdin", args: ["configure", "--profile", "ops", "--secret-id", secretId], home: configureHome, stdin: `${configureKey}\n${configureToken}\n`, codes: [0] }],
        [{ name: "configure, no key on stdin", args: ["configure", "--secret-id", secretId], home: emptyHome(), stdin: "", codes: [2] }]
      ]
      const withVerbose = groups.map((group) => group.map((c) => ({ ...c, verbose: c.name.startsWith("configure") ? [false] : [false, true] })))
      assert.strictEqual(yield* scan(withVerbose, env), 22)
      // The written files: the timeline's HTML (it embeds the call's data) and the archive
      // (SQLite's file as bytes: nothing there should be a key or token either).
      const page = fs.readFileSync(html, "utf8")
      assert.include(page, room.commId)
      assertClean(page, "timeline HTML")
      assertClean(fs.readFileSync(sqlite).toString("latin1"), "SQLite archive")
      // configure wrote the secrets where they belong (and only there).
      assert.include(fs.readFileSync(join(configureHome, ".tencentcloud", "credentials"), "utf8"), configureKey)
    }))

  it.effect("--verbose retries under faults log no secret", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.setFaults([
        { when: { nth: 1 }, effect: { apiError: "InternalError" } },
        { when: { nth: 3 }, effect: { httpStatus: 502 } },
        { when: { nth: 5 }, effect: { truncate: true } }
      ])
      const r = yield* run(["rooms", ...app, "--since", "3d", "--format", "ndjson", "--verbose"], { env: credentialEnv(emulator.url) }).pipe(
        Effect.ensuring(emulator.setFaults([]))
      )
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(r.stderr, /retry/i, "the retries were logged")
      assertClean(r.stdout + r.stderr, "verbose retries")
    }))

  it.effect("trtc emulator --credentials ID:KEY:TOKEN does not print the key or token it was given", () =>
    Effect.gen(function*() {
      const r = yield* run(["emulator", "--port", "0", "--credentials", `${secretId}:${emulatorKey}:${token}`], {
        interruptWhen: ({ stderr, stdout }) => stdout.includes("listening on") && stderr.includes("SecretId")
      })
      assert.strictEqual(r.code, 130, r.stderr)
      assert.include(r.stdout + r.stderr, secretId)
      assertClean(r.stdout + r.stderr, "trtc emulator")
    }))
})

it.effect("plain http:// to a host that is not loopback is refused before any connection", () =>
  Effect.gen(function*() {
    // A listener on this machine stands in for the remote host: the endpoint names it by a
    // non-loopback spelling would be needed to reach it, so instead we prove that nothing
    // connects at all while every refused spelling is tried — and that the refusal is the
    // typed usage error (exit 2), not a connection failure.
    const connections: Array<string> = []
    const server = net.createServer((socket) => {
      connections.push(String(socket.remoteAddress))
      socket.destroy()
    })
    yield* Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)))
    const endpoints = [
      "http://10.255.255.1",
      "http://192.0.2.10:8080",
      "http://example.invalid",
      "HTTP://TRTC.EXAMPLE.INVALID",
      "http://127.0.0.1.example.invalid",
      "http://localhost.example.invalid",
      "http://[::ffff:10.0.0.1]",
      "http://0.0.0.0",
      "http://169.254.169.254"
    ]
    for (const endpoint of endpoints) {
      const r = yield* run(["rooms", ...app, "--endpoint", endpoint, "--verbose"], {
        env: { TENCENTCLOUD_SECRET_ID: secretId, TENCENTCLOUD_SECRET_KEY: secretKey }
      })
      assert.strictEqual(r.code, 2, `${endpoint}: ${r.stderr}`)
      assert.match(r.stderr, /--endpoint: plain http/, endpoint)
      assert.notMatch(r.stderr, /→ POST/, `${endpoint}: no request was logged`)
      assertClean(r.stderr, endpoint)
    }
    assert.deepStrictEqual(connections, [])
    yield* Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  }))

const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })
