import { isKnownParam, paramMajors, removedParam, suggestParam } from "../../pg/catalog/index.js";
import { everyMajor, versionText } from "../facts.js";
import type { Rule } from "../rule.js";

/** A parameter name the server of this version does not know (and that is not a removed one). */
export const confUnknownParameter: Rule = {
  name: "conf-unknown-parameter",
  severity: "error",
  summary: "a parameter name the version does not know; suggests the closest",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const majors = ctx.majorsOf(server);
      for (const s of server.conf?.settings ?? []) {
        // `ext.name` is a custom placeholder every server accepts
        if (s.key.includes(".")) continue;
        if (!everyMajor(majors, (m) => !isKnownParam(m, s.name) && removedParam(m, s.name) === undefined))
          continue;
        const newest = majors.at(-1) as number;
        const laterIn = paramMajors(s.name).filter((m) => m > newest);
        let message = `unknown parameter \`${s.name}\` in ${versionText(majors)}`;
        if (laterIn.length > 0) message += `; note that it exists from postgresql ${laterIn[0]} on`;
        else {
          const near = suggestParam(newest, s.name);
          if (near !== undefined) message += `; did you mean \`${near}\`?`;
        }
        ctx.report({ at: s, message, server });
      }
    }
  },
};
