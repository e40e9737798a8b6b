import { effective } from "../facts.js";
import type { Rule } from "../rule.js";

/**
 * primary_conninfo in a data directory that has neither standby.signal nor recovery.signal:
 * the server ignores primary_conninfo and starts as a primary. Only where lint can list the
 * data directory.
 */
export const conninfoWithoutSignal: Rule = {
  name: "conninfo-without-signal",
  severity: "warning",
  summary: "primary_conninfo set but no standby.signal",
  reads: ["conf", "datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const d = server.dataDir;
      if (d?.standbySignal !== false || d.recoverySignal !== false) continue;
      const ci = effective(server, "primary_conninfo");
      if (!ci || ci.value.trim() === "") continue;
      ctx.report({
        at: ci,
        message:
          "`primary_conninfo` is set but the data directory has no `standby.signal`: the server starts as a primary, not as a standby",
        server,
      });
    }
  },
};
