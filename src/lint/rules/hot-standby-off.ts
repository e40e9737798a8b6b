import { parseBool } from "../../pg/catalog/index.js";
import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf } from "../topology.js";

/** hot_standby = off on a standby: it replays, but refuses every query. */
export const hotStandbyOff: Rule = {
  name: "hot-standby-off",
  severity: "warning",
  summary: "hot_standby = off on a standby",
  reads: ["conf", "datadir"],
  scope: "workspace",
  check(ctx) {
    for (const node of nodesOf(ctx.servers)) {
      if (!node.standby) continue;
      const s = effective(node.server, "hot_standby");
      if (!s || parseBool(s.value) !== false) continue;
      ctx.report({
        at: s,
        message: "`hot_standby` is off on a standby: it accepts no read-only queries while it replays",
        server: node.server,
      });
    }
  },
};
