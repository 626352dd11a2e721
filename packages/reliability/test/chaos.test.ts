// Chaos: a full `trtc export --out` over a seeded data set with about 10 % of requests faulted
// (every kind: retryable API codes, 5xx and 429, connection resets, truncated bodies, latency
// beyond the per-attempt timeout) writes exactly the fault-free result. A non-retryable fault
// (AuthFailure.SignatureFailure) stops the export promptly with exit 3, leaving a valid file
// that `--resume` completes without duplicates or gaps.
import * as Emulator from "@effect-trtc/emulator/Emulator"
import type * as Faults from "@effect-trtc/emulator/Faults"
import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { join } from "node:path"
import { chaosSeed, credentialEnv, expectedEventKeys, exportDataSet, keyOf, ndjsonStrict, run, sdkAppId, secretId, secretKey, tempDir, token } from "./helpers.js"

const dataSet = exportDataSet(chaosSeed)
const expected = expectedEventKeys(dataSet)

const kinds: ReadonlyArray<Faults.FaultEffect> = [
  { apiError: "InternalError" },
  { apiError: "InternalError.DbError" },
  { apiError: "RequestLimitExceeded" },
  { apiError: "ServiceUnavailable" },
  { httpStatus: 500 },
  { httpStatus: 502 },
  { httpStatus: 503 },
  { httpStatus: 429 },
  { reset: true },
  { truncate: true },
  // Beyond the 1 s per-attempt timeout given below.
  { latencyMs: 1600 }
]
const label = (effect: Faults.FaultEffect): string => JSON.stringify(effect)

// Each kind fires once early for certain (spaced so one request does not meet them all in a row),
// then each with probability 0.0095: about 10 % of all requests in total.
const rules: ReadonlyArray<Faults.FaultRule> = [
  ...kinds.map((effect, i): Faults.FaultRule => ({ when: { nth: 4 + 6 * i }, effect })),
  ...kinds.map((effect, i): Faults.FaultRule => ({ when: { probability: 0.0095, seed: 1000 + i }, effect }))
]

const exportArgs = (out: string) => ["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--rps", "1000", "--timeout", "1s"]

layer(Emulator.layer({ dataSet, rps: 0, credentials: [{ secretId, secretKey, token }] }))("chaos", (it) => {
  it.effect("export under ~10 % faults of every kind writes exactly the fault-free result", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.reset
      yield* emulator.setFaults(rules)
      const out = join(tempDir(), "events.ndjson")
      const r = yield* run(exportArgs(out), { env: credentialEnv(emulator.url) }).pipe(Effect.ensuring(emulator.setFaults([])))
      assert.strictEqual(r.code, 0, r.stderr)
      const records = ndjsonStrict(fs.readFileSync(out, "utf8"))
      assert.strictEqual(records.length, expected.length, "no duplicates, no loss")
      assert.deepStrictEqual(records.map(keyOf).sort(), expected)

      const log = yield* emulator.requests
      const faulted = log.filter((e) => e.fault !== undefined)
      const share = faulted.length / log.length
      assert.isAbove(log.length, 100)
      assert.isAtLeast(share, 0.05, `${faulted.length} of ${log.length} faulted`)
      assert.isAtMost(share, 0.25, `${faulted.length} of ${log.length} faulted`)
      const fired = new Set(faulted.map((e) => e.fault))
      assert.isAtLeast(fired.size, kinds.length, `every kind fired: ${[...fired].join(", ")} (${kinds.map(label).join(", ")})`)
    }))

  it.effect("a non-retryable fault stops the export promptly with exit 3; --resume completes it", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.reset
      yield* emulator.setFaults([{ action: "DescribeUserEvent", when: { nth: 40 }, effect: { apiError: "AuthFailure.SignatureFailure" } }])
      const out = join(tempDir(), "events.ndjson")
      const env = credentialEnv(emulator.url)
      const first = yield* run(exportArgs(out), { env }).pipe(Effect.ensuring(emulator.setFaults([])))
      assert.strictEqual(first.code, 3, first.stderr)
      assert.match(first.stderr, /AuthFailure\.SignatureFailure.*hint:/)
      const log = yield* emulator.requests
      const at = log.findIndex((e) => e.code === "AuthFailure.SignatureFailure")
      assert.isAtLeast(at, 0)
      // Not retried, and the export winds down at once: the log is in answer order, and after
      // a failure TrtcStream starts no request (a shared failure record), so what follows it is
      // what was already in flight: at most 4 calls x 4 users, all within a second.
      const failed = log[at]
      const after = log.slice(at + 1)
      assert.isAtMost(after.length, 16, `requests after the auth failure: ${after.map((e) => e.action).join(", ")}`)
      for (const e of after) assert.isAtMost(e.time - failed.time, 1000, "no request starts a second after the failure")
      assert.isFalse(
        after.some((e) => e.action === failed.action && JSON.stringify(e.params) === JSON.stringify(failed.params)),
        "the failed request was not retried"
      )
      const partial = ndjsonStrict(fs.readFileSync(out, "utf8"))
      assert.isAbove(partial.length, 0)
      assert.isBelow(partial.length, expected.length)
      assert.strictEqual(new Set(partial.map(keyOf)).size, partial.length, "no duplicates in the partial file")

      const second = yield* run([...exportArgs(out), "--resume"], { env })
      assert.strictEqual(second.code, 0, second.stderr)
      const records = ndjsonStrict(fs.readFileSync(out, "utf8"))
      assert.strictEqual(records.length, expected.length, "no duplicates, no loss")
      assert.deepStrictEqual(records.map(keyOf).sort(), expected)
    }))

  it.scoped("retries under faults never push the export above a strict 20 req/s server limit", () =>
    Effect.gen(function*() {
      // The server's own sliding-window limiter (rps 20 per action); injected faults make
      // retries bunch up behind the client's limiter.
      const strict = yield* Emulator.make({
        dataSet,
        rps: 20,
        credentials: [{ secretId, secretKey, token }],
        faults: [
          { when: { probability: 0.08, seed: 5 }, effect: { apiError: "InternalError" } },
          { when: { probability: 0.04, seed: 6 }, effect: { httpStatus: 503 } }
        ]
      })
      const out = join(tempDir(), "events.ndjson")
      const r = yield* run(["export", "--sdk-app-id", String(sdkAppId), "--since", "8d", "--out", out, "--rps", "20", "--concurrency", "4"], {
        env: credentialEnv(strict.url)
      })
      assert.strictEqual(r.code, 0, r.stderr)
      const log = yield* strict.requests
      const limited = log.filter((e) => e.fault === undefined && e.code?.startsWith("RequestLimitExceeded"))
      assert.strictEqual(limited.length, 0, `${limited.length} of ${log.length} requests refused by the server's limiter`)
      assert.isAbove(log.filter((e) => e.fault !== undefined).length, 0, "faults fired")
      assert.deepStrictEqual(ndjsonStrict(fs.readFileSync(out, "utf8")).map(keyOf).sort(), expected)
    }))
})
