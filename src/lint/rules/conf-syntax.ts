import { confProblems } from "../facts.js";
import type { Rule } from "../rule.js";

/** A line of postgresql.conf (or an included file, or postgresql.auto.conf) the server's parser rejects. */
export const confSyntax: Rule = {
  name: "conf-syntax",
  severity: "error",
  summary: "a line of postgresql.conf the server's parser rejects",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const p of confProblems(server, ["syntax", "too-many-errors"])) {
        ctx.report({ at: p, message: p.message, server });
      }
    }
  },
};
