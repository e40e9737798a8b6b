import { constants } from "node:fs";
import type { Rule } from "../rule.js";

/**
 * A password file libpq would read for primary_conninfo (its `passfile`, else ~/.pgpass of the
 * server's OS user) with any permission for group or others: libpq ignores such a file
 * (fe-connect.c, passwordFromFile: "password file has group or world access"), so the
 * standby connects without a password and is refused; meanwhile others can read the secret.
 */
export const pgpassPermissions: Rule = {
  name: "pgpass-permissions",
  severity: "error",
  summary: ".pgpass / passfile group- or world-readable",
  filesystem: true,
  reads: ["conf", "datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const p of server.passfiles ?? []) {
        if (!p.stat || (p.stat.mode & constants.S_IFMT) !== constants.S_IFREG) continue;
        const mode = p.stat.mode & 0o777;
        if ((mode & 0o077) === 0) continue;
        const octal = `0${mode.toString(8).padStart(3, "0")}`;
        ctx.report({
          file: p.path,
          line: null,
          message: `password file has mode ${octal} (${p.because}): libpq ignores a password file that group or others may access, so the standby sends no password and is refused, while others can read it; run \`chmod 0600 ${p.path}\``,
          server,
        });
      }
    }
  },
};
