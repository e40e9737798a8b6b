import { firstShadowing } from "../../pg/hba/index.js";
import { newestHba, where } from "../facts.js";
import type { Rule } from "../rule.js";

/** A record no connection can reach: an earlier record matches every connection it would (first match wins). */
export const hbaShadowedLine: Rule = {
  name: "hba-shadowed-line",
  severity: "warning",
  summary: "a line that can never match because an earlier line matches everything it would",
  reads: ["hba"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const lines = newestHba(server)?.lines ?? [];
      const shadowedBy = firstShadowing(lines);
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as (typeof lines)[number];
        const earlier = shadowedBy[i];
        if (!earlier) continue;
        const at = where(earlier.file, earlier.line, line.file);
        const same =
          earlier.method === line.method ? "" : ` (with \`${earlier.method}\`, not \`${line.method}\`)`;
        ctx.report({
          at: line.typeToken,
          message: `this line can never match: \`${at}\` comes first and matches every connection it would${same}; move it above that line, or remove it`,
          server,
        });
      }
    }
  },
};
