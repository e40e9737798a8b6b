/**
 * The postgresql.conf scanner, rule for rule as the server's flex scanner (guc-file.l, the
 * same in 12–18). flex picks the longest match and, on a tie, the earlier rule, so every rule
 * below reports how long a match it would make and the scanner keeps the best.
 *
 * The server scans bytes (`%option 8bit`): every byte 0x80–0xFF is a LETTER. Here we scan
 * UTF-16 text, where every non-ASCII character (each UTF-16 unit ≥ 0x80) is a letter too,
 * so token boundaries are the same as over the UTF-8 bytes. That is why typographic quotes
 * are not quotes: `‘s1’` is one GUC_ID, and `‘*’` is the ID `‘` followed by a stray `*`.
 */

export type TokenKind =
  | "ID"
  | "QUALIFIED_ID"
  | "STRING"
  | "UNQUOTED_STRING"
  | "INTEGER"
  | "REAL"
  | "EQUALS"
  | "EOL"
  | "ERROR"
  | "EOF";

export interface Token {
  kind: TokenKind;
  /** the matched text (empty for EOL and EOF) */
  text: string;
  /** UTF-16 offset of the first character */
  start: number;
  /** 1-based line of the token */
  line: number;
}

enum C {
  NL = 10,
  TAB = 9,
  CR = 13,
  SPACE = 32,
  HASH = 35,
  QUOTE = 39,
  BACKSLASH = 92,
  DOT = 46,
  EQ = 61,
  PLUS = 43,
  MINUS = 45,
  COLON = 58,
  SLASH = 47,
  UNDERSCORE = 95,
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** LETTER: [A-Za-z_\200-\377] */
export function isLetter(c: number): boolean {
  return isAsciiLetter(c) || c === C.UNDERSCORE || c >= 0x80;
}

/** LETTER_OR_DIGIT: [A-Za-z_0-9\200-\377] */
function isLetterOrDigit(c: number): boolean {
  return isLetter(c) || isDigit(c);
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function runWhile(s: string, i: number, pred: (c: number) => boolean): number {
  let j = i;
  while (j < s.length && pred(s.charCodeAt(j))) j++;
  return j - i;
}

/** ID: {LETTER}{LETTER_OR_DIGIT}* */
function matchId(s: string, i: number): number {
  if (i >= s.length || !isLetter(s.charCodeAt(i))) return 0;
  return 1 + runWhile(s, i + 1, isLetterOrDigit);
}

/** QUALIFIED_ID: {ID}"."{ID} */
function matchQualifiedId(s: string, i: number): number {
  const a = matchId(s, i);
  if (a === 0 || s.charCodeAt(i + a) !== C.DOT) return 0;
  const b = matchId(s, i + a + 1);
  return b === 0 ? 0 : a + 1 + b;
}

/** UNQUOTED_STRING: {LETTER}({LETTER_OR_DIGIT}|[-._:/])* */
function matchUnquoted(s: string, i: number): number {
  if (i >= s.length || !isLetter(s.charCodeAt(i))) return 0;
  return (
    1 +
    runWhile(
      s,
      i + 1,
      (c) =>
        isLetterOrDigit(c) ||
        c === C.MINUS ||
        c === C.DOT ||
        c === C.UNDERSCORE ||
        c === C.COLON ||
        c === C.SLASH,
    )
  );
}

/**
 * STRING: \'([^'\\\n]|\\.|\'\')*\' — the longest match: every quote is a possible end, and a
 * quote followed by another quote may also be a doubled quote that continues the string.
 */
function matchString(s: string, i: number): number {
  if (s.charCodeAt(i) !== C.QUOTE) return 0;
  let best = 0;
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === C.NL) break;
    if (c === C.BACKSLASH) {
      // `\\.`: flex's `.` is anything but a newline
      if (j + 1 < s.length && s.charCodeAt(j + 1) !== C.NL) {
        j += 2;
        continue;
      }
      break;
    }
    if (c === C.QUOTE) {
      best = j + 1 - i;
      if (s.charCodeAt(j + 1) === C.QUOTE) {
        j += 2;
        continue;
      }
      break;
    }
    j++;
  }
  return best;
}

function signLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c === C.PLUS || c === C.MINUS ? 1 : 0;
}

/** INTEGER: {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}* */
function matchInteger(s: string, i: number): number {
  const sign = signLength(s, i);
  const p = i + sign;
  let best = 0;
  const digits = runWhile(s, p, isDigit);
  if (digits > 0) best = sign + digits + runWhile(s, p + digits, isAsciiLetter);
  if (s.charCodeAt(p) === 48 && s.charCodeAt(p + 1) === 120 /* x */) {
    const hex = runWhile(s, p + 2, isHexDigit);
    if (hex > 0) best = Math.max(best, sign + 2 + hex + runWhile(s, p + 2 + hex, isAsciiLetter));
  }
  return best;
}

/** REAL: {SIGN}?{DIGIT}*"."{DIGIT}*{EXPONENT}?   EXPONENT: [Ee]{SIGN}?{DIGIT}+ */
function matchReal(s: string, i: number): number {
  const sign = signLength(s, i);
  let p = i + sign;
  p += runWhile(s, p, isDigit);
  if (s.charCodeAt(p) !== C.DOT) return 0;
  p += 1;
  p += runWhile(s, p, isDigit);
  const e = s.charCodeAt(p);
  if (e === 69 || e === 101) {
    const q = p + 1 + signLength(s, p + 1);
    const d = runWhile(s, q, isDigit);
    if (d > 0) p = q + d;
  }
  return p - i;
}

/** Rules in flex order; on equal lengths the first wins. */
const RULES: ReadonlyArray<[TokenKind, (s: string, i: number) => number]> = [
  ["ID", matchId],
  ["QUALIFIED_ID", matchQualifiedId],
  ["STRING", matchString],
  ["UNQUOTED_STRING", matchUnquoted],
  ["INTEGER", matchInteger],
  ["REAL", matchReal],
  ["EQUALS", (s, i) => (s.charCodeAt(i) === C.EQ ? 1 : 0)],
];

export class Scanner {
  private pos = 0;
  /** the server's ConfigFileLineno: 1-based, advanced by every newline token */
  line = 1;
  private lineStart = 0;
  constructor(private readonly text: string) {}

  /** UTF-16 offset where the current line starts. */
  get currentLineStart(): number {
    return this.lineStart;
  }

  next(): Token {
    const s = this.text;
    for (;;) {
      if (this.pos >= s.length) return { kind: "EOF", text: "", start: this.pos, line: this.line };
      const c = s.charCodeAt(this.pos);
      if (c === C.NL) {
        const tok: Token = { kind: "EOL", text: "", start: this.pos, line: this.line };
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
        return tok;
      }
      if (c === C.SPACE || c === C.TAB || c === C.CR) {
        this.pos++;
        continue;
      }
      if (c === C.HASH) {
        // `#.*`: up to, not including, the newline
        while (this.pos < s.length && s.charCodeAt(this.pos) !== C.NL) this.pos++;
        continue;
      }
      let kind: TokenKind = "ERROR";
      let len = 1;
      // (indexed, not for-of with destructuring: this runs for every token, mostly in the
      // interpreter, where each step of an iterator is an object)
      for (let r = 0; r < RULES.length; r++) {
        const rule = RULES[r] as (typeof RULES)[number];
        const k = rule[0];
        const n = rule[1](s, this.pos);
        if (n > 0 && (kind === "ERROR" || n > len)) {
          kind = k;
          len = n;
        }
      }
      const tok: Token = { kind, text: s.slice(this.pos, this.pos + len), start: this.pos, line: this.line };
      this.pos += len;
      return tok;
    }
  }
}
