import { parseConninfo } from "../../pg/conninfo.js";
import { conninfoSettings, valueColumn } from "../facts.js";
import type { Rule } from "../rule.js";

/** `password=` (or a URI's `user:password@`) in primary_conninfo. The password is never printed. */
export const conninfoPlaintextPassword: Rule = {
  name: "conninfo-plaintext-password",
  severity: "error",
  summary: "`password=` inside primary_conninfo",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      // postgresql.conf, postgresql.auto.conf and recovery.conf alike
      for (const s of conninfoSettings(server)) {
        const ci = parseConninfo(s.value);
        const p = ci.params.filter((x) => x.keyword === "password" && x.value !== "").at(-1);
        if (!p) continue;
        ctx.report({
          at: s,
          column: valueColumn(s, p.column - 1),
          message:
            "`primary_conninfo` holds the replication password in cleartext: it is committed and copied with the config; remove it and put it in a password file (`passfile=` or ~/.pgpass of the server's OS user, mode 0600)",
          server,
        });
      }
    }
  },
};
