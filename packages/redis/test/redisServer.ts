// A real redis-server for the tests: 127.0.0.1 only, a free port, no persistence, a throwaway
// directory; stopped (and restartable on the same port) by the test that started it.
import { spawn, type ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops it (SIGTERM) and waits for the exit; a stopped server forgets everything. */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port. */
  readonly start: () => Promise<void>
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")))
    })
  })

const launch = (port: number, dir: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const onData = (data: Buffer) => {
      output += data.toString("utf8")
      if (output.includes("Ready to accept connections")) {
        child.stdout!.off("data", onData)
        child.stdout!.resume()
        resolve(child)
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.resume()
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)))
  })

export const startRedis = async (): Promise<RedisServer> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trtc-redis-"))
  const port = await freePort()
  let child: ChildProcess | undefined = await launch(port, dir)
  const stop = async () => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.removeAllListeners("exit")
      running.once("exit", () => resolve())
      running.kill("SIGTERM")
    })
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    stop,
    start: async () => {
      if (child === undefined) child = await launch(port, dir)
    }
  }
}
