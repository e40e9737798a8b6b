import { removedParam } from "../../pg/catalog/index.js";
import { versionText } from "../facts.js";
import { checkParameterNames } from "../param-names.js";
import type { Rule } from "../rule.js";

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
  },
};
