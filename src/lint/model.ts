/**
 * What lint sees: the servers (PostgreSQL nodes) and specs discovered from the PATHs, each
 * fact with the file, line and column it came from. Rules read this model; they never touch
 * the filesystem themselves, so every rule is a pure function of what discovery gathered.
 */
import type { ConfTree } from "../pg/conf/index.js";
import type { HbaResult } from "../pg/hba/index.js";
import type { Topology } from "../spec/model.js";
import type { Problem } from "../util/diagnostic.js";

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/** error > warning > info: a higher rank is more severe. */
export function severityRank(s: Severity): number {
  return s === "error" ? 3 : s === "warning" ? 2 : 1;
}

/** One finding as the formatters print it. `file` is as the user gave it (or absolute). */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  /** 1-based; null for a finding about a whole file or a missing file */
  line: number | null;
  /** 1-based, in characters; null when line is null or the finding is about a whole line */
  column: number | null;
  /** the node the finding is about, when lint knows its name */
  node?: string;
}

/** What kind of fact a read failure hides, so unreadable-file can name the rules that did not run. */
export type FactKind = "conf" | "hba" | "datadir" | "spec";

/** A file or directory of a tree that lint could not read (not a PATH the user gave). */
export interface ReadGap {
  /** absolute path */
  path: string;
  /** lowercase phrase: "permission denied", "does not exist", … */
  reason: string;
  hides: FactKind;
  /** the file's owner, when stat(2) could see it (to say who can read it) */
  owner?: string;
}

export interface FileStat {
  /** permission bits and type bits, as stat(2) st_mode */
  mode: number;
  uid: number;
  gid: number;
  /** user name of uid, when /etc/passwd names it */
  user?: string;
}

/** An entry of a data directory owned by someone other than the expected owner. */
export interface ForeignOwned {
  /** path relative to the data directory (a top-level entry) */
  entry: string;
  /** whether the entry itself has the wrong owner */
  self: boolean;
  /** how many files and directories at or under it have the wrong owner (itself included) */
  count: number;
  uid: number;
  user?: string;
}

/** A data directory, or a copy of one (config-in-data-dir layouts, rendered node dirs). */
export interface DataDir {
  /** absolute path */
  path: string;
  /** how lint came to it */
  via: "path" | "data_directory" | "rendered";
  /** a real data directory: PG_VERSION is there (file-system rules only run on these) */
  real: boolean;
  /** stat of the directory itself; null when it cannot be stat'ed */
  stat: FileStat | null;
  /** the directory can be listed; when false, `signals` are unknown */
  readable: boolean;
  pgVersion: { text: string; major: number | undefined } | null;
  /** presence of each file; null when the directory cannot be read */
  standbySignal: boolean | null;
  recoverySignal: boolean | null;
  recoveryConf: boolean | null;
  /** data checksums on or off, as global/pg_control says; null when it cannot be read or understood */
  dataChecksums: boolean | null;
  /** the database system identifier in global/pg_control (decimal); a standby shares its upstream's */
  systemIdentifier?: string;
  /** the owner the server must run as, and why lint thinks so; undefined when not known */
  expectedOwner?: { uid: number; user?: string; because: string };
  /** entries not owned by expectedOwner (only gathered when file-system rules run) */
  foreignOwned: ForeignOwned[];
  /** the walk stopped after this many entries (very large data directories) */
  walkTruncatedAt?: number;
}

export interface HbaFacts {
  /** absolute path of the pg_hba.conf read */
  file: string;
  /**
   * The file as each candidate major reads it, newest last (see Server.majors). One entry
   * when the version is known.
   */
  results: Array<{ major: number; result: HbaResult }>;
}

/** A password file libpq would read for this server's primary_conninfo. */
export interface PassFile {
  /** absolute path */
  path: string;
  /** why lint thinks libpq reads it: "`passfile` in primary_conninfo", "the default of `postgres`" */
  because: string;
  /** null when it cannot be stat'ed (missing, or a directory on the way lint may not search) */
  stat: FileStat | null;
}

/** Where a server's files came from. */
export type ServerOrigin = "debian" | "config-dir" | "data-dir" | "file" | "rendered";

/** One PostgreSQL node as lint can see it. */
export interface Server {
  kind: "server";
  /** stable identity for de-duplication: the canonical path of its config or data directory */
  id: string;
  /** how it is named in messages: `15/main`, a rendered node's name, or a path */
  name: string;
  origin: ServerOrigin;
  /** PostgreSQL major version, when known */
  major: number | undefined;
  /** where the version came from: "the path", "PG_VERSION", "--postgres", … */
  majorFrom: string | undefined;
  /** postgresql.conf (or the one file linted), absolute; null when only a data dir or pg_hba.conf */
  configFile: string | null;
  conf: ConfTree | null;
  /**
   * recovery.conf (postgresql.conf syntax), when the tree holds one: what PostgreSQL 11 and
   * older read for a standby (primary_conninfo, standby_mode, restore_command); 12+ refuse it.
   */
  recovery?: ConfTree;
  /** the version is this major *or older* (inferred from recovery.conf, which 12+ do not read) */
  majorOrOlder?: boolean;
  /** the line the version was inferred from, when it came from a setting (recovery.conf) */
  majorAt?: { file: string; line: number | null; column?: number | null };
  hba: HbaFacts | null;
  /**
   * Absolute paths the configuration names that do not exist here, and the file beside
   * postgresql.conf lint read instead (a config repository's own pg_hba.conf).
   */
  relocated?: Array<{
    /** the setting that names the path (`hba_file`), where it is written */
    setting: { name: string; file: string; line: number; column: number };
    named: string;
    used: string;
  }>;
  dataDir: DataDir | null;
  /** modes of the config files read (only gathered when file-system rules run) */
  fileStats?: Map<string, FileStat | null>;
  /** password files libpq reads for primary_conninfo (only gathered when file-system rules run) */
  passfiles?: PassFile[];
  /** rendered nodes: the address others connect to (plan.json) */
  host?: string;
  /** rendered nodes: the address the node connects from, when plan.json names one other than `host` */
  sourceAddress?: string;
  /**
   * Where others reach the server, as the run was told (lint/place.ts): a `servers:` entry of
   * .pgrepl-gen.yaml, or the node of a topology spec linted with it.
   */
  known?: Array<{ host: string; port: string; because: string }>;
  gaps: ReadGap[];
}

export interface SpecTarget {
  kind: "spec";
  /** absolute path */
  file: string;
  topology: Topology | null;
  /** problems of the spec, with positions; empty when topology is set */
  problems: Problem[];
}

export type Target = Server | SpecTarget;

/** A text file lint read, kept for suppression comments. */
export interface SourceText {
  /** absolute path */
  path: string;
  text: string;
  /** how comments are written in it */
  syntax: "conf" | "hba" | "yaml";
}

/** Everything discovery found for one lint run. */
export interface Workspace {
  servers: Server[];
  specs: SpecTarget[];
  /** the text of every file read, by absolute path */
  texts: Map<string, SourceText>;
  /** the PATHs as given and where they resolve to, for showing paths as the user wrote them */
  roots: Array<{ given: string; abs: string }>;
}
