import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Command from "@effect/cli/Command"
import * as HashMap from "effect/HashMap"
import { command, hoistGlobalFlags } from "../src/Cli.js"
import { summary } from "../src/internal/emulatorCommands.js"
import * as ExportFile from "../src/internal/exportFile.js"
import { checkEndpoint, resolveGlobals } from "../src/internal/globals.js"
import type { Io } from "../src/internal/io.js"
import * as Progress from "../src/internal/progress.js"
import * as Records from "../src/Records.js"
import { parseCommId } from "../src/internal/source.js"

describe("endpoint checks", () => {
  it("accepts https hosts and URLs, and http only to loopback", () => {
    assert.deepStrictEqual(checkEndpoint("trtc.tencentcloudapi.com"), Either.right("https://trtc.tencentcloudapi.com"))
    assert.deepStrictEqual(checkEndpoint("http://127.0.0.1:8080"), Either.right("http://127.0.0.1:8080"))
    assert.deepStrictEqual(checkEndpoint("http://localhost:1"), Either.right("http://localhost:1"))
    assert.isTrue(Either.isLeft(checkEndpoint("http://10.0.0.1")))
    assert.isTrue(Either.isLeft(checkEndpoint("ftp://example.com")))
    assert.isTrue(Either.isLeft(checkEndpoint("http://")))
  })

  it.effect("resolves flags over the environment", () =>
    Effect.gen(function*() {
      const globals = yield* resolveGlobals({
        endpoint: Option.none(),
        region: Option.none(),
        profile: Option.none(),
        format: Option.none(),
        query: Option.none(),
        rps: 20,
        concurrency: 4,
        timeout: Option.some("5s"),
        proxy: Option.none(),
        verbose: false
      }, { TRTC_ENDPOINT: "http://127.0.0.1:9", TENCENTCLOUD_REGION: "ap-singapore" }, false)
      assert.strictEqual(globals.endpoint, "http://127.0.0.1:9")
      assert.strictEqual(globals.region, "ap-singapore")
      assert.strictEqual(globals.format, "ndjson")
      assert.strictEqual(globals.timeoutMillis, 5000)
    }))
})

describe("CommId", () => {
  it("reads SdkAppId, a room id with underscores and the creation time", () => {
    assert.deepStrictEqual(
      parseCommId("1400000001_sales_math_27_1795333841"),
      Option.some({ sdkAppId: 1400000001, roomId: "sales_math_27", createTime: 1795333841 })
    )
    assert.isTrue(Option.isNone(parseCommId("nope")))
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
      records: 1,
      dropped: 0
    }
    assert.deepStrictEqual(ExportFile.remaining(state, [a, a, b]), [a, b])
    const other = { ...a, commId: "1_other_5" }
    assert.deepStrictEqual(ExportFile.remaining(state, [other]), [other])
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
    columns: 80,
    env: {},
    now: () => 0
  })

  it.effect("draws on a terminal only", () =>
    Effect.gen(function*() {
      const drawn: Array<string> = []
      const p = Progress.make(io(true, drawn), "export", () => 7, 3)
      yield* p.calls(2)
      yield* p.events(10)
      yield* p.done
      assert.match(drawn.join(""), /export: 3 windows, 7 requests, 2 calls, 10 events/)
      const silent: Array<string> = []
      const q = Progress.make(io(false, silent), "export")
      yield* q.calls(1)
      yield* q.done
      assert.deepStrictEqual(silent, [])
    }))
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
