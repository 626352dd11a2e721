// Parsing and validation behind the credential providers. Nothing here may put a secret into a
// message: problems describe where and what, never the value.
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as fsp from "node:fs/promises"

/** A problem found in one source, before it is turned into a CredentialsError. */
export interface Problem {
  readonly reason: "NotFound" | "Invalid"
  readonly problem: string
  readonly fix: string
}

/** Raw values as read from a source, before trimming and validation. */
export interface RawCredential {
  readonly secretId: string | undefined
  readonly secretKey: string | undefined
  readonly token: string | undefined
}

/** The validated, trimmed values. */
export interface CleanCredential {
  readonly secretId: string
  readonly secretKey: string
  readonly token: string | undefined
}

const whitespace = /\s/
// Printable ASCII without space: what Tencent issues, and what survives an HTTP header.
const printable = /^[\x21-\x7e]+$/
const secretIdShape = /^[A-Za-z0-9]{8,128}$/

/**
 * Trims and validates. `names` are how the source spells each field (an env var, an INI key),
 * so the problem points at the line to fix.
 */
export const validate = (
  raw: RawCredential,
  names: { readonly secretId: string; readonly secretKey: string; readonly token: string }
): CleanCredential | Problem => {
  const secretId = raw.secretId?.trim() ?? ""
  const secretKey = raw.secretKey?.trim() ?? ""
  const token = raw.token?.trim() ?? ""
  if (raw.secretId === undefined && raw.secretKey === undefined) {
    return { reason: "NotFound", problem: `neither ${names.secretId} nor ${names.secretKey} is set`, fix: `set ${names.secretId} and ${names.secretKey}` }
  }
  if (secretId.length === 0) {
    return { reason: "Invalid", problem: `${names.secretId} is ${raw.secretId === undefined ? "missing" : "empty"}`, fix: `set ${names.secretId} to your SecretId (it starts with AKID)` }
  }
  if (secretKey.length === 0) {
    return { reason: "Invalid", problem: `${names.secretKey} is ${raw.secretKey === undefined ? "missing" : "empty"}`, fix: `set ${names.secretKey} to the SecretKey that belongs to the SecretId` }
  }
  if (whitespace.test(secretId)) {
    return { reason: "Invalid", problem: `${names.secretId} contains whitespace inside the value`, fix: `copy the SecretId again as one unbroken string` }
  }
  if (whitespace.test(secretKey)) {
    return { reason: "Invalid", problem: `${names.secretKey} contains whitespace inside the value`, fix: `copy the SecretKey again as one unbroken string` }
  }
  if (!secretId.startsWith("AKID") && secretKey.startsWith("AKID")) {
    return { reason: "Invalid", problem: `${names.secretId} and ${names.secretKey} look swapped (the key starts with AKID)`, fix: `put the AKID… value in ${names.secretId} and the other in ${names.secretKey}` }
  }
  if (!secretIdShape.test(secretId)) {
    return { reason: "Invalid", problem: `${names.secretId} is not a SecretId (expected 8-128 letters and digits, like AKID…)`, fix: `copy the SecretId from the CAM API key console` }
  }
  if (!printable.test(secretKey)) {
    return { reason: "Invalid", problem: `${names.secretKey} contains characters outside printable ASCII`, fix: `copy the SecretKey again from the CAM API key console` }
  }
  if (token.length > 0 && (whitespace.test(token) || !printable.test(token))) {
    return { reason: "Invalid", problem: `${names.token} contains whitespace or non-printable characters`, fix: `copy the session token again as one unbroken string, or unset it` }
  }
  return { secretId, secretKey, token: token.length > 0 ? token : undefined }
}

// Hand-written files often quote values (`secret_key = "…"`); the quotes are never part of a key.
const unquote = (value: string): string =>
  value.length >= 2 && (value[0] === `"` || value[0] === `'`) && value[value.length - 1] === value[0]
    ? value.slice(1, -1).trim()
    : value

/** INI sections → key → value. Keys are lowercased; the last duplicate wins. */
export const parseIni = (text: string): Map<string, Map<string, string>> | { readonly line: number; readonly problem: string } => {
  const sections = new Map<string, Map<string, string>>()
  let current: Map<string, string> | undefined
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line.length === 0 || line.startsWith("#") || line.startsWith(";")) continue
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) return { line: i + 1, problem: "a section header is not closed with ]" }
      const name = line.slice(1, -1).trim()
      current = sections.get(name) ?? new Map()
      sections.set(name, current)
      continue
    }
    const eq = line.indexOf("=")
    if (eq <= 0) return { line: i + 1, problem: "a line is neither [section] nor key = value" }
    if (current === undefined) return { line: i + 1, problem: "a key = value line comes before any [section]" }
    current.set(line.slice(0, eq).trim().toLowerCase(), unquote(line.slice(eq + 1).trim()))
  }
  return sections
}

/** The tccli credential JSON, or why it is not one. */
export const parseTccli = (text: string): RawCredential | string => {
  let json: unknown
  try {
    // Windows editors save UTF-8 with a BOM, which JSON.parse rejects.
    json = JSON.parse(text.replace(/^\uFEFF/, ""))
  } catch {
    return "the file is not valid JSON"
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return "the file is not a JSON object"
  const record = json as Record<string, unknown>
  for (const field of ["secretId", "secretKey", "token"]) {
    if (record[field] !== undefined && typeof record[field] !== "string") return `"${field}" is not a string`
  }
  return {
    secretId: record["secretId"] as string | undefined,
    secretKey: record["secretKey"] as string | undefined,
    token: record["token"] as string | undefined
  }
}

/**
 * The most a credential file may hold. A real one is a few hundred bytes; the cap stops a
 * symlink to `/dev/zero` or a log file from being read into memory.
 */
export const maxCredentialFileBytes = 1024 * 1024

/** Why a credential file could not be read, without any of its content. */
export interface ReadProblem {
  readonly reason: "NotFound" | "Invalid"
  readonly problem: string
  /** Set when the generic "replace it with a regular file" fix does not apply. */
  readonly fix?: string
}

const describeKind = (stat: fs.Stats): string =>
  stat.isDirectory()
    ? "a directory"
    : stat.isFIFO()
      ? "a FIFO (named pipe)"
      : stat.isCharacterDevice()
        ? "a character device"
        : stat.isBlockDevice()
          ? "a block device"
          : stat.isSocket()
            ? "a socket"
            : "not a regular file"

const openProblem = (cause: unknown): ReadProblem => {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case "ENOENT":
      return { reason: "NotFound", problem: "the file does not exist" }
    case "EACCES":
    case "EPERM":
      return { reason: "Invalid", problem: "the file cannot be read: permission denied", fix: "make it readable by your user (chmod 600, owned by you)" }
    case "ELOOP":
      return { reason: "Invalid", problem: "the path is a symlink loop" }
    case "ENOTDIR":
      return { reason: "Invalid", problem: "a parent of the path is not a directory" }
    case "EISDIR":
      return { reason: "Invalid", problem: "the path is a directory, not a regular file" }
    default:
      return { reason: "Invalid", problem: `the file cannot be read (${code ?? "I/O error"})` }
  }
}

/**
 * Reads a credential file as UTF-8, refusing anything but a regular file of at most
 * {@link maxCredentialFileBytes}. The path is opened with `O_NONBLOCK` so a FIFO cannot block
 * the open, and the type is checked with `fstat` on the opened descriptor (a symlink to a
 * regular file is followed; there is no stat-then-open race). Reads go in chunks, so an
 * interrupt lands between them and the descriptor is always closed.
 */
export const readCredentialFile = (file: string): Effect.Effect<string, ReadProblem> =>
  Effect.acquireUseRelease(
    Effect.tryPromise({
      try: () => fsp.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK),
      catch: openProblem
    }),
    (handle) =>
      Effect.gen(function*() {
        const stat = yield* Effect.tryPromise({ try: () => handle.stat(), catch: openProblem })
        if (!stat.isFile()) {
          return yield* Effect.fail<ReadProblem>({ reason: "Invalid", problem: `the path is ${describeKind(stat)}, not a regular file` })
        }
        const tooLarge: ReadProblem = {
          reason: "Invalid",
          problem: `the file is larger than ${maxCredentialFileBytes} bytes (a credentials file is a few hundred)`
        }
        if (stat.size > maxCredentialFileBytes) return yield* Effect.fail(tooLarge)
        // The size can lie (a file growing, /proc): read at most cap + 1 bytes whatever it says.
        const buffer = Buffer.alloc(maxCredentialFileBytes + 1)
        let filled = 0
        while (filled < buffer.length) {
          const { bytesRead } = yield* Effect.tryPromise({
            try: () => handle.read(buffer, filled, Math.min(64 * 1024, buffer.length - filled), null),
            catch: openProblem
          })
          if (bytesRead === 0) break
          filled += bytesRead
        }
        if (filled > maxCredentialFileBytes) return yield* Effect.fail(tooLarge)
        return buffer.toString("utf8", 0, filled)
      }),
    (handle) => Effect.promise(() => handle.close().catch(() => undefined))
  )
