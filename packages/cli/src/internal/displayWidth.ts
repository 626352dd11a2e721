/**
 * Terminal display width of text: East Asian Wide and Fullwidth characters take two columns,
 * combining marks and zero-width characters none, everything else one. A compact range table
 * (no dependency) covering what TRTC ids and event names hold in practice: CJK ideographs,
 * kana, Hangul, fullwidth forms, CJK symbols and emoji.
 *
 * @since 0.1.0
 */

// Sorted, non-overlapping [first, last] code point ranges.
const zeroWidth: ReadonlyArray<readonly [number, number]> = [
  [0x0300, 0x036f], // combining diacritical marks
  [0x0483, 0x0489],
  [0x0591, 0x05bd],
  [0x0610, 0x061a],
  [0x064b, 0x065f],
  [0x0e31, 0x0e31],
  [0x0e34, 0x0e3a],
  [0x0e47, 0x0e4e],
  [0x1ab0, 0x1aff], // combining diacritical marks extended
  [0x1dc0, 0x1dff], // combining diacritical marks supplement
  [0x200b, 0x200f], // zero width space, joiners, direction marks
  [0x20d0, 0x20ff], // combining marks for symbols
  [0x302a, 0x302d], // ideographic tone marks
  [0x3099, 0x309a], // combining kana voiced sound marks
  [0xfe00, 0xfe0f], // variation selectors
  [0xfe20, 0xfe2f], // combining half marks
  [0xfeff, 0xfeff], // zero width no-break space
  [0xe0100, 0xe01ef] // variation selectors supplement
]

const wide: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x231a, 0x231b],
  [0x2329, 0x232a],
  [0x23e9, 0x23ec],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x2e80, 0x303e], // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
  [0x3400, 0x4dbf], // CJK Unified Ideographs Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x1b000, 0x1b2ff], // kana supplement and extensions
  [0x1f300, 0x1f64f], // emoji: pictographs, emoticons
  [0x1f900, 0x1f9ff], // supplemental symbols and pictographs
  [0x20000, 0x3fffd] // CJK Unified Ideographs Extensions B and later planes
]

const inRanges = (ranges: ReadonlyArray<readonly [number, number]>, code: number): boolean => {
  let lo = 0
  let hi = ranges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [first, last] = ranges[mid]
    if (code < first) hi = mid - 1
    else if (code > last) lo = mid + 1
    else return true
  }
  return false
}

/**
 * The columns one code point takes in a terminal: 0, 1 or 2.
 *
 * @since 0.1.0
 * @category width
 */
export const codePointWidth = (code: number): 0 | 1 | 2 =>
  code < 0x20 || (code >= 0x7f && code < 0xa0) || inRanges(zeroWidth, code) ? 0 : inRanges(wide, code) ? 2 : 1

/**
 * The columns a string takes in a terminal.
 *
 * @since 0.1.0
 * @category width
 */
export const displayWidth = (text: string): number => {
  let width = 0
  for (const char of text) width += codePointWidth(char.codePointAt(0) ?? 0)
  return width
}

/**
 * The longest prefix of `text` at most `width` columns wide, keeping combining marks with their
 * base character (never splits a surrogate pair).
 *
 * @since 0.1.0
 * @category width
 */
export const takeWidth = (text: string, width: number): string => {
  let used = 0
  let end = 0
  for (const char of text) {
    const w = codePointWidth(char.codePointAt(0) ?? 0)
    if (used + w > width) break
    used += w
    end += char.length
  }
  return text.slice(0, end)
}

/**
 * Pads `text` with spaces to `width` columns, on the right (`end`) or the left (`start`).
 *
 * @since 0.1.0
 * @category width
 */
export const pad = (text: string, width: number, side: "start" | "end" = "end"): string => {
  const fill = " ".repeat(Math.max(0, width - displayWidth(text)))
  return side === "end" ? text + fill : fill + text
}
