// The shared-limit scenario of the tests and of `pnpm bench redis`: worker processes, one
// account, each exporting its own app from one emulator, the expected events from its data set.
import type * as DataSet from "@effect-trtc/emulator/DataSet"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { Job } from "./fixtures/exportWorker.js"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const workerScript = fileURLToPath(new URL("./fixtures/exportWorker.ts", import.meta.url))

export interface WorkerRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** The events it wrote, one JSON line each. */
  readonly events: ReadonlyArray<string>
}

/** A running worker process. */
export interface Worker {
  readonly stderr: () => string
  readonly done: Promise<WorkerRun>
  /** Ends it (SIGKILL) if still running: for a test that failed or timed out. */
  readonly kill: () => void
}

/** Starts `exportWorker.ts` in its own node process (tsx, workspace sources). */
export const startWorker = (job: Omit<Job, "out">): Worker => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "trtc-redis-worker-")), "events.ndjson")
  const child = spawn(process.execPath, ["--conditions=@effect-trtc/source", "--import", "tsx", workerScript, JSON.stringify({ ...job, out })], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (d: string) => void (stdout += d))
  child.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr += d))
  const done = new Promise<WorkerRun>((resolve) => {
    child.once("close", (code) => {
      const text = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : ""
      fs.rmSync(path.dirname(out), { recursive: true, force: true })
      resolve({ code, stdout, stderr, events: text === "" ? [] : text.trimEnd().split("\n") })
    })
  })
  return { stderr: () => stderr, done, kill: () => void (child.exitCode === null && child.kill("SIGKILL")) }
}

/**
 * The events `TrtcStream.events(app, period)` must yield, as the worker writes them (JSON, no
 * description), computed from the data set the emulator serves: every event of every call alive
 * in the period whose second lies in the period and the call's life (as in core's stream tests;
 * `period.end` at or before the data set's anchor, so a running call's life needs no clock).
 */
export const expectedEvents = (dataSet: DataSet.DataSet, sdkAppId: number, period: { readonly start: number; readonly end: number }) => {
  const app = dataSet.apps.find((a) => a.sdkAppId === sdkAppId)!
  const out: Array<string> = []
  for (const room of app.rooms) {
    if (room.createTime > period.end || room.destroyTime < period.start) continue
    const start = Math.max(room.createTime, period.start)
    const end = Math.min(room.destroyTime, period.end)
    const users = new Set(room.sessions.filter((s) => s.joinTs <= end && s.leaveTs >= start).map((s) => s.userId))
    for (const session of room.sessions) {
      if (!users.has(session.userId)) continue
      for (const e of session.events) {
        if (e.timeMs < start * 1000 || e.timeMs >= (end + 1) * 1000) continue
        out.push(JSON.stringify({
          sdkAppId,
          commId: room.commId,
          roomId: room.roomId,
          userId: session.userId,
          peerId: e.peerId,
          type: e.type,
          timeMs: e.timeMs,
          eventId: e.eventId,
          paramOne: e.paramOne,
          paramTwo: e.paramTwo
        }))
      }
    }
  }
  return out
}

/** The most entries found in any window of `windowMs` (an entry at t counts in [t, t + window)). */
export const busiestWindow = (times: ReadonlyArray<number>, windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}
