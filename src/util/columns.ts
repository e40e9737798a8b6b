/**
 * Columns count characters (code points), as editors and the server's messages do, not UTF-16
 * units: a surrogate pair is one column. A lone surrogate (which a file can hold once decoded
 * with replacement off, and a JS string always can) is a character of its own, one column too:
 * only the low half of a real pair takes no column.
 */

/** Whether the UTF-16 unit at `i` of `s` starts a character: anything but the low half of a pair. */
export function startsCharacter(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c < 0xdc00 || c > 0xdfff || i === 0 || (s.charCodeAt(i - 1) & 0xfc00) !== 0xd800;
}

/** The characters that start in `s` from UTF-16 offset `from` to `to` (exclusive). */
export function charactersBetween(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (startsCharacter(s, i)) n++;
  return n;
}

/**
 * The 1-based column of every UTF-16 offset of `s`, 0 to s.length (the last is one past the
 * last character): the low half of a pair shares its high half's column.
 */
export function columnMap(s: string): number[] {
  const cols: number[] = [];
  let col = 0;
  for (let i = 0; i < s.length; i++) {
    if (startsCharacter(s, i)) col++;
    cols.push(col);
  }
  cols.push(col + 1);
  return cols;
}
