/**
 * What the run is told about where each linted server is reached, before the topology rules
 * run: a `servers:` entry of .pgrepl-gen.yaml whose glob matches the tree, and the node of a
 * topology spec linted with the trees. topology.ts matches standbys to upstreams with these
 * (then with the database system identifier of pg_control, then synchronous_standby_names).
 *
 * A tree is a spec's node when it is the only tree that fits the node and the node the only one
 * (not yet matched) that fits the tree, best fits first: its cluster_name or primary_conninfo
 * application_name is the node's name; its data directory is the end of the tree's path
 * (`…/replica/opt/psql-replication` is the node whose data_directory is /opt/psql-replication);
 * its config directory is. Rendered output knows its hosts already.
 */
import { dirname, sep } from "node:path";
import { parseConninfo } from "../pg/conninfo.js";
import type { NodeModel } from "../spec/model.js";
import { type LintConfig, serverEntryFor } from "./config.js";
import { conninfoSettings, settingValue } from "./facts.js";
import type { Server, Workspace } from "./model.js";

/** The directories a server was read from: its data directory, its config directory. */
function dirsOf(server: Server): string[] {
  const dirs = new Set<string>();
  if (server.dataDir) dirs.add(server.dataDir.path);
  if (server.configFile) dirs.add(dirname(server.configFile));
  if (server.hba) dirs.add(dirname(server.hba.file));
  return [...dirs];
}

function endsWith(dir: string, tail: string): boolean {
  const t = tail.replace(/\/+$/, "");
  return t !== "" && (dir === t || dir.endsWith(sep === "/" ? t : t.split("/").join(sep)));
}

/** The names the server goes by in a spec: cluster_name, the application_name it sends. */
function namesOf(server: Server): string[] {
  const names = [settingValue(server, "cluster_name")];
  for (const s of conninfoSettings(server)) {
    const ci = parseConninfo(s.value);
    if (ci.ok && ci.values.application_name) names.push(ci.values.application_name);
  }
  return names.filter((n) => n !== "");
}

/**
 * How well a tree fits a node: 3 by its name (cluster_name, the application_name it sends), 2 by
 * its data directory, 1 by its config directory only (every node of a Debian spec has
 * /etc/postgresql/V/main, every node of an rhel one /var/lib/pgsql/V/data), 0 not at all.
 */
function fitOf(server: Server, node: NodeModel): number {
  if (namesOf(server).includes(node.name)) return 3;
  const dirs = dirsOf(server);
  if (dirs.some((d) => endsWith(d, node.dataDirectory))) return 2;
  return dirs.some((d) => endsWith(d, node.configDirectory)) ? 1 : 0;
}

function remember(server: Server, host: string, port: string, because: string): void {
  const known = server.known ?? [];
  if (!known.some((k) => k.host === host && k.port === port)) known.push({ host, port, because });
  server.known = known;
}

/** Sets `known` on the servers: from the config file's `servers:` and from the specs linted with them. */
export function identify(ws: Workspace, config: LintConfig, configShown: string): void {
  const trees = ws.servers.filter((s) => s.origin !== "rendered");
  for (const s of trees) {
    const paths = [...dirsOf(s), ...(s.configFile ? [s.configFile] : []), s.id];
    const entry = serverEntryFor(config, paths);
    if (entry) remember(s, entry.host, entry.port, `\`servers:\` in ${configShown}`);
  }
  for (const spec of ws.specs) {
    const t = spec.topology;
    if (!t) continue;
    const free = new Set(trees);
    const open = new Set(t.nodes);
    // strong fits first; a tree claimed by its data directory leaves the rest to the others
    for (let progress = true; progress; ) {
      progress = false;
      for (const strength of [3, 2, 1]) {
        for (const node of open) {
          const candidates = [...free].filter((s) => fitOf(s, node) >= strength);
          const s = candidates[0];
          if (candidates.length !== 1 || !s) continue;
          if ([...open].filter((n) => fitOf(s, n) >= strength).length !== 1) continue;
          remember(s, node.host.toLowerCase(), String(node.port), `node \`${node.name}\` of ${spec.file}`);
          free.delete(s);
          open.delete(node);
          progress = true;
        }
        if (progress) break;
      }
    }
  }
}
