import { syncNameMatches } from "../../pg/sync-names.js";
import { valueColumn } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf, reportSpecProblems } from "../topology.js";

/**
 * synchronous_standby_names naming a standby that streams from another standby (cascading):
 * only direct standbys of the server can be synchronous. Needs both standbys and their
 * upstreams linted together.
 */
export const syncOnCascadedStandby: Rule = {
  name: "sync-on-cascaded-standby",
  severity: "warning",
  summary: "synchronous_standby_names naming a standby that does not stream from the primary",
  reads: ["conf", "spec"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "sync-on-cascaded-standby");
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const p = node.sync?.parsed;
      if (!node.sync || !p?.ok || node.standby) continue;
      for (const name of p.names) {
        if (name.name === "*") continue;
        const cascaded = nodes.filter(
          (n) =>
            n.standby &&
            n.upstream !== undefined &&
            n.upstream !== node &&
            syncNameMatches(name.name, n.applicationName) &&
            !nodes.some((d) => d.upstream === node && syncNameMatches(name.name, d.applicationName)),
        );
        const c = cascaded[0];
        if (!c) continue;
        ctx.report({
          at: node.sync.setting,
          column: valueColumn(node.sync.setting, name.offset),
          message: `\`${name.name}\` is the application_name of \`${c.server.name}\`, which streams from \`${c.upstream?.server.name}\`, not from this server: it can never be synchronous here`,
          server: node.server,
        });
      }
    }
  },
};
