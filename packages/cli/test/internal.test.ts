import * as CommId from "@effect-trtc/core/CommId"
import * as RateLimiter from "@effect-trtc/core/RateLimiter"
import * as TencentCloudClient from "@effect-trtc/core/TencentCloudClient"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as ConfigProvider from "effect/ConfigProvider"
import * as HashMap from "effect/HashMap"
import { command, hoistGlobalFlags, placeBuiltInFlags } from "../src/Cli.js"
import { summary } from "../src/internal/emulatorCommands.js"
import * as ExportFile from "../src/internal/exportFile.js"
import { checkEndpoint, globalOptions, resolveGlobals } from "../src/internal/globals.js"
import type { Io } from "../src/internal/io.js"
import * as Progress from "../src/internal/progress.js"
import * as Records from "../src/Records.js"

describe("endpoint checks", () => {
  it("accepts https hosts and URLs, and http only to loopback", () => {
    assert.deepStrictEqual(checkEndpoint("trtc.tencentcloudapi.com"), Either.right("https://trtc.tencentcloudapi.com"))
    assert.deepStrictEqual(checkEndpoint("http://127.0.0.1:8080"), Either.right("http://127.0.0.1:8080"))
    assert.deepStrictEqual(checkEndpoint("http://localhost:1"), Either.right("http://localhost:1"))
    assert.isTrue(Either.isLeft(checkEndpoint("http://10.0.0.1")))
    assert.isTrue(Either.isLeft(checkEndpoint("ftp://example.com")))
    assert.isTrue(Either.isLeft(checkEndpoint("http://")))
  })

  // The global flags as @effect/cli parses them, with `env` as the ConfigProvider they fall back to.
  const parseGlobals = (args: ReadonlyArray<string>, env: Record<string, string>) =>
    Options.processCommandLine(Options.all(globalOptions), args, CliConfig.defaultConfig).pipe(
      Effect.flatMap(([error, , flags]) => Option.isSome(error) ? Effect.die(error.value) : resolveGlobals(flags, false)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.provide(NodeContext.layer)
    )

  it.effect("resolves flags over the ConfigProvider, blank settings counting as unset", () =>
    Effect.gen(function*() {
      const env = {
        TRTC_ENDPOINT: "http://127.0.0.1:9",
        TENCENTCLOUD_REGION: "ap-singapore",
        TENCENTCLOUD_PROFILE: "ops",
        TRTC_RATE_LIMIT: "redis://:pw@127.0.0.1:6380/1"
      }
      const globals = yield* parseGlobals(["--timeout", "5s"], env)
      assert.strictEqual(globals.endpoint, "http://127.0.0.1:9")
      assert.strictEqual(globals.region, "ap-singapore")
      assert.strictEqual(globals.profile, "ops")
      assert.strictEqual(globals.format, "ndjson")
      assert.strictEqual(globals.timeoutMillis, 5000)
      assert.deepStrictEqual([globals.rateLimit?.host, globals.rateLimit?.port, globals.rateLimit?.db], ["127.0.0.1", 6380, 1])
      const flagged = yield* parseGlobals(["--endpoint", "http://127.0.0.1:8", "--region", "ap-beijing", "--profile", "dev"], env)
      assert.deepStrictEqual([flagged.endpoint, flagged.region, flagged.profile], ["http://127.0.0.1:8", "ap-beijing", "dev"])
      const blank = yield* parseGlobals([], { TRTC_ENDPOINT: " ", TENCENTCLOUD_REGION: "", TENCENTCLOUD_PROFILE: "" })
      assert.deepStrictEqual([blank.endpoint, blank.region, blank.profile], [undefined, "ap-guangzhou", undefined])
      // Defaults are core's facts, not copies: TRTC's 20 req/s and the client's per-attempt timeout.
      assert.strictEqual(blank.rps, RateLimiter.defaultRps)
      assert.strictEqual(blank.timeoutMillis, Duration.toMillis(TencentCloudClient.defaultTimeout))
    }))
})

describe("CommId", () => {
  // The CLI's parser is core's now (CommId.parse); this pins what the CLI relies on.
  it("reads SdkAppId, a room id with underscores and the creation time", () => {
    assert.deepStrictEqual(
      CommId.parse("1400000001_sales_math_27_1795333841"),
      Option.some({ sdkAppId: 1400000001, roomId: "sales_math_27", createTime: 1795333841 })
    )
    assert.isTrue(Option.isNone(CommId.parse("nope")))
  })
})

const event = (userId: string, eventId: number, description: string, timeMs = 1) =>
  Records.event(
    { sdkAppId: 1, commId: "1_r_100", roomId: "r", userId },
    { peerId: userId, type: 0, timeMs, eventId, paramOne: -1, paramTwo: -1 },
    () => description
  )

describe("export resume", () => {
  it("drops only the events the partial call already holds, counting duplicates", () => {
    const a = event("u", 5001, "x", 1)
    const b = event("u", 5002, "y", 2)
    const state: ExportFile.ResumeState = {
      completed: new Set(["1_done_1"]),
      partial: { commId: "1_r_100", keys: new Map([[Records.eventKey(a), 1]]) },
      open: new Map([["1_open_7", new Map([[Records.eventKey({ ...a, commId: "1_open_7" }), 1]])]]),
      records: 2,
      dropped: 0,
      callFinishedColumn: true
    }
    assert.deepStrictEqual(ExportFile.remaining(state, [a, a, b]), [a, b])
    const other = { ...a, commId: "1_other_5" }
    assert.deepStrictEqual(ExportFile.remaining(state, [other]), [other])
    // A call that was running when written: only its events not in the file.
    const open = { ...a, commId: "1_open_7" }
    const later = { ...b, commId: "1_open_7" }
    assert.deepStrictEqual(ExportFile.remaining(state, [open, later]), [later])
  })
})

describe("demo summary", () => {
  it("says who took part, joins, leaves, rejoins and failures in one paragraph", () => {
    const call = {
      sdkAppId: 1,
      commId: "1_r_100",
      roomId: "r",
      createTime: 100,
      destroyTime: 700,
      isFinished: true,
      creatorUserId: "a"
    }
    const session = (userId: string, joinTs: number) =>
      Records.user(1, "1_r_100", {
        roomId: "r",
        userId,
        joinTs,
        leaveTs: joinTs + 60,
        finished: true,
        deviceType: "ios",
        sdkVersion: "1",
        clientIp: "1.2.3.4"
      })
    const text = summary(call, [session("a", 100), session("b", 110), session("a", 300)], [
      event("a", 5003, "Entered room successfully"),
      event("b", 1, "Failed to enter room"),
      event("b", 2, "Failed to enter room")
    ])
    assert.notInclude(text, "\n")
    assert.include(text, "lasted 10 min")
    assert.include(text, "2 users took part with 3 joins and 3 leaves (a rejoined)")
    assert.include(text, "2 failures from b: Failed to enter room (x2)")
  })
})

describe("progress", () => {
  const io = (tty: boolean, out: Array<string>): Io => ({
    stdout: () => Effect.void,
    stderr: (text) => Effect.sync(() => void out.push(text)),
    stderrSync: (text) => void out.push(text),
    stdoutIsTTY: false,
    stderrIsTTY: tty,
    columns: 80
  })

  // The TestClock, not the wall clock: rates and the ETA are the same at any speed of the machine,
  // and each update comes late enough after the last drawing to be drawn.
  it.effect("counts calls of the total in words a user knows, on a terminal only, timed by the Clock, and erases itself", () =>
    Effect.gen(function*() {
      const drawn: Array<string> = []
      const p = yield* Progress.make(io(true, drawn), "export", Effect.succeed(7))
      yield* p.total(4)
      yield* TestClock.adjust("2 seconds")
      yield* p.calls(1)
      const erase = "\r\u001b[2K"
      assert.isTrue(drawn.at(-1)!.startsWith(erase), "each drawing replaces the line")
      assert.strictEqual(drawn.at(-1)!.slice(erase.length), "export: 1/4 calls (25%), 0 events (0/s), 7 requests, 2s, ETA 6s")
      yield* TestClock.adjust("1 second")
      yield* p.events(1)
      assert.include(drawn.at(-1)!, ", 1 event (")
      yield* TestClock.adjust("1 second")
      yield* p.events(7)
      assert.include(drawn.at(-1)!, ", 8 events (2/s)")
      assert.notMatch(drawn.join(""), /windows/)
      // Before results are written the line is erased, and drawn again at the next update.
      yield* p.clear
      assert.strictEqual(drawn.at(-1), "\r\u001b[2K")
      yield* p.done
      const after = drawn.length
      yield* TestClock.adjust("1 second")
      yield* p.calls(1)
      assert.strictEqual(drawn.length, after, "nothing drawn once done")
      const silent: Array<string> = []
      const q = yield* Progress.make(io(false, silent), "export")
      yield* q.calls(1)
      yield* q.done
      assert.deepStrictEqual(silent, [])
    }))

  it.effect("after --resume counts what the file held and the calls left", () =>
    Effect.gen(function*() {
      const drawn: Array<string> = []
      const p = yield* Progress.make(io(true, drawn), "export", Effect.succeed(0), { calls: 3, events: 120 })
      yield* p.total(5)
      yield* TestClock.adjust("1 second")
      yield* p.calls(1)
      assert.match(drawn.at(-1)!, /export: 4\/5 calls \(80%\), 120 events/)
    }))
})

describe("built-in flags", () => {
  it("--log-level goes right after the command as --log-level=LEVEL; after -- nothing moves", () => {
    assert.deepStrictEqual(placeBuiltInFlags(["rooms", "--a", "1", "--log-level", "debug"]), ["rooms", "--log-level=debug", "--a", "1"])
    assert.deepStrictEqual(placeBuiltInFlags(["rooms", "--log-level=info", "--a"]), ["rooms", "--log-level=info", "--a"])
    assert.deepStrictEqual(placeBuiltInFlags(["--log-level", "debug"]), ["--log-level=debug"])
    assert.deepStrictEqual(placeBuiltInFlags(["rooms", "--", "--log-level", "debug"]), ["rooms", "--", "--log-level", "debug"])
  })
})

describe("global flags before the command", () => {
  it("are moved after it; anything else is left alone", () => {
    assert.deepStrictEqual(
      hoistGlobalFlags(["--format", "json", "--verbose", "rooms", "--sdk-app-id", "1"]),
      ["rooms", "--format", "json", "--verbose", "--sdk-app-id", "1"]
    )
    assert.deepStrictEqual(hoistGlobalFlags(["--rps=5", "events"]), ["events", "--rps=5"])
    assert.deepStrictEqual(hoistGlobalFlags(["--version"]), ["--version"])
    assert.deepStrictEqual(hoistGlobalFlags(["--bogus", "rooms"]), ["--bogus", "rooms"])
    assert.deepStrictEqual(hoistGlobalFlags(["rooms", "--format", "csv"]), ["rooms", "--format", "csv"])
  })

  // The commands come from the real tree, the flags from issue 6's contract: a command added to the
  // tree, or a global flag, that the hoisting does not know would fail here.
  const contractFlags = ["--endpoint", "--region", "--profile", "--format", "--rps", "--concurrency", "--timeout"]
  const treeCommands = [...HashMap.keys(Command.getSubcommands(command))]

  it("works for every command of the tree and every global flag, spaced or with =", () => {
    assert.includeMembers(treeCommands, ["events", "rooms", "users", "export", "emulator", "demo"])
    for (const name of treeCommands) {
      for (const flag of contractFlags) {
        assert.deepStrictEqual(hoistGlobalFlags([flag, "x", name, "--a"]), [name, flag, "x", "--a"], `${flag} x ${name}`)
        assert.deepStrictEqual(hoistGlobalFlags([`${flag}=x`, name]), [name, `${flag}=x`], `${flag}=x ${name}`)
      }
      assert.deepStrictEqual(hoistGlobalFlags(["--verbose", name]), [name, "--verbose"])
    }
  })
})
