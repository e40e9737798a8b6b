/**
 * primary_conninfo as libpq reads it (fe-connect.c: conninfo_parse, conninfo_uri_parse_options,
 * conninfo_uri_parse_params, conninfo_uri_decode). The walreceiver hands the string to
 * PQconnectdbParams as an expandable dbname: a string with no `=` and no URI prefix is just a
 * database name. libpq stops at its first error, and so do we.
 *
 * URIs are parsed here rather than with pg-connection-string: that package reads the files
 * named by sslcert/sslkey/sslrootcert and warns through the process about sslmode, which a
 * linter must not do, and it does not follow libpq on several hosts, `?host=` and `ssl=true`.
 */

import { columnMap } from "../util/columns.js";
import { closest } from "../util/suggest.js";
import { lookupTable } from "../util/table.js";
import { clipQuoted, hidePasswords, maskUriPasswords, uriDecodeLenient } from "./conninfo-mask.js";
import { conninfoValue, messageText } from "./quote.js";

export interface ConninfoParam {
  keyword: string;
  value: string;
  /** 1-based column of the keyword in the string (of the URI part it came from) */
  column: number;
  valueColumn: number;
}

export interface ConninfoProblem {
  code: "syntax" | "unknown-keyword" | "uri";
  column: number;
  message: string;
  /** libpq's own message */
  libpq: string;
}

export interface ConninfoResult {
  ok: boolean;
  form: "keyword-value" | "uri" | "dbname";
  /** every parameter in order, repeated keywords included */
  params: ConninfoParam[];
  /** the value libpq uses for each keyword (the last one) */
  values: Record<string, string>;
  problems: ConninfoProblem[];
}

/** libpq's connection keywords, with the libpq major version that introduced each (before 12: 0). */
export const CONNINFO_KEYWORDS: Readonly<Record<string, number>> = lookupTable({
  service: 0,
  user: 0,
  password: 0,
  passfile: 0,
  channel_binding: 13,
  connect_timeout: 0,
  dbname: 0,
  host: 0,
  hostaddr: 0,
  port: 0,
  client_encoding: 0,
  options: 0,
  application_name: 0,
  fallback_application_name: 0,
  keepalives: 0,
  keepalives_idle: 0,
  keepalives_interval: 0,
  keepalives_count: 0,
  tcp_user_timeout: 12,
  sslmode: 0,
  sslnegotiation: 17,
  sslcompression: 0,
  sslcert: 0,
  sslkey: 0,
  sslcertmode: 16,
  sslpassword: 13,
  sslrootcert: 0,
  sslcrl: 0,
  sslcrldir: 14,
  sslsni: 14,
  sslkeylogfile: 18,
  requirepeer: 0,
  require_auth: 16,
  min_protocol_version: 18,
  max_protocol_version: 18,
  ssl_min_protocol_version: 13,
  ssl_max_protocol_version: 13,
  gssencmode: 12,
  krbsrvname: 0,
  gsslib: 0,
  gssdelegation: 16,
  replication: 0,
  target_session_attrs: 0,
  load_balance_hosts: 16,
  scram_client_key: 18,
  scram_server_key: 18,
  oauth_issuer: 18,
  oauth_client_id: 18,
  oauth_client_secret: 18,
  oauth_scope: 18,
  requiressl: 0,
});

export interface ParseConninfoOptions {
  /** the libpq major version that will read the string; default: the newest known */
  libpqMajor?: number;
}

// libpq uses isspace() in the C locale
const isSpace = (c: string | undefined): boolean => c !== undefined && " \t\n\v\f\r".includes(c);

class Failure extends Error {
  constructor(readonly problem: ConninfoProblem) {
    super(problem.message);
  }
}

function fail(code: ConninfoProblem["code"], column: number, message: string, libpq: string): never {
  throw new Failure({ code, column, message: messageText(message), libpq });
}

function knownKeyword(keyword: string, major: number): boolean {
  const since = CONNINFO_KEYWORDS[keyword];
  return since !== undefined && since <= major;
}

function unknownKeywordMessage(keyword: string, major: number): string {
  const since = CONNINFO_KEYWORDS[keyword];
  if (since !== undefined) return `\`${keyword}\` is not known to libpq ${major} (it came in ${since})`;
  // No keyword is longer than 30 characters: a longer word is no typo of one (and the edit
  // distance of a megabyte-long word to every keyword would take seconds).
  const best = keyword.length > 40 ? undefined : closest(keyword, Object.keys(CONNINFO_KEYWORDS));
  // (a long keyword is clipped by parseConninfo, after the passwords in it are masked)
  return `invalid connection option \`${keyword}\`${best !== undefined ? `; did you mean \`${best}\`?` : ""}`;
}

function parseKeywordValue(s: string, major: number, params: ConninfoParam[]): void {
  const cols = columnMap(s);
  const col = (i: number): number => cols[i] ?? s.length + 1;
  let i = 0;
  while (i < s.length) {
    if (isSpace(s[i])) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < s.length && s[i] !== "=" && !isSpace(s[i])) i++;
    const name = s.slice(nameStart, i);
    while (isSpace(s[i])) i++;
    if (s[i] !== "=") {
      fail(
        "syntax",
        col(i),
        `missing \`=\` after \`${name}\``,
        `missing "=" after "${name}" in connection info string`,
      );
    }
    i++;
    while (isSpace(s[i])) i++;
    const valueStart = i;
    let value = "";
    if (s[i] !== "'") {
      while (i < s.length) {
        if (isSpace(s[i])) {
          i++;
          break;
        }
        if (s[i] === "\\") {
          i++;
          if (i < s.length) value += s[i++];
        } else value += s[i++];
      }
    } else {
      i++;
      for (;;) {
        if (i >= s.length) {
          fail(
            "syntax",
            col(valueStart),
            "unterminated quoted string",
            "unterminated quoted string in connection info string",
          );
        }
        if (s[i] === "\\") {
          i++;
          if (i < s.length) value += s[i++];
          continue;
        }
        if (s[i] === "'") {
          i++;
          break;
        }
        value += s[i++];
      }
    }
    if (!knownKeyword(name, major)) {
      fail(
        "unknown-keyword",
        col(nameStart),
        unknownKeywordMessage(name, major),
        `invalid connection option "${name}"`,
      );
    }
    params.push({ keyword: name, value, column: col(nameStart), valueColumn: col(valueStart) });
  }
}

const URI_PREFIXES = ["postgresql://", "postgres://"];

/** `secret`: the text is a password, which no message repeats. */
function uriDecode(text: string, column: number, secret = false): string {
  const shown = secret ? "****" : text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] !== "%") {
      for (const b of Buffer.from(text[i] as string, "utf8")) bytes.push(b);
      i++;
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
      fail(
        "uri",
        column,
        secret
          ? "invalid percent-encoded token in the password"
          : `invalid percent-encoded token \`${text}\``,
        `invalid percent-encoded token: "${shown}"`,
      );
    }
    const b = Number.parseInt(hex, 16);
    if (b === 0) {
      fail(
        "uri",
        column,
        secret
          ? "forbidden value %00 in the password"
          : `forbidden value %00 in percent-encoded value \`${text}\``,
        `forbidden value %00 in percent-encoded value: "${shown}"`,
      );
    }
    bytes.push(b);
    i += 3;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(bytes));
}

function parseUri(uri: string, prefixLength: number, major: number, params: ConninfoParam[]): void {
  const cols = columnMap(uri);
  const col = (i: number): number => cols[i] ?? uri.length + 1;
  const store = (keyword: string, raw: string, at: number): void => {
    params.push({
      keyword,
      value: uriDecode(raw, col(at), keyword === "password"),
      column: col(at),
      valueColumn: col(at),
    });
  };
  // libpq quotes the whole URI in some messages: we show it with its passwords as ****
  const shown = maskUriPasswords(uri, prefixLength);
  const start = prefixLength;
  let p = start;
  while (p < uri.length && uri[p] !== "@" && uri[p] !== "/") p++;
  if (uri[p] === "@") {
    p = start;
    while (uri[p] !== ":" && uri[p] !== "@") p++;
    const user = uri.slice(start, p);
    if (user) store("user", user, start);
    if (uri[p] === ":") {
      const pwStart = p + 1;
      while (uri[p] !== "@") p++;
      const password = uri.slice(pwStart, p);
      if (password) store("password", password, pwStart);
    }
    p++;
  } else p = start;
  const hosts: string[] = [];
  const ports: string[] = [];
  const hostAt = p;
  let prev: string | undefined;
  for (;;) {
    let host: string;
    if (uri[p] === "[") {
      const hs = ++p;
      while (p < uri.length && uri[p] !== "]") p++;
      if (p >= uri.length) {
        fail(
          "uri",
          col(hs - 1),
          "no `]` closes the IPv6 address",
          `end of string reached when looking for matching "]" in IPv6 host address in URI: "${shown}"`,
        );
      }
      if (p === hs) {
        fail("uri", col(hs), "empty IPv6 address", `IPv6 host address may not be empty in URI: "${shown}"`);
      }
      host = uri.slice(hs, p);
      p++;
      const c = uri[p];
      if (c !== undefined && c !== ":" && c !== "/" && c !== "?" && c !== ",") {
        fail(
          "uri",
          col(p),
          `unexpected \`${c}\` after the IPv6 address (expected \`:\` or \`/\`)`,
          `unexpected character "${c}" at position ${p + 1} in URI (expected ":" or "/"): "${shown}"`,
        );
      }
    } else {
      const hs = p;
      while (p < uri.length && !":/?,".includes(uri[p] as string)) p++;
      host = uri.slice(hs, p);
    }
    hosts.push(host);
    prev = uri[p];
    if (prev === ":") {
      const ps = ++p;
      while (p < uri.length && !"/?,".includes(uri[p] as string)) p++;
      ports.push(uri.slice(ps, p));
      prev = uri[p];
    } else ports.push("");
    if (prev !== ",") break;
    p++;
  }
  const hostList = hosts.join(",");
  const portList = ports.join(",");
  // libpq stores the joined lists when not empty ("," for two empty hosts is not empty)
  if (hostList) store("host", hostList, hostAt);
  if (portList) store("port", portList, hostAt);
  if (prev !== undefined && prev !== "?") {
    const ds = ++p;
    while (p < uri.length && uri[p] !== "?") p++;
    const dbname = uri.slice(ds, p);
    if (dbname) store("dbname", dbname, ds);
    prev = uri[p];
  }
  if (prev !== undefined) {
    p++;
    while (p < uri.length) {
      const ks = p;
      let eq = -1;
      while (p < uri.length && uri[p] !== "&") {
        if (uri[p] === "=") {
          if (eq >= 0) {
            const kw = uri.slice(ks, eq);
            fail(
              "uri",
              col(p),
              `extra \`=\` in URI query parameter \`${kw}\``,
              `extra key/value separator "=" in URI query parameter: "${kw}"`,
            );
          }
          eq = p;
        }
        p++;
      }
      const end = p;
      if (p < uri.length) p++;
      if (eq < 0) {
        // a parameter without `=` may be a mangled ?password=…: never quote that
        const kw = /password/i.test(uriDecodeLenient(uri.slice(ks, end))) ? "password…" : uri.slice(ks, end);
        fail(
          "uri",
          col(ks),
          `missing \`=\` in URI query parameter \`${kw}\``,
          `missing key/value separator "=" in URI query parameter: "${kw}"`,
        );
      }
      let keyword = uriDecode(uri.slice(ks, eq), col(ks));
      // `??password=`, `Password=`: not a keyword libpq knows, but meant as the password
      let value = uriDecode(uri.slice(eq + 1, end), col(eq + 1), /password/i.test(keyword));
      if (keyword === "ssl" && value === "true") {
        keyword = "sslmode";
        value = "require";
      }
      if (!knownKeyword(keyword, major)) {
        fail(
          "unknown-keyword",
          col(ks),
          unknownKeywordMessage(keyword, major),
          `invalid URI query parameter: "${keyword}"`,
        );
      }
      params.push({ keyword, value, column: col(ks), valueColumn: col(eq + 1) });
    }
  }
}

/** Parse a conninfo string (keyword/value or URI) as libpq does. */
export function parseConninfo(s: string, opts: ParseConninfoOptions = {}): ConninfoResult {
  const major = opts.libpqMajor ?? 99;
  const prefix = URI_PREFIXES.find((x) => s.startsWith(x));
  const form: ConninfoResult["form"] =
    prefix !== undefined ? "uri" : s.includes("=") ? "keyword-value" : "dbname";
  const params: ConninfoParam[] = [];
  const problems: ConninfoProblem[] = [];
  try {
    if (form === "uri") parseUri(s, (prefix as string).length, major, params);
    else if (form === "keyword-value") parseKeywordValue(s, major, params);
    else params.push({ keyword: "dbname", value: s, column: 1, valueColumn: 1 });
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    // A string libpq cannot read may hold a password where we did not look for one (a URI
    // after a stray character reads as a keyword): whatever looks like one is ****.
    problems.push({
      ...e.problem,
      message: clipQuoted(hidePasswords(e.problem.message, s)),
      libpq: hidePasswords(e.problem.libpq, s),
    });
  }
  const values: Record<string, string> = {};
  if (problems.length === 0) for (const p of params) values[p.keyword] = p.value;
  return { ok: problems.length === 0, form, params, values, problems };
}

/** A value for a keyword/value conninfo: bare when libpq reads it back unchanged, else quoted. */
export function quoteConninfoValue(value: string): string {
  return conninfoValue(value);
}

/** Writes params as a keyword/value conninfo string. */
export function formatConninfo(params: ReadonlyArray<readonly [string, string]>): string {
  return params.map(([k, v]) => `${k}=${quoteConninfoValue(v)}`).join(" ");
}
