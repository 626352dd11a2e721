import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as os from "node:os"
import { RuntimeError } from "../CliError.js"

// One writer per export file. Node has no flock, so the lock is a file beside the output,
// created with O_EXCL (`wx`): creation is atomic, so of two processes exactly one gets it. It
// holds "<pid> <host>" so a refused process can name the holder, and so that a lock left by a
// process that died without cleaning up (SIGKILL, power loss) can be recognised and taken over:
// stale means "written on this host by a pid that no longer exists". A lock from another host
// (a shared network disk) cannot be checked and is never taken over.

/** The path of the lock that guards `path`. */
export const lockPath = (path: string): string => `${path}.lock`

interface Holder {
  readonly pid: number
  readonly host: string
}

const readHolder = (lock: string): Holder | undefined => {
  try {
    const [pid, ...host] = fs.readFileSync(lock, "utf8").trim().split(" ")
    const n = Number(pid)
    return Number.isInteger(n) && n > 0 ? { pid: n, host: host.join(" ") } : undefined
  } catch {
    return undefined
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the pid exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const errorText = (error: unknown) => error instanceof Error ? error.message : String(error)

const tryCreate = (lock: string, content: string): "created" | "exists" => {
  try {
    const fd = fs.openSync(lock, "wx")
    try {
      fs.writeSync(fd, content)
    } finally {
      fs.closeSync(fd)
    }
    return "created"
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return "exists"
    throw error
  }
}

const busy = (path: string, holder: Holder | undefined, host: string) =>
  new RuntimeError({
    problem: `--out ${path} is being written by ${
      holder === undefined ? "another process" : `pid ${holder.pid}${holder.host !== host ? ` on ${holder.host}` : ""}`
    } (lock ${lockPath(path)})`,
    fix: `wait for it to finish or stop it; if no trtc is writing ${path}, delete ${lockPath(path)}`
  })

const acquire = (path: string): Effect.Effect<void, RuntimeError> =>
  Effect.try({
    try: () => {
      const lock = lockPath(path)
      const host = os.hostname()
      const content = `${process.pid} ${host}\n`
      // Two rounds: the first may find a stale lock and remove it; a second EEXIST means another
      // process got in between, and it is alive.
      for (let round = 0; round < 2; round++) {
        if (tryCreate(lock, content) === "created") return
        const holder = readHolder(lock)
        // An empty or unreadable lock is one being written this instant (create, then write):
        // refuse rather than guess.
        if (holder === undefined || holder.host !== host || alive(holder.pid)) throw busy(path, holder, host)
        // Stale: remove it only if it is still the same dead holder's (another process may have
        // taken it over since we read it), then try again.
        const again = readHolder(lock)
        if (again !== undefined && again.pid === holder.pid && again.host === holder.host) fs.rmSync(lock, { force: true })
      }
      throw busy(path, readHolder(lock), host)
    },
    catch: (error) =>
      error instanceof RuntimeError
        ? error
        : new RuntimeError({
            problem: `--out ${path}: cannot create its lock ${lockPath(path)}: ${errorText(error)}`,
            fix: "choose an --out in a directory you can write to"
          })
  })

const release = (path: string) => {
  const lock = lockPath(path)
  // Remove only our own lock: if it was (wrongly) taken from us, the new holder's stays.
  if (readHolder(lock)?.pid === process.pid) fs.rmSync(lock, { force: true })
}

/**
 * Holds the lock of `path` for the scope: refuses at once when a live process holds it, takes a
 * dead process's over. Released when the scope closes (end, failure, SIGINT/SIGTERM) and, as a
 * backstop, when the process exits by `process.exit` without closing scopes.
 */
export const hold = (path: string): Effect.Effect<void, RuntimeError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.map(acquire(path), () => {
      const onExit = () => release(path)
      process.on("exit", onExit)
      return onExit
    }),
    (onExit) =>
      Effect.sync(() => {
        process.off("exit", onExit)
        release(path)
      })
  ).pipe(Effect.asVoid)
