import { effective, settingValue } from "../facts.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, intSetting, nodesOf, reportSpecProblems } from "../topology.js";

/** max_replication_slots below the slots that the standbys linted with a server use on it. */
export const slotsInsufficient: Rule = {
  name: "slots-insufficient",
  severity: "error",
  summary: "max_replication_slots below the slots needed",
  reads: ["conf", "spec"],
  scope: "workspace",
  check(ctx) {
    reportSpecProblems(ctx, "slots-insufficient");
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const slots = new Set(
        downstreamsOf(nodes, node)
          .map((d) => settingValue(d.server, "primary_slot_name"))
          .filter((n) => n !== ""),
      );
      if (slots.size === 0) continue;
      const max = intSetting(node.server, "max_replication_slots", node.server.major);
      if (max === undefined || max >= slots.size) continue;
      const s = effective(node.server, "max_replication_slots");
      ctx.report({
        ...(s ? { at: s } : { file: node.server.configFile ?? node.server.id, line: null }),
        message: `\`max_replication_slots\` is ${max}${s ? "" : " (the default)"} but the standbys linted with it use ${slots.size} slot${slots.size === 1 ? "" : "s"} here (${[...slots].map((x) => `\`${x}\``).join(", ")}): creating the rest fails`,
        server: node.server,
      });
    }
  },
};
