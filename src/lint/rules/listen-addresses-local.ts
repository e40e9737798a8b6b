import { effective, newestHba } from "../facts.js";
import type { Server } from "../model.js";
import type { Rule } from "../rule.js";
import { downstreamsOf, nodesOf, seesWholeConfig } from "../topology.js";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);

/** A pg_hba.conf line admitting replication from a non-loopback address: standbys are meant to connect over the network. */
function networkReplicationLine(server: Server): { line: number } | undefined {
  for (const l of newestHba(server)?.lines ?? []) {
    if (l.type === "local" || !l.address) continue;
    if (!l.databases.some((d) => !d.quoted && d.value === "replication")) continue;
    const a = l.address;
    if (a.kind === "ip") {
      const b = a.network.bytes;
      const loop =
        a.network.family === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
      if (!loop) return l;
    } else if (a.kind !== "samehost") return l;
  }
  return undefined;
}

/**
 * A server listening only on loopback while standbys connect over the network: its pg_hba.conf
 * admits replication from a network address, or a standby linted with it connects to its
 * rendered address.
 */
export const listenAddressesLocal: Rule = {
  name: "listen-addresses-local",
  severity: "error",
  summary: "a primary listening only on localhost while standbys connect over the network",
  reads: ["conf", "hba"],
  scope: "workspace",
  check(ctx) {
    const nodes = nodesOf(ctx.servers);
    for (const node of nodes) {
      const server = node.server;
      if (server.conf === null || node.standby) continue;
      const s = effective(server, "listen_addresses");
      if (!s && !seesWholeConfig(server)) continue;
      // a listen_addresses line the server cannot parse is conf-syntax's; its value is unknown
      const broken = server.conf.problems.some(
        (p) =>
          p.line !== null &&
          /^\s*listen_addresses\b/i.test(ctx.source(p.file)?.split("\n")[p.line - 1] ?? ""),
      );
      if (broken) continue;
      const addrs = (s ? s.value : "localhost")
        .split(",")
        .map((a) => a.trim().toLowerCase())
        .filter((a) => a !== "");
      if (!addrs.every((a) => LOOPBACK.has(a))) continue;
      const down = downstreamsOf(nodes, node).filter(
        (d) => d.upstreamHost !== undefined && !LOOPBACK.has(d.upstreamHost),
      );
      const hba = networkReplicationLine(server);
      if (down.length === 0 && !hba) continue;
      const why =
        down.length > 0
          ? `${down.map((d) => `\`${d.server.name}\``).join(", ")} connect${down.length === 1 ? "s" : ""} to \`${down[0]?.upstreamHost}\``
          : `pg_hba.conf admits replication from the network (line ${hba?.line})`;
      const listening =
        addrs.length === 0 ? "no TCP address" : `only ${addrs.map((a) => `\`${a}\``).join(", ")}`;
      ctx.report({
        ...(s ? { at: s } : { file: server.configFile ?? server.id, line: null }),
        message: `the server listens on ${listening}${s ? "" : " (the default `localhost`)"} but ${why}: standbys cannot connect`,
        server,
      });
    }
  },
};
