import { parseBool } from "../../pg/catalog/index.js";
import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf } from "../topology.js";

/** fsync or full_page_writes off; synchronous_commit off on a server with synchronous standbys. */
export const durabilityOff: Rule = {
  name: "durability-off",
  severity: "error",
  summary: "fsync, full_page_writes off, or synchronous_commit off on a primary with sync standbys",
  reads: ["conf"],
  scope: "workspace",
  check(ctx) {
    for (const node of nodesOf(ctx.servers)) {
      const server = node.server;
      for (const key of ["fsync", "full_page_writes"]) {
        const s = effective(server, key);
        if (!s || parseBool(s.value) !== false) continue;
        ctx.report({
          at: s,
          message: `\`${s.name}\` is off: a crash can corrupt the data directory, and standbys built from it inherit the damage`,
          server,
        });
      }
      const sc = effective(server, "synchronous_commit");
      if (node.sync?.parsed.ok && sc && parseBool(sc.value) === false) {
        ctx.report({
          at: sc,
          message:
            "`synchronous_commit` is off while `synchronous_standby_names` is set: commits return before WAL reaches disk or any standby, so a crash or failover loses them",
          server,
        });
      }
    }
  },
};
