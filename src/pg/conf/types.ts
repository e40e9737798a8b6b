/** What the postgresql.conf parser returns: settings, problems and includes, each with its position. */

export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

export interface ConfSetting {
  /** the name as written (`Work_Mem`, `pgrg.x`) */
  name: string;
  /** the name as the server compares it: ASCII-lowercased */
  key: string;
  /** the value after de-quoting and escapes */
  value: string;
  /** the value token exactly as written (with its quotes) */
  raw: string;
  quoted: boolean;
  file: string;
  line: number;
  /** column of the name */
  column: number;
  /** column of the first character of the value token (its opening quote when quoted) */
  valueColumn: number;
  /** column just after the value token */
  valueEndColumn: number;
  /** position in the server's list of items (pg_file_settings.seqno), 1-based */
  seq: number;
  /** "main" for postgresql.conf and its includes, "auto" for postgresql.auto.conf and its includes */
  source: "main" | "auto";
  /**
   * For each character (code point) of value, the column it came from, so a finding inside
   * a value (a conninfo keyword at column c of the value) points into the file:
   * valueColumnOf(setting, c). Most values sit on their line one column per character: those
   * keep only the first column and the length (a fleet's settings held an array each).
   */
  valueColumns: ValueColumns;
}

/** The columns of a value's characters: each one, or `first` + k when they run on without a gap. */
export type ValueColumns = readonly number[] | { readonly first: number; readonly length: number };

export type ConfProblemCode =
  | "syntax"
  | "too-many-errors"
  | "include-missing"
  | "include-empty-name"
  | "include-dir-missing"
  | "include-dir-stat"
  | "include-depth"
  | "include-cycle"
  | "include-recursion"
  | "unreadable"
  | "is-directory"
  | "not-regular-file";

export interface ConfProblem {
  code: ConfProblemCode;
  file: string;
  /** null for a problem about the whole (top-level) file */
  line: number | null;
  column: number | null;
  message: string;
  seq: number;
  /**
   * What the server records for it in pg_file_settings (sourcefile, sourceline, error), or
   * null when the server records nothing (it skips the file silently, or would hang on it).
   * The server's line can differ from ours: a syntax error at the end of a last line that has
   * no newline is reported one line too early by the server.
   */
  server: { file: string | null; line: number; error: string } | null;
  /** for "syntax": the server's log text, `near token "x"` or `near end of line` */
  near?: string;
}

export interface IncludeDirective {
  kind: "include" | "include_if_exists" | "include_dir";
  /** the path as written */
  target: string;
  /** the absolute path the server resolves it to */
  resolved: string;
  file: string;
  line: number;
  column: number;
  valueColumn: number;
  /** files actually read because of it */
  files: string[];
}

export interface ConfFileRead {
  path: string;
  depth: number;
  source: "main" | "auto";
  /** include directives from the top file to this one (empty for a top file) */
  chain: SourceRef[];
}

export interface ConfTree {
  /** every setting in the order the server lists them (pg_file_settings), earlier ones included */
  settings: ConfSetting[];
  /** the setting that wins for each key (last one), when the server would apply the files */
  effective: Map<string, ConfSetting>;
  problems: ConfProblem[];
  includes: IncludeDirective[];
  files: ConfFileRead[];
  /** the postgresql.auto.conf path considered, or null when none */
  autoConf: string | null;
  /**
   * false when the server would not read postgresql.auto.conf: it stops after the main file
   * when that has any error. Its settings are still parsed here (source "auto"), for lint.
   */
  serverReadsAutoConf: boolean;
}

export interface ParseConfOptions {
  /** absolute path of postgresql.conf */
  configFile: string;
  /**
   * the data directory, where postgresql.auto.conf lives; default: the `data_directory` the
   * main file sets, else the directory of configFile. `null`: do not read postgresql.auto.conf.
   */
  dataDir?: string | null;
  /** the server's major version (12–18): 12–14 write and compare include paths differently; default 18 */
  major?: number;
  /**
   * Stop each file at its first syntax error, as the server does when it logs below LOG
   * (backends reloading, and the pg_file_settings view). Default false: every error, as at
   * startup and in the postmaster's reload.
   */
  firstErrorOnly?: boolean;
}

/** The file column of the character at 1-based column `c` of a setting's value (clamped to the value). */
export function valueColumnAt(s: ConfSetting, c: number): number {
  if (s.valueColumns.length === 0) return s.valueColumn;
  return valueColumnOf(s, Math.min(Math.max(c, 1), s.valueColumns.length)) as number;
}

/** The file column of the character at 1-based column `c` of a setting's value; undefined outside it. */
export function valueColumnOf(s: ConfSetting, c: number): number | undefined {
  const v = s.valueColumns;
  if (!Number.isInteger(c) || c < 1 || c > v.length) return undefined;
  return "first" in v ? v.first + c - 1 : v[c - 1];
}
