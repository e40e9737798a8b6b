import type { ConfSetting } from "../../pg/conf/index.js";
import { parseConninfo } from "../../pg/conninfo.js";
import { conninfoSettings, isLocalHost, settingValue, valueColumn } from "../facts.js";
import type { Server } from "../model.js";
import type { Rule, RuleContext } from "../rule.js";

/**
 * Whether `host` at `port` is the server itself: its own port on this machine (loopback or a
 * Unix socket), its rendered address, or an address its listen_addresses names.
 */
function isSelf(server: Server, host: string, port: string): string | undefined {
  const own = settingValue(server, "port") || "5432";
  if (port !== own) return undefined;
  const h = host.toLowerCase();
  if (isLocalHost(h))
    return `\`${host || "the default socket"}\` is this machine and ${port} is this server's own port`;
  if (server.host !== undefined && server.host.toLowerCase() === h)
    return `\`${host}\` is this node's own address`;
  const listen = settingValue(server, "listen_addresses")
    .split(",")
    .map((x) => x.trim().toLowerCase());
  if (listen.includes(h)) return `\`${host}\` is in this server's own \`listen_addresses\``;
  return undefined;
}

/** A standby whose primary_conninfo names itself: it would replicate from nothing. */
export const conninfoSelfHost: Rule = {
  name: "conninfo-self-host",
  severity: "warning",
  summary: "a standby whose primary_conninfo points at itself",
  reads: ["conf"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      if (server.dataDir?.standbySignal === false) continue;
      for (const s of conninfoSettings(server)) selfHost(ctx, server, s);
    }
  },
};

/** One primary_conninfo of the server: reports when one of its hosts is the server itself. */
function selfHost(ctx: RuleContext, server: Server, s: ConfSetting): void {
  const ci = parseConninfo(s.value);
  if (!ci.ok) return;
  const hosts = (ci.values.hostaddr ?? ci.values.host ?? "").split(",");
  const ports = (ci.values.port ?? "").split(",");
  for (const [i, host] of hosts.entries()) {
    const port = (ports.length === 1 ? ports[0] : ports[i])?.trim() || "5432";
    const why = isSelf(server, host.trim(), port);
    if (!why) continue;
    const param = ci.params.filter((x) => x.keyword === "hostaddr" || x.keyword === "host").at(-1);
    ctx.report({
      at: s,
      column: param ? valueColumn(s, param.column - 1) : s.valueColumn,
      message: `\`primary_conninfo\` points at this server itself: ${why}; name the upstream's address`,
      server,
    });
    return;
  }
}
