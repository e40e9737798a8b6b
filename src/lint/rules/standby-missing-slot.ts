import { effective, settingValue } from "../facts.js";
import type { Rule } from "../rule.js";
import { upstreamServer } from "../topology.js";
import { possibleMajors } from "../versions.js";

/** A size or count setting that is more than zero (`0`, `0MB` and unset are not). */
function positive(value: string): boolean {
  const n = Number.parseFloat(value);
  return Number.isFinite(n) && n > 0;
}

/**
 * A standby that streams (primary_conninfo) without primary_slot_name. A standby is a node
 * with standby.signal; where lint cannot see the data directory, a primary_conninfo is taken
 * as the intent to stream. An error when nothing else keeps the WAL either: no wal_keep_size
 * on the upstream (the standby's own config stands in when the upstream is not linted) and no
 * restore_command on the standby.
 */
export const standbyMissingSlot: Rule = {
  name: "standby-missing-slot",
  severity: "warning",
  summary: "a standby without primary_slot_name (an error when no wal_keep_size or archive fallback either)",
  reads: ["conf", "datadir"],
  scope: "workspace",
  check(ctx) {
    for (const server of ctx.servers) {
      const signal = server.dataDir?.standbySignal ?? null;
      if (signal === false) continue;
      const conninfo = effective(server, "primary_conninfo");
      if (!conninfo || conninfo.value.trim() === "") continue;
      if (settingValue(server, "primary_slot_name") !== "") continue;
      const upstream = upstreamServer(ctx.servers, server);
      const judge = upstream ?? server;
      // wal_keep_size replaced wal_keep_segments in 13: only the one the version reads counts
      const keepKeyOf = (m: number) => (m >= 13 ? "wal_keep_size" : "wal_keep_segments");
      // the majors the file can be: with the version unknown, a file setting wal_keep_size is 13+
      const candidates = ctx.majorsOf(judge);
      const possible = possibleMajors(judge, candidates);
      const majors = possible.length > 0 ? possible : candidates;
      const kept = majors.length > 0 && majors.every((m) => positive(settingValue(judge, keepKeyOf(m))));
      const keepKey = [...new Set(majors.map(keepKeyOf))].join("` or `");
      const archived = settingValue(server, "restore_command").trim() !== "";
      let message =
        "standby streams without a replication slot: `primary_slot_name` is not set, so the upstream may remove WAL this standby still needs";
      if (!kept && !archived) {
        const keepWhere = upstream
          ? `on \`${upstream.name}\``
          : "here, standing in for the upstream's, which is not linted";
        const keepSet = [...new Set(majors.map(keepKeyOf))].map((k) => effective(judge, k)).find((x) => x);
        const keepSaid = keepSet ? `\`${keepSet.name} = ${keepSet.value}\`` : `no \`${keepKey}\``;
        message += `; note that nothing else keeps that WAL (${keepSaid} ${keepWhere}; no \`restore_command\`): the standby would have to be rebuilt`;
      }
      ctx.report({
        at: conninfo,
        message,
        server,
        ...(kept || archived ? {} : { severity: "error" as const }),
      });
    }
  },
};
