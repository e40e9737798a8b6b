/**
 * What lint keeps of a server once its server-scope rules have run: everything but the pg_hba.conf
 * records no workspace rule reads. Workspace rules (hba-missing-replication,
 * replication-unencrypted, listen-addresses-local) look at an upstream's records that admit
 * replication, and at its non-local records for database `all` (the hint that `all` does not
 * match replication). A fleet's other records are most of its memory (about 1.5 KB each).
 * test/lint-stream.test.ts runs every workspace rule with and without this and compares.
 */
import type { HbaLine } from "../pg/hba/index.js";
import { admitsReplication, remoteForAllDatabases } from "./facts.js";
import type { Server } from "./model.js";

/** The records workspace rules read (facts.ts: the predicates those rules use). */
function workspaceReads(line: HbaLine): boolean {
  return admitsReplication(line) || remoteForAllDatabases(line);
}

/**
 * Drops what only server-scope rules read (they have run). `textsLetGo`: the pg_hba.conf texts
 * will be let go (no excerpts), so the kept records must hold no part of them; while the texts
 * stay anyway (text output shows excerpts), copying would only allocate.
 */
export function retainForWorkspace(server: Server, textsLetGo: boolean): void {
  const hba = server.hba;
  if (!hba) return;
  server.hba = {
    ...hba,
    results: hba.results.map(({ major, result }) => ({
      major,
      result: { ...result, lines: kept(result.lines, textsLetGo) },
    })),
  };
}

/**
 * The records workspace rules read, as copies that hold no part of the file's text: a record's raw
 * text and any token of 13 characters or more are slices of the whole pg_hba.conf (V8 makes a
 * substring that long a view into its parent), so one kept record kept the whole text alive, 9.4 MB
 * of a 1 000-tree fleet's heap after discovery had let go of the texts. Arrays have their own
 * length (one grown by push keeps room for 16 elements).
 */
function kept(lines: readonly HbaLine[], copy: boolean): HbaLine[] {
  const records = lines.filter(workspaceReads);
  if (!copy) return records;
  const strings = new Map<string, string>();
  return records.map((l) => detached(l, strings));
}

/** v with every string long enough to be a slice copied (equal ones copied once), arrays and plain objects rebuilt. */
function detached<T>(v: T, strings: Map<string, string>): T {
  if (typeof v === "string") {
    if (v.length < 13) return v;
    let copy = strings.get(v);
    if (copy === undefined) {
      copy = JSON.parse(JSON.stringify(v)) as string; // a new flat string, lone surrogates and all
      strings.set(copy, copy);
    }
    return copy as T;
  }
  if (Array.isArray(v)) return v.map((x) => detached(x, strings)) as T;
  if (v !== null && typeof v === "object") {
    // (a spread copy has its properties in the object; added one by one, most went to a side array)
    const o = { ...v } as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = detached(o[k], strings);
    return o as T;
  }
  return v;
}
