/**
 * next_token and the records it reads (hba.c, tokenize_auth_file's loop over lines): a record is a
 * line, or from 14 lines joined by a trailing `\\`; every character keeps its line and column.
 */

import { columnMap } from "../../util/columns.js";
import type { HbaToken } from "./types.js";

export interface Located {
  line: number;
  column: number;
}

/** One physical line of a record (a continued record has several). */
interface Piece {
  text: string;
  line: number;
  /** see columnsOf */
  cols: number[] | null;
}

/**
 * A logical record: text with continuations joined, and where each character came from. The
 * positions are asked for every token, so the common record (one piece, no surrogates) answers
 * without allocating.
 */
export class RawRecord {
  constructor(
    readonly text: string,
    private readonly pieces: readonly Piece[],
    readonly line: number,
    readonly tooLong: boolean,
  ) {}

  /** The piece offset i falls in, and i's offset in it; past the end: the last piece, its length. */
  private find(i: number): { piece: Piece; off: number } {
    let off = i;
    const last = this.pieces.length - 1;
    for (let k = 0; k < last; k++) {
      const p = this.pieces[k] as Piece;
      // the end of a continued piece is the start of the next one
      if (off < p.text.length) return { piece: p, off };
      off -= p.text.length;
    }
    return { piece: this.pieces[last] as Piece, off };
  }

  lineAt(i: number): number {
    return this.pieces.length === 1 ? (this.pieces[0] as Piece).line : this.find(i).piece.line;
  }

  columnAt(i: number): number {
    const only = this.pieces.length === 1 ? (this.pieces[0] as Piece) : undefined;
    if (only !== undefined && only.cols === null && i <= only.text.length) return i + 1;
    const { piece, off } = only !== undefined ? { piece: only, off: i } : this.find(i);
    if (off <= piece.text.length) return columnAt(piece.cols, piece.text, off);
    // beyond the record's end: one past the column after the last character
    const end = piece.cols === null ? piece.text.length + 1 : (piece.cols.at(-1) ?? 0);
    return end + 1;
  }

  at(i: number): Located {
    return { line: this.lineAt(i), column: this.columnAt(i) };
  }
}

/** 1-based column of each UTF-16 unit (a surrogate pair shares one); null when that is i + 1 throughout. */
function columnsOf(s: string): number[] | null {
  // perf: most lines have no surrogate, and no map at all (one regex test per line)
  return /[\udc00-\udfff]/.test(s) ? columnMap(s) : null;
}

/** The column of UTF-16 offset `off` in a line (one past its end for any offset beyond it). */
function columnAt(cols: number[] | null, text: string, off: number): number {
  if (cols === null) return Math.min(off, text.length) + 1;
  return cols[off] ?? text.length + 1;
}

/** The line without the line-end characters the server strips (`\r` before the `\n` split off). */
function chomp(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 13 || line.charCodeAt(end - 1) === 10)) end--;
  return end === line.length ? line : line.slice(0, end);
}

export function splitRecords(text: string, major: number): RawRecord[] {
  const physical = text.split("\n");
  if (physical.length > 0 && physical.at(-1) === "") physical.pop();
  const out: RawRecord[] = [];
  let n = 0;
  while (n < physical.length) {
    const first = n + 1;
    // (most records are one line: an array made for it holds one; one grown by push has room for 16)
    let pieces: Piece[] | undefined;
    let buf = "";
    let lastBackslash = 0;
    let tooLong = false;
    for (;;) {
      const raw = chomp(physical[n] as string);
      n++;
      if (major <= 13 && Buffer.byteLength(raw, "utf8") >= 8191) tooLong = true;
      const piece: Piece = { text: raw, line: n, cols: columnsOf(raw) };
      if (pieces === undefined) pieces = [piece];
      else pieces.push(piece);
      buf += raw;
      if (major >= 14 && buf.length > lastBackslash && buf.endsWith("\\")) {
        buf = buf.slice(0, -1);
        piece.text = piece.text.slice(0, -1);
        lastBackslash = buf.length;
        if (n < physical.length) continue;
      }
      break;
    }
    const nul = buf.indexOf("\0");
    out.push(new RawRecord(nul >= 0 ? buf.slice(0, nul) : buf, pieces as Piece[], first, tooLong));
  }
  return out;
}

/** Where next_token is in a record, and the token it read last. */
export interface TokenState {
  pos: number;
  /** the token with its quotes removed */
  value: string;
  quoted: boolean;
  /** its offset in the record */
  start: number;
  /** it ended at a comma: the field goes on */
  terminatingComma: boolean;
}

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r";
const PLAIN = /[^ \t\r,"#]+/y;
/** blanks and commas before a token (always matches, maybe empty) */
const SKIP = /[ \t\r,]*/y;

/** next_token: reads one token of s from state.pos into state; false at the end of the record. */
export function nextToken(s: string, state: TokenState): boolean {
  SKIP.lastIndex = state.pos;
  SKIP.test(s);
  let i = SKIP.lastIndex;
  const start = i;
  state.start = start;
  // Fast path: a plain word (no quote) ending at a blank, a comma, a # or the end, which the
  // loop below would read the same way, character by character.
  PLAIN.lastIndex = i;
  if (PLAIN.test(s)) {
    const end = PLAIN.lastIndex;
    const next = s[end];
    if (next === undefined || isBlank(next) || next === "," || next === "#") {
      state.pos = next === "#" ? s.length : end;
      state.value = s.slice(start, end);
      state.quoted = false;
      state.terminatingComma = next === ",";
      return true;
    }
  }
  let buf = "";
  let inQuote = false;
  let wasQuote = false;
  let sawQuote = false;
  let initialQuote = false;
  let terminatingComma = false;
  while (i < s.length && (!isBlank(s[i]) || inQuote)) {
    const c = s[i] as string;
    if (c === "#" && !inQuote) {
      i = s.length;
      break;
    }
    if (c === "," && !inQuote) {
      terminatingComma = true;
      break;
    }
    if (c !== '"' || wasQuote) buf += c;
    if (inQuote && c === '"') wasQuote = !wasQuote;
    else wasQuote = false;
    if (c === '"') {
      inQuote = !inQuote;
      sawQuote = true;
      if (buf.length === 0) initialQuote = true;
    }
    i++;
  }
  state.pos = i;
  if (!sawQuote && buf.length === 0) return false;
  state.value = buf;
  state.quoted = initialQuote;
  state.terminatingComma = terminatingComma;
  return true;
}

export interface Field {
  tokens: HbaToken[];
  line: number;
  column: number;
}

/** Where a record ends, for "end-of-line before …". */
export const endOf = (tl: TokLine): Located => tl.record.at(tl.record.text.length);

/** Where tokenized records go, in the server's order: an array, or parseHba's parser of each one. */
export interface LineSink {
  push(tl: TokLine): void;
}

export interface TokLine {
  file: string;
  line: number;
  raw: string;
  fields: Field[];
  error: string | null;
  errorAt: Located | null;
  /** the record, for where it ends ("end-of-line before …") */
  record: RawRecord;
  depth: number;
  /** false for errors of ours the server has no text for (it would crash or hang instead) */
  serverKnows: boolean;
}
