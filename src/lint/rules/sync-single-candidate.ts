import { valueColumn } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf } from "../topology.js";

/** Exactly one synchronous candidate: while it is down, every commit waits. */
export const syncSingleCandidate: Rule = {
  name: "sync-single-candidate",
  severity: "warning",
  summary: "exactly one synchronous candidate",
  reads: ["conf"],
  scope: "workspace",
  check(ctx) {
    for (const node of nodesOf(ctx.servers)) {
      const p = node.sync?.parsed;
      if (!node.sync || !p?.ok) continue;
      const names = new Set(p.names.map((n) => n.name.toLowerCase()));
      const only = p.names[0];
      if (names.size !== 1 || !only || only.name === "*") continue;
      const hint = "note that a second candidate (`FIRST 1 (a, b)` or `ANY 1 (a, b)`) keeps writes going";
      // A standby does not wait for anyone: the value (often inherited from its upstream through
      // pg_basebackup) takes effect only if it is promoted.
      ctx.report({
        at: node.sync.setting,
        column: valueColumn(node.sync.setting, only.offset),
        message: node.standby
          ? `\`${only.name}\` is the only synchronous candidate of this standby: it has no effect until the standby is promoted, then every commit waits while \`${only.name}\` is down; ${hint}`
          : `\`${only.name}\` is the only synchronous candidate: while it is down or rebuilt, every commit on this server waits; ${hint}`,
        server: node.server,
        ...(node.standby ? { severity: "info" as const } : {}),
      });
    }
  },
};
