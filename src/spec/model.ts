import type { SettingValue } from "../pg/guc.js";
import type { LayoutName } from "../pg/layouts.js";

/** Where the runbooks read the replication password at run time. */
export type PasswordSource = { kind: "env"; name: string } | { kind: "file"; path: string };

/** Re-exported for the model's readers; the fact lives in pg/guc.ts. */
export type { SettingValue };

export interface SynchronousSpec {
  method: "first" | "any";
  numSync: number;
  commit: "on" | "remote_write" | "remote_apply";
}

export interface TlsPaths {
  caFile?: string;
  serverCert?: string;
  serverKey?: string;
  clientCert?: string;
  clientKey?: string;
}

export interface ReplicationSpec {
  user: string;
  password: PasswordSource;
  auth: "scram-sha-256" | "md5" | "cert";
  sslmode: "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
  slots: boolean;
  /** undefined on PostgreSQL 12, which has no max_slot_wal_keep_size. */
  maxSlotWalKeepSize: string | undefined;
  failoverAccess: boolean;
  synchronous: SynchronousSpec | undefined;
  archiveCommand: string | undefined;
  restoreCommand: string | undefined;
  tls: TlsPaths;
}

/** One PostgreSQL server of the topology, with every default applied. */
export interface NodeModel {
  name: string;
  role: "primary" | "standby";
  host: string;
  port: number;
  /** The node this one streams from; undefined for the primary. */
  upstream: string | undefined;
  /** Its slot on the upstream; undefined for the primary or when slots are off. */
  slot: string | undefined;
  sync: boolean;
  applyDelay: string | undefined;
  /** Debian cluster name. */
  cluster: string;
  dataDirectory: string;
  configDirectory: string;
  binDirectory: string;
  socketDirectory: string;
  /** The spec sets socket_directory (else the server's own setting is left as it is). */
  socketDirectoryGiven: boolean;
  listenAddresses: string;
  sourceAddress: string;
  adminUser: string;
  osUser: string;
  /** libpq password file the standby's runbook writes and primary_conninfo names. */
  passfile: string;
  tls: TlsPaths;
  /** Spec-relative paths of the node's current files, resolved to absolute paths. */
  base: {
    postgresqlConf?: string;
    pgHbaConf?: string;
    postgresqlConfAsWritten?: string;
    pgHbaConfAsWritten?: string;
  };
  /** cluster-wide settings with this node's overrides applied. */
  settings: Record<string, SettingValue>;
  /** Position of the node in the spec (index in `nodes`). */
  index: number;
}

export interface Topology {
  /** The spec file, as given. */
  file: string;
  postgres: number;
  layout: LayoutName;
  clusterName: string;
  replication: ReplicationSpec;
  settings: Record<string, SettingValue>;
  nodes: NodeModel[];
}

export function primaryOf(t: Topology): NodeModel {
  const p = t.nodes.find((n) => n.role === "primary");
  if (!p) throw new Error("topology without a primary (validation should have refused it)");
  return p;
}

export function nodeByName(t: Topology, name: string): NodeModel | undefined {
  return t.nodes.find((n) => n.name === name);
}

/** Standbys streaming directly from `upstream`. */
export function downstreamsOf(t: Topology, upstream: string): NodeModel[] {
  return t.nodes.filter((n) => n.upstream === upstream);
}

/** Nodes in the order they can be built: each after its upstream. */
export function upstreamFirstOrder(t: Topology): NodeModel[] {
  const out: NodeModel[] = [];
  const done = new Set<string>();
  const visit = (n: NodeModel): void => {
    if (done.has(n.name)) return;
    if (n.upstream) {
      const up = nodeByName(t, n.upstream);
      if (up) visit(up);
    }
    done.add(n.name);
    out.push(n);
  };
  for (const n of t.nodes) visit(n);
  return out;
}

/** The chain of upstreams above a node, nearest first. */
export function upstreamChain(t: Topology, node: NodeModel): NodeModel[] {
  const chain: NodeModel[] = [];
  let cur = node.upstream ? nodeByName(t, node.upstream) : undefined;
  while (cur && !chain.includes(cur)) {
    chain.push(cur);
    cur = cur.upstream ? nodeByName(t, cur.upstream) : undefined;
  }
  return chain;
}

export function syncCandidates(t: Topology): NodeModel[] {
  return t.nodes.filter((n) => n.role === "standby" && n.sync);
}
