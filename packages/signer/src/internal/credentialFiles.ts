// Parsing and validation behind the credential providers. Nothing here may put a secret into a
// message: problems describe where and what, never the value.

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
    current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1))
  }
  return sections
}

/** The tccli credential JSON, or why it is not one. */
export const parseTccli = (text: string): RawCredential | string => {
  let json: unknown
  try {
    json = JSON.parse(text)
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
