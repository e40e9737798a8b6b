import { join } from "node:path";
import { settingValue } from "../facts.js";
import type { Rule } from "../rule.js";

/**
 * standby.signal with neither primary_conninfo nor restore_command: the standby waits for WAL
 * that never comes. Only judged where lint sees the whole configuration (a data directory whose
 * config lives elsewhere, read alone, is not).
 */
export const standbyNoUpstream: Rule = {
  name: "standby-no-upstream",
  severity: "error",
  summary: "standby.signal with neither primary_conninfo nor restore_command",
  reads: ["conf", "datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const d = server.dataDir;
      if (d?.standbySignal !== true || server.conf === null || server.configFile === null) continue;
      if (settingValue(server, "primary_conninfo").trim() !== "") continue;
      if (settingValue(server, "restore_command").trim() !== "") continue;
      ctx.report({
        file: join(d.path, "standby.signal"),
        line: null,
        message:
          "standby without an upstream: neither `primary_conninfo` nor `restore_command` is set, so it never receives WAL",
        server,
      });
    }
  },
};
