import { parseBool } from "../../pg/catalog/index.js";
import { effective } from "../facts.js";
import type { Rule } from "../rule.js";
import { seesWholeConfig } from "../topology.js";

/**
 * wal_log_hints off on a data directory whose pg_control says data checksums are off:
 * pg_rewind refuses it. Only where lint reads a real data directory's global/pg_control and
 * the whole configuration (the default is off).
 */
export const walLogHintsOff: Rule = {
  name: "wal-log-hints-off",
  severity: "info",
  summary: "wal_log_hints off and no data checksums",
  reads: ["conf", "datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      if (server.dataDir?.dataChecksums !== false || server.conf === null) continue;
      const s = effective(server, "wal_log_hints");
      if (s ? parseBool(s.value) !== false : !seesWholeConfig(server)) continue;
      ctx.report({
        ...(s ? { at: s } : { file: server.configFile ?? server.dataDir.path, line: null }),
        message: `\`wal_log_hints\` is off${s ? "" : " (the default)"} and the data directory has no data checksums (pg_control): pg_rewind cannot bring this server back as a standby after a failover; it would have to be rebuilt`,
        server,
      });
    }
  },
};
