/**
 * synchronous_standby_names as the server reads it (src/backend/replication/syncrep_scanner.l
 * and syncrep_gram.y, with check_synchronous_standby_names in syncrep.c):
 *
 *   standby_config: standby_list                      -- FIRST 1 (priority), the pre-9.6 form
 *                 | NUM '(' standby_list ')'          -- FIRST NUM
 *                 | ANY NUM '(' standby_list ')'      -- quorum
 *                 | FIRST NUM '(' standby_list ')'    -- priority
 *   standby_name:  NAME | NUM
 *
 * ANY and FIRST are keywords in any case, so a standby called `first` or `any` must be written
 * double-quoted. Unquoted names keep their case; quoted ones may hold anything, `""` being a
 * quote. Bytes above 0x7f are identifier characters, so typographic quotes (‘s1’) become part of
 * the name. The server compares names with application_name case-insensitively (pg_strcasecmp),
 * and `*` matches every standby.
 */
import { asciiLower } from "../util/ascii.js";

export interface SyncName {
  /** the name as the server keeps it (quotes removed, `""` decoded) */
  name: string;
  /** written in double quotes */
  quoted: boolean;
  /** 0-based offset of the token in the value (of its opening quote when quoted), in code points */
  offset: number;
  /** the token as written */
  raw: string;
}

export type SyncNamesResult =
  | {
      ok: true;
      method: "first" | "any";
      num: number;
      /** false for the plain list and a bare `N (…)` without FIRST/ANY written */
      methodWritten: boolean;
      /** offset of FIRST/ANY or of the number, when written; else of the first name */
      numOffset: number;
      names: SyncName[];
    }
  | {
      ok: false;
      /** lowercase, as the server's message says it */
      message: string;
      /** 0-based offset where the parser stopped, in code points */
      offset: number;
      /** the unquoted keyword written where a name belongs, when that is the cause */
      reservedName?: SyncName;
    };

type Tok =
  | { t: "name"; name: string; quoted: boolean; offset: number; raw: string }
  | { t: "num"; value: number; text: string; offset: number }
  | { t: "any" | "first"; offset: number; raw: string }
  | { t: "(" | ")" | ","; offset: number }
  | { t: "junk"; offset: number; raw: string }
  | { t: "unterminated"; offset: number }
  | { t: "end"; offset: number };

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c) || (c.codePointAt(0) ?? 0) > 0x7f;
const isIdentCont = (c: string) => isIdentStart(c) || /[0-9$]/.test(c);
/** the scanner's {space}: [ \t\n\r\f\v] */
const isSpace = (c: string) => /[ \t\n\r\f\v]/.test(c);

function scan(value: string): Tok[] {
  const cs = [...value];
  const out: Tok[] = [];
  let i = 0;
  while (i < cs.length) {
    const c = cs[i] as string;
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let name = "";
      i++;
      let closed = false;
      while (i < cs.length) {
        if (cs[i] === '"') {
          if (cs[i + 1] === '"') {
            name += '"';
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        name += cs[i];
        i++;
      }
      if (!closed) {
        out.push({ t: "unterminated", offset: start });
        return out;
      }
      out.push({ t: "name", name, quoted: true, offset: start, raw: cs.slice(start, i).join("") });
      continue;
    }
    if (c === "(" || c === ")" || c === ",") {
      out.push({ t: c, offset: i });
      i++;
      continue;
    }
    if (c === "*") {
      out.push({ t: "name", name: "*", quoted: false, offset: i, raw: "*" });
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < cs.length && /[0-9]/.test(cs[i] as string)) i++;
      const text = cs.slice(start, i).join("");
      out.push({ t: "num", value: Number(text), text, offset: start });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < cs.length && isIdentCont(cs[i] as string)) i++;
      const raw = cs.slice(start, i).join("");
      const lower = raw.toLowerCase();
      if (lower === "any" || lower === "first") out.push({ t: lower, offset: start, raw });
      else out.push({ t: "name", name: raw, quoted: false, offset: start, raw });
      continue;
    }
    out.push({ t: "junk", offset: i, raw: c });
    return out;
  }
  out.push({ t: "end", offset: cs.length });
  return out;
}

/** Parses a non-empty synchronous_standby_names (an empty value turns synchronous replication off). */
export function parseSyncNames(value: string): SyncNamesResult {
  const toks = scan(value);
  let p = 0;
  const peek = (k = 0): Tok => toks[p + k] ?? { t: "end", offset: [...value].length };
  const fail = (tok: Tok, message?: string): SyncNamesResult => {
    const r: SyncNamesResult = {
      ok: false,
      message:
        message ??
        (tok.t === "unterminated"
          ? "unterminated quoted identifier"
          : tok.t === "end"
            ? "syntax error at end of input"
            : "syntax error"),
      offset: tok.offset,
    };
    if (tok.t === "any" || tok.t === "first")
      r.reservedName = { name: tok.raw, quoted: false, offset: tok.offset, raw: tok.raw };
    return r;
  };
  const list = (): SyncName[] | Tok => {
    const names: SyncName[] = [];
    for (;;) {
      const tok = peek();
      if (tok.t === "name")
        names.push({ name: tok.name, quoted: tok.quoted, offset: tok.offset, raw: tok.raw });
      else if (tok.t === "num")
        names.push({ name: tok.text, quoted: false, offset: tok.offset, raw: tok.text });
      else return tok;
      p++;
      if (peek().t !== ",") return names;
      p++;
    }
  };
  const first = peek();
  let method: "first" | "any" = "first";
  let methodWritten = false;
  let num = 1;
  let numOffset = first.offset;
  let parenthesised = false;
  if ((first.t === "any" || first.t === "first") && peek(1).t === "num" && peek(2).t === "(") {
    method = first.t;
    methodWritten = true;
    num = (peek(1) as { value: number }).value;
    p += 3;
    parenthesised = true;
  } else if (first.t === "num" && peek(1).t === "(") {
    num = first.value;
    p += 2;
    parenthesised = true;
  } else if (first.t === "any" || first.t === "first") {
    // `FIRST 1 s1`: a missing parenthesis; `first, s2`: the keyword where a name belongs
    if (peek(1).t === "num") return fail(peek(2));
    return fail(first);
  }
  numOffset = first.offset;
  const names = list();
  if (!Array.isArray(names)) return fail(names);
  if (parenthesised) {
    const close = peek();
    if (close.t !== ")") return fail(close);
    p++;
  }
  const rest = peek();
  if (rest.t !== "end") return fail(rest);
  if (num <= 0) {
    return {
      ok: false,
      message: `number of synchronous standbys (${num}) must be greater than zero`,
      offset: numOffset,
    };
  }
  return { ok: true, method, num, methodWritten, numOffset, names };
}

/** Whether a name of the list selects a standby with this application_name (syncrep.c). */
export function syncNameMatches(name: string, applicationName: string): boolean {
  return name === "*" || asciiLower(name) === asciiLower(applicationName);
}
