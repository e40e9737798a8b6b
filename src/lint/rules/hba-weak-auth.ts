import { isLoopbackAddress, newestHba } from "../facts.js";
import type { Rule } from "../rule.js";

/**
 * `md5` or `password` on a record other hosts can match. Local and loopback records are left
 * alone: nothing crosses a network there (Debian's own 12/13 files use md5 on 127.0.0.1).
 */
export const hbaWeakAuth: Rule = {
  name: "hba-weak-auth",
  severity: "warning",
  summary: "`md5` or `password` authentication (`password` is cleartext; md5 is deprecated in 18)",
  reads: ["hba"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const majors = ctx.majorsOf(server);
      for (const line of newestHba(server)?.lines ?? []) {
        if (line.method !== "md5" && line.method !== "password") continue;
        if (line.type === "local" || isLoopbackAddress(line.address)) continue;
        const message =
          line.method === "password"
            ? "`password` sends the password in cleartext (readable on the wire unless the line is `hostssl`); use `scram-sha-256`"
            : `\`md5\` is open to replay and to offline cracking of the stored hashes${majors.some((m) => m >= 18) ? ", and postgresql 18 deprecates it" : ""}; use \`scram-sha-256\` (set \`password_encryption = scram-sha-256\` and set the role's password again first)`;
        ctx.report({ at: line.methodToken, message, server });
      }
    }
  },
};
