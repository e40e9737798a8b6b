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

/** Drops what only server-scope rules read (they have run). */
export function retainForWorkspace(server: Server): void {
  const hba = server.hba;
  if (!hba) return;
  server.hba = {
    ...hba,
    results: hba.results.map(({ major, result }) => ({
      major,
      result: { ...result, lines: kept(result.lines) },
    })),
  };
}

/**
 * The records workspace rules read, in arrays of their own length: an array grown by push keeps
 * room for 16 elements (~150 bytes), which for a fleet's few kept records is most of their size.
 */
function kept(lines: readonly HbaLine[]): HbaLine[] {
  const out: HbaLine[] = [];
  for (const l of lines) {
    if (!workspaceReads(l)) continue;
    out.push({ ...l, databases: l.databases.slice(), users: l.users.slice(), options: l.options.slice() });
  }
  return out.slice();
}
