/**
 * Resource probes read from `/proc` (Linux): the resident memory and the open sockets of a
 * process. The suite uses them to prove that an interrupted export leaves no connection open
 * and the soak benchmark to sample growth over a long run.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"

/**
 * Whether `/proc` can be read here (the probes answer `undefined` elsewhere).
 *
 * @since 0.1.0
 * @category probes
 */
export const available: boolean = fs.existsSync("/proc/self/fd")

/**
 * The open socket file descriptors of a process (TCP, Unix and others alike).
 *
 * @since 0.1.0
 * @category probes
 */
export const socketFds = (pid: number | "self" = "self"): number | undefined => {
  try {
    let count = 0
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) count++
      } catch {
        // The descriptor closed between the listing and the read.
      }
    }
    return count
  } catch {
    return undefined
  }
}

/**
 * The TCP connections (IPv4 and IPv6) of the whole machine whose local or remote port is
 * `port` and that are established, answered from `/proc/net/tcp*`. Counting on the server's
 * port catches a client's sockets whichever process holds them.
 *
 * @since 0.1.0
 * @category probes
 */
export const establishedOnPort = (port: number): number | undefined => {
  const hex = port.toString(16).toUpperCase().padStart(4, "0")
  let count = 0
  let read = false
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string
    try {
      text = fs.readFileSync(file, "utf8")
    } catch {
      continue
    }
    read = true
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields.length < 4) continue
      // st 01 = ESTABLISHED; each connection shows twice on loopback (one row per end).
      if (fields[3] !== "01") continue
      if (fields[1].endsWith(`:${hex}`) || fields[2].endsWith(`:${hex}`)) count++
    }
  }
  return read ? count : undefined
}

/**
 * The resident set size of a process in bytes.
 *
 * @since 0.1.0
 * @category probes
 */
export const rssBytes = (pid: number | "self" = "self"): number | undefined => {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))
    return match === null ? undefined : Number(match[1]) * 1024
  } catch {
    return undefined
  }
}
