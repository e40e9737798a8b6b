import { effective, everyMajor, settingValue } from "../facts.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, nodesOf, seesWholeConfig } from "../topology.js";

/**
 * Slots in use on a server whose max_slot_wal_keep_size is -1 (unlimited, the default) on 13+.
 * Slots in use: a standby linted with it names a primary_slot_name.
 */
export const slotUnboundedWal: Rule = {
  name: "slot-unbounded-wal",
  severity: "warning",
  summary: "slots in use with max_slot_wal_keep_size = -1 (13+)",
  reads: ["conf"],
  scope: "workspace",
  check(ctx) {
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      if (!everyMajor(ctx.majorsOf(node.server), (m) => m >= 13)) continue;
      const users = downstreamsOf(nodes, node).filter(
        (d) => settingValue(d.server, "primary_slot_name") !== "",
      );
      if (users.length === 0) continue;
      const s = effective(node.server, "max_slot_wal_keep_size");
      if (s ? s.value.trim() !== "-1" : !seesWholeConfig(node.server)) continue;
      ctx.report({
        ...(s ? { at: s } : { file: node.server.configFile ?? node.server.id, line: null }),
        message: `slots are in use here (by ${users.map((u) => `\`${u.server.name}\``).join(", ")}) and \`max_slot_wal_keep_size\` is -1${s ? "" : " (the default)"}: an absent standby keeps WAL until the disk is full`,
        server: node.server,
      });
    }
  },
};
