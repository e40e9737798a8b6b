import { valueColumn } from "../facts.js";
import type { Rule } from "../rule.js";
import { nodesOf } from "../topology.js";

/** `first` or `any` written unquoted where synchronous_standby_names expects a name: a syntax error. */
export const syncReservedNameUnquoted: Rule = {
  name: "sync-reserved-name-unquoted",
  severity: "error",
  summary: "a standby named first or any written unquoted in synchronous_standby_names",
  reads: ["conf"],
  scope: "workspace",
  check(ctx) {
    for (const node of nodesOf(ctx.servers)) {
      const sync = node.sync;
      if (!sync || sync.parsed.ok || !sync.parsed.reservedName) continue;
      const r = sync.parsed.reservedName;
      ctx.report({
        at: sync.setting,
        column: valueColumn(sync.setting, r.offset),
        message: `\`${r.raw}\` is a keyword in \`synchronous_standby_names\`: as a standby name it is a syntax error (the server refuses to start, or keeps the old value on reload); write it double-quoted: \`"${r.raw.toLowerCase()}"\``,
        server: node.server,
      });
    }
  },
};
