import { posix } from "node:path";
import { lookupTable } from "../../util/table.js";
import { type ConfFs, isFsError } from "../conf/fs.js";
import {
  absoluteConfigLocation,
  byteCompare,
  CONF_FILE_MAX_DEPTH,
  joinPath,
  MAX_FILE_READS,
  MAX_TEXT_READ,
} from "../conf/parse.js";
import { messageText } from "../quote.js";
import { cidrMask, type IpNetwork, makeNetwork, parseNumericHost } from "./address.js";

/**
 * pg_hba.conf as the server reads it (hba.c: tokenize_auth_file, next_token,
 * next_field_expand, parse_hba_line, parse_hba_auth_opt), per major version 12–18:
 * - 14+: a line ending in `\` continues on the next (before: no continuation, lines are
 *   limited to 8191 bytes and tokens to 255);
 * - 16+: `include`, `include_if_exists`, `include_dir` records, and `/regex` database and
 *   user names (before: `include` is an invalid connection type, `/x` a plain name);
 * - 18: the `oauth` method and its options;
 * - 14+: clientcert only takes verify-ca / verify-full (12–13 also 0, 1, no-verify);
 *   `clientname` is 14+.
 */

export type HbaConnType = "local" | "host" | "hostssl" | "hostnossl" | "hostgssenc" | "hostnogssenc";

export type HbaAuthMethod =
  | "trust"
  | "reject"
  | "md5"
  | "password"
  | "scram-sha-256"
  | "gss"
  | "sspi"
  | "ident"
  | "peer"
  | "pam"
  | "bsd"
  | "ldap"
  | "radius"
  | "cert"
  | "oauth";

export interface HbaToken {
  /** the token with its quotes removed */
  value: string;
  /** true when it began with a double quote: then `all`, `replication`, `+x`, `@x`, `/x` are plain names */
  quoted: boolean;
  file: string;
  line: number;
  column: number;
  /** the `@file` this token was read from, when it came from one */
  via?: string;
}

export type HbaAddress =
  | { kind: "all" | "samehost" | "samenet"; token: HbaToken }
  | { kind: "hostname"; name: string; token: HbaToken }
  | { kind: "ip"; network: IpNetwork; token: HbaToken; maskToken: HbaToken | null };

export interface HbaOption {
  name: string;
  value: string;
  token: HbaToken;
}

export interface HbaLine {
  file: string;
  /** the first physical line of the record */
  line: number;
  /** order among all records the server reads (pg_hba_file_rules order), 1-based */
  seq: number;
  /** the record as read, continuations joined */
  raw: string;
  type: HbaConnType;
  typeToken: HbaToken;
  databases: HbaToken[];
  users: HbaToken[];
  /** null for `local` */
  address: HbaAddress | null;
  /** the method the server uses (`ident` on a local line is `peer`) */
  method: HbaAuthMethod;
  methodToken: HbaToken;
  options: HbaOption[];
}

export type HbaProblemCode =
  | "syntax"
  | "connection-type"
  | "address"
  | "method"
  | "option"
  | "include"
  | "line-too-long"
  | "ssl-disabled"
  | "gss-unsupported";

export interface HbaProblem {
  code: HbaProblemCode;
  /** "warning" for records the server keeps but that can never match (hostssl with ssl off) */
  severity: "error" | "warning";
  file: string;
  line: number;
  column: number;
  message: string;
  seq: number;
  /**
   * What pg_hba_file_rules shows for the record (its error column): the server's own text,
   * or null where the server rejects the line without a message (e.g. a bad clientcert
   * value); null as a whole when the server would not report this at all.
   */
  server: { file: string; line: number; error: string | null } | null;
}

export interface HbaBuild {
  ssl: boolean;
  gss: boolean;
  sspi: boolean;
  pam: boolean;
  bsd: boolean;
  ldap: boolean;
}

/** What Debian's and RHEL's packages are built with. */
export const LINUX_BUILD: HbaBuild = { ssl: true, gss: true, sspi: false, pam: true, bsd: false, ldap: true };

export interface ParseHbaOptions {
  file: string;
  /** PostgreSQL major version, 12–18 */
  major: number;
  /** to read `@file` lists and include records; without it they are kept unexpanded */
  fs?: ConfFs;
  /** the server's `ssl` setting, when known: hostssl records cannot match with ssl off */
  ssl?: boolean;
  build?: Partial<HbaBuild>;
  /** the server's oauth_validator_libraries (18+); default empty, as the server's default */
  oauthValidatorLibraries?: string[];
}

export interface HbaInclude {
  kind: "include" | "include_if_exists" | "include_dir" | "@";
  target: string;
  file: string;
  line: number;
  column: number;
}

export interface HbaResult {
  /** the records the server would use, in first-match order */
  lines: HbaLine[];
  problems: HbaProblem[];
  /** every include record (16+) and `@file` reference met, whether or not it could be read */
  includes: HbaInclude[];
}

// ---- tokenizer ---------------------------------------------------------------------------

interface Located {
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
class RawRecord {
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
  if (!/[\udc00-\udfff]/.test(s)) return null;
  const cols: number[] = [];
  let col = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) col++;
    cols.push(col);
  }
  cols.push(col + 1);
  return cols;
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

function splitRecords(text: string, major: number): RawRecord[] {
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
interface TokenState {
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
function nextToken(s: string, state: TokenState): boolean {
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

interface Field {
  tokens: HbaToken[];
  line: number;
  column: number;
}

/** Where a record ends, for "end-of-line before …". */
const endOf = (tl: TokLine): Located => tl.record.at(tl.record.text.length);

/** Where tokenized records go, in the server's order: an array, or parseHba's parser of each one. */
interface LineSink {
  push(tl: TokLine): void;
}

interface TokLine {
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

class HbaReader {
  includes: HbaInclude[] = [];
  private readonly visiting: string[] = [];
  /** includes followed so far: a cycle that branches would open k^10 files (include records go on after an error) */
  private reads = 0;
  private chars = 0;
  private readonly tooMany =
    `more than ${MAX_FILE_READS} includes or ${MAX_TEXT_READ / (1024 * 1024)} MiB of text read (an include cycle that branches?); not followed`;
  constructor(private readonly opts: ParseHbaOptions) {}

  private get major(): number {
    return this.opts.major;
  }

  tokenizeFile(file: string, text: string, depth: number, out: LineSink): void {
    this.visiting.push(file);
    for (const rec of splitRecords(text, this.major)) {
      const tl: TokLine = {
        file,
        line: rec.line,
        raw: rec.text,
        fields: [],
        error: null,
        errorAt: null,
        record: rec,
        depth,
        serverKnows: true,
      };
      if (rec.tooLong) {
        tl.error = "authentication file line too long";
        tl.errorAt = { line: rec.line, column: 1 };
        out.push(tl);
        continue;
      }
      const state: TokenState = { pos: 0, value: "", quoted: false, start: 0, terminatingComma: false };
      while (state.pos < rec.text.length && tl.error === null) {
        const field = this.nextField(file, rec, state, depth, tl);
        if (field.tokens.length > 0) tl.fields.push(field);
      }
      if (tl.fields.length === 0 && tl.error === null) continue;
      if (tl.error === null && tl.fields.length === 2 && this.major >= 16) {
        const first = tl.fields[0]?.tokens[0];
        const field = tl.fields[1];
        const second = field?.tokens[0];
        if (
          field &&
          first &&
          second &&
          ["include", "include_if_exists", "include_dir"].includes(first.value)
        ) {
          // the target may come from an `@file` list: the record's position is the field's, in this file
          const at = { line: field.line, column: field.column };
          if (this.includeRecord(first.value, second.value, at, file, depth, out, tl)) continue;
          out.push(tl);
          continue;
        }
      }
      out.push(tl);
    }
    this.visiting.pop();
  }

  private nextField(file: string, rec: RawRecord, state: TokenState, depth: number, tl: TokLine): Field {
    // most fields are one token: an array made for it holds one (an empty one grown by push has
    // room for 16)
    let tokens: HbaToken[] | null = null;
    let line = rec.line;
    let column = 1;
    while (nextToken(rec.text, state)) {
      if (tokens === null) {
        line = rec.lineAt(state.start);
        column = rec.columnAt(state.start);
      }
      if (this.major <= 13 && Buffer.byteLength(state.value, "utf8") > 255) {
        tl.error = "authentication file token too long";
        tl.errorAt = rec.at(state.start);
        state.pos = rec.text.length;
        break;
      }
      const more = state.terminatingComma;
      if (!state.quoted && state.value.length > 1 && state.value.startsWith("@")) {
        tokens ??= [];
        this.expandFile(state.value.slice(1), file, rec.at(state.start), depth + 1, tokens, tl);
      } else {
        const t: HbaToken = {
          value: state.value,
          quoted: state.quoted,
          file,
          line: rec.lineAt(state.start),
          column: rec.columnAt(state.start),
        };
        if (tokens === null) tokens = [t];
        else tokens.push(t);
      }
      if (!more || tl.error !== null) break;
    }
    return { tokens: tokens ?? [], line, column };
  }

  /** `@file`: every token of every line of the file, appended to the field. */
  private expandFile(
    name: string,
    outer: string,
    at: Located,
    depth: number,
    tokens: HbaToken[],
    tl: TokLine,
  ): void {
    this.includes.push({ kind: "@", target: name, file: outer, ...at });
    const fs = this.opts.fs;
    if (!fs) {
      tokens.push({ value: `@${name}`, quoted: false, file: outer, line: at.line, column: at.column });
      return;
    }
    const path = absoluteConfigLocation(name, outer, posix.dirname(outer), this.major);
    const fail = (error: string): void => {
      tl.error = error;
      tl.errorAt = at;
    };
    if (++this.reads > MAX_FILE_READS) {
      fail(this.tooMany);
      tl.serverKnows = false;
      return;
    }
    if (this.major >= 16 && depth > CONF_FILE_MAX_DEPTH) {
      fail(`could not open file "${path}": maximum nesting depth exceeded`);
      return;
    }
    if (this.major < 16 && this.visiting.includes(path)) {
      // 12–15 have no depth limit here: the server recurses until it runs out of stack.
      fail(`\`@${name}\` includes itself: \`${[...this.visiting, path].join("` → `")}\``);
      tl.serverKnows = false;
      return;
    }
    const text = fs.readFile(path);
    if (isFsError(text)) {
      const reason = fsReason(text.error.kind, text.error.message);
      fail(
        this.major >= 16
          ? `could not open file "${path}": ${reason}`
          : `could not open secondary authentication file "@${name}" as "${path}": ${reason}`,
      );
      return;
    }
    this.chars += text.length;
    if (this.chars > MAX_TEXT_READ) {
      fail(this.tooMany);
      tl.serverKnows = false;
      return;
    }
    const lines: TokLine[] = [];
    this.tokenizeFile(path, text, depth, lines);
    for (const l of lines) {
      if (l.error !== null) {
        fail(l.error);
        tl.serverKnows &&= l.serverKnows;
        return;
      }
      for (const f of l.fields) for (const t of f.tokens) tokens.push({ ...t, via: t.via ?? path });
    }
  }

  /** include / include_if_exists / include_dir (16+). Returns true when the record is fully handled. */
  private includeRecord(
    kind: string,
    target: string,
    at: Located,
    file: string,
    depth: number,
    out: LineSink,
    tl: TokLine,
  ): boolean {
    this.includes.push({ kind: kind as HbaInclude["kind"], target, file, line: at.line, column: at.column });
    const fs = this.opts.fs;
    if (!fs) return true;
    const includeFile = (path: string, missingOk: boolean): string | null => {
      if (++this.reads > MAX_FILE_READS) {
        tl.serverKnows = false;
        return this.tooMany;
      }
      if (depth + 1 > CONF_FILE_MAX_DEPTH)
        return `could not open file "${path}": maximum nesting depth exceeded`;
      const text = fs.readFile(path);
      if (isFsError(text)) {
        if (missingOk && text.error.kind === "missing") return null;
        return `could not open file "${path}": ${fsReason(text.error.kind, text.error.message)}`;
      }
      this.chars += text.length;
      if (this.chars > MAX_TEXT_READ) {
        tl.serverKnows = false;
        return this.tooMany;
      }
      this.tokenizeFile(path, text, depth + 1, out);
      return null;
    };
    let error: string | null = null;
    if (kind === "include_dir") {
      if (/^[ \t\r\n]*$/.test(target)) error = "empty configuration directory name";
      else {
        const dir = absoluteConfigLocation(target, file, posix.dirname(file), this.major);
        const names = fs.listDir(dir);
        if (isFsError(names)) error = `could not open directory "${dir}"`;
        else {
          const files: string[] = [];
          for (const n of names) {
            if (n.length < 6 || n.startsWith(".") || !n.endsWith(".conf")) continue;
            const p = joinPath(dir, n, this.major);
            const st = fs.stat(p);
            if (isFsError(st)) {
              error = `could not stat file "${p}"`;
              break;
            }
            if (st.type !== "directory") files.push(p);
          }
          if (error === null) {
            const errs: string[] = [];
            for (const f of files.sort(byteCompare)) {
              const e = includeFile(f, false);
              if (e !== null) errs.push(e);
            }
            if (errs.length > 0) error = errs.join("\n");
          }
        }
      }
    } else {
      error = includeFile(
        absoluteConfigLocation(target, file, posix.dirname(file), this.major),
        kind === "include_if_exists",
      );
    }
    if (error === null) return true;
    tl.error = error;
    tl.errorAt = at;
    return false;
  }
}

function fsReason(kind: string, message: string): string {
  switch (kind) {
    case "missing":
      return "No such file or directory";
    case "permission":
      return "Permission denied";
    case "is-directory":
      return "Is a directory";
    case "not-directory":
      return "Not a directory";
    default:
      return message;
  }
}

// ---- record parser ----------------------------------------------------------------------

const CONN_TYPES: readonly HbaConnType[] = [
  "local",
  "host",
  "hostssl",
  "hostnossl",
  "hostgssenc",
  "hostnogssenc",
];

interface LineError {
  error: string | null;
  at: Located;
  code: HbaProblemCode;
  /** our wording, when it should differ from the server's */
  message?: string;
}

/** The methods a build of a major accepts (true) or knows but lacks (false); made once per parseHba. */
function methodsOf(build: HbaBuild, major: number): Readonly<Record<string, boolean>> {
  const known: Record<string, boolean> = {
    trust: true,
    ident: true,
    peer: true,
    password: true,
    gss: build.gss,
    sspi: build.sspi,
    reject: true,
    md5: true,
    "scram-sha-256": true,
    pam: build.pam,
    bsd: build.bsd,
    ldap: build.ldap,
    cert: build.ssl,
    radius: true,
  };
  if (major >= 18) known.oauth = true;
  return lookupTable(known);
}

class RecordParser {
  /** a non-fatal message the server attaches to a record it still keeps */
  warning: LineError | null = null;
  private lastErr: string | null = null;
  constructor(
    private readonly tl: TokLine,
    private readonly opts: ParseHbaOptions,
    private readonly build: HbaBuild,
    private readonly methods: Readonly<Record<string, boolean>>,
  ) {}

  /** When the server fails without a message (error null), the record keeps whatever message it had. */
  private fail(
    error: string | null,
    at: Located,
    code: HbaProblemCode = "syntax",
    message?: string,
  ): LineError {
    return { error: error ?? this.lastErr, at, code, message };
  }

  parse(seq: number): HbaLine | LineError {
    const tl = this.tl;
    const major = this.opts.major;
    const fields = tl.fields;
    const f0 = fields[0] as Field;
    if (f0.tokens.length > 1) return this.fail("multiple values specified for connection type", f0);
    const typeTok = f0.tokens[0] as HbaToken;
    if (!(CONN_TYPES as readonly string[]).includes(typeTok.value)) {
      return this.fail(`invalid connection type "${typeTok.value}"`, typeTok, "connection-type");
    }
    const type = typeTok.value as HbaConnType;
    if (type === "hostssl") {
      if (!this.build.ssl) {
        return this.fail(
          "hostssl record cannot match because SSL is not supported by this build",
          typeTok,
          "ssl-disabled",
        );
      }
      if (this.opts.ssl === false) {
        this.lastErr = "hostssl record cannot match because SSL is disabled";
        this.warning = { error: this.lastErr, at: typeTok, code: "ssl-disabled" };
      }
    } else if (type === "hostgssenc" && !this.build.gss) {
      this.lastErr = "hostgssenc record cannot match because GSSAPI is not supported by this build";
      this.warning = { error: this.lastErr, at: typeTok, code: "gss-unsupported" };
    }
    let fi = 1;
    const dbField = fields[fi++];
    if (!dbField) return this.fail("end-of-line before database specification", endOf(tl));
    const userField = fields[fi++];
    if (!userField) return this.fail("end-of-line before role specification", endOf(tl));
    let address: HbaAddress | null = null;
    if (type !== "local") {
      const af = fields[fi++];
      if (!af) return this.fail("end-of-line before IP address specification", endOf(tl));
      if (af.tokens.length > 1) return this.fail("multiple values specified for host address", af, "address");
      const tok = af.tokens[0] as HbaToken;
      if (!tok.quoted && (tok.value === "all" || tok.value === "samehost" || tok.value === "samenet")) {
        address = { kind: tok.value, token: tok };
      } else {
        const slash = tok.value.indexOf("/");
        const host = slash >= 0 ? tok.value.slice(0, slash) : tok.value;
        const ip = parseNumericHost(host);
        if (!ip) {
          if (slash >= 0) {
            return this.fail(
              `specifying both host name and CIDR mask is invalid: "${tok.value}"`,
              tok,
              "address",
            );
          }
          address = { kind: "hostname", name: host, token: tok };
        } else if (slash >= 0) {
          const mask = cidrMask(tok.value.slice(slash + 1), ip.family);
          if (!mask) return this.fail(`invalid CIDR mask in address "${tok.value}"`, tok, "address");
          address = { kind: "ip", network: makeNetwork(ip, mask), token: tok, maskToken: null };
        } else {
          const mf = fields[fi++];
          if (!mf) return this.fail("end-of-line before netmask specification", endOf(tl), "address");
          if (mf.tokens.length > 1) return this.fail("multiple values specified for netmask", mf, "address");
          const mtok = mf.tokens[0] as HbaToken;
          const m = parseNumericHost(mtok.value);
          if (!m)
            return this.fail(`invalid IP mask "${mtok.value}": Name or service not known`, mtok, "address");
          if (m.family !== ip.family) return this.fail("IP address and mask do not match", mtok, "address");
          address = { kind: "ip", network: makeNetwork(ip, m.bytes), token: tok, maskToken: mtok };
        }
      }
    }
    const mField = fields[fi++];
    if (!mField) return this.fail("end-of-line before authentication method", endOf(tl), "method");
    if (mField.tokens.length > 1)
      return this.fail("multiple values specified for authentication type", mField, "method");
    const methodTok = mField.tokens[0] as HbaToken;
    const supported = this.methods[methodTok.value];
    if (supported === undefined) {
      return this.fail(`invalid authentication method "${methodTok.value}"`, methodTok, "method");
    }
    if (!supported) {
      return this.fail(
        `invalid authentication method "${methodTok.value}": not supported by this build`,
        methodTok,
        "method",
      );
    }
    let method = methodTok.value as HbaAuthMethod;
    if (type === "local" && method === "ident") method = "peer";
    if (type === "local" && method === "gss") {
      return this.fail("gssapi authentication is not supported on local sockets", methodTok, "method");
    }
    if (type !== "local" && method === "peer") {
      return this.fail("peer authentication is only supported on local sockets", methodTok, "method");
    }
    if (type !== "hostssl" && method === "cert") {
      return this.fail("cert authentication is only supported on hostssl connections", methodTok, "method");
    }
    const options: HbaOption[] = [];
    const ctx: OptionContext = {
      type,
      method,
      major,
      set: NO_OPTIONS,
      oauthValidatorLibraries: this.opts.oauthValidatorLibraries ?? [],
    };
    for (; fi < fields.length; fi++) {
      for (const tok of (fields[fi] as Field).tokens) {
        const eq = tok.value.indexOf("=");
        if (eq < 0)
          return this.fail(`authentication option not in name=value format: ${tok.value}`, tok, "option");
        const name = tok.value.slice(0, eq);
        const value = tok.value.slice(eq + 1);
        const err = checkOption(name, value, ctx);
        if (err !== undefined) {
          if (err.server === null) {
            return this.fail(null, tok, "option", err.message);
          }
          return this.fail(err.server, tok, "option");
        }
        if (ctx.set === NO_OPTIONS) ctx.set = new Map();
        ctx.set.set(name, value);
        options.push({ name, value, token: tok });
      }
    }
    const after = checkMethodOptions(ctx);
    if (after !== undefined) return this.fail(after, methodTok, "option");
    return {
      file: tl.file,
      line: tl.line,
      seq,
      raw: tl.raw,
      type,
      typeToken: typeTok,
      databases: dbField.tokens,
      users: userField.tokens,
      address,
      method,
      methodToken: methodTok,
      options,
    };
  }
}

interface OptionContext {
  type: HbaConnType;
  method: HbaAuthMethod;
  major: number;
  /** the options so far, name -> value (NO_OPTIONS until the first) */
  set: Map<string, string>;
  oauthValidatorLibraries: string[];
}

/** A record's options before it has any (most records have none): never written to. */
const NO_OPTIONS: Map<string, string> = new Map();

const METHOD_NAMES = {
  map: (major: number) =>
    major >= 18 ? "ident, peer, gssapi, sspi, cert, and oauth" : "ident, peer, gssapi, sspi, and cert",
};

/** parse_hba_auth_opt: undefined when fine; else the server's error text (null: it has none) and ours. */
function checkOption(
  name: string,
  value: string,
  c: OptionContext,
): { server: string | null; message: string } | undefined {
  const only = (methods: HbaAuthMethod[], list: string) =>
    methods.includes(c.method)
      ? undefined
      : {
          server: `authentication option "${name}" is only valid for authentication methods ${list}`,
          message: "",
        };
  const withOwn = (server: string | null, message: string) => ({ server, message });
  switch (name) {
    case "map":
      return only(
        c.major >= 18
          ? ["ident", "peer", "gss", "sspi", "cert", "oauth"]
          : ["ident", "peer", "gss", "sspi", "cert"],
        METHOD_NAMES.map(c.major),
      );
    case "clientcert": {
      if (c.type !== "hostssl") return withOwn('clientcert can only be configured for "hostssl" rows', "");
      const allowed =
        c.major >= 14 ? ["verify-ca", "verify-full"] : ["verify-ca", "verify-full", "1", "0", "no-verify"];
      if (!allowed.includes(value)) return withOwn(null, `invalid value for clientcert: \`${value}\``);
      if (c.method === "cert" && c.major >= 14 && value === "verify-ca") {
        return withOwn('clientcert can only be set to "verify-full" when using "cert" authentication', "");
      }
      if (c.method === "cert" && c.major < 14 && (value === "0" || value === "no-verify")) {
        // 12 spells it "can not"
        const cannot = c.major === 12 ? "can not" : "cannot";
        return withOwn(`clientcert ${cannot} be set to "no-verify" when using "cert" authentication`, "");
      }
      return undefined;
    }
    case "clientname":
      if (c.major < 14) break;
      if (c.type !== "hostssl") return withOwn('clientname can only be configured for "hostssl" rows', "");
      if (value !== "CN" && value !== "DN")
        return withOwn(null, `invalid value for clientname: \`${value}\``);
      return undefined;
    case "pamservice":
    case "pam_use_hostname":
      return only(["pam"], "pam");
    case "ldapurl": {
      const bad = only(["ldap"], "ldap");
      if (bad) return bad;
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
      if (scheme === undefined || !["ldap", "ldaps", "ldapi", "cldap"].includes(scheme)) {
        // OpenLDAP's ldap_url_parse() fails with LDAP_URL_ERR_BADSCHEME, printed as error 3
        return withOwn(
          `could not parse LDAP URL "${value}": Time limit exceeded`,
          `cannot parse LDAP URL \`${value}\``,
        );
      }
      if (scheme !== "ldap" && scheme !== "ldaps")
        return withOwn(`unsupported LDAP URL scheme: ${scheme}`, "");
      return undefined;
    }
    case "ldapport": {
      const bad = only(["ldap"], "ldap");
      if (bad) return bad;
      if (atoi(value) === 0) return withOwn(`invalid LDAP port number: "${value}"`, "");
      return undefined;
    }
    case "ldaptls":
    case "ldapscheme":
    case "ldapserver":
    case "ldapbinddn":
    case "ldapbindpasswd":
    case "ldapsearchattribute":
    case "ldapsearchfilter":
    case "ldapbasedn":
    case "ldapprefix":
    case "ldapsuffix":
      return only(["ldap"], "ldap");
    case "krb_realm":
    case "include_realm":
      return only(["gss", "sspi"], "gssapi and sspi");
    case "compat_realm":
    case "upn_username":
      return only(["sspi"], "sspi");
    case "radiusservers":
    case "radiussecrets":
    case "radiusidentifiers":
    case "radiusports": {
      const bad = only(["radius"], "radius");
      if (bad) return bad;
      const list = splitGucList(value);
      const what = {
        radiusservers: "server",
        radiussecrets: "secret",
        radiusidentifiers: "identifiers",
        radiusports: "port",
      }[name];
      if (list === null) {
        return withOwn(
          name === "radiusports" ? `invalid RADIUS port number: "${value}"` : null,
          name === "radiussecrets"
            ? "cannot parse the RADIUS secret list (value not shown)"
            : `cannot parse RADIUS ${what} list \`${value}\``,
        );
      }
      if (name === "radiusports" && list.some((p) => atoi(p) === 0)) {
        return withOwn(null, `invalid RADIUS port number: \`${value}\``);
      }
      return undefined;
    }
    case "issuer":
    case "scope":
    case "validator":
    case "delegate_ident_mapping":
      if (c.major < 18) break;
      return only(["oauth"], "oauth");
  }
  return withOwn(`unrecognized authentication option name: "${name}"`, "");
}

/** The checks parse_hba_line makes after all options. */
function checkMethodOptions(c: OptionContext): string | undefined {
  if (c.method !== "ldap" && c.method !== "radius" && c.method !== "oauth") return undefined;
  // ldapurl sets the base DN, search attribute and filter it holds, as if given on their own
  const url = ldapUrlParts(c.set.get("ldapurl"));
  const fromUrl: Record<string, boolean> = {
    ldapbasedn: url.dn,
    ldapsearchattribute: url.attrs,
    ldapsearchfilter: url.filter,
  };
  const has = (n: string) => c.set.has(n) || fromUrl[n] === true;
  if (c.method === "ldap") {
    if (has("ldapprefix") || has("ldapsuffix")) {
      if (
        ["ldapbasedn", "ldapbinddn", "ldapbindpasswd", "ldapsearchattribute", "ldapsearchfilter"].some(has)
      ) {
        return c.major >= 16
          ? "cannot mix options for simple bind and search+bind modes"
          : "cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix";
      }
    } else if (!has("ldapbasedn")) {
      return 'authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set';
    }
    if (has("ldapsearchattribute") && has("ldapsearchfilter")) {
      return "cannot use ldapsearchattribute together with ldapsearchfilter";
    }
  }
  if (c.method === "radius") {
    if (!has("radiusservers"))
      return 'authentication method "radius" requires argument "radiusservers" to be set';
    if (!has("radiussecrets"))
      return 'authentication method "radius" requires argument "radiussecrets" to be set';
    const n = (k: string) => splitGucList(c.set.get(k) ?? "")?.length ?? 0;
    const servers = n("radiusservers");
    if (servers === 0) return "list of RADIUS servers cannot be empty";
    const secrets = n("radiussecrets");
    if (secrets === 0) return "list of RADIUS secrets cannot be empty";
    if (!(secrets === 1 || secrets === servers)) {
      return `the number of RADIUS secrets (${secrets}) must be 1 or the same as the number of RADIUS servers (${servers})`;
    }
    for (const [k, label] of [
      ["radiusports", "ports"],
      ["radiusidentifiers", "identifiers"],
    ] as const) {
      const m = n(k);
      if (!(m === 0 || m === 1 || m === servers)) {
        return `the number of RADIUS ${label} (${m}) must be 1 or the same as the number of RADIUS servers (${servers})`;
      }
    }
  }
  if (c.method === "oauth") {
    if (!has("scope")) return 'authentication method "oauth" requires argument "scope" to be set';
    if (!has("issuer")) return 'authentication method "oauth" requires argument "issuer" to be set';
    // check_oauth_validator: only the case of no validator library at all is modelled
    if (c.oauthValidatorLibraries.length === 0) {
      return "oauth_validator_libraries must be set for authentication method oauth";
    }
  }
  return undefined;
}

/**
 * Which of the base DN, attributes and filter an LDAP URL gives
 * (`ldap://host:port/dn?attrs?scope?filter?extensions`, RFC 4516). As OpenLDAP's ldap_url_parse
 * reads it (checked against the servers in fixtures/differential/hba/ldapurl-with-ldapprefix.json):
 * a `/` after the host gives a base DN even when it is empty; empty attributes or filter give none.
 */
function ldapUrlParts(url: string | undefined): { dn: boolean; attrs: boolean; filter: boolean } {
  const m = url === undefined ? null : /^[a-z]+:\/\/[^/]*\/(.*)$/i.exec(url);
  if (m === null) return { dn: false, attrs: false, filter: false };
  const [, attrs, , filter] = (m[1] ?? "").split("?");
  return { dn: true, attrs: (attrs ?? "") !== "", filter: (filter ?? "") !== "" };
}

/** C atoi: optional blanks and sign, then digits; 0 when none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m ? Number.parseInt(m[1] as string, 10) : 0;
}

/** SplitGUCList(…, ','): elements, double-quoted or not; null on a syntax error. */
export function splitGucList(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const ws = (c: string | undefined) => c !== undefined && /[ \t\n\v\f\r]/.test(c);
  while (ws(s[i])) i++;
  if (i >= s.length) return out;
  for (;;) {
    let cur = "";
    if (s[i] === '"') {
      i++;
      for (;;) {
        const e = s.indexOf('"', i);
        if (e < 0) return null;
        cur += s.slice(i, e);
        if (s[e + 1] === '"') {
          cur += '"';
          i = e + 2;
          continue;
        }
        i = e + 1;
        break;
      }
    } else {
      const st = i;
      while (i < s.length && s[i] !== "," && !ws(s[i])) i++;
      cur = s.slice(st, i);
      if (cur === "") return null;
    }
    while (ws(s[i])) i++;
    out.push(cur);
    if (s[i] === ",") {
      i++;
      while (ws(s[i])) i++;
      continue;
    }
    if (i >= s.length) return out;
    return null;
  }
}

/** Options whose values are passwords: never repeated in a message. */
const SECRET_OPTION = /(ldapbindpasswd|radiussecrets)=/i;

/** The message with whatever follows a secret option's `name=` in any token of the record cut to `…`. */
function hideSecretOptions(message: string, tl: TokLine): string {
  let out = message;
  for (const f of tl.fields) {
    let inSecret = false;
    for (const t of f.tokens) {
      const m = SECRET_OPTION.exec(t.value);
      if (m && t.value.length > m.index + m[0].length) {
        out = out.replaceAll(t.value, `${t.value.slice(0, m.index + m[0].length)}…`);
        inSecret = true;
      } else if (inSecret && t.value !== "") {
        // `radiussecrets=a,b` unquoted: the comma splits the list, and `b` is a secret too
        out = replaceWord(out, t.value, "…");
      }
    }
  }
  // and where no token holds it (an @file name): up to the quote that ends the shown value
  return out.replace(/((?:ldapbindpasswd|radiussecrets)=)[^`"\u2026][^`"]*/gi, "$1…");
}

/** Replaces `word` where it stands alone (between quotes, after `: ` or `=`, or at an end). */
function replaceWord(s: string, word: string, by: string): string {
  const edge = (c: string | undefined, after: boolean) =>
    c === undefined || c === '"' || c === "`" || c === " " || (!after && (c === ":" || c === "="));
  let out = "";
  let i = 0;
  for (let j = s.indexOf(word); j >= 0; j = s.indexOf(word, j + 1)) {
    if (j < i || !edge(s[j - 1], false) || !edge(s[j + word.length], true)) continue;
    out += s.slice(i, j) + by;
    i = j + word.length;
  }
  return out + s.slice(i);
}

function ourMessage(server: string): string {
  return server.replace(/"([^"]*)"/g, "`$1`");
}

/**
 * Parse pg_hba.conf text as the server of `major` does. Records come back in first-match
 * order; every record the server rejects is a problem at the token it chokes on, carrying
 * the server's own error text (what pg_hba_file_rules.error shows).
 */
export function parseHba(text: string, opts: ParseHbaOptions): HbaResult {
  const build = { ...LINUX_BUILD, ...opts.build };
  const methods = methodsOf(build, opts.major);
  const reader = new HbaReader(opts);
  const lines: HbaLine[] = [];
  const problems: HbaProblem[] = [];
  let seq = 0;
  // the server's text quotes values with "…" (ourMessage turns them into backticks): hide first
  const shown = (message: string, tl: TokLine): string => messageText(hideSecretOptions(message, tl));
  const shownServer = (error: string, tl: TokLine): string =>
    shown(ourMessage(hideSecretOptions(error, tl)), tl);
  // Each record is parsed as soon as it is tokenized (the server tokenizes the whole file first;
  // the order, and so every result, is the same): its tokens' scaffolding dies young instead of
  // surviving the collections a large file's parse meets.
  const parseRecord = (tl: TokLine): void => {
    seq++;
    if (tl.error !== null) {
      const noServer = !tl.serverKnows;
      const at = tl.errorAt ?? { line: tl.line, column: 1 };
      problems.push({
        code: tl.error.startsWith("authentication file") ? "line-too-long" : "include",
        severity: "error",
        file: tl.file,
        line: at.line,
        column: at.column,
        message: noServer ? shown(tl.error, tl) : shownServer(tl.error, tl),
        seq,
        server: noServer ? null : { file: tl.file, line: tl.line, error: tl.error },
      });
      return;
    }
    const rp = new RecordParser(tl, opts, build, methods);
    const r = rp.parse(seq);
    if ("type" in r) {
      lines.push(r);
      if (rp.warning) {
        problems.push({
          code: rp.warning.code,
          severity: "warning",
          file: tl.file,
          line: rp.warning.at.line,
          column: rp.warning.at.column,
          message: shownServer(rp.warning.error ?? "", tl),
          seq,
          server: { file: tl.file, line: tl.line, error: rp.warning.error },
        });
      }
      return;
    }
    problems.push({
      code: r.code,
      severity: "error",
      file: tl.file,
      line: r.at.line,
      column: r.at.column,
      message: r.message ? shown(r.message, tl) : shownServer(r.error ?? "invalid record", tl),
      seq,
      server: { file: tl.file, line: tl.line, error: r.error },
    });
  };
  reader.tokenizeFile(opts.file, text, 0, { push: parseRecord });
  return { lines, problems, includes: reader.includes };
}
