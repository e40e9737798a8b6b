import { dirname, resolve } from "node:path";
import { LAYOUTS, type LayoutName } from "../pg/layouts.js";
import { ipFamily } from "../util/net.js";
import type { NodeModel, PasswordSource, SettingValue, TlsPaths, Topology } from "./model.js";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const opt = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Parameter names as the server compares them (ASCII case folded). */
function lowerKeys(o: Obj): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [k, v] of Object.entries(o)) out[k.toLowerCase()] = v as SettingValue;
  return out;
}

/** Default listen_addresses: what the node's host needs, plus the local socket users. */
export function defaultListenAddresses(host: string): string {
  // `localhost` is 127.0.0.1 and ::1 only: another loopback address (127.0.0.2) is listened on as written.
  if (host === "localhost" || host === "127.0.0.1" || host === "::1") return "localhost";
  if (ipFamily(host) !== 0) return `localhost,${host}`;
  return "*"; // a DNS name may resolve to any local address
}

function tlsOf(v: unknown): TlsPaths {
  const t = obj(v);
  const out: TlsPaths = {};
  if (opt(t.ca_file)) out.caFile = opt(t.ca_file);
  if (opt(t.server_cert)) out.serverCert = opt(t.server_cert);
  if (opt(t.server_key)) out.serverKey = opt(t.server_key);
  if (opt(t.client_cert)) out.clientCert = opt(t.client_cert);
  if (opt(t.client_key)) out.clientKey = opt(t.client_key);
  return out;
}

/**
 * The typed model render and lint share: every default applied, layouts resolved to paths.
 * Only called on a spec that passed schema and topology checks.
 */
export function normalize(value: unknown, file: string, absPath: string): Topology {
  const root = obj(value);
  const cluster = obj(root.cluster);
  const repl = obj(root.replication);
  const major = cluster.postgres as number;
  const layoutName = cluster.layout as LayoutName;
  const layout = LAYOUTS[layoutName];
  const clusterName = opt(cluster.name) ?? "main";
  const pw = obj(repl.password);
  const password: PasswordSource =
    typeof pw.env === "string" ? { kind: "env", name: pw.env } : { kind: "file", path: String(pw.file) };
  const sync = repl.synchronous === undefined ? undefined : obj(repl.synchronous);
  const archive = obj(repl.archive);
  const slots = repl.slots !== false;
  const settings = lowerKeys(obj(root.settings));
  const rawNodes = (root.nodes as unknown[]).map(obj);
  const primaryName = rawNodes.find((n) => n.role === "primary")?.name as string;
  const specDir = dirname(absPath);
  const replTls = tlsOf(repl.tls);

  const nodes: NodeModel[] = rawNodes.map((n, index) => {
    const name = n.name as string;
    const role = n.role as "primary" | "standby";
    const host = n.host as string;
    const nodeCluster = opt(n.cluster) ?? clusterName;
    const d = layout.defaults(major, nodeCluster);
    const dataDirectory = opt(n.data_directory) ?? d.dataDirectory;
    const configDirectory =
      opt(n.config_directory) ?? (layout.configInDataDir ? dataDirectory : d.configDirectory);
    const base = obj(n.base);
    const upstream = role === "standby" ? (opt(n.upstream) ?? primaryName) : undefined;
    return {
      name,
      role,
      host,
      port: typeof n.port === "number" ? n.port : 5432,
      upstream,
      slot: role === "standby" && slots ? (opt(n.slot) ?? name) : undefined,
      sync: role === "standby" && n.sync === true,
      applyDelay: role === "standby" ? opt(n.apply_delay) : undefined,
      cluster: nodeCluster,
      dataDirectory,
      configDirectory,
      binDirectory: opt(n.bin_directory) ?? d.binDirectory,
      socketDirectory: opt(n.socket_directory) ?? d.socketDirectory,
      socketDirectoryGiven: opt(n.socket_directory) !== undefined,
      listenAddresses: opt(n.listen_addresses) ?? defaultListenAddresses(host),
      sourceAddress: opt(n.source_address) ?? host,
      adminUser: opt(n.admin_user) ?? "postgres",
      osUser: opt(n.os_user) ?? "postgres",
      passfile: opt(n.passfile) ?? `${dataDirectory.replace(/\/+$/, "")}.pgpass`,
      tls: { ...replTls, ...tlsOf(n.tls) },
      base: {
        ...(opt(base.postgresql_conf)
          ? {
              postgresqlConf: resolve(specDir, base.postgresql_conf as string),
              postgresqlConfAsWritten: base.postgresql_conf as string,
            }
          : {}),
        ...(opt(base.pg_hba_conf)
          ? {
              pgHbaConf: resolve(specDir, base.pg_hba_conf as string),
              pgHbaConfAsWritten: base.pg_hba_conf as string,
            }
          : {}),
      },
      settings: { ...settings, ...lowerKeys(obj(n.settings)) },
      index,
    };
  });

  return {
    file,
    postgres: major,
    layout: layoutName,
    clusterName,
    replication: {
      user: repl.user as string,
      password,
      auth: (opt(repl.auth) ?? "scram-sha-256") as Topology["replication"]["auth"],
      sslmode: (opt(repl.sslmode) ?? "prefer") as Topology["replication"]["sslmode"],
      slots,
      maxSlotWalKeepSize: major >= 13 ? (opt(repl.max_slot_wal_keep_size) ?? "10GB") : undefined,
      failoverAccess: repl.failover_access !== false,
      synchronous: sync
        ? {
            method: (opt(sync.method) ?? "first") as "first" | "any",
            numSync: typeof sync.num_sync === "number" ? sync.num_sync : 1,
            commit: (opt(sync.commit) ?? "on") as "on" | "remote_write" | "remote_apply",
          }
        : undefined,
      archiveCommand: opt(archive.archive_command),
      restoreCommand: opt(archive.restore_command),
      tls: replTls,
    },
    settings,
    nodes,
  };
}
