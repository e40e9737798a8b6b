import { confProblems } from "../facts.js";
import type { Rule } from "../rule.js";

/** `include` / `include_dir` naming something that is not there (or not a file / directory). */
export const confIncludeMissing: Rule = {
  name: "conf-include-missing",
  severity: "error",
  summary: "an `include` or `include_dir` target that is missing",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const p of confProblems(server, [
        "include-missing",
        "include-dir-missing",
        "include-empty-name",
        "include-dir-stat",
        "is-directory",
        "not-regular-file",
      ])) {
        // the main file itself missing is not an include problem (discovery found it)
        if (p.line === null) continue;
        let message = p.message;
        if (p.code === "is-directory") message += "; note that `include_dir` reads a directory";
        ctx.report({ at: p, message, server });
      }
    }
  },
};
