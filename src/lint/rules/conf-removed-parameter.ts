import { removedParam } from "../../pg/catalog/index.js";
import { everyMajor, versionText } from "../facts.js";
import type { Rule } from "../rule.js";

/** A parameter an earlier version had and this one does not (wal_keep_segments in 13+, …). */
export const confRemovedParameter: Rule = {
  name: "conf-removed-parameter",
  severity: "error",
  summary: "a parameter removed in this version, with its replacement",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const majors = ctx.majorsOf(server);
      for (const s of server.conf?.settings ?? []) {
        if (s.key.includes(".")) continue;
        if (!everyMajor(majors, (m) => removedParam(m, s.name) !== undefined)) continue;
        const r = removedParam(majors.at(-1) as number, s.name);
        if (!r) continue;
        const since =
          r.removedIn >= 10 ? `postgresql ${r.removedIn}` : `postgresql ${r.removedIn.toFixed(1)}`;
        let message = `\`${s.name}\` was removed in ${since}, so ${versionText(majors)} refuses it`;
        if (r.replacement !== undefined) message += `; use \`${r.replacement}\` instead`;
        if (r.note !== undefined) message += `; ${r.note}`;
        ctx.report({ at: s, message, server });
      }
    }
  },
};
