import { isLoopbackAddress, newestHba } from "../facts.js";
import type { Rule } from "../rule.js";

/** `trust` on a record other hosts can match (not `local`, not a loopback address or `samehost`). */
export const hbaTrustRemote: Rule = {
  name: "hba-trust-remote",
  severity: "error",
  summary: "`trust` on a non-local line",
  reads: ["hba"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const line of newestHba(server)?.lines ?? []) {
        if (line.method !== "trust" || line.type === "local" || isLoopbackAddress(line.address)) continue;
        const from = line.address?.token.value ?? "";
        ctx.report({
          at: line.methodToken,
          message: `\`trust\` admits anyone who can reach the server from \`${from}\` without a password, as any role this line names; use \`scram-sha-256\` (or \`cert\`)`,
          server,
        });
      }
    }
  },
};
