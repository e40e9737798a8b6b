import { join } from "node:path";
import type { Rule } from "../rule.js";

/** standby.signal and recovery.signal both in one data directory: standby mode wins, silently. */
export const signalFilesConflict: Rule = {
  name: "signal-files-conflict",
  severity: "warning",
  summary: "standby.signal and recovery.signal both present",
  reads: ["datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const d = server.dataDir;
      if (d?.standbySignal !== true || d.recoverySignal !== true) continue;
      ctx.report({
        file: join(d.path, "recovery.signal"),
        line: null,
        message:
          "`recovery.signal` beside `standby.signal`: the server starts in standby mode and ignores the targeted recovery; remove the one that is not meant",
        server,
      });
    }
  },
};
