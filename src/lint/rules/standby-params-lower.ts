import { STANDBY_MINIMUM_PARAMS } from "../../pg/guc.js";
import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { intSetting, nodesOf } from "../topology.js";

/**
 * A standby's max_connections, max_worker_processes, max_wal_senders, max_prepared_transactions
 * or max_locks_per_transaction below its upstream's (both linted together). Values not written
 * count at their defaults where lint sees the whole configuration; in rendered drop-ins they are unknown.
 */
export const standbyParamsLower: Rule = {
  name: "standby-params-lower",
  severity: "error",
  summary: "a standby's max_connections, … below its primary's (topology)",
  reads: ["conf"],
  scope: "workspace",
  check(ctx) {
    for (const node of nodesOf(ctx.servers)) {
      const up = node.upstream;
      if (!node.standby || !up) continue;
      for (const key of STANDBY_MINIMUM_PARAMS) {
        const mine = intSetting(node.server, key, node.server.major);
        const theirs = intSetting(up.server, key, up.server.major);
        if (mine === undefined || theirs === undefined || mine >= theirs) continue;
        const s = effective(node.server, key);
        ctx.report({
          ...(s ? { at: s } : { file: node.server.configFile ?? node.server.id, line: null }),
          message: `\`${key}\` is ${mine}${s ? "" : " (the default)"} here but ${theirs} on the upstream \`${up.server.name}\`: recovery stops until it is raised to at least ${theirs}`,
          server: node.server,
        });
      }
    }
  },
};
