/**
 * The password file as libpq reads it (fe-connect.c: passwordFromFile, pwdfMatchesString):
 * `hostname:port:database:username:password`, `\` escapes the next character (so `\:` and
 * `\\`), a field that is exactly `*` matches anything, a line whose first character is `#`
 * is a comment, and the first matching line wins. Nothing here ever puts a password into a
 * message.
 */

export interface PgpassField {
  /** the field with escapes removed */
  value: string;
  /** true for a field written exactly `*` */
  wildcard: boolean;
  column: number;
}

export interface PgpassEntry {
  line: number;
  host: PgpassField;
  port: PgpassField;
  database: PgpassField;
  user: PgpassField;
  password: string;
  passwordColumn: number;
}

export interface PgpassProblem {
  code: "too-few-fields" | "extra-fields";
  line: number;
  column: number;
  message: string;
}

export interface PgpassResult {
  entries: PgpassEntry[];
  problems: PgpassProblem[];
}

const FIELD_NAMES = ["hostname", "port", "database", "username", "password"] as const;

/** Splits a line at unescaped colons; each piece keeps its raw text and start. */
function splitFields(line: string): Array<{ raw: string; start: number }> {
  const out: Array<{ raw: string; start: number }> = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") {
      i++;
      continue;
    }
    if (line[i] === ":") {
      out.push({ raw: line.slice(start, i), start });
      start = i + 1;
    }
  }
  out.push({ raw: line.slice(start), start });
  return out;
}

function pgpassUnescape(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\" && i + 1 < raw.length) i++;
    out += raw[i];
  }
  return out;
}

function column(line: string, offset: number): number {
  return [...line.slice(0, offset)].length + 1;
}

export function parsePgpass(text: string): PgpassResult {
  const entries: PgpassEntry[] = [];
  const problems: PgpassProblem[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    if (raw.startsWith("#")) return;
    const line = raw.replace(/[\r\n]+$/, "");
    if (line.length === 0) return;
    const fields = splitFields(line);
    if (fields.length < 5) {
      problems.push({
        code: "too-few-fields",
        line: n,
        column: column(line, line.length),
        message: `this line has ${fields.length} field${fields.length === 1 ? "" : "s"}; libpq needs 5 (${FIELD_NAMES.join(":")}) and never uses it`,
      });
      return;
    }
    if (fields.length > 5) {
      problems.push({
        code: "extra-fields",
        line: n,
        column: column(line, (fields[5] as { start: number }).start - 1),
        message:
          "an unescaped `:` ends the password: libpq ignores the rest of the line (escape it as `\\:`)",
      });
    }
    const f = (i: number): PgpassField => {
      const x = fields[i] as { raw: string; start: number };
      return { value: pgpassUnescape(x.raw), wildcard: x.raw === "*", column: column(line, x.start) };
    };
    const pw = fields[4] as { raw: string; start: number };
    entries.push({
      line: n,
      host: f(0),
      port: f(1),
      database: f(2),
      user: f(3),
      password: pgpassUnescape(pw.raw),
      passwordColumn: column(line, pw.start),
    });
  });
  return { entries, problems };
}

export interface PgpassFields {
  /** `*` (alone) is the wildcard in the first four fields */
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
}

export class PgpassFormatError extends Error {}

function escapeField(v: string, allowWildcard: boolean): string {
  if (allowWildcard && v === "*") return "*";
  const e = v.replace(/[\\:]/g, (c) => `\\${c}`);
  // a literal `*` must not read as the wildcard
  return e === "*" ? "\\*" : e;
}

/**
 * One .pgpass line. `*` in the first four fields is the wildcard. A value holding a line break
 * (or NUL) cannot be written in the file: that throws a PgpassFormatError naming the field,
 * never the value.
 */
export function formatPgpassLine(f: PgpassFields): string {
  const values = [f.host, f.port, f.database, f.user, f.password];
  values.forEach((v, i) => {
    if (/[\r\n\0]/.test(v)) {
      throw new PgpassFormatError(
        `the ${FIELD_NAMES[i]} field cannot hold a line break or NUL in a password file`,
      );
    }
  });
  const line = values.map((v, i) => escapeField(v, i < 4)).join(":");
  // a line starting with `#` is a comment: escape a leading `#` of the host name
  return line.startsWith("#") ? `\\${line}` : line;
}

export interface PgpassLookup {
  host?: string;
  hostaddr?: string;
  port?: string | number;
  database?: string;
  user: string;
}

export interface PgpassMatchOptions {
  /** the socket directory libpq was built with: a host equal to it matches `localhost` (Debian: /var/run/postgresql) */
  defaultSocketDir?: string;
}

/**
 * The entry libpq uses for a connection: host (else hostaddr; none, or the default socket
 * directory, is `localhost`), port (default 5432), database (default: the user name), user.
 */
export function matchPgpass(
  entries: PgpassEntry[],
  c: PgpassLookup,
  opts: PgpassMatchOptions = {},
): PgpassEntry | null {
  let host = c.host !== undefined && c.host !== "" ? c.host : c.hostaddr;
  if (host === undefined || host === "" || host === (opts.defaultSocketDir ?? "/var/run/postgresql"))
    host = "localhost";
  const port = c.port === undefined || c.port === "" ? "5432" : String(c.port);
  const database = c.database !== undefined && c.database !== "" ? c.database : c.user;
  const ok = (f: PgpassField, v: string): boolean => f.wildcard || f.value === v;
  return (
    entries.find(
      (e) => ok(e.host, host) && ok(e.port, port) && ok(e.database, database) && ok(e.user, c.user),
    ) ?? null
  );
}
