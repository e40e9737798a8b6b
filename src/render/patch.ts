/**
 * Unified diffs of a rendered file against the file it patches, for `patch -p1`.
 *
 * jsdiff's line diff tokenizes both texts whole. A large topology's files are mostly the same
 * text on both sides (a standby's pg_hba.conf is its upstream's with the block replaced), so the
 * common head and tail are cut off first, keeping CONTEXT lines of each for the hunks, and the
 * hunks are moved back by the lines cut from the head. The rest is jsdiff's own line diff with less
 * string work: the lines are cut once (not split by regex, joined into each change's value and split
 * again) and handed to its array diff, the same Myers search over the same tokens; the hunks are
 * built the way its structuredPatch builds them. test/patch.test.ts checks that against
 * structuredPatch, the result against jsdiff on the whole texts, and that patch(1) applies it.
 */
import { diffArrays, FILE_HEADERS_ONLY, formatPatch, type StructuredPatchHunk } from "diff";

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

/** `--- oldName` / `+++ newName` and the hunks turning text a into b (no Index/==== preamble). */
export function unifiedPatch(oldName: string, newName: string, a: string, b: string): string {
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
  const hunks = lineHunks(a.slice(p, q), b.slice(p, qb));
  for (const h of hunks) {
    h.oldStart += headLines;
    h.newStart += headLines;
  }
  const patch = {
    oldFileName: oldName,
    newFileName: newName,
    oldHeader: undefined,
    newHeader: undefined,
    hunks,
  };
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

/** jsdiff's line tokens (diffLines): every line with its line break ("\n", "\r\n"); the last may have none. */
export function lineTokens(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; ) {
    const j = s.indexOf("\n", i);
    const end = j < 0 ? s.length : j + 1;
    out.push(s.slice(i, end));
    i = end;
  }
  return out;
}

/**
 * The hunks of jsdiff's structuredPatch(…, { context: CONTEXT }) for these texts: its line diff is
 * its array diff over lineTokens (same tokens, same equality), and the hunks are cut from the
 * changes as its diffLinesResultToPatch cuts them.
 */
export function lineHunks(oldText: string, newText: string): StructuredPatchHunk[] {
  const changes = diffArrays(lineTokens(oldText), lineTokens(newText));
  const hunks: StructuredPatchHunk[] = [];
  let oldRangeStart = 0;
  let newRangeStart = 0;
  let range: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  /** a token as a hunk line: its break dropped, or followed by jsdiff's marker when it has none */
  const put = (mark: string, token: string) => {
    if (token.endsWith("\n")) range.push(mark + token.slice(0, -1));
    else range.push(mark + token, "\\ No newline at end of file");
  };
  for (let i = 0; i <= changes.length; i++) {
    // (one empty common change after the last, as jsdiff appends, closes the last hunk)
    const c = changes[i] ?? { value: [] as string[], added: false, removed: false };
    const lines = c.value;
    if (c.added || c.removed) {
      if (!oldRangeStart) {
        oldRangeStart = oldLine;
        newRangeStart = newLine;
        const prev = changes[i - 1];
        if (prev) {
          const ctx = prev.value.slice(-CONTEXT);
          for (const l of ctx) put(" ", l);
          oldRangeStart -= ctx.length;
          newRangeStart -= ctx.length;
        }
      }
      for (const l of lines) put(c.added ? "+" : "-", l);
      if (c.added) newLine += lines.length;
      else oldLine += lines.length;
    } else {
      if (oldRangeStart) {
        if (lines.length <= CONTEXT * 2 && i < changes.length - 1) {
          for (const l of lines) put(" ", l);
        } else {
          const size = Math.min(lines.length, CONTEXT);
          for (let k = 0; k < size; k++) put(" ", lines[k] as string);
          hunks.push({
            oldStart: oldRangeStart,
            oldLines: oldLine - oldRangeStart + size,
            newStart: newRangeStart,
            newLines: newLine - newRangeStart + size,
            lines: range,
          });
          oldRangeStart = 0;
          newRangeStart = 0;
          range = [];
        }
      }
      oldLine += lines.length;
      newLine += lines.length;
    }
  }
  return hunks;
}
