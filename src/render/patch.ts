/**
 * Unified diffs of a rendered file against the file it patches, for `patch -p1`.
 *
 * jsdiff's line diff tokenizes both texts whole. A large topology's files are mostly the same
 * text on both sides (a standby's pg_hba.conf is its upstream's with the block replaced), so the
 * common head and tail are cut off first, keeping CONTEXT lines of each for the hunks, and the
 * hunks are moved back by the lines cut from the head. test/patch.test.ts checks the result
 * against jsdiff on the whole texts, and that patch(1) applies it.
 */
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";

const CONTEXT = 3;

/**
 * The patch of one file for `patch -p1` (a/NAME → b/NAME; from /dev/null when there is no old
 * text), or "" when nothing changes: no empty hunk header for patch(1) to misread.
 */
export function filePatch(fileName: string, oldText: string | undefined, newText: string): string {
  if (oldText === newText) return "";
  const oldName = oldText === undefined ? "/dev/null" : `a/${fileName}`;
  return unifiedPatch(oldName, `b/${fileName}`, oldText ?? "", newText);
}

/** `--- oldName` / `+++ newName` and the hunks turning oldText into newText (no Index/==== preamble). */
export function unifiedPatch(oldName: string, newName: string, oldText: string, newText: string): string {
  const a = oldText;
  const b = newText;
  // the head: whole lines both share, less CONTEXT lines
  const max = Math.min(a.length, b.length);
  const c = commonPrefix(a, b, max);
  let p = c === 0 ? 0 : a.lastIndexOf("\n", c - 1) + 1;
  // (lastIndexOf with a negative start still looks at index 0: the first line starts at 0)
  for (let k = 0; k < CONTEXT && p > 0; k++) p = p < 2 ? 0 : a.lastIndexOf("\n", p - 2) + 1;
  let headLines = 0;
  for (let i = a.indexOf("\n"); i >= 0 && i < p; i = a.indexOf("\n", i + 1)) headLines++;
  // the tail: whole lines both share (only when both end in a newline, so that jsdiff's
  // "\ No newline at end of file" is never in question), less CONTEXT lines
  let q = a.length;
  let qb = b.length;
  if (a.endsWith("\n") && b.endsWith("\n")) {
    const d = commonSuffix(a, b, max - p);
    const shift = b.length - a.length;
    q = a.length - d;
    // start the tail at a line start of both texts
    if (!(q > 0 && a.charCodeAt(q - 1) === 10 && b.charCodeAt(q + shift - 1) === 10))
      q = a.indexOf("\n", q) + 1;
    for (let k = 0; k < CONTEXT && q < a.length; k++) q = a.indexOf("\n", q) + 1;
    qb = q + shift;
  }
  const patch = structuredPatch(oldName, newName, a.slice(p, q), b.slice(p, qb), undefined, undefined, {
    context: CONTEXT,
  });
  for (const h of patch.hunks) {
    h.oldStart += headLines;
    h.newStart += headLines;
  }
  return formatPatch(patch, FILE_HEADERS_ONLY);
}

/** Steps for comparing runs of characters: a few native comparisons instead of one per character. */
const STEPS = [4096, 256, 16];

/** How many leading characters a and b share, up to max. */
function commonPrefix(a: string, b: string, max: number): number {
  let c = 0;
  for (const step of STEPS) while (c + step <= max && a.startsWith(b.slice(c, c + step), c)) c += step;
  while (c < max && a.charCodeAt(c) === b.charCodeAt(c)) c++;
  return c;
}

/** How many trailing characters a and b share, up to limit. */
function commonSuffix(a: string, b: string, limit: number): number {
  let d = 0;
  for (const step of STEPS) {
    while (d + step <= limit && a.endsWith(b.slice(b.length - d - step, b.length - d), a.length - d))
      d += step;
  }
  while (d < limit && a.charCodeAt(a.length - 1 - d) === b.charCodeAt(b.length - 1 - d)) d++;
  return d;
}
