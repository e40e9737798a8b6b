import { removedParam } from "../../pg/catalog/index.js";
import { everyMajor, versionText, where } from "../facts.js";
import type { Rule } from "../rule.js";
import { incompatiblePair } from "../versions.js";

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
      // The version unknown: a parameter gone in one major beside one added in a later one
      const pair = majors.length > 1 ? incompatiblePair(server, majors) : undefined;
      if (pair) {
        const { older, newer } = pair;
        ctx.report({
          at: older,
          message: `\`${older.name}\` (postgresql ${pair.lastIn} and older) and \`${newer.name}\` (${where(newer.file, newer.line, older.file)}, postgresql ${pair.firstIn} and later) are set together: no postgresql major knows both, so no server of any version starts with this configuration; note that the version is not known: pass --postgres N to judge it as one`,
          server,
        });
      }
    }
  },
};
