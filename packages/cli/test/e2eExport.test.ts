// End to end: `trtc export` (stdout, --out under faults, --resume after SIGINT), `trtc demo` and
// `trtc emulator`, as real processes against a real emulator over HTTP.
import type * as DataSet from "@effect-trtc/emulator/DataSet"
import * as Emulator from "@effect-trtc/emulator/Emulator"
import { assert, describe, it, layer } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { join } from "node:path"
import * as Output from "../src/Output.js"
import * as Records from "../src/Records.js"
import {
  credentialEnv,
  e2eDataSet,
  emulatorFor,
  fast,
  expectedEventKeys,
  keyOf,
  ndjson,
  run,
  type Result,
  sdkAppId,
  secretId,
  secretKey,
  tempDir,
  token
} from "./helpers.js"

const dataSet = e2eDataSet()
const expected = expectedEventKeys(dataSet, sdkAppId)

const EmulatorLive = emulatorFor(dataSet)

layer(EmulatorLive)("trtc against the emulator", (it) => {
  // Every test is its own process (and the fault test its own emulator): run them side by side.
  describe.concurrent("export", () => {
    const env = Effect.map(Emulator.Emulator, (e) => credentialEnv(e.url))

    const parse = (format: Output.Format, stdout: string, columns: Output.Columns): Array<Record<string, unknown>> =>
      format === "ndjson"
        ? ndjson(stdout)
        : format === "json"
          ? JSON.parse(stdout) as Array<Record<string, unknown>>
          : Output.parseCsv(stdout).records.slice(1).map((f) => Object.fromEntries(columns.all.map((k, i) => [k, f[i]])))

    for (const format of ["ndjson", "json", "csv"] as const) {
      it.effect(`export streams every event of the period exactly once (${format} on stdout)`, () =>
        Effect.gen(function*() {
          const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", format, ...fast], {
            env: yield* env
          })
          assert.strictEqual(r.code, 0, r.stderr)
          assert.deepStrictEqual(parse(format, r.stdout, Records.eventColumns).map(keyOf).sort(), expected)
        }))
    }

    it.effect("export --out under injected faults writes every event exactly once", () =>
      Effect.scoped(Effect.gen(function*() {
      // Its own emulator, so that the faults hit only this export.
        const emulator = yield* Emulator.make({
          dataSet,
          rps: 0,
          credentials: [{ secretId, secretKey, token }],
          faults: [
            { action: "DescribeUserEvent", when: { everyNth: 3 }, effect: { apiError: "InternalError" } },
            { action: "DescribeUserInfo", when: { everyNth: 4 }, effect: { httpStatus: 503 } },
            { action: "DescribeRoomInfo", when: { nth: 2 }, effect: { reset: true } }
          ]
        })
        const out = join(tempDir(), "events.csv")
        const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, ...fast], {
          env: credentialEnv(emulator.url)
        })
        assert.strictEqual(r.code, 0, r.stderr)
        const faulted = (yield* emulator.requests).filter((entry) => entry.fault !== undefined)
        assert.isAtLeast(faulted.length, 3, "the faults fired")
        const parsed = Output.parseCsv(fs.readFileSync(out, "utf8"))
        assert.deepStrictEqual(parsed.records[0], [...Records.exportColumns.all])
        const records = parsed.records.slice(1).map((f) => Object.fromEntries(Records.exportColumns.all.map((k, i) => [k, f[i]])))
        assert.deepStrictEqual(records.map(keyOf).sort(), expected)
      })))

    it.effect("a failing room window stops the whole export: no call fetched on after it", () =>
      Effect.scoped(Effect.gen(function*() {
        // Many calls a day, and the third of eight day windows refused for good.
        const emulator = yield* Emulator.make({
          seed: 5,
          roomsPerApp: 200,
          rps: 0,
          credentials: [{ secretId, secretKey, token }],
          faults: [{ action: "DescribeRoomInfo", when: { nth: 3 }, effect: { apiError: "AuthFailure.SignatureFailure" } }]
        })
        const out = join(tempDir(), "events.ndjson")
        const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, ...fast], {
          env: credentialEnv(emulator.url)
        })
        assert.strictEqual(r.code, 3, r.stderr)
        assert.include(r.stderr, "AuthFailure.SignatureFailure")
        // Requests interrupted on the wire are logged when the server answers them.
        yield* Effect.sleep("200 millis").pipe(Effect.withClock(Clock.make()))
        // In answer order: after the failure only what was in flight then (--concurrency 4: four
        // calls, each one user list or four users' events, and three room windows), not the
        // calls of the windows before it that had not started (~150 requests before the fix).
        const log = yield* emulator.requests
        const at = log.findIndex((entry) => entry.code === "AuthFailure.SignatureFailure")
        assert.isAtLeast(at, 0)
        assert.isAtMost(log.length - at - 1, 4 * 4 + 3, JSON.stringify(log.slice(at + 1).map((entry) => entry.action)))
      })))

    it.effect("export splits a user's period when the answer would be too large (ResponseSizeLimitExceeded)", () =>
      Effect.scoped(Effect.gen(function*() {
        const small = yield* Emulator.make({ dataSet, rps: 0, maxEventsPerResponse: 25, credentials: [{ secretId, secretKey, token }] })
        const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", "ndjson", ...fast], {
          env: credentialEnv(small.url)
        })
        assert.strictEqual(r.code, 0, r.stderr)
        const refused = (yield* small.requests).filter((entry) => entry.code === "ResponseSizeLimitExceeded")
        assert.isAbove(refused.length, 0, "some answers were too large")
        assert.deepStrictEqual(ndjson(r.stdout).map(keyOf).sort(), expected)
      })))

    it.effect("export --resume after SIGINT midway completes the file without duplicates or loss", () =>
      Effect.gen(function*() {
        const out = join(tempDir(), "events.ndjson")
        const size = () => fs.existsSync(out) ? fs.statSync(out).size : 0
        // Slow enough to be interrupted after the first calls are written.
        const first = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--rps", "4", "--concurrency", "1"], {
          env: yield* env,
          interruptWhen: () => size() > 0
        })
        assert.strictEqual(first.code, 130, first.stderr)
        const partial = ndjson(fs.readFileSync(out, "utf8"))
        assert.isAbove(partial.length, 0)
        assert.isBelow(partial.length, expected.length)
        // Simulate a torn write as well: half a record at the end must be dropped, not kept.
        fs.appendFileSync(out, "{\"sdkAppId\":1400000001,\"commId\":")
        const second = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--resume", ...fast], {
          env: yield* env
        })
        assert.strictEqual(second.code, 0, second.stderr)
        assert.include(second.stderr, "resuming")
        assert.deepStrictEqual(ndjson(fs.readFileSync(out, "utf8")).map(keyOf).sort(), expected)
        // Resuming a finished export adds nothing.
        const third = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--resume", ...fast], {
          env: yield* env
        })
        assert.strictEqual(third.code, 0, third.stderr)
        assert.strictEqual(ndjson(fs.readFileSync(out, "utf8")).length, expected.length)
      }))

    it.effect("export --format json interrupted midway still prints a valid JSON array (exit 130)", () =>
      Effect.gen(function*() {
        const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--format", "json", "--rps", "4", "--concurrency", "1"], {
          env: yield* env,
          interruptWhen: ({ stdout }) => stdout.includes("{")
        })
        assert.strictEqual(r.code, 130, r.stderr)
        const records = JSON.parse(r.stdout) as Array<Record<string, unknown>>
        assert.isAbove(records.length, 0)
        assert.isBelow(records.length, expected.length)
        const all = new Set(expected)
        for (const record of records) assert.isTrue(all.has(keyOf(record)))
      }))

    it.effect("export --out refuses to overwrite without --resume", () =>
      Effect.gen(function*() {
        const out = join(tempDir(), "existing.ndjson")
        fs.writeFileSync(out, "{}\n")
        const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--out", out], { env: yield* env })
        assert.strictEqual(r.code, 2)
        assert.include(r.stderr, "--resume")
        assert.strictEqual(fs.readFileSync(out, "utf8"), "{}\n")
      }))
  })
})

describe.concurrent("trtc demo and trtc emulator", () => {
  it.live("demo shows a call's users, events and a summary with no setup", () =>
    Effect.gen(function*() {
      const r = yield* run(["demo"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.include(r.stdout, "userId")
      assert.match(r.stdout, /time\s+userId\s+peerId\s+eventId\s+event/)
      assert.match(r.stdout, /Summary: call \S+ in room \S+ .* users? took part/)
    }))

  it.live("demo takes the global --verbose (requests on stderr) and --format (records on stdout)", () =>
    Effect.gen(function*() {
      const r = yield* run(["--verbose", "demo", "--format", "ndjson"])
      assert.strictEqual(r.code, 0, r.stderr)
      assert.match(r.stderr, /→ POST http:\/\/127\.0\.0\.1:\d+\/ DescribeUserEvent \{/)
      const records = ndjson(r.stdout)
      assert.isAbove(records.length, 0)
      assert.isTrue(records.every((e) => typeof e.eventId === "number"))
    }))

  it.live("emulator prints where it listens and serves until interrupted", () =>
    Effect.gen(function*() {
      const r = yield* run(["emulator", "--port", "0", "--seed", "3"], {
        interruptWhen: ({ stdout }) => stdout.includes("listening on")
      })
      assert.match(r.stdout, /^listening on http:\/\/127\.0\.0\.1:\d+$/m)
      assert.strictEqual(r.code, 130)
    }))

  it.live("emulator passes its scale flags on: apps, calls, users per call, max events per response", () =>
    Effect.gen(function*() {
      // While it runs: its data set from the admin API, and one user's events through `trtc events`.
      let seen: { readonly dataSet: DataSet.DataSet; readonly events: Result } | undefined
      let lookFailed: unknown
      let started = false
      const look = (url: string) =>
        Effect.gen(function*() {
          const dataSet = yield* Effect.promise(() => fetch(`${url}/_admin/dataset`).then((r) => r.json() as Promise<DataSet.DataSet>))
          const room = dataSet.apps[1].rooms.find((r) => r.sessions.some((s) => s.events.length > 1))!
          const session = room.sessions.find((s) => s.events.length > 1)!
          const events = yield* run(
            ["events", "--sdk-app-id", String(dataSet.apps[1].sdkAppId), "--comm-id", room.commId, "--room-id", room.roomId, "--user-id", session.userId],
            {
              env: {
                TRTC_ENDPOINT: url,
                TENCENTCLOUD_SECRET_ID: Emulator.defaultCredential.secretId,
                TENCENTCLOUD_SECRET_KEY: Emulator.defaultCredential.secretKey
              }
            }
          )
          seen = { dataSet, events }
        })
      const r = yield* run(
        ["emulator", "--port", "0", "--apps", "2", "--rooms-per-app", "3", "--users-per-room", "2", "--events-per-hour", "1", "--lazy", "--max-events", "1"],
        {
          interruptWhen: ({ stdout }) => {
            const url = /listening on (\S+)/.exec(stdout)?.[1]
            if (url !== undefined && !started) {
              started = true
              Effect.runPromise(look(url)).catch((error: unknown) => void (lookFailed = error ?? "failed"))
            }
            return seen !== undefined || lookFailed !== undefined
          }
        }
      )
      assert.strictEqual(r.code, 130, r.stderr)
      assert.isUndefined(lookFailed)
      assert.include(r.stderr, "(6 calls)")
      const { dataSet, events } = seen!
      assert.deepStrictEqual(dataSet.apps.map((a) => a.rooms.length), [3, 3])
      // Besides a mixer robot the generator sometimes adds.
      for (const room of dataSet.apps.flatMap((a) => a.rooms)) {
        assert.strictEqual(new Set(room.sessions.map((s) => s.userId).filter((u) => !u.startsWith("mixer_"))).size, 2)
      }
      // More than one event in a minute, and at most one per response: refused however narrow.
      assert.strictEqual(events.code, 1, events.stderr)
      assert.include(events.stderr, "ResponseSizeLimitExceeded")
    }))
})
