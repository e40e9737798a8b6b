import { join } from "node:path";
import { SUPPORTED_MAJORS } from "../../pg/catalog/index.js";
import type { Server } from "../model.js";
import type { Rule } from "../rule.js";

/** Where the version came from, to point the finding at it: PG_VERSION, a recovery.conf line, the tree. */
function source(server: Server): { file: string; line: number | null; column?: number | null } {
  if (server.majorAt) return server.majorAt;
  if (server.majorFrom === "PG_VERSION" && server.dataDir)
    return { file: join(server.dataDir.path, "PG_VERSION"), line: null };
  return { file: server.configFile ?? server.hba?.file ?? server.dataDir?.path ?? server.id, line: null };
}

/**
 * A tree of a major outside 12–18 (PG_VERSION 11, `9.6`, a path `/etc/postgresql/10/main`, or a
 * recovery.conf with `standby_mode`): lint has no catalogue for it, so it says once what it still
 * judged (what no version changes) and what it did not.
 */
export const versionUnsupported: Rule = {
  name: "version-unsupported",
  severity: "info",
  summary: "a tree of a postgresql major outside 12–18 (says what was still checked)",
  reads: ["conf", "datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      if (server.major === undefined || ctx.majorsOf(server).length > 0) continue;
      const text =
        server.majorFrom === "PG_VERSION" ? (server.dataDir?.pgVersion?.text ?? "") : String(server.major);
      const version = server.majorOrOlder ? `postgresql ${text} or older` : `postgresql ${text}`;
      ctx.report({
        ...source(server),
        message: `this tree is ${version} (${server.majorFrom}), outside the versions lint knows (${SUPPORTED_MAJORS[0]}–${SUPPORTED_MAJORS.at(-1)}): parameters, their values and the standby setup were not judged; what does not depend on the version was (passwords and TLS in every primary_conninfo, pg_hba.conf weaknesses, file modes)`,
        server,
      });
    }
  },
};
