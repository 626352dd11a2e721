import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Time from "../src/Time.js"

const now = 1_764_000_000 // 2025-11-24T16:00:00Z

const ok = <A, E>(e: Either.Either<A, E>): A => {
  if (Either.isLeft(e)) throw new Error(`expected Right, got ${String(e.left)}`)
  return e.right
}

describe("Time.parseTime", () => {
  it("reads epoch seconds and milliseconds", () => {
    assert.strictEqual(ok(Time.parseTime("--start", "1715990000", now)), 1715990000)
    assert.strictEqual(ok(Time.parseTime("--start", "1715990000123", now)), 1715990000)
  })

  it("reads ISO 8601 with and without a zone (no zone = UTC)", () => {
    assert.strictEqual(ok(Time.parseTime("--start", "2024-05-18T00:00:00Z", now)), 1715990400)
    assert.strictEqual(ok(Time.parseTime("--start", "2024-05-18T00:00:00", now)), 1715990400)
    assert.strictEqual(ok(Time.parseTime("--start", "2024-05-18T08:00:00+08:00", now)), 1715990400)
    assert.strictEqual(ok(Time.parseTime("--start", "2024-05-18", now)), 1715990400)
    assert.strictEqual(ok(Time.parseTime("--start", "2024-05-18 00:00:30.5Z", now)), 1715990430)
  })

  it("reads relative times as ago", () => {
    assert.strictEqual(ok(Time.parseTime("--start", "30m", now)), now - 1800)
    assert.strictEqual(ok(Time.parseTime("--start", "2h", now)), now - 7200)
    assert.strictEqual(ok(Time.parseTime("--start", "14d", now)), now - 14 * 86400)
    assert.strictEqual(ok(Time.parseTime("--start", "2h ago", now)), now - 7200)
    assert.strictEqual(ok(Time.parseTime("--start", "-45s", now)), now - 45)
    assert.strictEqual(ok(Time.parseTime("--end", "now", now)), now)
  })

  it("fails with the flag and the value", () => {
    for (const bad of ["the day before", "", "2024-13-45T00:00:00Z", "12x", "2h later"]) {
      const result = Time.parseTime("--start", bad, now)
      assert.isTrue(Either.isLeft(result), bad)
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "TimeParseError")
        assert.include(result.left.message, "--start")
        assert.include(result.left.message, JSON.stringify(bad))
      }
    }
  })

  // Found by the reliability fuzz test: "__proto__" looked up in the day-word object found
  // Object.prototype and crashed with a RangeError instead of a usage error.
  it("an object's own property names are not day words", () => {
    for (const bad of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      const result = Time.parseTime("--start", bad, now, "Asia/Shanghai")
      assert.isTrue(Either.isLeft(result), bad)
    }
  })
})

describe("Time.parseTime: impossible dates", () => {
  const problemOf = (value: string): string => {
    const result = Time.parseTime("--start", value, now)
    if (Either.isRight(result)) throw new Error(`${value} was read as ${result.right}`)
    return result.left.message
  }

  it("refuses days a month does not have instead of rolling them over (Date.parse gives Dec 1 and Mar 2)", () => {
    assert.strictEqual(problemOf("2026-11-31T00:00:00Z"), `--start: "2026-11-31T00:00:00Z" is not a real time: 2026-11-31: November has 30 days`)
    assert.include(problemOf("2026-02-30"), "2026-02-30: February has 28 days in 2026 (not a leap year)")
    assert.include(problemOf("2026-04-31 10:00"), "April has 30 days")
    assert.include(problemOf("2026-13-01"), "there is no month 13")
    assert.include(problemOf("2026-00-10"), "there is no month 00")
    assert.include(problemOf("2026-05-00"), "May has 31 days")
    assert.include(problemOf("2026-05-01T24:00:00Z"), "hour 24 is past 23")
    assert.include(problemOf("2026-05-01T10:60Z"), "minute 60 is past 59")
  })

  it("knows leap years: 2028-02-29 and 2000-02-29 exist, 2026-02-29 and 2100-02-29 do not", () => {
    assert.strictEqual(ok(Time.parseTime("--start", "2028-02-29T00:00:00Z", now)), Date.UTC(2028, 1, 29) / 1000)
    assert.strictEqual(ok(Time.parseTime("--start", "2000-02-29", now)), Date.UTC(2000, 1, 29) / 1000)
    assert.include(problemOf("2026-02-29"), "February has 28 days in 2026 (not a leap year)")
    assert.include(problemOf("2100-02-29"), "February has 28 days in 2100 (not a leap year)")
    assert.include(problemOf("2028-02-30"), "February has 29 days in 2028 (a leap year)")
    assert.strictEqual(ok(Time.parseTime("--start", "2026-11-30T23:59:59Z", now)), Date.UTC(2026, 10, 30, 23, 59, 59) / 1000)
  })
})

describe("Time.parseDuration", () => {
  it("reads units to milliseconds", () => {
    assert.strictEqual(ok(Time.parseDuration("--timeout", "500ms")), 500)
    assert.strictEqual(ok(Time.parseDuration("--timeout", "30s")), 30_000)
    assert.strictEqual(ok(Time.parseDuration("--timeout", "30")), 30_000)
    assert.strictEqual(ok(Time.parseDuration("--since", "14d")), 14 * 86_400_000)
    assert.strictEqual(ok(Time.parseDuration("--since", "2h")), 7_200_000)
  })

  it("fails naming the flag", () => {
    const result = Time.parseDuration("--timeout", "soon")
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) assert.include(result.left.message, "--timeout")
  })
})

describe("Time.resolvePeriod", () => {
  const options = { now, defaultSpanSeconds: 86400, retentionDays: 14 }
  const none = Option.none<string>()

  it("defaults to the last span", () => {
    const r = ok(Time.resolvePeriod({ start: none, end: none }, options))
    assert.deepStrictEqual(r.period, { startTime: now - 86400, endTime: now })
  })

  it("--since counts back from the end", () => {
    const r = ok(Time.resolvePeriod({ start: none, end: none, since: Option.some("2h") }, options))
    assert.deepStrictEqual(r.period, { startTime: now - 7200, endTime: now })
  })

  it("rejects end before start, naming both", () => {
    const r = Time.resolvePeriod({ start: Option.some("1h"), end: Option.some("2h") }, options)
    assert.isTrue(Either.isLeft(r))
    if (Either.isLeft(r)) {
      assert.strictEqual(r.left._tag, "PeriodError")
      assert.include(r.left.message, "--end")
    }
  })

  it("rejects a period entirely beyond retention and clamps a start beyond it", () => {
    const beyond = Time.resolvePeriod({ start: Option.some("30d"), end: Option.some("20d") }, options)
    assert.isTrue(Either.isLeft(beyond))
    if (Either.isLeft(beyond)) assert.include(beyond.left.message, "retention")
    const clamped = ok(Time.resolvePeriod({ start: Option.some("20d"), end: none }, options))
    assert.strictEqual(clamped.period.startTime, now - 14 * 86400 + 60)
    assert.strictEqual(clamped.notes.length, 1)
  })

  it("rejects --since with --start", () => {
    const r = Time.resolvePeriod({ start: Option.some("1h"), end: none, since: Option.some("2h") }, options)
    assert.isTrue(Either.isLeft(r))
  })
})

describe("today and yesterday", () => {
  // 2025-11-24T16:00:00Z: already the 25th in Shanghai (00:00 +08:00), still the 24th in New York.
  it("are the starts of those days in the zone", () => {
    assert.strictEqual(ok(Time.parseTime("--start", "today", now)), Date.UTC(2025, 10, 24) / 1000)
    assert.strictEqual(ok(Time.parseTime("--start", "yesterday", now)), Date.UTC(2025, 10, 23) / 1000)
    assert.strictEqual(ok(Time.parseTime("--start", "today", now, "Asia/Shanghai")), Date.UTC(2025, 10, 24, 16) / 1000)
    assert.strictEqual(ok(Time.parseTime("--start", "yesterday", now, "America/New_York")), Date.UTC(2025, 10, 23, 5) / 1000)
  })

  it("a day across a DST change starts at its own midnight", () => {
    // 2026-03-30T12:00Z in Berlin is CEST (+02:00); 2026-03-29 began at 00:00 CET (+01:00).
    const berlin = Date.UTC(2026, 2, 30, 12) / 1000
    assert.strictEqual(ok(Time.parseTime("--start", "today", berlin, "Europe/Berlin")), Date.UTC(2026, 2, 29, 22) / 1000)
    assert.strictEqual(ok(Time.parseTime("--start", "yesterday", berlin, "Europe/Berlin")), Date.UTC(2026, 2, 28, 23) / 1000)
  })

  it("--since takes a duration or a start", () => {
    const options = { now, defaultSpanSeconds: 86400, retentionDays: 14 }
    const none = Option.none<string>()
    assert.deepStrictEqual(ok(Time.resolvePeriod({ start: none, end: none, since: Option.some("1w") }, options)).period, { startTime: now - 604800, endTime: now })
    assert.deepStrictEqual(
      ok(Time.resolvePeriod({ start: none, end: none, since: Option.some("yesterday") }, { ...options, timeZone: "Asia/Shanghai" })).period,
      { startTime: Date.UTC(2025, 10, 23, 16) / 1000, endTime: now }
    )
  })
})
