import { syncNameMatches } from "../../pg/sync-names.js";
import { effective, settingValue } from "../facts.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, nodesOf, reportSpecProblems } from "../topology.js";

/** A standby with recovery_min_apply_delay that is a synchronous candidate of an upstream committing with remote_apply. */
export const topologyDelayedSync: Rule = {
  name: "topology-delayed-sync",
  severity: "error",
  summary:
    "a delayed standby (apply_delay) that is a synchronous candidate while synchronous_commit is remote_apply",
  reads: ["spec", "conf"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "topology-delayed-sync");
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const p = node.sync?.parsed;
      if (!p?.ok || settingValue(node.server, "synchronous_commit").trim().toLowerCase() !== "remote_apply")
        continue;
      for (const d of downstreamsOf(nodes, node)) {
        const delay = effective(d.server, "recovery_min_apply_delay");
        if (!delay || /^\s*0*\s*(ms|s|min|h|d)?\s*$/.test(delay.value)) continue;
        if (!p.names.some((n) => syncNameMatches(n.name, d.applicationName))) continue;
        ctx.report({
          at: delay,
          message: `\`recovery_min_apply_delay = ${delay.value}\` on a synchronous candidate of \`${node.server.name}\`, which commits with \`remote_apply\`: every commit waits the whole delay`,
          server: d.server,
        });
      }
    }
  },
};
