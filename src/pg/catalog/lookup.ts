/**
 * The catalogue's lookups: which parameters a major has (by any spelling the server accepts),
 * their types, units, ranges and contexts, suggestions, and what replaced a removed parameter.
 * Read from the generated data (data.ts, params.json) one name at a time.
 */

import { asciiLower } from "../../util/ascii.js";
import { closest } from "../../util/suggest.js";
import { lookupTable } from "../../util/table.js";
import { allParams, type RawParam, rawAlias, rawParam, rawUnlisted, rawVersion } from "./data.js";

// ---------------------------------------------------------------------------------------
// Types

/** Majors the catalogue covers, ascending. */
export const SUPPORTED_MAJORS = [12, 13, 14, 15, 16, 17, 18] as const;
export type SupportedMajor = (typeof SUPPORTED_MAJORS)[number];

export function isSupportedMajor(n: number): n is SupportedMajor {
  return (SUPPORTED_MAJORS as readonly number[]).includes(n);
}

export type ParamType = "bool" | "integer" | "real" | "string" | "enum";

/** pg_settings.context: when a new value takes effect (postmaster = restart, sighup = reload). */
export type ParamContext =
  | "internal"
  | "postmaster"
  | "sighup"
  | "superuser-backend"
  | "backend"
  | "superuser"
  | "user";

export interface ParamInfo {
  /** Spelled as pg_settings spells it (a few are mixed case: DateStyle, TimeZone, IntervalStyle). */
  readonly name: string;
  readonly type: ParamType;
  /** pg_settings.unit: the base unit integers and reals are stored in ("8kB", "kB", "MB", "B", "ms", "s", "min"). */
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  /** Enum values pg_settings lists. */
  readonly enumvals?: readonly string[];
  /** Enum values the server accepts but does not list (guc_tables.c marks them hidden), e.g. wal_level's "hot_standby". */
  readonly enumHidden?: readonly string[];
  /**
   * Enum values that exist only in servers built with a configure option, value -> option
   * (e.g. wal_compression "lz4" -> "--with-lz4"). Debian's and PGDG's packages have them; the
   * binaries the catalogue was read from do not. checkValue accepts them.
   */
  readonly enumBuild?: Readonly<Record<string, string>>;
  /** pg_settings.boot_val: the compiled-in default, in the base unit; null where the server has none. */
  readonly bootVal: string | null;
  readonly context: ParamContext;
  /** Every supported major that has the parameter. */
  readonly majors: readonly SupportedMajor[];
}

export interface RemovedParam {
  /** The first major without it (9.5 for a pre-10 removal). */
  readonly removedIn: number;
  /** A parameter of the queried major that took its place, if any. */
  readonly replacement?: string;
  /** What to do instead, when it is not a simple rename (lowercase). */
  readonly note?: string;
}

// ---------------------------------------------------------------------------------------
// The generated data, indexed on first use

/**
 * What has been looked up for a major. Built on demand, one name at a time: a lint run asks for
 * a few dozen of the ~350 parameters, and resolving them all cost more than the rest of the rule.
 */
interface MajorIndex {
  /** lower-case name -> info, or null when the major has no such parameter */
  params: Map<string, ParamInfo | null>;
  /** pg_settings spellings, sorted (for suggestions; built when first asked for) */
  names: readonly string[] | undefined;
}

const indexes = new Map<SupportedMajor, MajorIndex>();

function indexFor(major: SupportedMajor): MajorIndex {
  let idx = indexes.get(major);
  if (!idx) {
    idx = { params: new Map(), names: undefined };
    indexes.set(major, idx);
  }
  return idx;
}

/** The parameter of a major by its lower-case listed name (no aliases). */
function listed(major: SupportedMajor, key: string): ParamInfo | undefined {
  const idx = indexFor(major);
  let info = idx.params.get(key);
  if (info === undefined) {
    const p = rawParam(key);
    info = p?.majors.includes(major) ? resolve(key, p, major) : null;
    idx.params.set(key, info);
  }
  return info ?? undefined;
}

/** obsolete lower-case name -> lower-case current name in this major (guc.c's map_old_guc_names) */
function aliasOf(major: SupportedMajor, key: string): string | undefined {
  const a = rawAlias(key);
  return a?.majors.includes(major) ? asciiLower(a.target) : undefined;
}

/** lower-case names the server accepts that pg_settings does not list */
export function unlisted(major: SupportedMajor, key: string): boolean {
  return rawUnlisted(key)?.includes(major) === true;
}

function resolve(key: string, p: RawParam, major: SupportedMajor): ParamInfo {
  const merged: Record<string, unknown> = {
    name: p.name ?? key,
    type: p.type,
    unit: p.unit,
    min: p.min,
    max: p.max,
    enumvals: p.enumvals,
    enumHidden: p.enumHidden,
    enumBuild: p.enumBuild,
    bootVal: p.bootVal,
    context: p.context,
  };
  const diff = p.byMajor?.[String(major)];
  if (diff) {
    for (const [field, value] of Object.entries(diff)) merged[field] = value ?? undefined;
  }
  merged.majors = p.majors.filter(isSupportedMajor);
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return Object.freeze(merged) as unknown as ParamInfo;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------
// Lookups

/** The PostgreSQL release the catalogue was read from for a major, e.g. "15.18". */
export function catalogServerVersion(major: SupportedMajor): string {
  return rawVersion(String(major)) ?? "";
}

/**
 * A parameter of a major, by any spelling the server accepts (case-insensitive; obsolete
 * aliases like sort_mem resolve to the current parameter). Undefined when the major does
 * not have it, or when it is one of the few the server accepts but pg_settings does not
 * list (see isKnownParam).
 */
export function getParam(major: number, name: string): ParamInfo | undefined {
  if (!isSupportedMajor(major)) return undefined;
  const key = asciiLower(name);
  const direct = listed(major, key);
  if (direct) return direct;
  const target = aliasOf(major, key);
  return target === undefined ? undefined : listed(major, target);
}

/**
 * Whether the server of this major accepts the name in postgresql.conf at all: a listed
 * parameter, an obsolete alias, or an unlisted one (GUC_NO_SHOW_ALL: seed, role,
 * default_with_oids, …). Names with a dot are custom placeholders, accepted by every server
 * and not covered by the catalogue.
 */
export function isKnownParam(major: number, name: string): boolean {
  if (!isSupportedMajor(major)) return false;
  const key = asciiLower(name);
  return getParam(major, key) !== undefined || unlisted(major, key);
}

/** The current name an obsolete spelling maps to in this major (sort_mem -> work_mem), else undefined. */
export function aliasTarget(major: number, name: string): string | undefined {
  if (!isSupportedMajor(major)) return undefined;
  const target = aliasOf(major, asciiLower(name));
  return target === undefined ? undefined : getParam(major, target)?.name;
}

/** Every parameter pg_settings lists for a major, as it spells them, sorted. */
export function paramNames(major: number): readonly string[] {
  if (!isSupportedMajor(major)) return [];
  const idx = indexFor(major);
  idx.names ??= Object.entries(allParams())
    .filter(([, p]) => p.majors.includes(major))
    .map(([key, p]) => p.name ?? key)
    .sort((a, b) => cmp(asciiLower(a), asciiLower(b)));
  return idx.names;
}

/** The supported majors that have a parameter (empty when none does). */
export function paramMajors(name: string): readonly SupportedMajor[] {
  const key = asciiLower(name);
  const p = rawParam(key) ?? rawParam(rawAlias(key)?.target ?? "");
  return p ? p.majors.filter(isSupportedMajor) : [];
}

/** Whether changing the parameter takes a server restart (context postmaster); undefined if unknown. */
export function needsRestart(major: number, name: string): boolean | undefined {
  const p = getParam(major, name);
  return p === undefined ? undefined : p.context === "postmaster";
}

/** The closest parameter name of the major, for "did you mean"; undefined when nothing is close. */
export function suggestParam(major: number, name: string): string | undefined {
  return closest(name, paramNames(major), asciiLower);
}

// What took the place of parameters that disappeared. Which majors have a parameter comes
// from the data; only these explanations are written by hand.
const REMOVED_EXPLAINED: Readonly<Record<string, { replacement?: string; note?: string }>> = lookupTable({
  wal_keep_segments: {
    replacement: "wal_keep_size",
    note: "wal_keep_size is in megabytes: wal_keep_segments × wal_segment_size (16MB unless initdb chose otherwise)",
  },
  promote_trigger_file: { note: "promote with pg_ctl promote or select pg_promote()" },
  vacuum_defer_cleanup_age: { note: "use hot_standby_feedback or a physical replication slot instead" },
  force_parallel_mode: { replacement: "debug_parallel_query" },
  stats_temp_directory: { note: "the statistics are kept in shared memory since 15" },
  lc_collate: { note: "it only reported the database's collation, which pg_database shows" },
  lc_ctype: { note: "it only reported the database's character classification, which pg_database shows" },
  ssl_ecdh_curve: { replacement: "ssl_groups" },
});

// recovery.conf became parameters of postgresql.conf in 12; these did not survive the move.
const REMOVED_BEFORE_12: Readonly<Record<string, RemovedParam>> = lookupTable({
  standby_mode: { removedIn: 12, note: "create standby.signal in the data directory instead" },
  trigger_file: { removedIn: 12, replacement: "promote_trigger_file" },
  checkpoint_segments: { removedIn: 9.5, replacement: "max_wal_size" },
});

/**
 * Why a parameter an earlier major had is missing from this one: the first major without
 * it and what replaced it. Undefined when this major accepts the name, or when no earlier
 * supported major had it (a parameter that only exists in later majors is not "removed";
 * see paramMajors).
 */
export function removedParam(major: number, name: string): RemovedParam | undefined {
  if (!isSupportedMajor(major) || isKnownParam(major, name)) return undefined;
  const key = asciiLower(name);
  const explained = REMOVED_EXPLAINED[key];
  let removed: RemovedParam | undefined;
  const p = rawParam(key);
  if (p) {
    const earlier = p.majors.filter((m) => m < major);
    const lastIn = earlier[earlier.length - 1];
    if (lastIn === undefined) return undefined;
    const removedIn = SUPPORTED_MAJORS.find((m) => m > lastIn && !p.majors.includes(m)) ?? major;
    removed = { removedIn, ...explained };
  } else {
    removed = REMOVED_BEFORE_12[key];
  }
  if (!removed) return undefined;
  const { replacement } = removed;
  if (replacement !== undefined && !getParam(major, replacement)) {
    // The replacement is gone too (trigger_file -> promote_trigger_file -> nothing in 16).
    const next = removedParam(major, replacement);
    const rest: { removedIn: number; note?: string } = { removedIn: removed.removedIn };
    const note = removed.note ?? next?.note;
    if (note !== undefined) rest.note = note;
    return next?.replacement !== undefined ? { ...rest, replacement: next.replacement } : rest;
  }
  return removed;
}
