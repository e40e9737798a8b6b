import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf } from "../topology.js";

/**
 * synchronous_commit = local while synchronous standbys are configured: commits do not wait
 * for them. `off` is reported by durability-off (it also loses local commits on a crash).
 */
export const syncCommitLocal: Rule = {
  name: "sync-commit-local",
  severity: "warning",
  summary: "synchronous standbys configured but synchronous_commit = local/off",
  reads: ["conf"],
  scope: "workspace",
  check(ctx) {
    for (const node of nodesOf(ctx.servers)) {
      if (!node.sync?.parsed.ok) continue;
      const s = effective(node.server, "synchronous_commit");
      if (s?.value.trim().toLowerCase() !== "local") continue;
      ctx.report({
        at: s,
        message:
          "`synchronous_commit = local` while `synchronous_standby_names` is set: commits do not wait for any standby, so the synchronous standbys guarantee nothing",
        server: node.server,
      });
    }
  },
};
