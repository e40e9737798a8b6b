import type { Rule } from "../rule.js";
import { type Node, nodesOf, reportSpecProblems } from "../topology.js";

/** Upstreams forming a cycle: in a spec, or among standbys linted together (each streaming from the next). */
export const topologyUpstreamCycle: Rule = {
  name: "topology-upstream-cycle",
  severity: "error",
  summary: "cascading upstreams forming a cycle",
  reads: ["spec", "conf"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "topology-upstream-cycle");
    for (const node of nodesOf(ctx.servers)) {
      if (!node.conninfo || !node.upstream) continue;
      const chain = [node];
      let cur: Node | undefined = node.upstream;
      while (cur && !chain.includes(cur)) {
        chain.push(cur);
        cur = cur.upstream;
      }
      if (cur !== node) continue;
      ctx.report({
        at: node.conninfo,
        message: `upstreams form a cycle: ${[...chain, node].map((n) => `\`${n.server.name}\``).join(" → ")}; no server in it ever receives WAL`,
        server: node.server,
      });
    }
  },
};
