// Interruption. CLI: SIGINT and SIGTERM at random points of `trtc export --out` (by time and
// by bytes written, chained through --resume) each leave a valid file — whole records only, no
// duplicates — and exit 130; a last --resume completes it to exactly the full set. `--format
// json` on stdout stays one closed array. Library: interrupting `TrtcStream.events` mid-flight
// leaves no fiber running, and once the layer is released no connection to the server is open.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Trtc from "@effect-trtc/core/Trtc"
import * as TrtcStream from "@effect-trtc/core/TrtcStream"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import * as Credentials from "@effect-trtc/signer/Credentials"
import { assert, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Supervisor from "effect/Supervisor"
import * as Exit from "effect/Exit"
import * as fs from "node:fs"
import { join } from "node:path"
import * as Probe from "../src/Probe.js"
import { interruptSeed, credentialEnv, expectedEventKeys, exportDataSet, keyOf, ndjsonStrict, run, sdkAppId, secretId, secretKey, tempDir, token } from "./helpers.js"

const now = Math.floor(Date.now() / 1000)
const dataSet = exportDataSet(interruptSeed)
const expected = expectedEventKeys(dataSet)

// Random points: every seed must pass, so each run tries new ones; a failure prints its seed
// and INTERRUPT_SEED=<seed> replays it.
const seed = Number(process.env["INTERRUPT_SEED"] ?? Date.now() % 100_000)
let state = seed
const random = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31
  return state / 2 ** 31
}

const csvRecords = (text: string): Array<string> => {
  if (text !== "" && !text.endsWith("\n")) throw new Error(`partial last line: ${JSON.stringify(text.slice(-80))}`)
  return text.split("\n").filter((l) => l !== "")
}

layer(Emulator.layer({ dataSet, rps: 0, credentials: [{ secretId, secretKey, token }] }))("interruption", (it) => {
  for (const format of ["ndjson", "csv"] as const) {
    it.effect(`SIGINT/SIGTERM at random points of export --out (${format}) leave a valid file; --resume completes it`, () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const env = credentialEnv(emulator.url)
        const out = join(tempDir(), `events.${format}`)
        const size = () => fs.existsSync(out) ? fs.statSync(out).size : 0
        // Slow enough (20 req/s, one call at a time) to be interrupted midway.
        const base = ["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out]
        const args = [...base, "--rps", "20", "--concurrency", "1"]
        const signals = format === "ndjson" ? ["SIGINT", "SIGTERM", "SIGTERM", "SIGINT"] as const : ["SIGTERM", "SIGINT"] as const
        const trace: Array<string> = []
        for (const [i, signal] of signals.entries()) {
          // Half the points by time since start (startup, listing, mid-write), half by bytes.
          const started = Date.now()
          const sizeBefore = size()
          const delayMs = 150 + Math.floor(random() * 800)
          const bytes = size() + 1 + Math.floor(random() * 30_000)
          const byTime = i % 2 === 0
          const r = yield* run(i === 0 ? args : [...args, "--resume"], {
            env,
            signal,
            interruptWhen: () => byTime ? Date.now() - started >= delayMs : size() >= bytes
          })
          trace.push(`${signal} at ${byTime ? `${delayMs} ms` : `${bytes} bytes`} → exit ${r.code}, ${size()} bytes`)
          const context = `seed ${seed}: ${trace.join("; ")}\n${r.stderr}`
          // A run may finish before the signal lands (0); otherwise it is an interruption (130).
          // A signal that lands while Node is still loading the bundle, before the runtime
          // handles signals, ends the process by the signal itself (a shell reports 128+n); by
          // then it cannot have written anything.
          if (r.code === null) {
            assert.strictEqual(r.signal, signal, context)
            assert.strictEqual(size(), sizeBefore, `killed during startup yet the file changed; ${context}`)
          } else {
            assert.include([130, 0], r.code, context)
          }
          assert.notMatch(r.stderr, /\n\s+at /, "no stack trace")
          if (!fs.existsSync(out)) continue
          const text = fs.readFileSync(out, "utf8")
          if (format === "ndjson") {
            const records = ndjsonStrict(text)
            assert.strictEqual(new Set(records.map(keyOf)).size, records.length, `no duplicates; ${context}`)
          } else {
            const lines = csvRecords(text)
            assert.strictEqual(lines.filter((l) => l.startsWith("sdkAppId,")).length, 1, `one header; ${context}`)
            assert.strictEqual(new Set(lines).size, lines.length, `no duplicates; ${context}`)
          }
        }
        assert.isTrue(trace.some((t) => t.includes("exit 130")), `at least one run was interrupted: ${trace.join("; ")}`)
        const last = yield* run([...base, "--resume", "--rps", "1000", "--concurrency", "4"], { env })
        assert.strictEqual(last.code, 0, last.stderr)
        const text = fs.readFileSync(out, "utf8")
        if (format === "ndjson") {
          const records = ndjsonStrict(text)
          assert.strictEqual(records.length, expected.length, `seed ${seed}: ${trace.join("; ")}`)
          assert.deepStrictEqual(records.map(keyOf).sort(), expected)
        } else {
          // Header + one line per event, each event once.
          const lines = csvRecords(text)
          assert.strictEqual(lines.length, expected.length + 1, `seed ${seed}: ${trace.join("; ")}`)
          assert.strictEqual(new Set(lines).size, lines.length)
        }
      }))
  }

  it.effect("SIGINT during `export --format json` on stdout leaves one closed JSON array", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", "json", "--rps", "20", "--concurrency", "1"], {
        env: credentialEnv(emulator.url),
        interruptWhen: ({ stdout }) => stdout.length > 2_000
      })
      assert.strictEqual(r.code, 130, r.stderr)
      const parsed = JSON.parse(r.stdout) as Array<Record<string, unknown>>
      assert.isAbove(parsed.length, 0)
      assert.isBelow(parsed.length, expected.length)
    }))
})

it.live("interrupting TrtcStream.events mid-flight leaves no fiber running and no connection open", () =>
  Effect.gen(function*() {
    const emulatorScope = yield* Scope.make()
    // Every user-event request waits 300 ms on the server: interruption finds them in flight.
    const emulator = yield* Emulator.make({
      dataSet,
      rps: 0,
      credentials: [{ secretId, secretKey, token }],
      faults: [{ action: "DescribeUserEvent", when: { always: true }, effect: { latencyMs: 300 } }]
    }).pipe(Scope.extend(emulatorScope))
    const connections = () => Probe.establishedOnPort(emulator.port) ?? 0
    const supervisor = yield* Supervisor.track
    const layerScope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(
      Trtc.layer({ endpoint: emulator.url, rps: 0 }).pipe(
        Layer.provide(Layer.merge(NodeHttpClient.layerUndici, Credentials.layerStatic({ secretId, secretKey, token })))
      ),
      layerScope
    )
    const seen: Array<unknown> = []
    const fiber = yield* TrtcStream.events(sdkAppId, { start: now - 8 * 86400, end: now }, { concurrency: 8 }).pipe(
      Stream.runForEach((event) => Effect.sync(() => void seen.push(event))),
      Effect.provide(context),
      Effect.supervised(supervisor),
      Effect.fork
    )
    // Wait until requests are in flight and some events arrived, then interrupt.
    yield* Effect.sync(() => seen.length).pipe(
      Effect.repeat({ until: (n) => n > 0 && connections() >= 2, schedule: Schedule.spaced("10 millis") }),
      Effect.timeout("20 seconds")
    )
    const inFlight = connections()
    yield* Fiber.interrupt(fiber)
    const running = (yield* supervisor.value).filter((f) => f.unsafePoll() === null)
    assert.deepStrictEqual(running.map((f) => f.id()), [], "no fiber of the stream is still running")
    // The aborted requests' connections close; idle keep-alive ones go with the layer.
    yield* Scope.close(layerScope, Exit.void)
    const left = yield* Effect.sync(connections).pipe(
      Effect.repeat({ until: (n) => n === 0, schedule: Schedule.spaced("20 millis").pipe(Schedule.upTo("3 seconds")) })
    )
    assert.isAtLeast(inFlight, 2, "requests were in flight when interrupted")
    assert.strictEqual(left, 0, "no connection to the emulator is left open")
    yield* Scope.close(emulatorScope, Exit.void)
  }))
