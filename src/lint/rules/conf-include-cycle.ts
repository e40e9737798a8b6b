import { confProblems } from "../facts.js";
import type { Rule } from "../rule.js";

/** Includes that recurse, or nest deeper than the server's CONF_FILE_MAX_DEPTH (10). */
export const confIncludeCycle: Rule = {
  name: "conf-include-cycle",
  severity: "error",
  summary: "include recursion, or includes nested deeper than the server allows",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const p of confProblems(server, ["include-cycle", "include-depth", "include-recursion"])) {
        ctx.report({ at: p, message: p.message, server });
      }
    }
  },
};
