import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf } from "../topology.js";

const TARGETS = [
  "recovery_target",
  "recovery_target_name",
  "recovery_target_time",
  "recovery_target_xid",
  "recovery_target_lsn",
];

/** A recovery target left in a standby's configuration (from a point-in-time restore). */
export const staleRecoveryTarget: Rule = {
  name: "stale-recovery-target",
  severity: "warning",
  summary: "recovery_target_* left in a standby's config",
  reads: ["conf", "datadir"],
  scope: "workspace",
  check(ctx) {
    for (const node of nodesOf(ctx.servers)) {
      if (!node.standby) continue;
      for (const key of TARGETS) {
        const s = effective(node.server, key);
        if (!s || s.value.trim() === "") continue;
        ctx.report({
          at: s,
          message: `\`${s.name}\` is set on a standby: replay stops at that target (then pauses, promotes or shuts down per \`recovery_target_action\`) instead of following the primary`,
          server: node.server,
        });
      }
    }
  },
};
