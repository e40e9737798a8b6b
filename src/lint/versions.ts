/**
 * What the settings of a tree say about its PostgreSQL version: recovery.conf settings only
 * PostgreSQL 11 and older read, and the majors that know every parameter a file sets (a file
 * with `wal_keep_size` is not 12's; one with `wal_keep_segments` and `summarize_wal` is no
 * major's at all).
 */
import { paramMajors } from "../pg/catalog/index.js";
import type { ConfSetting, ConfTree } from "../pg/conf/index.js";
import type { Server } from "./model.js";

/** recovery.conf parameters that exist only up to 11 (12 moved recovery into postgresql.conf). */
const UP_TO_11 = ["standby_mode", "trigger_file"] as const;

/** `standby_mode` or `trigger_file` in recovery.conf: the tree is PostgreSQL 11 or older. */
export function majorFromRecovery(
  recovery: ConfTree | undefined,
): { major: 11; at: ConfSetting } | undefined {
  for (const key of UP_TO_11) {
    const s = recovery?.effective.get(key);
    if (s) return { major: 11, at: s };
  }
  return undefined;
}

/** The settings of the server's configuration that the catalogue knows in at least one supported major. */
function cataloguedSettings(server: Server): Array<{ setting: ConfSetting; majors: readonly number[] }> {
  const out: Array<{ setting: ConfSetting; majors: readonly number[] }> = [];
  const seen = new Set<string>();
  for (const s of server.conf?.settings ?? []) {
    if (s.key.includes(".") || seen.has(s.key)) continue;
    seen.add(s.key);
    const majors = paramMajors(s.key);
    // unknown names, and names gone before 12 (standby_mode), are other rules' findings
    if (majors.length > 0) out.push({ setting: s, majors });
  }
  return out;
}

/**
 * The candidate majors whose servers know every parameter the configuration sets: what the
 * tree can be. Empty when no candidate does (see incompatiblePair).
 */
export function possibleMajors(server: Server, candidates: readonly number[]): number[] {
  const settings = cataloguedSettings(server);
  return candidates.filter((m) => settings.every((s) => s.majors.includes(m)));
}

export interface IncompatiblePair {
  /** the parameter that is gone first */
  older: ConfSetting;
  /** its last major */
  lastIn: number;
  /** the parameter that arrives last */
  newer: ConfSetting;
  /** its first major */
  firstIn: number;
}

/**
 * Two settings no single major accepts together, when there are any among the candidates:
 * the one whose last major is earliest and the one whose first major is latest (a parameter's
 * majors are one range, so the file fits no major exactly when these two do not overlap).
 */
export function incompatiblePair(
  server: Server,
  candidates: readonly number[],
): IncompatiblePair | undefined {
  if (candidates.length === 0) return undefined;
  let older: { setting: ConfSetting; last: number } | undefined;
  let newer: { setting: ConfSetting; first: number } | undefined;
  for (const { setting, majors } of cataloguedSettings(server)) {
    const inRange = majors.filter((m) => candidates.includes(m));
    if (inRange.length === 0) continue;
    const last = Math.max(...inRange);
    const first = Math.min(...inRange);
    if (!older || last < older.last) older = { setting, last };
    if (!newer || first > newer.first) newer = { setting, first };
  }
  if (!older || !newer || older.last >= newer.first) return undefined;
  return { older: older.setting, lastIn: older.last, newer: newer.setting, firstIn: newer.first };
}
