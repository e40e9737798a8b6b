import { join } from "node:path";
import { everyMajor, versionText } from "../facts.js";
import type { Rule } from "../rule.js";

/** recovery.conf in a data directory of PostgreSQL 12 or later: the server refuses to start. */
export const recoveryConfPresent: Rule = {
  name: "recovery-conf-present",
  severity: "error",
  summary: "recovery.conf on postgresql 12 and later",
  reads: ["datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const dd = server.dataDir;
      if (!dd?.recoveryConf) continue;
      const majors = ctx.majorsOf(server);
      if (!everyMajor(majors, (m) => m >= 12)) continue;
      ctx.report({
        file: join(dd.path, "recovery.conf"),
        line: null,
        message: `\`recovery.conf\` is not supported in ${versionText(majors)}: the server refuses to start while it is in the data directory; move its settings to postgresql.conf and create \`standby.signal\` (a standby) or \`recovery.signal\` (targeted recovery) instead`,
        server,
      });
    }
  },
};
