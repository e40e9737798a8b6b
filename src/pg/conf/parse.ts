import { asciiLower } from "../../util/ascii.js";
import { charactersBetween, startsCharacter } from "../../util/columns.js";
import {
  absoluteConfigLocation,
  BUDGET_SPENT,
  CONF_FILE_MAX_DEPTH,
  IncludeBudget,
  includeDirFiles,
  isBlankName,
} from "../include.js";
import { messageText } from "../quote.js";
import { type ConfFs, type FsError, isFsError } from "./fs.js";
import { Scanner, type Token } from "./lexer.js";
import type {
  ConfFileRead,
  ConfProblem,
  ConfSetting,
  IncludeDirective,
  SourceRef,
  ValueColumns,
} from "./types.js";
import { decodeQuoted } from "./value.js";

/**
 * postgresql.conf as the server reads it (ParseConfigFile / ParseConfigFp /
 * ParseConfigDirectory in guc-file.l, conffiles.c from 16; the same behaviour in 12–18).
 */

export const AUTO_CONF_FILENAME = "postgresql.auto.conf";

/** ASCII-only lowercase, as guc_name_compare folds. */
export function confKey(name: string): string {
  return asciiLower(name);
}

/** The latest major this code knows; the default where a function takes a major. */
export const LATEST_MAJOR = 18;

/** Where an include directive is: its name's and its value's columns. */
interface IncludeAt extends SourceRef {
  valueColumn: number;
}

interface Frame {
  file: string;
  depth: number;
  chain: SourceRef[];
}

/** ParseConfigFile and ParseConfigFp over one tree of files; tree.ts runs it. */
export class TreeParser {
  settings: ConfSetting[] = [];
  problems: ConfProblem[] = [];
  includes: IncludeDirective[] = [];
  files: ConfFileRead[] = [];
  private seq = 0;
  private readonly budget = new IncludeBudget();
  private spent = false;
  source: "main" | "auto" = "main";
  constructor(
    private readonly fs: ConfFs,
    private readonly dataDir: string,
    private readonly firstErrorOnly: boolean,
    private readonly followIncludes = true,
    private readonly major = LATEST_MAJOR,
  ) {}

  private problem(p: Omit<ConfProblem, "seq"> & { recorded?: boolean }): void {
    // Only problems the server records take a place in its list.
    const recorded = p.recorded ?? p.server !== null;
    const { recorded: _r, ...rest } = p;
    // tokens and paths in the message come from the file
    this.problems.push({
      ...rest,
      message: messageText(rest.message),
      seq: recorded ? ++this.seq : this.seq,
    });
  }

  /**
   * A cycle whose files include each other more than once branches: the server walks every
   * branch to the nesting limit (k^10 files for k includes in a file), and so would we. Said once.
   */
  private budgetSpent(pos: { file: string; line: number | null }, at: IncludeAt | null): void {
    if (this.spent) return;
    this.spent = true;
    this.problem({
      code: "include-depth",
      ...pos,
      column: at ? at.valueColumn : null,
      message: `${BUDGET_SPENT}; no further include is followed`,
      server: null,
      recorded: false,
    });
  }

  /** ParseConfigFile. `at` is the include directive (null for a top file). Returns the server's OK. */
  parseFile(
    location: string,
    strict: boolean,
    at: IncludeAt | null,
    caller: Frame | null,
    depth: number,
  ): boolean {
    const callingFile = caller?.file ?? null;
    const where = at ?? { file: location, line: 0, column: 0, valueColumn: 0 };
    const pos = at
      ? { file: at.file, line: at.line, column: at.column }
      : { file: location, line: null, column: null };
    if (isBlankName(location)) {
      this.problem({
        code: "include-empty-name",
        ...pos,
        message: "empty configuration file name",
        server: { file: callingFile, line: where.line, error: "empty configuration file name" },
      });
      return false;
    }
    if (!this.budget.open()) {
      this.budgetSpent(pos, at);
      return false;
    }
    const chain = caller
      ? [...caller.chain, { file: where.file, line: where.line, column: where.column }]
      : [];
    if (depth > CONF_FILE_MAX_DEPTH) {
      const abs = absoluteConfigLocation(location, callingFile, this.dataDir, this.major);
      const files = [...chain.map((c) => c.file), abs];
      const cycle = new Set(files).size < files.length;
      const path = chain.map((c) => `${c.file}:${c.line}`).join(" → ");
      this.problem(
        cycle
          ? {
              code: "include-cycle",
              ...pos,
              column: where.valueColumn,
              message: `include cycle: ${path} → ${abs}; the server follows it ${CONF_FILE_MAX_DEPTH} levels deep and then fails`,
              server: { file: callingFile, line: where.line, error: "nesting depth exceeded" },
            }
          : {
              code: "include-depth",
              ...pos,
              column: where.valueColumn,
              message: `includes nested deeper than ${CONF_FILE_MAX_DEPTH} levels: ${path} → ${abs}`,
              server: { file: callingFile, line: where.line, error: "nesting depth exceeded" },
            },
      );
      return false;
    }
    const abs = absoluteConfigLocation(location, callingFile, this.dataDir, this.major);
    if (callingFile !== null && abs === callingFile) {
      this.problem({
        code: "include-recursion",
        ...pos,
        column: where.valueColumn,
        message: `\`${abs}\` includes itself`,
        server: { file: callingFile, line: where.line, error: "configuration file recursion" },
      });
      return false;
    }
    const text = this.fs.readFile(abs);
    if (isFsError(text)) return this.openFailure(abs, text.error, strict, at, pos, callingFile, where.line);
    if (!this.budget.read(text.length) && depth > 0) {
      this.budgetSpent(pos, at);
      return false;
    }
    const frame: Frame = { file: abs, depth, chain };
    this.files.push({ path: abs, depth, source: this.source, chain });
    return this.parseText(text, frame);
  }

  private openFailure(
    abs: string,
    err: FsError,
    strict: boolean,
    at: IncludeAt | null,
    pos: { file: string; line: number | null; column: number | null },
    callingFile: string | null,
    callingLine: number,
  ): boolean {
    const p = { ...pos, column: at ? at.valueColumn : null };
    if (err.kind === "is-directory") {
      // fopen() of a directory succeeds; the scanner's first read fails.
      this.problem({
        code: "is-directory",
        ...p,
        message: `\`${abs}\` is a directory, not a file`,
        server: { file: abs, line: 1, error: "input in flex scanner failed" },
      });
      return false;
    }
    if (err.kind === "not-regular") {
      this.problem({
        code: "not-regular-file",
        ...p,
        message: `\`${abs}\` ${err.message}; not read (the server would block or read it without end)`,
        server: null,
        recorded: false,
      });
      return false;
    }
    if (!strict) {
      if (err.kind !== "missing") {
        // include_if_exists and postgresql.auto.conf: the server skips any file it cannot open.
        this.problem({
          code: "unreadable",
          ...p,
          message: `\`${abs}\`: ${err.message}; the server skips it silently`,
          server: null,
        });
      }
      return true;
    }
    const missing = err.kind === "missing" || err.kind === "not-directory";
    this.problem({
      code: missing ? "include-missing" : "unreadable",
      ...p,
      message: `could not open \`${abs}\`: ${err.message}`,
      server: { file: callingFile, line: callingLine, error: `could not open file "${abs}"` },
    });
    return false;
  }

  /** ParseConfigDirectory. */
  private parseDir(
    dir: string,
    at: IncludeAt,
    caller: Frame,
    depth: number,
    directive: IncludeDirective,
  ): boolean {
    const pos = { file: at.file, line: at.line, column: at.valueColumn };
    if (isBlankName(dir)) {
      this.problem({
        code: "include-empty-name",
        ...pos,
        message: "empty configuration directory name",
        server: { file: caller.file, line: at.line, error: "empty configuration directory name" },
      });
      return false;
    }
    const abs = absoluteConfigLocation(dir, caller.file, this.dataDir, this.major);
    const listing = includeDirFiles(this.fs, abs, this.major);
    if ("listError" in listing) {
      this.problem({
        code: listing.listError.kind === "permission" ? "unreadable" : "include-dir-missing",
        ...pos,
        message: `could not open directory \`${abs}\`: ${listing.listError.message}`,
        server: { file: caller.file, line: at.line, error: `could not open directory "${abs}"` },
      });
      return false;
    }
    if ("statError" in listing) {
      const { path } = listing;
      this.problem({
        code: "include-dir-stat",
        ...pos,
        message: `could not stat \`${path}\` (${listing.statError.message}); the server then reads no file of \`${abs}\``,
        server: { file: caller.file, line: at.line, error: `could not stat file "${path}"` },
      });
      return false;
    }
    const { files } = listing;
    for (const f of files) {
      directive.files.push(f);
      // The first file that fails ends the directory: the rest are not read.
      if (!this.parseFile(f, true, at, caller, depth)) return false;
    }
    return true;
  }

  /** ParseConfigFp. */
  parseText(text: string, frame: Frame): boolean {
    const sc = new Scanner(text);
    const lines = lineStarts(text);
    const col = (offset: number, line: number): number => columnOf(text, lines[line - 1] ?? 0, offset);
    let ok = true;
    let errors = 0;
    let tok: Token;
    for (;;) {
      tok = sc.next();
      if (tok.kind === "EOF") break;
      if (tok.kind === "EOL") continue;
      const res = this.line(tok, sc, frame, col);
      if (res.ok) {
        if (!res.itemOk) ok = false;
        if (res.eof) return ok;
        continue;
      }
      const bad = res.bad;
      tok = bad;
      // parse_error
      ok = false;
      errors++;
      const atEnd = bad.kind === "EOL" || bad.kind === "EOF";
      const line = bad.line;
      const serverLine = bad.kind === "EOF" ? bad.line - 1 : bad.line;
      const near = atEnd ? "near end of line" : `near token "${bad.text}"`;
      this.problem({
        code: "syntax",
        file: frame.file,
        line,
        column: col(bad.start, line),
        message: atEnd
          ? "syntax error: the line ends before a value"
          : `syntax error near \`${bad.text}\`${syntaxHint(bad, text)}`,
        near,
        server: { file: frame.file, line: serverLine, error: "syntax error" },
      });
      if (errors >= 100 || this.firstErrorOnly) {
        if (errors >= 100) {
          this.problem({
            code: "too-many-errors",
            file: frame.file,
            line: null,
            column: null,
            message: "too many syntax errors; the server abandons the rest of the file",
            server: null,
            recorded: false,
          });
        }
        return ok;
      }
      while (tok.kind !== "EOL" && tok.kind !== "EOF") tok = sc.next();
      if (tok.kind === "EOF") break;
    }
    return ok;
  }

  /** One logical line from its first token: a setting, or the token where the server gives up. */
  private line(
    first: Token,
    sc: Scanner,
    frame: Frame,
    col: (offset: number, line: number) => number,
  ): { ok: true; itemOk: boolean; eof: boolean } | { ok: false; bad: Token } {
    if (first.kind !== "ID" && first.kind !== "QUALIFIED_ID") return { ok: false, bad: first };
    let tok = sc.next();
    if (tok.kind === "EQUALS") tok = sc.next();
    if (
      tok.kind !== "ID" &&
      tok.kind !== "STRING" &&
      tok.kind !== "INTEGER" &&
      tok.kind !== "REAL" &&
      tok.kind !== "UNQUOTED_STRING"
    ) {
      return { ok: false, bad: tok };
    }
    const valueTok = tok;
    tok = sc.next();
    if (tok.kind !== "EOL" && tok.kind !== "EOF") return { ok: false, bad: tok };
    return { ok: true, itemOk: this.item(first, valueTok, frame, col), eof: tok.kind === "EOF" };
  }

  private item(
    nameTok: Token,
    valueTok: Token,
    frame: Frame,
    col: (offset: number, line: number) => number,
  ): boolean {
    const line = nameTok.line;
    const quoted = valueTok.kind === "STRING";
    const decoded = quoted
      ? decodeQuoted(valueTok.text)
      : // one offset per UTF-16 unit (as decodeQuoted's), not per code point: a character after
        // an emoji was one column off
        { value: valueTok.text, offsets: Array.from({ length: valueTok.text.length + 1 }, (_, i) => i) };
    const valueColumn = col(valueTok.start, line);
    const key = confKey(nameTok.text);
    const at = { file: frame.file, line, column: col(nameTok.start, line), valueColumn };
    if (key === "include" || key === "include_if_exists" || key === "include_dir") {
      const directive: IncludeDirective = {
        kind: key,
        target: decoded.value,
        resolved: absoluteConfigLocation(decoded.value, frame.file, this.dataDir, this.major),
        ...at,
        files: [],
      };
      this.includes.push(directive);
      if (!this.followIncludes) return true;
      if (key === "include_dir") return this.parseDir(decoded.value, at, frame, frame.depth + 1, directive);
      const before = this.files.length;
      const ok = this.parseFile(decoded.value, key === "include", at, frame, frame.depth + 1);
      if (this.files.length > before) directive.files.push(directive.resolved);
      return ok;
    }
    // Offsets of a value map to columns on the same line (no token spans lines): the column of
    // offset `off` in the token is valueColumn + the characters of the token before it, counted
    // on from the previous offset (offsets mostly go forward) rather than from the line's start.
    // one column per character of the value (a surrogate pair is one character)
    const raw = valueTok.text;
    let scanned = 0;
    let chars = 0;
    const columnInToken = (off: number): number => {
      if (off < scanned) {
        scanned = 0;
        chars = 0;
      }
      chars += charactersBetween(raw, scanned, off);
      scanned = off;
      return valueColumn + chars;
    };
    let first = 0;
    let n = 0;
    let columns: number[] | null = null;
    for (let k = 0; k < decoded.value.length; k++) {
      if (!startsCharacter(decoded.value, k)) continue;
      const at = columnInToken(decoded.offsets[k] ?? 0);
      if (n === 0) first = at;
      if (columns === null && at !== first + n) columns = Array.from({ length: n }, (_, i) => first + i);
      columns?.push(at);
      n++;
    }
    const valueColumns: ValueColumns = columns ?? { first, length: n };
    this.settings.push({
      name: nameTok.text,
      key,
      value: decoded.value,
      raw: valueTok.text,
      quoted,
      file: frame.file,
      line,
      column: at.column,
      valueColumn,
      valueEndColumn: col(valueTok.start + valueTok.text.length, line),
      seq: ++this.seq,
      source: this.source,
      valueColumns,
    });
    return true;
  }
}

const SMART_QUOTES = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033]/;

function syntaxHint(bad: Token, text: string): string {
  const lineEnd = text.indexOf("\n", bad.start);
  const rest = text.slice(text.lastIndexOf("\n", bad.start) + 1, lineEnd < 0 ? text.length : lineEnd);
  if (SMART_QUOTES.test(rest))
    return "; note that typographic quotes are not quotes to the server: use ' (U+0027)";
  if (bad.text === '"') return "; note that values are quoted with single quotes";
  if (bad.kind === "QUALIFIED_ID") return "; note that a value of the form `a.b` must be quoted";
  return "";
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based column in characters (code points) of a UTF-16 offset. */
function columnOf(text: string, lineStart: number, offset: number): number {
  return 1 + charactersBetween(text, lineStart, offset);
}
