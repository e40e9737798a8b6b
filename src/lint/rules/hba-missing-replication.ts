import { parseConninfo } from "../../pg/conninfo.js";
import { parseAddress } from "../../pg/hba/address.js";
import { addressContains, type HbaLine } from "../../pg/hba/index.js";
import {
  admitsReplication,
  effective,
  isLoopbackAddress,
  newestHba,
  remoteForAllDatabases,
  serverAt,
} from "../facts.js";
import type { Rule } from "../rule.js";
import { upstreamServer } from "../topology.js";

type Verdict = "yes" | "no" | "maybe";

function userMatches(line: HbaLine, user: string): Verdict {
  let v: Verdict = "no";
  for (const t of line.users) {
    if (!t.quoted && t.value === "all") return "yes";
    if (t.value === user && (t.quoted || !/^[+@/]/.test(t.value))) return "yes";
    // group membership, @files and regular expressions: lint cannot tell
    if (!t.quoted && /^[+@/]/.test(t.value)) v = "maybe";
  }
  return v;
}

function addressMatches(line: HbaLine, from: string | undefined): Verdict {
  if (line.type === "local") return "no";
  const a = line.address;
  if (a === null) return "no";
  if (from === undefined) return isLoopbackAddress(a) ? "no" : "maybe";
  if (a.kind === "all") return "yes";
  const ip = parseAddress(from);
  if (a.kind === "ip" && ip) return addressContains(a.network, ip) ? "yes" : "no";
  return "maybe";
}

/**
 * The record type to suggest: `hostssl` when the standby insists on TLS (sslmode require or
 * verify-*), else `host`, which admits its connection either way (a `hostssl` line would refuse a
 * standby whose sslmode lets it connect without TLS, when the upstream has no ssl).
 */
function lineType(values: Record<string, string | undefined>): "host" | "hostssl" {
  const mode = values.sslmode ?? (values.requiressl === "1" ? "require" : "prefer");
  return mode === "require" || mode === "verify-ca" || mode === "verify-full" ? "hostssl" : "host";
}

/**
 * A standby the linted upstream's pg_hba.conf does not let in for replication: no record
 * with `replication` in its database field (`all` does not cover it) for the standby's user
 * and address, or the first that does is `reject`. Needs the standby (its primary_conninfo
 * with a `user`) and its upstream's pg_hba.conf in one run; the standby's own address is
 * only known for rendered output (else any non-local address counts).
 */
export const hbaMissingReplication: Rule = {
  name: "hba-missing-replication",
  severity: "error",
  summary:
    "no `replication` line admitting the replication user from a standby's address (`all` does not match replication)",
  reads: ["hba", "conf"],
  scope: "workspace",
  check(ctx) {
    for (const standby of ctx.servers) {
      if (standby.dataDir?.standbySignal === false) continue;
      const s = effective(standby, "primary_conninfo");
      if (!s || s.value.trim() === "") continue;
      const ci = parseConninfo(s.value);
      const user = ci.values.user;
      const host = (ci.values.hostaddr ?? ci.values.host)?.trim();
      if (!ci.ok || user === undefined || host === undefined || host.includes(",")) continue;
      // as topology.ts placed it (address, servers:, spec, pg_control), else by this conninfo's address
      const upstream =
        upstreamServer(ctx.servers, standby) ??
        serverAt(host, ci.values.port?.trim() || "5432", ctx.servers, standby);
      const hba = upstream?.hba;
      const lines = upstream ? newestHba(upstream)?.lines : undefined;
      if (!upstream || !hba || !lines) continue;
      // where the standby connects from: a rendered node's source_address, else its host
      const from = standby.sourceAddress ?? standby.host;
      let first: HbaLine | undefined;
      let unsure = false;
      for (const line of lines) {
        if (!admitsReplication(line)) continue;
        const u = userMatches(line, user);
        const a = addressMatches(line, from);
        if (u === "no" || a === "no") continue;
        if (u === "maybe" || a === "maybe") {
          // an address lint cannot place, or a group: it may admit the standby (or may not)
          if (from !== undefined || u === "maybe") {
            unsure = true;
            break;
          }
        }
        first = line;
        break;
      }
      if (unsure) continue;
      const who = `\`${user}\`${from !== undefined ? ` from \`${from}\`` : ""}`;
      if (first && first.method !== "reject") continue;
      const allLine = lines.find((l) => remoteForAllDatabases(l) && userMatches(l, user) !== "no");
      const note = allLine
        ? `; note that \`all\` in the database field (line ${allLine.line}) does not match replication connections`
        : "";
      ctx.report({
        file: hba.file,
        line: null,
        message: first
          ? `standby \`${standby.name}\` is refused: the first \`replication\` line for ${who} is line ${first.line}, \`reject\``
          : `no line admits replication for ${who}, so standby \`${standby.name}\` cannot connect; add \`${lineType(ci.values)} replication ${user} ${from !== undefined ? (from.includes(":") ? `${from}/128` : `${from}/32`) : "STANDBY-ADDRESS/32"} scram-sha-256\`${note}`,
        server: upstream,
      });
    }
  },
};
