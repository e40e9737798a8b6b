import { parseConninfo } from "../../pg/conninfo.js";
import { conninfoSettings, valueColumn } from "../facts.js";
import type { Rule } from "../rule.js";

/**
 * A primary_conninfo libpq cannot parse: the walreceiver fails at every attempt and the
 * standby never connects. Judged with the libpq of each candidate major; reported only when
 * every one of them rejects it.
 */
export const conninfoInvalid: Rule = {
  name: "conninfo-invalid",
  severity: "error",
  summary: "a primary_conninfo libpq cannot parse",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const majors = ctx.majorsOf(server);
      for (const s of conninfoSettings(server)) {
        const results = majors.map((m) => parseConninfo(s.value, { libpqMajor: m }));
        const last = results.at(-1);
        if (!last || results.some((r) => r.ok)) continue;
        const p = last.problems[0];
        if (!p) continue;
        ctx.report({
          at: s,
          column: valueColumn(s, p.column - 1),
          message: `\`primary_conninfo\` cannot be parsed by libpq: ${p.message}; the standby never connects`,
          server,
        });
      }
    }
  },
};
