import type { Rule } from "../rule.js";
import { nodesOf, viewOf } from "../topology.js";

/**
 * Standbys streaming from one upstream, all linted together, that send the same
 * application_name; or one sending the default `walreceiver` (no application_name in
 * primary_conninfo, no cluster_name). Standbys whose upstream is not among the linted servers
 * are not judged: lint cannot tell whether they share one.
 */
export const applicationNameCollision: Rule = {
  name: "application-name-collision",
  severity: "warning",
  summary: "two standbys with the same application_name, or the default `walreceiver` (topology)",
  reads: ["conf", "datadir"],
  scope: "workspace",
  check(ctx) {
    const seen = new Map<string, string>();
    for (const node of nodesOf(ctx.servers)) {
      if (!node.standby || !node.conninfo || !node.upstream) continue;
      // a rendered node and the tree of its host are two views of one standby, not two standbys
      const key = `${viewOf(node)}\0${node.upstream.server.id}\0${node.applicationName.toLowerCase()}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, node.server.name);
      if (node.applicationNameFrom === "default") {
        ctx.report({
          at: node.conninfo,
          message: `this standby of \`${node.upstream.server.name}\` sends the default application_name \`walreceiver\` (no \`application_name\` in \`primary_conninfo\`, no \`cluster_name\`): synchronous_standby_names cannot tell it from another standby`,
          server: node.server,
        });
      } else if (first !== undefined) {
        ctx.report({
          at: node.conninfo,
          message: `application_name \`${node.applicationName}\`${node.applicationNameFrom === "cluster_name" ? " (from `cluster_name`)" : ""} is also sent by \`${first}\` to \`${node.upstream.server.name}\`: synchronous_standby_names cannot tell them apart`,
          server: node.server,
        });
      }
    }
  },
};
