import type { Problem } from "../util/diagnostic.js";
import { isValidHost } from "../util/net.js";
import { closest } from "../util/suggest.js";
import { lookupTable } from "../util/table.js";
import { displayPath, type PathSeg, printable, type SourceDoc } from "./parse.js";
import { quoteValue } from "./schema.js";

/**
 * Checks the schema cannot express: they need several nodes at once. They read the raw
 * document defensively (it may also have schema problems), so every problem is reported in one run.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Parameters that the spec sets through its own keys; `settings` may not set them. */
export const MANAGED_SETTINGS: Readonly<Record<string, string>> = lookupTable({
  primary_conninfo: "replication and the node's upstream",
  primary_slot_name: "the node's `slot`",
  synchronous_standby_names: "`replication.synchronous` and the nodes' `sync`",
  cluster_name: "the node's `name`",
  port: "the node's `port`",
  listen_addresses: "the node's `listen_addresses`",
  data_directory: "the node's `data_directory`",
  config_file: "the node's `config_directory`",
  hba_file: "the node's `config_directory`",
  recovery_min_apply_delay: "the node's `apply_delay`",
  max_slot_wal_keep_size: "`replication.max_slot_wal_keep_size`",
  archive_command: "`replication.archive.archive_command`",
  restore_command: "`replication.archive.restore_command`",
  unix_socket_directories: "the node's `socket_directory`",
});

export function topologyProblems(doc: SourceDoc): Problem[] {
  const problems: Problem[] = [];
  const root = doc.value;
  if (!isObj(root)) return problems;
  const report = (path: PathSeg[], message: string, which: "key" | "value" = "value") =>
    problems.push({ file: doc.file, pos: doc.locate(path, which), message });
  const line = (path: PathSeg[]) => doc.locate(path).line;

  const cluster = isObj(root.cluster) ? root.cluster : {};
  const layout = str(cluster.layout);
  const major = typeof cluster.postgres === "number" ? cluster.postgres : undefined;
  const repl = isObj(root.replication) ? root.replication : {};
  const rawNodes = Array.isArray(root.nodes) ? root.nodes : [];
  const nodes = rawNodes.map((n, i) => ({ i, n: isObj(n) ? n : {} }));

  // Hosts: an IP literal or a DNS name (the schema cannot say "IPv4 or IPv6 or hostname" briefly).
  for (const { i, n } of nodes) {
    for (const key of ["host", "source_address"]) {
      const v = n[key];
      if (typeof v === "string" && v !== "" && !isValidHost(v)) {
        report(
          ["nodes", i, key],
          `nodes[${i}].${key}: ${quoteValue(["nodes", i, key], v) ?? "value"} is not an IPv4 or IPv6 address or a DNS name`,
        );
      }
    }
  }

  // Node names unique.
  const byName = new Map<string, number>();
  for (const { i, n } of nodes) {
    const name = str(n.name);
    if (name === undefined) continue;
    const first = byName.get(name);
    if (first !== undefined) {
      report(
        ["nodes", i, "name"],
        `nodes[${i}].name: duplicate node name \`${printable(name)}\` (first at line ${line(["nodes", first, "name"])})`,
      );
    } else byName.set(name, i);
  }

  // Exactly one primary.
  const primaries = nodes.filter(({ n }) => n.role === "primary");
  if (primaries.length === 0 && nodes.length > 0) {
    report(["nodes"], "nodes: no node has `role: primary`; a topology has exactly one primary");
  }
  const first = primaries[0];
  for (const { i } of primaries.slice(1)) {
    report(
      ["nodes", i, "role"],
      `nodes[${i}].role: a second primary; a topology has exactly one (\`${printable(str(first?.n.name) ?? "?")}\` at line ${line(["nodes", first?.i ?? 0])})`,
    );
  }
  const primaryName = primaries.length === 1 ? str(first?.n.name) : undefined;

  // Standby-only keys on the primary.
  for (const { i, n } of primaries) {
    for (const key of ["upstream", "slot", "sync", "apply_delay", "passfile"]) {
      if (n[key] !== undefined && !(key === "sync" && n[key] === false)) {
        report(["nodes", i, key], `nodes[${i}].${key}: \`${key}\` is for standbys only`, "key");
      }
    }
  }

  // Upstreams exist and form no cycle.
  const upstreamOf = (n: Obj): string | undefined =>
    n.role === "standby" ? (str(n.upstream) ?? primaryName) : undefined;
  for (const { i, n } of nodes) {
    if (n.role !== "standby") continue;
    const up = str(n.upstream);
    if (up === undefined) continue;
    if (up === n.name) {
      report(
        ["nodes", i, "upstream"],
        `nodes[${i}].upstream: \`${printable(up)}\` cannot stream from itself`,
      );
    } else if (!byName.has(up)) {
      report(
        ["nodes", i, "upstream"],
        `nodes[${i}].upstream: unknown node \`${printable(up)}\`${suggestNode(up, byName.keys())}`,
      );
    }
  }
  const inCycle = new Set<string>();
  for (const { i, n } of nodes) {
    const start = str(n.name);
    if (start === undefined || n.role !== "standby" || inCycle.has(start)) continue;
    const chain = [start];
    let cur: Obj | undefined = n;
    for (;;) {
      const up: string | undefined = cur ? upstreamOf(cur) : undefined;
      if (up === undefined || (up === start && chain.length === 1)) break;
      if (up === start) {
        for (const c of chain) inCycle.add(c);
        report(
          ["nodes", i, "upstream"],
          `nodes[${i}].upstream: upstreams form a cycle: ${[...chain, start].map((x) => printable(x)).join(" → ")}; no node in it ever receives WAL`,
        );
        break;
      }
      if (chain.includes(up)) break; // a cycle further up: reported from one of its members
      chain.push(up);
      const idx = byName.get(up);
      cur = idx === undefined ? undefined : nodes[idx]?.n;
    }
  }

  // Slots unique per upstream.
  if (repl.slots !== false) {
    const slotUse = new Map<string, number>();
    for (const { i, n } of nodes) {
      if (n.role !== "standby") continue;
      const up = upstreamOf(n);
      const slot = str(n.slot) ?? str(n.name);
      if (up === undefined || slot === undefined) continue;
      // A slot defaulted from a duplicate node name is reported as the duplicate name.
      if (n.slot === undefined && byName.get(slot) !== i) continue;
      const key = `${up}\u0000${slot}`;
      const prev = slotUse.get(key);
      if (prev !== undefined) {
        const at: PathSeg[] = n.slot !== undefined ? ["nodes", i, "slot"] : ["nodes", i, "name"];
        report(
          at,
          `nodes[${i}]: slot \`${printable(slot)}\` on upstream \`${printable(up)}\` is already used by \`${printable(str(nodes[prev]?.n.name) ?? "?")}\` (line ${line(["nodes", prev])}); the second standby would be refused`,
        );
      } else slotUse.set(key, i);
    }
  } else {
    for (const { i, n } of nodes) {
      if (n.slot !== undefined)
        report(
          ["nodes", i, "slot"],
          `nodes[${i}].slot: \`replication.slots\` is false, so no slot is used`,
          "key",
        );
    }
  }

  // Synchronous replication.
  const syncSpec = isObj(repl.synchronous) ? repl.synchronous : undefined;
  const candidates: number[] = [];
  for (const { i, n } of nodes) {
    if (n.role !== "standby" || n.sync !== true) continue;
    const up = upstreamOf(n);
    if (primaryName !== undefined && up !== undefined && up !== primaryName) {
      report(
        ["nodes", i, "sync"],
        `nodes[${i}].sync: \`${printable(str(n.name) ?? "?")}\` streams from \`${printable(up)}\`, not from the primary; only the primary's direct standbys can be synchronous`,
      );
      continue;
    }
    if (!syncSpec) {
      report(
        ["nodes", i, "sync"],
        `nodes[${i}].sync: \`sync: true\` needs \`replication.synchronous\` (method, num_sync, commit)`,
      );
      continue;
    }
    candidates.push(i);
  }
  if (syncSpec) {
    const numSync = typeof syncSpec.num_sync === "number" ? syncSpec.num_sync : 1;
    if (candidates.length === 0) {
      report(
        ["replication", "synchronous"],
        "replication.synchronous: no standby of the primary has `sync: true`; every commit would wait forever",
      );
    } else if (numSync > candidates.length) {
      report(
        ["replication", "synchronous", syncSpec.num_sync === undefined ? "method" : "num_sync"],
        `replication.synchronous.num_sync: ${numSync} synchronous standbys required but only ${candidates.length} ${candidates.length === 1 ? "is a candidate" : "are candidates"} (\`sync: true\`); every commit would wait forever`,
      );
    }
    if (syncSpec.commit === "remote_apply") {
      for (const i of candidates) {
        const n = nodes[i]?.n ?? {};
        if (n.apply_delay !== undefined && !/^0+(ms|s|min|h|d)?$/.test(String(n.apply_delay))) {
          report(
            ["nodes", i, "apply_delay"],
            `nodes[${i}].apply_delay: a delayed standby is a synchronous candidate while commit is \`remote_apply\`; every commit would wait the whole delay`,
          );
        }
      }
    }
  }

  // Two servers on one host cannot share a port, a data directory, or (Debian) a cluster name.
  const seenHost = new Map<string, number>();
  for (const { i, n } of nodes) {
    const host = str(n.host);
    if (host === undefined) continue;
    const port = typeof n.port === "number" ? n.port : 5432;
    const checks: [string, string, PathSeg][] = [
      [`port\u0000${port}`, `port ${port}`, n.port === undefined ? "host" : "port"],
    ];
    if (typeof n.data_directory === "string")
      checks.push([
        `data\u0000${n.data_directory}`,
        `data directory \`${n.data_directory}\``,
        "data_directory",
      ]);
    if (layout === "debian") {
      const c = str(n.cluster) ?? str(cluster.name) ?? "main";
      checks.push([
        `cluster\u0000${c}`,
        `Debian cluster \`${printable(c)}\``,
        n.cluster === undefined ? "host" : "cluster",
      ]);
    }
    for (const [k, what, key] of checks) {
      const full = `${host}\u0000${k}`;
      const prev = seenHost.get(full);
      if (prev !== undefined) {
        report(
          ["nodes", i, key],
          `nodes[${i}]: \`${printable(str(nodes[prev]?.n.name) ?? "?")}\` on host \`${printable(host)}\` already uses ${what}`,
        );
      } else seenHost.set(full, i);
    }
  }

  // Version-dependent keys.
  if (major === 12 && repl.max_slot_wal_keep_size !== undefined) {
    report(
      ["replication", "max_slot_wal_keep_size"],
      "replication.max_slot_wal_keep_size: PostgreSQL 12 has no max_slot_wal_keep_size (added in 13)",
      "key",
    );
  }

  // TLS and certificate authentication.
  const sslmode = str(repl.sslmode) ?? "prefer";
  const tls = isObj(repl.tls) ? repl.tls : {};
  const tlsRequired = ["require", "verify-ca", "verify-full"].includes(sslmode);
  if (repl.auth === "cert") {
    if (!tlsRequired)
      report(
        ["replication", "auth"],
        "replication.auth: `cert` needs TLS: set `sslmode` to require, verify-ca or verify-full",
      );
    const missing = ["ca_file", "client_cert", "client_key"].filter((k) => tls[k] === undefined);
    if (missing.length > 0) {
      report(
        ["replication", "auth"],
        `replication.auth: \`cert\` needs ${missing.map((k) => `\`replication.tls.${k}\``).join(", ")}`,
      );
    }
  }
  if ((sslmode === "verify-ca" || sslmode === "verify-full") && tls.ca_file === undefined) {
    report(
      ["replication", "sslmode"],
      `replication.sslmode: \`${sslmode}\` needs \`replication.tls.ca_file\` (the standbys' sslrootcert)`,
    );
  }
  // TLS replication needs ssl = on on every node that may serve a standby, so certificates.
  if (tlsRequired) {
    const lacking = (k: string) =>
      nodes.filter(({ n }) => tls[k] === undefined && (isObj(n.tls) ? n.tls : {})[k] === undefined);
    for (const k of ["server_cert", "server_key"]) {
      const missing = lacking(k);
      if (missing.length === 0) continue;
      if (missing.length === nodes.length) {
        report(
          ["replication", "sslmode"],
          `replication.sslmode: \`${sslmode}\` needs \`replication.tls.${k}\` (or \`tls.${k}\` on every node): the servers must have ssl = on`,
        );
      } else {
        for (const { i } of missing)
          report(
            ["nodes", i, "name"],
            `nodes[${i}]: sslmode \`${sslmode}\` needs \`tls.${k}\` here or in \`replication.tls\``,
          );
      }
    }
  }

  // Settings the spec manages through its own keys.
  // Every other node may stream from any node after a failover: fewer senders or slots refuse one.
  const peers = Math.max(nodes.length - 1, 1);
  const checkSettings = (path: PathSeg[], s: unknown) => {
    if (!isObj(s)) return;
    const folded = new Map<string, string>();
    for (const key of Object.keys(s)) {
      const lower = key.toLowerCase();
      const at = [...path, key];
      const where = displayPath(at);
      const owner = MANAGED_SETTINGS[lower];
      if (owner) {
        report(at, `${where}: set through ${owner}, not \`settings\``, "key");
        continue;
      }
      const earlier = folded.get(lower);
      if (earlier !== undefined) {
        report(
          at,
          `${where}: \`${printable(earlier)}\` and \`${printable(key)}\` name the same parameter (names are case-insensitive)`,
          "key",
        );
      }
      folded.set(lower, key);
      const v = s[key];
      if (lower === "synchronous_commit" && isObj(repl.synchronous)) {
        report(
          at,
          `${where}: set through \`replication.synchronous.commit\` when synchronous replication is on`,
          "key",
        );
      }
      if (lower === "wal_level" && typeof v === "string" && v.toLowerCase() === "minimal") {
        report(at, `${where}: \`minimal\` WAL cannot feed a standby; use \`replica\` or \`logical\``);
      }
      if (
        (lower === "max_wal_senders" || lower === "max_replication_slots") &&
        typeof v === "number" &&
        v < peers
      ) {
        report(
          at,
          `${where}: ${v} is below the ${peers} other node${peers === 1 ? "" : "s"} that may stream from this one (after a failover, any of them)`,
        );
      }
    }
  };
  checkSettings(["settings"], root.settings);
  for (const { i, n } of nodes) checkSettings(["nodes", i, "settings"], n.settings);

  return problems;
}

/**
 * A literal password anywhere in the spec is refused without repeating it: `replication.password`
 * given as a string, any other key that names a password, or a conninfo/env assignment in a value.
 * Returns the problems and the JSON pointers whose schema errors must be suppressed.
 */
export function literalPasswordProblems(doc: SourceDoc): { problems: Problem[]; suppress: string[] } {
  const problems: Problem[] = [];
  const suppress: string[] = [];
  const walk = (v: unknown, path: PathSeg[]): void => {
    const ptr = `/${path.join("/")}`;
    const last = path[path.length - 1];
    const isPasswordSource = path.length === 2 && path[0] === "replication" && path[1] === "password";
    if (isPasswordSource && !isObj(v)) {
      problems.push({
        file: doc.file,
        pos: doc.locate(path),
        message:
          "replication.password: a literal password is not accepted (value not shown); use `{ env: NAME }` or `{ file: PATH }`",
      });
      suppress.push(ptr);
      return;
    }
    if (
      typeof last === "string" &&
      /^(password|passwd|pgpassword|pass)$/i.test(last) &&
      !isPasswordSource &&
      typeof v === "string"
    ) {
      problems.push({
        file: doc.file,
        pos: doc.locate(path),
        message: `${displayPath(path)}: a literal password is not accepted (value not shown)`,
      });
      suppress.push(ptr);
      return;
    }
    if (typeof v === "string") {
      if (/\bpassword\s*=|\bPGPASSWORD=|:\/\/[^/@\s:]+:[^/@\s]+@/i.test(v)) {
        problems.push({
          file: doc.file,
          pos: doc.locate(path),
          message: `${displayPath(path)}: holds what looks like a literal password (value not shown); secrets are read at run time from \`replication.password\``,
        });
        suppress.push(ptr);
      }
      return;
    }
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, i]);
    } else if (isObj(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(doc.value, []);
  return { problems, suppress };
}

/** "; did you mean `x`?" for a node name (itself from the spec, so made printable). */
function suggestNode(name: string, names: Iterable<string>): string {
  const near = closest(name, names);
  return near === undefined ? "" : `; did you mean \`${printable(near)}\`?`;
}
