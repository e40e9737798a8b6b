import { hbaProblemsInAll } from "../facts.js";
import type { Rule } from "../rule.js";

/** A pg_hba.conf record the server rejects (type, address, mask, method, option, include). */
export const hbaSyntax: Rule = {
  name: "hba-syntax",
  severity: "error",
  summary: "a pg_hba.conf line the server rejects",
  reads: ["hba"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const p of hbaProblemsInAll(server)) {
        // records the server keeps but that cannot match are other rules' (hba-hostssl-without-ssl)
        if (p.severity !== "error") continue;
        // a file lint may not read is unreadable-file's, not an error of the server's
        if (/permission denied/i.test(p.message)) continue;
        ctx.report({ at: p, message: p.message, server });
      }
    }
  },
};
