// The files `trtc configure` writes and the region a profile keeps, in the layouts the official
// tools read: the SDKs' INI `~/.tencentcloud/credentials` (`[profile]` with secret_id,
// secret_key, token) and tccli's `~/.tccli/<profile>.credential` (JSON secretId/secretKey/token)
// and `~/.tccli/<profile>.configure` (JSON, region under `_sys_param`, a `trtc` entry with the
// endpoint and API version tccli's trtc commands look up). Secrets files are written 0600.
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { RuntimeError, UsageError } from "../CliError.js"

/** A setting through the current `ConfigProvider` (the environment in `trtc`); blank or unreadable is undefined. */
const setting = (name: string): Effect.Effect<string | undefined> =>
  Effect.orElseSucceed(
    Effect.map(Config.string(name).pipe(Config.withDefault("")), (value) => value.trim() === "" ? undefined : value),
    () => undefined
  )

/** The home directory (HOME, else USERPROFILE) through Effect's `Config` (tests give a temporary one). */
export const home: Effect.Effect<string | undefined> = Effect.flatMap(
  setting("HOME"),
  (value) => value === undefined ? setting("USERPROFILE") : Effect.succeed(value)
)

const tccliDir = (home: string) => path.join(home, ".tccli")

/** A profile name that is safe as a file name and an INI section. */
export const checkProfileName = (name: string): UsageError | undefined =>
  /^[A-Za-z0-9_.-]+$/.test(name) && name !== "." && name !== ".."
    ? undefined
    : new UsageError({ problem: `--profile: ${JSON.stringify(name)} is not a usable profile name`, fix: "use letters, digits, '.', '_' or '-'" })

/**
 * The region a profile keeps in tccli's `<profile>.configure` (`_sys_param.region`, or a
 * top-level `region` as older tccli wrote it), if any. An unreadable file is no region: the
 * flag, the environment or the default still decide.
 */
export const profileRegion = (home: string | undefined, profile: string): string | undefined => {
  if (home === undefined || checkProfileName(profile) !== undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(fs.readFileSync(path.join(tccliDir(home), `${profile}.configure`), "utf8"))
  } catch {
    return undefined
  }
  const record = (v: unknown): Record<string, unknown> => v !== null && typeof v === "object" ? v as Record<string, unknown> : {}
  const region = record(record(json)._sys_param).region ?? record(json).region
  return typeof region === "string" && region.trim() !== "" ? region.trim() : undefined
}

/** What `trtc configure` stores for a profile. */
export interface ProfileInput {
  readonly profile: string
  readonly secretId: string
  readonly secretKey: string
  readonly token?: string | undefined
  readonly region: string
}

// Writes through a temporary file renamed over the target, created 0600, so no moment exists at
// which the secret sits in a file others can read, and a crash leaves the old file whole.
const writePrivate = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const temporary = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temporary, text, { mode: 0o600 })
  fs.chmodSync(temporary, 0o600)
  fs.renameSync(temporary, file)
}

const readOr = (file: string, fallback: string) => {
  try {
    return fs.readFileSync(file, "utf8")
  } catch {
    return fallback
  }
}

/** The INI text with `[profile]`'s section replaced (or appended); other sections kept as they were. */
export const replaceIniSection = (text: string, profile: string, lines: ReadonlyArray<string>): string => {
  const out: Array<string> = []
  let skipping = false
  let replaced = false
  const section = [`[${profile}]`, ...lines]
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]*)\]\s*$/.exec(line)
    if (header !== null) {
      skipping = header[1].trim() === profile
      if (skipping && !replaced) {
        out.push(...section)
        replaced = true
      }
      if (skipping) continue
    }
    if (!skipping) out.push(line)
  }
  while (out.length > 0 && out[out.length - 1].trim() === "") out.pop()
  if (!replaced) {
    if (out.length > 0) out.push("")
    out.push(...section)
  }
  return out.join("\n") + "\n"
}

/** Writes the profile's credentials to both layouts and its region to tccli's configure file. */
export const writeProfile = (home: string, input: ProfileInput): { readonly files: ReadonlyArray<string> } => {
  const ini = path.join(home, ".tencentcloud", "credentials")
  const credential = path.join(tccliDir(home), `${input.profile}.credential`)
  const configure = path.join(tccliDir(home), `${input.profile}.configure`)
  try {
    const iniLines = [`secret_id = ${input.secretId}`, `secret_key = ${input.secretKey}`]
    if (input.token !== undefined) iniLines.push(`token = ${input.token}`)
    writePrivate(ini, replaceIniSection(readOr(ini, ""), input.profile, iniLines))
    const tccliCredential: Record<string, string> = { secretId: input.secretId, secretKey: input.secretKey }
    if (input.token !== undefined) tccliCredential.token = input.token
    writePrivate(credential, JSON.stringify(tccliCredential, null, 4) + "\n")
    // Keep whatever tccli keeps there (other services, output format): only ours changes.
    let existing: Record<string, unknown> = {}
    try {
      const parsed: unknown = JSON.parse(readOr(configure, "{}"))
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) existing = parsed as Record<string, unknown>
    } catch {
      existing = {}
    }
    const sys = existing._sys_param !== null && typeof existing._sys_param === "object" ? existing._sys_param as Record<string, unknown> : {}
    const trtc = existing.trtc !== null && typeof existing.trtc === "object" ? existing.trtc as Record<string, unknown> : {}
    writePrivate(configure, JSON.stringify({
      ...existing,
      _sys_param: { output: "json", ...sys, region: input.region },
      trtc: { endpoint: "trtc.tencentcloudapi.com", version: "2019-07-22", ...trtc }
    }, null, 4) + "\n")
  } catch (error) {
    throw new RuntimeError({
      problem: `cannot write the credential files under ${home}: ${(error as Error).message}`,
      fix: "check that HOME is a directory you can write"
    })
  }
  return { files: [ini, credential, configure] }
}
