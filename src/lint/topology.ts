/**
 * Several linted trees as one topology: which server is a standby, what application_name it
 * sends, and which linted server it streams from. And, for specs, which rule each `validate`
 * problem belongs to.
 *
 * A standby is matched to its upstream through its primary_conninfo: host and port against a
 * server's address (a rendered node's `host`, or a specific entry of listen_addresses; `*`,
 * `0.0.0.0`, `::` and loopback names say nothing about where a server is reached) and `port`;
 * failing that, through its application_name named in exactly one server's
 * synchronous_standby_names (on the same port, when the standby names one). Where neither
 * matches, the standby's upstream is not among the linted servers, and rules that need it stay silent.
 */
import { basename } from "node:path";
import { getParam, parseBool } from "../pg/catalog/index.js";
import type { ConfSetting } from "../pg/conf/index.js";
import { parseConninfo } from "../pg/conninfo.js";
import { parseSyncNames, type SyncNamesResult, syncNameMatches } from "../pg/sync-names.js";
import type { Problem } from "../util/diagnostic.js";
import { effective, settingValue } from "./facts.js";
import type { Server } from "./model.js";
import type { RuleContext } from "./rule.js";

export interface Node {
  server: Server;
  /** standby.signal in its data directory; where lint cannot see it, a primary_conninfo */
  standby: boolean;
  conninfo: ConfSetting | undefined;
  /** primary_conninfo's host and port (port "5432" when not written) */
  upstreamHost: string | undefined;
  upstreamPort: string | undefined;
  /** what the walreceiver sends: conninfo application_name, else cluster_name (12+), else `walreceiver` */
  applicationName: string;
  applicationNameFrom: "primary_conninfo" | "cluster_name" | "default";
  port: string;
  /** where others reach it, as far as lint can tell */
  addresses: string[];
  sync: { setting: ConfSetting; parsed: SyncNamesResult } | undefined;
  upstream: Node | undefined;
}

const WILDCARD_OR_LOOPBACK = new Set(["*", "0.0.0.0", "::", "localhost", "127.0.0.1", "::1"]);

function listenAddresses(server: Server): string[] {
  return settingValue(server, "listen_addresses")
    .split(",")
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a !== "");
}

function nodeOf(server: Server): Node {
  // 11 and older: recovery.conf holds primary_conninfo, and `standby_mode = on` makes a standby
  const recovery = server.recovery?.effective;
  const conninfo = effective(server, "primary_conninfo") ?? recovery?.get("primary_conninfo");
  const ci = conninfo && conninfo.value.trim() !== "" ? parseConninfo(conninfo.value) : undefined;
  const values = ci?.ok ? ci.values : {};
  const signal = server.dataDir?.standbySignal ?? null;
  const standbyMode = parseBool(recovery?.get("standby_mode")?.value ?? "off") === true;
  const standby = signal === true || standbyMode || (signal === null && ci !== undefined);
  const host = values.host ?? values.hostaddr;
  const clusterName = settingValue(server, "cluster_name");
  const [applicationName, applicationNameFrom]: [string, Node["applicationNameFrom"]] =
    values.application_name !== undefined
      ? [values.application_name, "primary_conninfo"]
      : clusterName !== ""
        ? [clusterName, "cluster_name"]
        : ["walreceiver", "default"];
  const addresses = listenAddresses(server).filter((a) => !WILDCARD_OR_LOOPBACK.has(a));
  if (server.host !== undefined) addresses.unshift(server.host.toLowerCase());
  const syncSetting = effective(server, "synchronous_standby_names");
  return {
    server,
    standby,
    conninfo: ci ? conninfo : undefined,
    upstreamHost: host !== undefined && !host.includes(",") ? host.toLowerCase() : undefined,
    upstreamPort: ci?.ok ? (values.port ?? "5432") : undefined,
    applicationName,
    applicationNameFrom,
    port: settingValue(server, "port") || "5432",
    addresses,
    sync:
      syncSetting && syncSetting.value.trim() !== ""
        ? { setting: syncSetting, parsed: parseSyncNames(syncSetting.value) }
        : undefined,
    upstream: undefined,
  };
}

const cache = new WeakMap<readonly Server[], Node[]>();

/** The linted servers as nodes, each standby with its upstream when that is linted too. */
export function nodesOf(servers: readonly Server[]): Node[] {
  const hit = cache.get(servers);
  if (hit) return hit;
  const nodes = servers.map(nodeOf);
  for (const n of nodes) {
    if (!n.standby || n.conninfo === undefined) continue;
    const others = nodes.filter((o) => o !== n);
    let up = others.filter(
      (o) =>
        n.upstreamHost !== undefined && o.addresses.includes(n.upstreamHost) && o.port === n.upstreamPort,
    );
    if (up.length === 0) {
      up = others.filter(
        (o) =>
          o.sync?.parsed.ok === true &&
          o.sync.parsed.names.some((s) => s.name !== "*" && syncNameMatches(s.name, n.applicationName)) &&
          (n.upstreamPort === undefined || o.port === n.upstreamPort),
      );
    }
    if (up.length === 1) n.upstream = up[0];
  }
  cache.set(servers, nodes);
  return nodes;
}

/** Standbys whose upstream is `node` among the linted servers. */
export function downstreamsOf(nodes: readonly Node[], node: Node): Node[] {
  return nodes.filter((n) => n.upstream === node);
}

/**
 * Whether lint reads the server's whole configuration, so an unset parameter is at its default:
 * a postgresql.conf with its includes (and postgresql.auto.conf). Not a rendered drop-in, a
 * single conf.d file, or a data directory's postgresql.auto.conf read alone.
 */
export function seesWholeConfig(server: Server): boolean {
  return (
    server.conf !== null &&
    server.origin !== "rendered" &&
    basename(server.configFile ?? "") === "postgresql.conf"
  );
}

/**
 * An integer setting as the server runs with it: the value written, else the compiled-in
 * default when lint sees the whole configuration (not a rendered drop-in, which leaves the
 * rest to the host's postgresql.conf). undefined when not known.
 */
export function intSetting(server: Server, key: string, major: number | undefined): number | undefined {
  const s = effective(server, key);
  let text: string | undefined = s?.value;
  if (text === undefined) {
    if (!seesWholeConfig(server)) return undefined;
    text = getParam(major ?? 18, key)?.bootVal ?? undefined;
  }
  if (text === undefined || !/^\s*-?\d+\s*$/.test(text)) return undefined;
  return Number(text);
}

// ---- specs -------------------------------------------------------------------------------

/** The rule a `validate` problem of a spec belongs to; spec-invalid for the rest. */
export function specRuleOf(p: Problem): string {
  const m = p.message;
  if (/cannot stream from itself|upstreams form a cycle/.test(m)) return "topology-upstream-cycle";
  if (/^nodes\[\d+\]\.upstream: unknown node/.test(m)) return "topology-unknown-upstream";
  if (/^nodes\[\d+\]: slot .* is already used by/.test(m)) return "topology-slot-collision";
  if (/a delayed standby is a synchronous candidate/.test(m)) return "topology-delayed-sync";
  if (/^replication\.synchronous(\.num_sync)?: .*(required but only|no standby of the primary has)/.test(m))
    return "sync-num-too-high";
  if (/only the primary's direct standbys can be synchronous/.test(m)) return "sync-on-cascaded-standby";
  if (/`minimal` WAL cannot feed a standby/.test(m)) return "wal-level-insufficient";
  if (/^\S*\.max_wal_senders: .* is below the/i.test(m)) return "wal-senders-insufficient";
  if (/^\S*\.max_replication_slots: .* is below the/i.test(m)) return "slots-insufficient";
  return "spec-invalid";
}

/** Reports a spec's `validate` problems that belong to `rule`, at their positions. */
export function reportSpecProblems(ctx: RuleContext, rule: string): void {
  for (const spec of ctx.specs) {
    for (const p of spec.problems) {
      if (specRuleOf(p) !== rule) continue;
      ctx.report({
        file: spec.file,
        line: p.pos?.line ?? null,
        column: p.pos?.column ?? null,
        message: p.message,
      });
    }
  }
}
