import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf, reportSpecProblems, viewOf } from "../topology.js";

/** Two standbys using the same slot on one upstream (in a spec, or linted together). */
export const topologySlotCollision: Rule = {
  name: "topology-slot-collision",
  severity: "error",
  summary: "two standbys using the same slot on one upstream",
  reads: ["spec", "conf"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "topology-slot-collision");
    const seen = new Map<string, string>();
    for (const node of nodesOf(ctx.servers)) {
      const slot = effective(node.server, "primary_slot_name");
      if (!node.standby || !node.upstream || !slot || slot.value === "") continue;
      // a rendered node and the tree of its host are two views of one standby, not two standbys
      const key = `${viewOf(node)}\0${node.upstream.server.id}\0${slot.value}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, node.server.name);
        continue;
      }
      ctx.report({
        at: slot,
        message: `slot \`${slot.value}\` on \`${node.upstream.server.name}\` is already used by \`${first}\`: the second standby is refused while the first streams`,
        server: node.server,
      });
    }
  },
};
