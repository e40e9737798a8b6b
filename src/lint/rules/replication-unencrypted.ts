import type { ConfSetting } from "../../pg/conf/index.js";
import { parseConninfo } from "../../pg/conninfo.js";
import {
  admitsReplication,
  conninfoSettings,
  isLocalHost,
  isLoopbackAddress,
  newestHba,
  serverAt,
  valueColumn,
} from "../facts.js";
import type { Server } from "../model.js";
import type { Rule, RuleContext } from "../rule.js";
import { upstreamServer } from "../topology.js";

/** sslmodes that let libpq go on without TLS. */
const PLAIN_OK = new Set(["disable", "allow", "prefer"]);

/**
 * Replication that may cross a network in cleartext, seen from either end:
 * - the upstream's pg_hba.conf: a `replication` record of a type that admits unencrypted
 *   TCP (`host`, `hostnossl`, `hostnogssenc`) from an address other than loopback;
 * - the standby's primary_conninfo: a network host with sslmode disable, allow or prefer
 *   (prefer is the default) and no gssencmode=require. When the upstream is linted in the
 *   same run with its pg_hba.conf, that end decides (one connection, one finding).
 */
export const replicationUnencrypted: Rule = {
  name: "replication-unencrypted",
  severity: "warning",
  summary: "replication over the network without TLS (host line, or sslmode disable/allow/prefer)",
  reads: ["hba", "conf"],
  scope: "workspace",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const line of newestHba(server)?.lines ?? []) {
        if (!admitsReplication(line) || line.method === "reject") continue;
        if (line.type !== "host" && line.type !== "hostnossl" && line.type !== "hostnogssenc") continue;
        if (isLoopbackAddress(line.address)) continue;
        ctx.report({
          at: line.typeToken,
          message: `\`${line.type}\` admits replication without TLS: the whole database can cross the network in cleartext; use \`hostssl\` (with \`ssl = on\`) and \`sslmode=verify-full\` on the standby`,
          server,
        });
      }

      if (server.dataDir?.standbySignal === false && !server.recovery) continue;
      for (const s of conninfoSettings(server)) plainConninfo(ctx, server, s);
    }
  },
};

/** One primary_conninfo: reported when it reaches a network host without requiring TLS. */
function plainConninfo(ctx: RuleContext, server: Server, s: ConfSetting): void {
  const ci = parseConninfo(s.value);
  if (!ci.ok) return;
  const v = ci.values;
  if (v.gssencmode === "require") return;
  const sslmode = v.sslmode ?? (v.requiressl === "1" ? "require" : "prefer");
  if (!PLAIN_OK.has(sslmode)) return;
  const hosts = (v.hostaddr ?? v.host ?? "").split(",").map((h) => h.trim());
  if (hosts.every((h) => isLocalHost(h))) return;
  const host = hosts.find((h) => !isLocalHost(h)) as string;
  const upstream =
    upstreamServer(ctx.servers, server) ??
    serverAt(host, (v.port ?? "5432").split(",")[0]?.trim() || "5432", ctx.servers, server);
  if (upstream && newestHba(upstream)) return;
  const param = ci.params.filter((x) => x.keyword === "sslmode").at(-1);
  const said = v.sslmode === undefined ? "no `sslmode` (the default is `prefer`)" : `\`sslmode=${sslmode}\``;
  ctx.report({
    at: s,
    column: param ? valueColumn(s, param.column - 1) : s.valueColumn,
    message: `\`primary_conninfo\` connects to \`${host}\` with ${said}: libpq goes on without TLS when the upstream does not offer it, and the whole database crosses the network in cleartext; use \`sslmode=verify-full\` (or at least \`require\`)`,
    server,
  });
}
