import { syncNameMatches } from "../../pg/sync-names.js";
import { valueColumn } from "../facts.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, nodesOf } from "../topology.js";

/**
 * A name in synchronous_standby_names that none of the standbys streaming from the server uses
 * as application_name. Judged only when at least one standby linted with the server streams
 * from it; then the list is compared with those standbys (lint them all together).
 */
export const syncNamesUnmatched: Rule = {
  name: "sync-names-unmatched",
  severity: "error",
  summary: "a name in synchronous_standby_names that no standby uses as application_name",
  reads: ["conf", "datadir"],
  scope: "workspace",
  check(ctx) {
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const p = node.sync?.parsed;
      if (!node.sync || !p?.ok) continue;
      const down = downstreamsOf(nodes, node);
      if (down.length === 0) continue;
      // a name any linted standby uses is not unmatched here (a cascaded one is another rule's)
      const standbys = nodes.filter((n) => n.standby);
      for (const name of p.names) {
        if (name.name === "*") continue;
        if (standbys.some((s) => syncNameMatches(name.name, s.applicationName))) continue;
        const known = down.map((d) => `\`${d.applicationName}\``).join(", ");
        ctx.report({
          at: node.sync.setting,
          column: valueColumn(node.sync.setting, name.offset),
          message: `\`${name.name}\` in \`synchronous_standby_names\` matches no standby's application_name (the standbys linted with it send ${known})${p.num >= p.names.length ? ": every commit waits forever" : ""}`,
          server: node.server,
        });
      }
    }
  },
};
