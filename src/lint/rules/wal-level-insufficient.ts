import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, intSetting, nodesOf, reportSpecProblems } from "../topology.js";

/**
 * wal_level = minimal where replication is configured. With max_wal_senders above zero (its
 * default is 10) the server refuses to start; a standby cannot stream minimal WAL either.
 */
export const walLevelInsufficient: Rule = {
  name: "wal-level-insufficient",
  severity: "error",
  summary: "wal_level = minimal where replication is configured",
  reads: ["conf", "spec"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "wal-level-insufficient");
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const s = effective(node.server, "wal_level");
      if (s?.value.trim().toLowerCase() !== "minimal") continue;
      const senders = intSetting(node.server, "max_wal_senders", node.server.major);
      const why =
        senders !== undefined && senders > 0
          ? `\`max_wal_senders\` is ${senders}, so the server refuses to start (WAL streaming requires \`replica\` or \`logical\`)`
          : downstreamsOf(nodes, node).length > 0
            ? "standbys stream from this server, and minimal WAL cannot feed them"
            : node.sync
              ? "`synchronous_standby_names` is set, and minimal WAL cannot feed a standby"
              : node.standby
                ? "this is a standby: it must run with `replica` or `logical` to be promoted or cascaded"
                : undefined;
      if (why === undefined) continue;
      ctx.report({
        at: s,
        message: `\`wal_level = minimal\` where replication is configured: ${why}`,
        server: node.server,
      });
    }
  },
};
