import type { Rule } from "../rule.js";

// checkDataDir (miscinit.c): no permission for others and no group write (PG_MODE_MASK_GROUP).
const FORBIDDEN = 0o027;

/** A data directory whose mode the server refuses (anything beyond 0750). */
export const datadirPermissions: Rule = {
  name: "datadir-permissions",
  severity: "error",
  summary: "data directory not 0700 (or 0750 with group access)",
  filesystem: true,
  reads: [],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const dd = server.dataDir;
      if (!dd?.real || !dd.stat) continue;
      const mode = dd.stat.mode & 0o777;
      if ((mode & FORBIDDEN) === 0) continue;
      const octal = `0${mode.toString(8).padStart(3, "0")}`;
      ctx.report({
        file: dd.path,
        line: null,
        message: `data directory has mode ${octal}: the server refuses to start unless it is 0700 (u=rwx), or 0750 (u=rwx,g=rx) for group access; run \`chmod 0700 ${dd.path}\``,
        server,
      });
    }
  },
};
