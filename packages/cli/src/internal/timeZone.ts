// Time zones without a dependency: Intl knows the IANA database Node ships with, which is all a
// command needs to show a time the way the person reading it lives, and to find "today".

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatter = (zone: string): Intl.DateTimeFormat => {
  let f = formatters.get(zone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit"
    })
    formatters.set(zone, f)
  }
  return f
}

/** Whether `zone` is an IANA zone name this Node knows (`Europe/Berlin`, `UTC`). */
export const isValid = (zone: string): boolean => {
  try {
    formatter(zone)
    return true
  } catch {
    return false
  }
}

/** The zone of this process: `TZ` when set, else the system's (what `date` shows). */
export const local = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC"

/** The wall-clock fields of an instant in a zone. */
export const fields = (ms: number, zone: string) => {
  const parts: Record<string, number> = {}
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value)
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second }
}

/** The zone's offset from UTC at an instant, in minutes (east positive). */
export const offsetMinutes = (ms: number, zone: string): number => {
  const f = fields(ms, zone)
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second)
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000)
}

/**
 * The instant a local date's midnight falls on in a zone (days may be out of range: day 0 is the
 * last of the previous month). Two passes: the offset at the guess may differ from the offset at
 * midnight when a DST change lies between them.
 */
export const midnight = (year: number, month: number, day: number, zone: string): number => {
  const wall = Date.UTC(year, month - 1, day)
  let guess = wall - offsetMinutes(wall, zone) * 60000
  guess = wall - offsetMinutes(guess, zone) * 60000
  return guess
}

const two = (n: number) => String(n).padStart(2, "0")

/** `+08:00`, `-05:00`, or `Z` for UTC. */
const offsetText = (minutes: number): string =>
  minutes === 0 ? "Z" : `${minutes > 0 ? "+" : "-"}${two(Math.floor(Math.abs(minutes) / 60))}:${two(Math.abs(minutes) % 60)}`

/** `2026-11-21 23:30:05+08:00`: an instant as the zone's wall clock, with the offset (so it can be pasted back). */
export const format = (ms: number, zone: string): string => {
  const f = fields(ms, zone)
  return `${f.year}-${two(f.month)}-${two(f.day)} ${two(f.hour)}:${two(f.minute)}:${two(f.second)}${offsetText(offsetMinutes(ms, zone))}`
}
