import { isKnownParam, paramMajors, removedParam, suggestParam } from "../../pg/catalog/index.js";
import { versionText } from "../facts.js";
import { checkParameterNames } from "../param-names.js";
import type { Rule } from "../rule.js";

/** A parameter name the server of this version does not know (and that is not a removed one). */
export const confUnknownParameter: Rule = {
  name: "conf-unknown-parameter",
  severity: "error",
  summary: "a parameter name the version does not know; suggests the closest",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    checkParameterNames(ctx, {
      faulty: (m, name) => !isKnownParam(m, name) && removedParam(m, name) === undefined,
      message(name, majors) {
        const newest = majors.at(-1) as number;
        const laterIn = paramMajors(name).filter((m) => m > newest);
        let message = `unknown parameter \`${name}\` in ${versionText(majors)}`;
        if (laterIn.length > 0) message += `; note that it exists from postgresql ${laterIn[0]} on`;
        else {
          const near = suggestParam(newest, name);
          if (near !== undefined) message += `; did you mean \`${near}\`?`;
        }
        return message;
      },
    });
  },
};
