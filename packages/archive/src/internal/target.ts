// How a database is named in messages: never with its password, in any encoding.

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; other text unchanged. */
export const maskUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    // Not parseable: mask anything between "//user:" and "@" by hand.
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, "$1***@")
  }
}

/** The password a URL carries, raw and decoded, for scrubbing driver messages. */
export const passwordsOf = (url: string): ReadonlyArray<string> => {
  try {
    const raw = new URL(url).password
    if (raw === "") return []
    const decoded = decodeURIComponent(raw)
    return [...new Set([raw, decoded, encodeURIComponent(decoded)])].filter((s) => s.length > 0)
  } catch {
    const match = /\/\/[^/:@]*:([^@/]*)@/.exec(url)
    return match?.[1] ? [match[1]] : []
  }
}

/** Text with every form of the secrets (raw, base64, hex) replaced by `***`. */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
  for (const secret of secrets) {
    const bytes = Buffer.from(secret, "utf8")
    for (const form of [secret, bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex")]) {
      if (form.length > 0) out = out.split(form).join("***")
    }
  }
  return out
}

/** A driver failure's own words (the `cause` chain's messages), scrubbed. */
export const reasonOf = (error: unknown, secrets: ReadonlyArray<string>): string => {
  const parts: Array<string> = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (typeof current === "object") {
      const message = (current as { message?: unknown }).message
      const code = (current as { code?: unknown }).code
      if (typeof message === "string" && message !== "" && !parts.includes(message)) {
        parts.push(typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message)
      }
      current = (current as { cause?: unknown }).cause
    } else {
      parts.push(String(current))
      break
    }
  }
  // The innermost message is the driver's, the most specific: it comes first.
  return scrub(parts.reverse().join(": ") || "unknown error", secrets)
}
