import { formatGucValue, STANDBY_MINIMUM_PARAMS } from "../pg/guc.js";
import { conninfoValue, syncStandbyName } from "../pg/quote.js";
import {
  downstreamsOf,
  type NodeModel,
  nodeByName,
  primaryOf,
  type SettingValue,
  syncCandidates,
  type Topology,
  upstreamChain,
  upstreamFirstOrder,
} from "../spec/model.js";
import { ipFamily } from "../util/net.js";
import { bootValue } from "./defaults.js";

/** A lint rule the spec deliberately chose to trigger, with the spec's choice as the reason. */
export interface Suppression {
  rule: string;
  reason: string;
}

export interface GucLine {
  name: string;
  /** As written after `=`: already quoted for postgresql.conf. */
  value: string;
  comment?: string;
  suppress?: Suppression;
}

export interface GucSection {
  title: string;
  lines: GucLine[];
}

export interface HbaEntry {
  type: "host" | "hostssl";
  database: "replication";
  user: string;
  address: string;
  method: string;
  /** Which node connects from this address. */
  peer: string;
  suppress: Suppression[];
}

export interface SyncExpectation {
  name: string;
  state: "sync" | "potential" | "quorum" | "async";
}

export interface NodePlan {
  node: NodeModel;
  upstream: NodeModel | undefined;
  downstreams: NodeModel[];
  /** conf.d/pgrepl-gen.conf, in sections. */
  dropIn: GucSection[];
  /** Drop-in parameters the `sync` step switches on (absent from what `prepare` installs). */
  syncParams: string[];
  /** The primary's synchronous_standby_names as the sync step sets it (as SHOW prints it). */
  syncStandbyNames: string | undefined;
  hba: HbaEntry[];
  /** postgresql.auto.conf keys of a standby. */
  auto: GucLine[];
  /** primary_conninfo of a standby, unquoted (libpq keyword/value form). */
  conninfo: string | undefined;
  /** .pgpass line fields of a standby, without the password. */
  pgpass: { host: string; port: string; database: string; user: string } | undefined;
  /** For the primary: what pg_stat_replication must show once synchronous replication is on. */
  expectedReplication: SyncExpectation[];
}

export interface Step {
  node: string;
  host: string;
  run: string;
  args: string[];
  /** Why this step is here, for plan.json and the README. */
  does: string;
}

export interface RenderPlan {
  topology: Topology;
  nodes: NodePlan[];
  steps: Step[];
  /** Suppressions the spec chose, listed in the rendered README. */
  choices: Suppression[];
}

const TLS_MODES = new Set(["require", "verify-ca", "verify-full"]);

/** /32 for IPv4, /128 for IPv6, the name itself for a DNS name (pg_hba matches host names). */
export function hbaAddress(host: string): string {
  const fam = ipFamily(host);
  if (fam === 4) return `${host}/32`;
  if (fam === 6) return `${host}/128`;
  return host;
}

/** The value of a parameter on a node before pgrepl-gen raises it: the spec's, else the server default. */
/**
 * Values a node's own postgresql.conf sets before pgrepl-gen's drop-in (its `base` file, the file
 * it inherits from its upstream, or the stock file), as name → value; supplied by the caller.
 */
export type BaseSettings = (node: NodeModel) => ReadonlyMap<string, string>;

let baseSettings: BaseSettings = () => new Map();

function ownValue(t: Topology, n: NodeModel, name: string): number {
  const v = n.settings[name];
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  const fromFile = baseSettings(n).get(name);
  if (fromFile !== undefined && /^\d+$/.test(fromFile)) return Number(fromFile);
  return bootValue(t.postgres, name);
}

function senderHeadroom(t: Topology): number {
  // Every node may serve every other after a failover, plus two base backups at once.
  return Math.max(10, t.nodes.length - 1 + 2);
}

/** Effective integer value of a chain parameter: at least every upstream's (recursively). */
function chainValue(t: Topology, n: NodeModel, name: string, computed: Map<string, number>): number {
  const key = `${n.name}\u0000${name}`;
  const hit = computed.get(key);
  if (hit !== undefined) return hit;
  // max_wal_senders: the spec's own value when it sets one (validation checked it is enough), else
  // room for every other node plus base backups.
  let v =
    name === "max_wal_senders" && n.settings[name] === undefined
      ? Math.max(ownValue(t, n, name), senderHeadroom(t))
      : ownValue(t, n, name);
  for (const up of upstreamChain(t, n)) v = Math.max(v, chainValue(t, up, name, computed));
  computed.set(key, v);
  return v;
}

export function conninfoFor(t: Topology, standby: NodeModel, upstream: NodeModel): string {
  const r = t.replication;
  const kv: [string, string][] = [
    ["host", upstream.host],
    ["port", String(upstream.port)],
    ["user", r.user],
    ["application_name", standby.name],
    ["passfile", standby.passfile],
    ["sslmode", r.sslmode],
  ];
  if (r.tls.caFile && r.sslmode !== "disable") kv.push(["sslrootcert", r.tls.caFile]);
  if (r.auth === "cert") {
    if (standby.tls.clientCert) kv.push(["sslcert", standby.tls.clientCert]);
    if (standby.tls.clientKey) kv.push(["sslkey", standby.tls.clientKey]);
  }
  return kv.map(([k, v]) => `${k}=${conninfoValue(v)}`).join(" ");
}

function synchronousNames(t: Topology): string | undefined {
  const s = t.replication.synchronous;
  if (!s) return undefined;
  const names = syncCandidates(t).map((n) => syncStandbyName(n.name));
  return `${s.method === "any" ? "ANY" : "FIRST"} ${s.numSync} (${names.join(", ")})`;
}

function expectedReplication(t: Topology, primary: NodeModel): SyncExpectation[] {
  const s = t.replication.synchronous;
  const candidates = syncCandidates(t).map((n) => n.name);
  return downstreamsOf(t, primary.name).map((n) => {
    if (!s || !candidates.includes(n.name)) return { name: n.name, state: "async" };
    if (s.method === "any") return { name: n.name, state: "quorum" };
    return { name: n.name, state: candidates.indexOf(n.name) < s.numSync ? "sync" : "potential" };
  });
}

function dropInFor(
  t: Topology,
  n: NodeModel,
  computed: Map<string, number>,
): { sections: GucSection[]; syncParams: string[] } {
  const r = t.replication;
  const line = (name: string, v: SettingValue, comment?: string, suppress?: Suppression): GucLine => ({
    name,
    value: formatGucValue(v),
    ...(comment ? { comment } : {}),
    ...(suppress ? { suppress } : {}),
  });
  const conn: GucLine[] = [
    line("listen_addresses", n.listenAddresses, "the address the other nodes connect to"),
    line("port", n.port),
    line("cluster_name", n.name, "also shown in process titles"),
  ];
  // Only a socket directory the spec asks for is written: a restart must not move the socket away
  // from the host's local clients (distribution binaries default to /var/run/postgresql, source
  // builds to /tmp), and the runbook finds the server's socket from the server itself.
  if (n.socketDirectoryGiven) {
    conn.push(line("unix_socket_directories", n.socketDirectory, "set by the spec's socket_directory"));
  }
  if (usesTls(r)) {
    conn.push(line("ssl", true, "replication connections use TLS"));
    if (n.tls.serverCert) conn.push(line("ssl_cert_file", n.tls.serverCert));
    if (n.tls.serverKey) conn.push(line("ssl_key_file", n.tls.serverKey));
    if (r.tls.caFile) conn.push(line("ssl_ca_file", r.tls.caFile, "CA for client certificates"));
  }

  // Where the spec sets one of these itself, its value is used (validation refused values that
  // break replication); otherwise what replication needs.
  const own = (name: string, fallback: SettingValue): SettingValue => n.settings[name] ?? fallback;
  const wal: GucLine[] = [
    line("wal_level", own("wal_level", "replica")),
    line(
      "max_wal_senders",
      chainValue(t, n, "max_wal_senders", computed),
      "every other node plus two base backups",
    ),
    line(
      "max_replication_slots",
      own("max_replication_slots", Math.max(10, t.nodes.length - 1 + 2)),
      "one slot per standby, with headroom",
    ),
  ];
  if (r.maxSlotWalKeepSize !== undefined) {
    wal.push(line("max_slot_wal_keep_size", r.maxSlotWalKeepSize, "an absent standby cannot fill the disk"));
  }
  wal.push(line("wal_log_hints", own("wal_log_hints", true), "pg_rewind can rejoin a failed primary"));
  const hotStandby = own("hot_standby", true);
  wal.push(
    line(
      "hot_standby",
      hotStandby,
      "read-only queries on standbys",
      hotStandby === true || hotStandby === "on"
        ? undefined
        : { rule: "hot-standby-off", reason: `the spec sets hot_standby: ${String(hotStandby)}` },
    ),
  );
  if (r.archiveCommand) {
    wal.push(line("archive_mode", "on"));
    wal.push(line("archive_command", r.archiveCommand, "fallback for standbys behind their slot"));
  }
  if (r.restoreCommand && n.role === "standby") {
    wal.push(line("restore_command", r.restoreCommand, "fetch WAL from the archive when streaming cannot"));
  }

  const syncParams: string[] = [];
  const sync: GucLine[] = [];
  const names = synchronousNames(t);
  if (n.role === "primary" && names && r.synchronous) {
    const candidates = syncCandidates(t);
    const single =
      candidates.length === 1
        ? { rule: "sync-single-candidate", reason: "the spec lists one synchronous standby" }
        : undefined;
    sync.push(line("synchronous_commit", r.synchronous.commit));
    sync.push(
      line(
        "synchronous_standby_names",
        names,
        "switched on by the `sync` step, after the standbys stream",
        single,
      ),
    );
    syncParams.push("synchronous_standby_names");
  }

  const standby: GucLine[] = [];
  if (n.role === "standby") {
    if (n.applyDelay) standby.push(line("recovery_min_apply_delay", n.applyDelay, "a delayed standby"));
    for (const p of STANDBY_MINIMUM_PARAMS) {
      if (p === "max_wal_senders") continue; // already above
      standby.push(line(p, chainValue(t, n, p, computed), "at least the upstream's value"));
    }
  }

  const managed = new Set([...conn, ...wal, ...sync, ...standby].map((l) => l.name));
  const extra: GucLine[] = Object.entries(n.settings)
    .filter(([k]) => !managed.has(k))
    .map(([k, v]) => line(k, v));

  const sections: GucSection[] = [
    { title: "Connections", lines: conn },
    { title: "WAL, senders and slots", lines: wal },
  ];
  if (sync.length > 0) sections.push({ title: "Synchronous replication", lines: sync });
  if (standby.length > 0) sections.push({ title: "Standby", lines: standby });
  if (extra.length > 0) sections.push({ title: "Settings from the spec", lines: extra });
  return { sections, syncParams };
}

/** Replication connections use TLS: an sslmode that requires it, or certificate authentication. */
function usesTls(r: Topology["replication"]): boolean {
  return TLS_MODES.has(r.sslmode) || r.auth === "cert";
}

/** The suppression comments every pg_hba.conf entry of a topology carries. */
function hbaSuppressions(t: Topology): Suppression[] {
  const r = t.replication;
  const suppress: Suppression[] = [];
  if (!usesTls(r))
    suppress.push({ rule: "replication-unencrypted", reason: `the spec sets sslmode: ${r.sslmode}` });
  if (r.auth === "md5") suppress.push({ rule: "hba-weak-auth", reason: "the spec sets auth: md5" });
  return suppress;
}

/**
 * `addresses` (each node's hbaAddress) and `suppress` are worked out once per plan: every node's
 * list names every other node, and entries that share them render once (render.ts).
 */
function hbaFor(
  t: Topology,
  n: NodeModel,
  addresses: ReadonlyMap<NodeModel, string>,
  suppress: Suppression[],
  /** when no two nodes share an address: each peer's one entry, shared by every block that lists it */
  onePerPeer: Map<NodeModel, HbaEntry> | undefined,
): HbaEntry[] {
  const r = t.replication;
  const peers = r.failoverAccess ? t.nodes.filter((p) => p !== n) : downstreamsOf(t, n.name);
  const tls = usesTls(r);
  const entry = (p: NodeModel, address: string): HbaEntry => ({
    type: tls ? "hostssl" : "host",
    database: "replication",
    user: r.user,
    address,
    method: r.auth,
    peer: p.name,
    suppress,
  });
  if (onePerPeer) {
    return peers.map((p) => {
      let e = onePerPeer.get(p);
      if (e === undefined) {
        e = entry(p, addresses.get(p) as string);
        onePerPeer.set(p, e);
      }
      return e;
    });
  }
  // One line per address: nodes sharing a source address (several clusters on one host) share it.
  const byAddress = new Map<string, HbaEntry>();
  for (const p of peers) {
    const address = addresses.get(p) as string; // every node of t is in it
    const seen = byAddress.get(address);
    if (seen) seen.peer = `${seen.peer}, ${p.name}`;
    else byAddress.set(address, entry(p, address));
  }
  return [...byAddress.values()];
}

export function planRender(t: Topology, base: BaseSettings = () => new Map()): RenderPlan {
  baseSettings = base;
  const primary = primaryOf(t);
  const computed = new Map<string, number>();
  const addresses = new Map(t.nodes.map((n) => [n, hbaAddress(n.sourceAddress)]));
  const suppress = hbaSuppressions(t);
  const onePerPeer = new Set(addresses.values()).size === addresses.size ? new Map() : undefined;
  const nodes: NodePlan[] = t.nodes.map((n) => {
    const upstream = n.upstream ? nodeByName(t, n.upstream) : undefined;
    const { sections, syncParams } = dropInFor(t, n, computed);
    const conninfo = upstream ? conninfoFor(t, n, upstream) : undefined;
    const auto: GucLine[] = [];
    if (conninfo !== undefined) {
      const plain = !usesTls(t.replication);
      auto.push({
        name: "primary_conninfo",
        value: formatGucValue(conninfo),
        ...(plain
          ? {
              suppress: {
                rule: "replication-unencrypted",
                reason: `the spec sets sslmode: ${t.replication.sslmode}`,
              },
            }
          : {}),
      });
    }
    if (n.slot) auto.push({ name: "primary_slot_name", value: formatGucValue(n.slot) });
    return {
      node: n,
      upstream,
      downstreams: downstreamsOf(t, n.name),
      dropIn: sections,
      syncParams,
      syncStandbyNames: n === primary && t.replication.synchronous ? synchronousNames(t) : undefined,
      hba: hbaFor(t, n, addresses, suppress, onePerPeer),
      auto,
      conninfo,
      pgpass: upstream
        ? {
            host: upstream.host,
            port: String(upstream.port),
            database: "replication",
            user: t.replication.user,
          }
        : undefined,
      expectedReplication: n === primary ? expectedReplication(t, primary) : [],
    };
  });

  const run = (n: NodeModel) => `${n.name}/runbook.sh`;
  const steps: Step[] = [
    {
      node: primary.name,
      host: primary.host,
      run: run(primary),
      args: ["--phase", "prepare"],
      does: "install the drop-in and the pg_hba block, create the replication role, restart or reload",
    },
  ];
  for (const n of upstreamFirstOrder(t)) {
    if (n.role !== "standby") continue;
    steps.push({
      node: n.name,
      host: n.host,
      run: run(n),
      args: ["--phase", "standby"],
      does: `build the standby from \`${n.upstream}\` with pg_basebackup and start it`,
    });
  }
  if (t.replication.synchronous) {
    steps.push({
      node: primary.name,
      host: primary.host,
      run: run(primary),
      args: ["--phase", "sync"],
      does: "switch synchronous replication on, now that the standbys stream",
    });
  }
  for (const n of upstreamFirstOrder(t)) {
    steps.push({
      node: n.name,
      host: n.host,
      run: run(n),
      args: ["--phase", "verify"],
      does: "check the settings are live and replication is as specified",
    });
  }

  // every suppression once, in first-seen order (a topology's hba entries share one list: seen once)
  const choices = new Map<string, Suppression>();
  const add = (c: Suppression) => {
    const key = `${c.rule}\u0000${c.reason}`;
    if (!choices.has(key)) choices.set(key, c);
  };
  const seenLists = new Set<readonly Suppression[]>();
  for (const p of nodes) {
    for (const x of p.dropIn) for (const l of x.lines) if (l.suppress) add(l.suppress);
    for (const h of p.hba) {
      if (seenLists.has(h.suppress)) continue;
      seenLists.add(h.suppress);
      for (const c of h.suppress) add(c);
    }
  }
  return { topology: t, nodes, steps, choices: [...choices.values()] };
}
