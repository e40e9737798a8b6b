import type { Rule } from "../rule.js";
import { nodesOf, reportSpecProblems } from "../topology.js";

/**
 * A standby whose upstream is no node: in a spec, an `upstream` naming no node; in rendered
 * output (which holds every node), a primary_conninfo reaching none of them. Config trees
 * linted together are not judged: the upstream may simply not be among them.
 */
export const topologyUnknownUpstream: Rule = {
  name: "topology-unknown-upstream",
  severity: "error",
  summary: "an upstream naming no node",
  reads: ["spec", "conf"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "topology-unknown-upstream");
    for (const node of nodesOf(ctx.servers)) {
      if (node.server.origin !== "rendered" || !node.standby || !node.conninfo || node.upstream) continue;
      if (node.upstreamHost === undefined) continue;
      ctx.report({
        at: node.conninfo,
        message: `\`primary_conninfo\` connects to \`${node.upstreamHost}\` port ${node.upstreamPort}, which is no node of this rendered output`,
        server: node.server,
      });
    }
  },
};
