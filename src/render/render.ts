import { readFileSync } from "node:fs";
import { parseConfText } from "../pg/conf/index.js";
import { ensureConfDInclude, setDataDirectory } from "../pg/conf-edit.js";
import { placeHbaBlock } from "../pg/hba-placement.js";
import { LAYOUTS } from "../pg/layouts.js";
import { formatPgpassLine } from "../pg/pgpass.js";
import { sqlLiteral } from "../pg/quote.js";
import { type NodeModel, nodeByName, type Topology, upstreamFirstOrder } from "../spec/model.js";
import { VERSION } from "../util/package-info.js";
import { type NodePlan, planRender, type RenderPlan } from "./model.js";
import { filePatch } from "./patch.js";
import { stockDescription, stockFile } from "./stock.js";
import { renderPartial, renderTemplate } from "./templates.js";

/** One rendered file: path relative to the output directory, content, mode. */
export interface RenderedFile {
  path: string;
  content: string;
  mode: number;
  what: string;
}

interface ConfigFiles {
  postgresqlConf: string;
  pgHba: string;
  dropIn: string | undefined;
  source: string;
  /** the files at the start of the chain: a node's base files or the stock files of a named command */
  origin: string;
}

function passwordSourceText(t: Topology): string {
  return t.replication.password.kind === "env"
    ? `the environment variable $${t.replication.password.name}`
    : `the file ${t.replication.password.path}`;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function runbookData(plan: RenderPlan, p: NodePlan, specFile: string) {
  const t = plan.topology;
  const n = p.node;
  const layout = LAYOUTS[t.layout];
  const phases =
    n.role === "primary"
      ? [
          {
            name: "prepare",
            does: "install the drop-in and the hba block, create the replication role, reload or restart",
          },
          ...(t.replication.synchronous
            ? [{ name: "sync", does: "switch synchronous replication on (after the standbys stream)" }]
            : []),
          { name: "verify", does: "check settings are live and the downstream standbys stream" },
        ]
      : [
          { name: "standby", does: `build this standby from ${n.upstream} (pg_basebackup) and start it` },
          { name: "verify", does: "check it streams, refuses writes, and its downstreams stream" },
        ];
  const width = Math.max(...phases.map((x) => x.name.length));
  // Ordered by name as `ORDER BY application_name COLLATE "C"` orders them (byte order of the names).
  const expectedDownstream = [...p.downstreams]
    .sort((a, b) => byteOrder(a.name, b.name))
    .map((d) => {
      const state = p.expectedReplication.find((e) => e.name === d.name)?.state ?? "async";
      return `${d.name}=streaming/${state}${d.slot ? `/${d.slot}` : ""}`;
    })
    .join(" ");
  const tlsFiles: { path: string; what: string; secret: boolean }[] = [];
  const tlsOn =
    ["require", "verify-ca", "verify-full"].includes(t.replication.sslmode) || t.replication.auth === "cert";
  if (tlsOn) {
    if (n.tls.serverCert)
      tlsFiles.push({ path: n.tls.serverCert, what: "server certificate", secret: false });
    if (n.tls.serverKey) tlsFiles.push({ path: n.tls.serverKey, what: "server key", secret: true });
    if (n.tls.caFile) tlsFiles.push({ path: n.tls.caFile, what: "CA certificate", secret: false });
    if (n.role === "standby" && t.replication.auth === "cert") {
      if (n.tls.clientCert)
        tlsFiles.push({ path: n.tls.clientCert, what: "client certificate", secret: false });
      if (n.tls.clientKey) tlsFiles.push({ path: n.tls.clientKey, what: "client key", secret: true });
    }
  }
  const defaults = layout.defaults(t.postgres, n.cluster);
  return {
    specFile,
    node: n,
    major: t.postgres,
    layoutName: t.layout,
    runAsRoot: layout.runAsRoot,
    isDebian: t.layout === "debian",
    isPrimary: n.role === "primary",
    isStandby: n.role === "standby",
    upstream: p.upstream,
    conninfo: p.conninfo,
    slot: n.slot ?? "",
    // The line without its password (the runbook appends the escaped password at run time).
    pgpassPrefix: p.pgpass ? formatPgpassLine({ ...p.pgpass, password: "" }).slice(0, -1) : "",
    binDir: n.binDirectory,
    phases: phases.map((x) => ({ ...x, pad: " ".repeat(width - x.name.length) })),
    phaseNames: phases.map((x) => x.name).join(", "),
    passwordSourceText: passwordSourceText(t),
    password:
      t.replication.password.kind === "env"
        ? { env: t.replication.password.name }
        : { file: t.replication.password.path },
    replUser: t.replication.user,
    hasSync: n.role === "primary" && t.replication.synchronous !== undefined,
    syncStandbyNames: p.syncStandbyNames ?? "",
    syncParamsPattern: p.syncParams.length > 0 ? p.syncParams.join("|") : "pgrepl_gen_none",
    expectedSyncText: [...p.expectedReplication]
      .sort((a, b) => byteOrder(a.name, b.name))
      .map((e) => `${e.name}=${e.state}`)
      .join(" "),
    downstreams: p.downstreams,
    downstreamNamesSql: p.downstreams.map((d) => sqlLiteral(d.name)).join(", "),
    expectedDownstreamText: expectedDownstream,
    confMode: t.layout === "debian" ? "0644" : "0600",
    setDataDirectory: t.layout === "debian" && n.dataDirectory !== defaults.dataDirectory,
    customPgdata: n.dataDirectory !== defaults.dataDirectory,
    tlsFiles,
  };
}

type HbaEntry = NodePlan["hba"][number];

function hbaLine(e: HbaEntry): string {
  return [e.type.padEnd(8), e.database.padEnd(15), e.user.padEnd(15), e.address.padEnd(23), e.method].join(
    " ",
  );
}

/**
 * A block's entries as text (templates/partials/hba-entry.hbs, one after another), each entry laid
 * out once per render: with failover access every node's block lists every other node, so a large
 * topology would otherwise lay out (and allocate) the same entry once per node. Within a render an
 * entry differs only by its address and the peers it names (type, database, user, method and the
 * suppression comments come from the spec's `replication`: model.ts hbaFor).
 */
function hbaEntriesText(): (entries: readonly HbaEntry[]) => string {
  // by address, then peer: keys the entries already hold (a key made of both, once per entry of
  // every block, was 40 000 strings for a 1+200 render)
  const seen = new Map<string, Map<string, string>>();
  const textOf = (e: HbaEntry): string => {
    let byPeer = seen.get(e.address);
    if (byPeer === undefined) {
      byPeer = new Map();
      seen.set(e.address, byPeer);
    }
    let text = byPeer.get(e.peer);
    if (text === undefined) {
      text = renderPartial("hba-entry", { line: hbaLine(e), peer: e.peer, suppress: e.suppress });
      byPeer.set(e.peer, text);
    }
    return text;
  };
  return (entries) => entries.map(textOf).join("");
}

/** The postgresql.conf a node has before pgrepl-gen touches it. */
function baseConfText(t: Topology, n: NodeModel): string {
  if (n.base.postgresqlConf) return readFileSync(n.base.postgresqlConf, "utf8");
  const up = n.upstream ? nodeByName(t, n.upstream) : undefined;
  if (LAYOUTS[t.layout].configInDataDir && up) return baseConfText(t, up);
  return stockFile(t.postgres, t.layout, "postgresql.conf", n);
}

function baseConfSettings(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of parseConfText(text, "postgresql.conf").settings) m.set(s.key, s.value);
  return m;
}

/** Everything `render` writes, in a stable order. Pure apart from reading the spec's base files. */
export function renderFiles(t: Topology, specFile: string): RenderedFile[] {
  // Parsed once per distinct file: standbys of config-in-data-dir layouts share their upstream's.
  const parsed = new Map<string, Map<string, string>>();
  const entriesText = hbaEntriesText();
  const plan = planRender(t, (n) => {
    const text = baseConfText(t, n);
    let m = parsed.get(text);
    if (!m) {
      m = baseConfSettings(text);
      parsed.set(text, m);
    }
    return m;
  });
  const files: RenderedFile[] = [];
  // A node's files as rendered, kept while a standby still has to patch its copy of them (only
  // upstreams: every node's pg_hba.conf kept to the end was most of what a large render held).
  const finals = new Map<string, ConfigFiles>();
  const upstreams = new Set(t.nodes.map((n) => n.upstream));
  const layout = LAYOUTS[t.layout];

  for (const n of upstreamFirstOrder(t)) {
    const p = plan.nodes.find((x) => x.node === n) as NodePlan;
    const dir = n.name;
    const dropIn = renderTemplate("pgrepl-gen.conf", {
      node: n,
      upstream: p.upstream,
      major: t.postgres,
      specFile,
      sections: p.dropIn,
    });
    const block = renderTemplate("pg_hba.pgrepl-gen.conf", {
      node: n,
      specFile,
      entries: entriesText(p.hba),
    });

    // The files the patches are made against.
    const inherited = layout.configInDataDir && p.upstream ? finals.get(p.upstream.name) : undefined;
    let base: ConfigFiles;
    if (n.base.postgresqlConf || n.base.pgHbaConf) {
      base = {
        postgresqlConf: n.base.postgresqlConf
          ? readFileSync(n.base.postgresqlConf, "utf8")
          : stockFile(t.postgres, t.layout, "postgresql.conf", n),
        pgHba: n.base.pgHbaConf
          ? readFileSync(n.base.pgHbaConf, "utf8")
          : stockFile(t.postgres, t.layout, "pg_hba.conf", n),
        dropIn: undefined,
        source: `the node's base files (${[n.base.postgresqlConfAsWritten, n.base.pgHbaConfAsWritten].filter(Boolean).join(", ")}, relative to the spec)`,
        origin: "",
      };
      base.origin = base.source;
    } else if (inherited) {
      base = {
        ...inherited,
        source: `the files of \`${p.upstream?.name}\` as rendered (pg_basebackup copies them here), which start from ${inherited.origin}`,
      };
    } else {
      const stock = stockDescription(t.postgres, t.layout, n.cluster);
      base = {
        postgresqlConf: stockFile(t.postgres, t.layout, "postgresql.conf", n),
        pgHba: stockFile(t.postgres, t.layout, "pg_hba.conf", n),
        dropIn: undefined,
        source: stock,
        origin: stock,
      };
    }
    let conf = ensureConfDInclude(base.postgresqlConf);
    const defaults = layout.defaults(t.postgres, n.cluster);
    if (t.layout === "debian" && n.dataDirectory !== defaults.dataDirectory)
      conf = setDataDirectory(conf, n.dataDirectory);
    const hba = placeHbaBlock(base.pgHba, block);
    if (upstreams.has(n.name))
      finals.set(n.name, {
        postgresqlConf: conf,
        pgHba: hba,
        dropIn,
        source: base.source,
        origin: base.origin,
      });

    const header = (what: string) =>
      `pgrepl-gen ${VERSION}: ${what} for node \`${n.name}\`, made against ${base.source}.\nApply in the config directory (${n.configDirectory}) with: patch -p1 < ${what.split(" ")[0]}\nWhen your files differ (patch rejects a hunk), the runbook makes the same changes to the real files anyway;\nor name your files as the node's \`base\` in the spec and render again.\n\n`;
    const confPatch =
      header("postgresql.conf.patch") +
      filePatch("postgresql.conf", base.postgresqlConf, conf) +
      filePatch("conf.d/pgrepl-gen.conf", base.dropIn, dropIn);
    const hbaPatch = header("pg_hba.conf.patch") + filePatch("pg_hba.conf", base.pgHba, hba);

    const data = runbookData(plan, p, specFile);
    files.push({
      path: `${dir}/conf.d/pgrepl-gen.conf`,
      content: dropIn,
      mode: 0o644,
      what: "every parameter pgrepl-gen manages on this node (the drop-in)",
    });
    files.push({
      path: `${dir}/pg_hba.pgrepl-gen.conf`,
      content: block,
      mode: 0o644,
      what: "the replication block the runbook places in pg_hba.conf",
    });
    files.push({
      path: `${dir}/postgresql.conf.patch`,
      content: confPatch,
      mode: 0o644,
      what: "unified diff: the drop-in and the include in postgresql.conf",
    });
    files.push({
      path: `${dir}/pg_hba.conf.patch`,
      content: hbaPatch,
      mode: 0o644,
      what: "unified diff: the replication block in pg_hba.conf",
    });
    if (n.role === "standby") {
      files.push({
        path: `${dir}/postgresql.auto.conf`,
        content: renderTemplate("postgresql.auto.conf", { node: n, auto: p.auto }),
        mode: 0o644,
        what: "primary_conninfo and primary_slot_name for the data directory's postgresql.auto.conf",
      });
      files.push({
        path: `${dir}/standby.signal`,
        content: "",
        mode: 0o644,
        what: "makes the server start as a standby",
      });
      files.push({
        path: `${dir}/pgpass.example`,
        content: renderTemplate("pgpass.example", { ...data }),
        mode: 0o644,
        what: "the passfile line the runbook writes, without the password",
      });
    }
    files.push({
      path: `${dir}/runbook.sh`,
      content: renderTemplate("runbook.sh", data),
      mode: 0o755,
      what: "the steps for this host (`--help`)",
    });
  }

  // `source_address` where a node connects from another address than its host: what its
  // upstream's pg_hba.conf admits (lint reads it to judge that block)
  const steps = plan.steps.map((s) => {
    const n = nodeByName(t, s.node);
    const from = n && n.sourceAddress !== n.host ? { source_address: n.sourceAddress } : {};
    return { node: s.node, host: s.host, ...from, run: s.run, args: s.args };
  });
  files.push({
    path: "plan.json",
    content: `${JSON.stringify({ steps }, null, 2)}\n`,
    mode: 0o644,
    what: "the steps in order",
  });
  files.sort((a, b) => byteOrder(a.path, b.path));
  const readme = renderTemplate("README.md", readmeData(plan, specFile, files));
  files.unshift({ path: "README.md", content: readme, mode: 0o644, what: "this overview" });
  return files;
}

function readmeData(plan: RenderPlan, specFile: string, files: RenderedFile[]) {
  const t = plan.topology;
  const s = t.replication.synchronous;
  const candidates = t.nodes.filter((n) => n.sync).map((n) => n.name);
  const mermaidId = (name: string) => `n_${name}`;
  return {
    title: t.nodes.map((n) => n.name).join(", "),
    version: VERSION,
    specFile,
    major: t.postgres,
    layoutName: t.layout,
    syncText: s
      ? `synchronous (${s.method === "any" ? "ANY" : "FIRST"} ${s.numSync} of ${candidates.map((c) => `\`${c}\``).join(", ")}, synchronous_commit ${s.commit})`
      : "asynchronous",
    replUser: t.replication.user,
    auth: t.replication.auth,
    sslmode: t.replication.sslmode,
    slots: t.replication.slots,
    mermaidNodes: t.nodes.map((n) => ({
      id: mermaidId(n.name),
      label: `${n.name}<br/>${n.role}<br/>${n.host}:${n.port}${n.applyDelay ? `<br/>delay ${n.applyDelay}` : ""}`,
    })),
    mermaidEdges: t.nodes
      .filter((n) => n.upstream)
      .map((n) => ({
        from: mermaidId(n.upstream as string),
        to: mermaidId(n.name),
        label: [n.sync && s ? "sync" : "async", n.slot ? `slot ${n.slot}` : "no slot"].join(", "),
      })),
    nodeRows: t.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      host: n.host,
      port: n.port,
      upstream: n.upstream ? `\`${n.upstream}\`` : "-",
      slot: n.slot ? `\`${n.slot}\`` : "-",
      sync: n.sync && s ? "candidate" : "-",
      dataDirectory: n.dataDirectory,
    })),
    runAsText: LAYOUTS[t.layout].runAsRoot ? "as root" : `as the database user (\`${t.nodes[0]?.osUser}\`)`,
    passwordSourceText: passwordSourceText(t),
    steps: plan.steps.map((st, i) => ({
      number: i + 1,
      host: `${st.node} (${nodeByName(t, st.node)?.host})`,
      command: `${st.run} ${st.args.join(" ")}`,
      does: st.does,
    })),
    files: files.map((f) => ({ path: f.path, what: f.what })),
    stockText: stockDescription(t.postgres, t.layout, t.clusterName),
    choices: plan.choices,
  };
}
