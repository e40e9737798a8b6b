import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, intSetting, nodesOf, reportSpecProblems } from "../topology.js";

/**
 * max_wal_senders below the standbys that stream from a server plus one base backup
 * (pg_basebackup takes a sender, two with its WAL stream). Standbys are counted among the
 * servers linted together; a server with synchronous_standby_names and no senders at all is
 * reported even alone.
 */
export const walSendersInsufficient: Rule = {
  name: "wal-senders-insufficient",
  severity: "error",
  summary: "max_wal_senders below standbys + base-backup headroom",
  reads: ["conf", "spec"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "wal-senders-insufficient");
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const senders = intSetting(node.server, "max_wal_senders", node.server.major);
      if (senders === undefined) continue;
      const down = downstreamsOf(nodes, node).length;
      const needed = down > 0 ? down + 1 : node.sync ? 1 : 0;
      if (senders >= needed) continue;
      const s = effective(node.server, "max_wal_senders");
      const what =
        down > 0
          ? `${down} standby${down === 1 ? "" : "s"} linted with it stream${down === 1 ? "s" : ""} from this server, plus one base backup`
          : "`synchronous_standby_names` is set, so standbys must be able to connect";
      ctx.report({
        ...(s ? { at: s } : { file: node.server.configFile ?? node.server.id, line: null }),
        message: `\`max_wal_senders\` is ${senders}${s ? "" : " (the default)"} but ${needed} ${needed === 1 ? "is" : "are"} needed: ${what}`,
        server: node.server,
      });
    }
  },
};
