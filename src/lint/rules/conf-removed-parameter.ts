import { removedParam } from "../../pg/catalog/index.js";
import { versionText, where } from "../facts.js";
import { checkParameterNames } from "../param-names.js";
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
    checkParameterNames(ctx, {
      faulty: (m, name) => removedParam(m, name) !== undefined,
      message(name, majors) {
        const r = removedParam(majors.at(-1) as number, name);
        if (!r) return undefined;
        const since =
          r.removedIn >= 10 ? `postgresql ${r.removedIn}` : `postgresql ${r.removedIn.toFixed(1)}`;
        let message = `\`${name}\` was removed in ${since}, so ${versionText(majors)} refuses it`;
        if (r.replacement !== undefined) message += `; use \`${r.replacement}\` instead`;
        if (r.note !== undefined) message += `; ${r.note}`;
        return message;
      },
    });
    // The version unknown: a parameter gone in one major beside one added in a later one
    for (const server of ctx.servers) {
      const majors = ctx.majorsOf(server);
      const pair = majors.length > 1 ? incompatiblePair(server, majors) : undefined;
      if (!pair) continue;
      const { older, newer } = pair;
      ctx.report({
        at: older,
        message: `\`${older.name}\` (postgresql ${pair.lastIn} and older) and \`${newer.name}\` (${where(newer.file, newer.line, older.file)}, postgresql ${pair.firstIn} and later) are set together: no postgresql major knows both, so no server of any version starts with this configuration; note that the version is not known: pass --postgres N to judge it as one`,
        server,
      });
    }
  },
};
