/**
 * Several linted trees as one topology: which server is a standby, what application_name it
 * sends, and which linted server it streams from. And, for specs, which rule each `validate`
 * problem belongs to.
 *
 * A standby is matched to its upstream, in this order (docs/rules/README.md, "How lint places a
 * standby"):
 * 1. its primary_conninfo's host and port against where each server is reached: a rendered
 *    node's `host`, a specific entry of listen_addresses (`*`, `0.0.0.0`, `::` and loopback
 *    names say nothing), a `servers:` entry of .pgrepl-gen.yaml, the node of a spec linted with
 *    the trees (lint/place.ts);
 * 2. the database system identifier of global/pg_control: a standby shares its upstream's;
 * 3. its application_name named in exactly one server's synchronous_standby_names (on the
 *    same port, when the standby names one).
 * Where none matches, rules that need the upstream stay silent and lint says why (a note).
 */
import { basename } from "node:path";
import { getParam, parseBool } from "../pg/catalog/index.js";
import type { ConfSetting } from "../pg/conf/index.js";
import { parseConninfo } from "../pg/conninfo.js";
import { parseSyncNames, type SyncNamesResult, syncNameMatches } from "../pg/sync-names.js";
import type { Problem } from "../util/diagnostic.js";
import { CONFIG_FILENAME } from "./config.js";
import { effective, settingValue } from "./facts.js";
import type { Server, Workspace } from "./model.js";
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
  /** where others reach it by host and port: a rendered node's host, config `servers:`, a spec's node */
  reach: Array<{ host: string; port: string }>;
  /** the database system identifier of its data directory (global/pg_control) */
  systemId: string | undefined;
  upstream: Node | undefined;
  /** how the upstream was found; or, for a standby with a primary_conninfo, why it was not */
  placedBy: "address" | "system identifier" | "synchronous_standby_names" | undefined;
  unplaced: string | undefined;
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
  const port = settingValue(server, "port") || "5432";
  const reach = [
    ...addresses.map((host) => ({ host, port })),
    ...(server.known ?? []).map((k) => ({ host: k.host.toLowerCase(), port: k.port })),
  ];
  const syncSetting = effective(server, "synchronous_standby_names");
  return {
    server,
    standby,
    conninfo: ci ? conninfo : undefined,
    upstreamHost: host !== undefined && !host.includes(",") ? host.toLowerCase() : undefined,
    upstreamPort: ci?.ok ? (values.port ?? "5432") : undefined,
    applicationName,
    applicationNameFrom,
    port,
    addresses,
    reach,
    systemId: server.dataDir?.systemIdentifier,
    placedBy: undefined,
    unplaced: undefined,
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
  for (const n of nodes) if (n.standby && n.conninfo !== undefined) place(n, nodes);
  cache.set(servers, nodes);
  return nodes;
}

/** What a node is a view of: rendered output (what should be) or a tree (what is). */
export function viewOf(n: Node): "rendered" | "tree" {
  return n.server.origin === "rendered" ? "rendered" : "tree";
}

/** Of several servers, those linted the way `n` is (rendered output with rendered output). */
function sameKind(n: Node, up: Node[]): Node[] {
  if (up.length < 2) return up;
  const rendered = n.server.origin === "rendered";
  const same = up.filter((o) => (o.server.origin === "rendered") === rendered);
  return same.length > 0 ? same : up;
}

/**
 * Finds a standby's upstream among the linted servers, in this order: by host and port (the
 * servers' known addresses), by the database system identifier (a standby shares its upstream's:
 * the only other server of that identifier, or the only one on the conninfo's port), by
 * synchronous_standby_names naming its application_name on exactly one server. Of the servers
 * sharing its system identifier, the only one, else the only one not in recovery (the primary),
 * else the only one on the conninfo's port; a server known to be reached at another address is
 * not its upstream. Says why not.
 */
function place(n: Node, nodes: readonly Node[]): void {
  const others = nodes.filter((o) => o !== n);
  const host = n.upstreamHost;
  const port = n.upstreamPort;
  const at = host !== undefined ? `\`${host}\` port ${port}` : undefined;
  const byAddress = sameKind(
    n,
    others.filter((o) => host !== undefined && o.reach.some((r) => r.host === host && r.port === port)),
  );
  if (byAddress.length === 1) {
    placed(n, byAddress[0] as Node, "address");
    return;
  }
  const why: string[] = [];
  if (byAddress.length > 1) why.push(`${byAddress.length} linted servers are reached at ${at}`);
  else if (at !== undefined) why.push(`no linted server is known to be reached at ${at}`);
  else why.push("its `primary_conninfo` names no single host");
  if (n.systemId !== undefined) {
    // of the servers with its identifier, leave out those known to be reached elsewhere
    const same = others.filter((o) => o.systemId === n.systemId);
    const kin = same.filter(
      (o) =>
        o.reach.length === 0 || host === undefined || o.reach.some((r) => r.host === host && r.port === port),
    );
    const primaries = kin.filter((o) => !o.standby);
    const onPort = kin.filter((o) => o.port === port);
    const one =
      kin.length === 1 ? kin : primaries.length === 1 ? primaries : onPort.length === 1 ? onPort : [];
    if (one.length === 1) {
      placed(n, one[0] as Node, "system identifier");
      return;
    }
    why.push(
      same.length === 0
        ? "no other linted data directory has its system identifier"
        : kin.length === 0
          ? "the linted data directories with its system identifier are reached at other addresses"
          : `${kin.length} linted data directories share its system identifier`,
    );
  } else why.push("its system identifier is not known (no global/pg_control)");
  const bySync = others.filter(
    (o) =>
      o.sync?.parsed.ok === true &&
      o.sync.parsed.names.some((s) => s.name !== "*" && syncNameMatches(s.name, n.applicationName)) &&
      (port === undefined || o.port === port),
  );
  if (bySync.length === 1) {
    placed(n, bySync[0] as Node, "synchronous_standby_names");
    return;
  }
  n.unplaced = why.join("; ");
}

function placed(n: Node, upstream: Node, by: NonNullable<Node["placedBy"]>): void {
  n.upstream = upstream;
  n.placedBy = by;
}

/**
 * One line for the run's notes when a standby linted with other servers could not be matched to
 * its upstream (the cross-node rules then say nothing about it): which one, and why.
 */
export function unplacedNote(ws: Workspace, shown: (path: string) => string): string | undefined {
  if (ws.servers.length < 2) return undefined;
  const nodes = nodesOf(ws.servers);
  // standbys alone (a directory of standbys' files): their upstream is simply elsewhere
  if (nodes.every((n) => n.standby)) return undefined;
  const lost = nodes.filter((n) => n.unplaced !== undefined);
  const first = lost[0];
  if (!first) return undefined;
  const name = first.server.name.startsWith("/") ? shown(first.server.name) : first.server.name;
  const more = lost.length > 1 ? ` (and ${lost.length - 1} more standby${lost.length > 2 ? "s" : ""})` : "";
  return `note: the upstream of standby ${name}${more} is not among the linted servers as far as lint can tell: ${first.unplaced}; so rules across servers do not judge it; name where each server is reached in \`servers:\` of ${CONFIG_FILENAME}, or lint the topology spec with the trees`;
}

/** The linted server a standby streams from, as placed (see place()); undefined when not placed. */
export function upstreamServer(servers: readonly Server[], standby: Server): Server | undefined {
  return nodesOf(servers).find((n) => n.server === standby)?.upstream?.server;
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
