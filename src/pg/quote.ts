/**
 * The one quoting function per target language. Every value from a spec that reaches a
 * shell line, SQL statement, GUC string, conninfo string or pg_hba field goes through here.
 */

/** POSIX shell word: single-quoted unless it is plainly safe. */
export function shellQuote(value: string): string {
  if (value !== "" && /^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** SQL identifier (role, database): always double-quoted, `"` doubled. */
export function sqlIdent(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** SQL string literal: `'` doubled; standard_conforming_strings is on since 9.1, so `\` is literal. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A value for postgresql.conf / postgresql.auto.conf: single-quoted, with `'` doubled and `\`
 * doubled (the config lexer treats backslash as an escape inside quotes, GUC_scanstr).
 */
export function gucString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** A libpq keyword/value conninfo value: quoted only when needed, `\` and `'` escaped. */
export function conninfoValue(value: string): string {
  if (value !== "" && !/[\s'\\]/.test(value)) return value;
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** One element of synchronous_standby_names: always double-quoted (first/any are keywords there). */
export function syncStandbyName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A pg_hba.conf field: double-quoted when it holds characters the hba tokenizer splits on. */
export function hbaField(value: string): string {
  if (/^[A-Za-z0-9_.:/-]+$/.test(value) && !["all", "sameuser", "samerole", "replication"].includes(value)) {
    return value;
  }
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * Text from a user's file (a token, a path, a value) inside a one-line message: C0, DEL and C1
 * control characters become `\xNN`, so a file cannot break the line or drive the terminal
 * (ESC and U+009B start escape sequences) through a finding.
 */
export function messageText(value: string): string {
  let out = "";
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}
