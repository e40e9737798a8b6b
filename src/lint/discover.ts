/**
 * From `lint PATH…` to the servers and specs lint checks. Read-only throughout: files are
 * opened O_RDONLY|O_NONBLOCK (nodeConfFs), directories listed, entries stat'ed; nothing is
 * created, written or touched.
 *
 * What a PATH is, by what it holds:
 * - a rendered output dir: `.pgrepl-gen-manifest.json` or a `plan.json` with steps; each
 *   `<node>/` is a server (drop-in, hba block, postgresql.auto.conf, standby.signal);
 * - a data directory: PG_VERSION, or (a copy of one) postgresql.auto.conf, standby.signal,
 *   recovery.signal or recovery.conf beside the files; the config inside when it is there;
 * - a config directory: postgresql.conf and/or pg_hba.conf. A Debian cluster directory
 *   (start.conf or pg_ctl.conf beside them, as pg_createcluster writes) is a live cluster:
 *   lint follows `data_directory` and `hba_file` wherever they point. Any other config dir is
 *   taken as a copy (a config repository): only the files in it are read;
 * - any other directory is walked (a Debian tree such as /etc/postgresql, a config repo) for
 *   the above and for topology specs;
 * - a file: postgresql.conf, conf.d/*.conf, postgresql.auto.conf (postgresql.conf syntax),
 *   pg_hba*.conf, recovery.conf, or a YAML/JSON spec (top level with `nodes` and
 *   `replication`; other YAML/JSON is skipped). Other files are skipped.
 */
import { constants, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { isSupportedMajor, parseBool, SUPPORTED_MAJORS } from "../pg/catalog/index.js";
import {
  type ConfFs,
  type ConfSetting,
  type ConfTree,
  isFsError,
  nodeConfFs,
  parseConfigTree,
} from "../pg/conf/index.js";
import { parseConninfo } from "../pg/conninfo.js";
import { dataChecksumsOn, systemIdentifier } from "../pg/control.js";
import { parseHba } from "../pg/hba/index.js";
import type {
  DataDir,
  FactKind,
  FileStat,
  ForeignOwned,
  HbaFacts,
  PassFile,
  ReadGap,
  Server,
  SourceText,
  SpecTarget,
  Workspace,
} from "./model.js";
import { besideInstead } from "./relocate.js";
import { type Streamed, withStreams } from "./streams.js";
import { majorFromRecovery } from "./versions.js";

export interface DiscoverOptions {
  cwd: string;
  /** gather what file-system rules need (owners of every entry of a data dir) */
  fs: boolean;
  /** the major version when a server's cannot be inferred (--postgres, or the config file) */
  postgres: number | undefined;
  /** where `postgres` came from, for messages: "--postgres" or the config file */
  postgresFrom: string;
  /**
   * Called once for every server of the result, as soon as it is known to be one (a data-dir-only
   * server only after the walk, when it is known not to be another server's data dir), with the
   * texts read so far (by absolute path) and the pg_hba.conf texts among them read since the
   * previous call. lint runs the server-scope rules here and then slims the server; it may take
   * texts out of the map once it has what it needs of them.
   */
  onServer?: (server: Server, texts: Map<string, SourceText>, newHba: readonly SourceText[]) => void;
  /** PATHs already read as streams (`-`, FIFOs: streams.ts), by absolute path */
  streams?: ReadonlyMap<string, Streamed>;
}

export interface DiscoverResult {
  workspace: Workspace;
  /** one line per PATH that does not exist, cannot be read, or holds nothing to lint (exit 2) */
  pathErrors: string[];
}

const MANIFEST = ".pgrepl-gen-manifest.json";
const DATA_MARKERS = ["postgresql.auto.conf", "standby.signal", "recovery.signal", "recovery.conf"];
/** Files in a Debian cluster directory that are not postgresql.conf syntax (or not config at all). */
const NOT_GUC_FILES = new Set(["pg_ident.conf", "pg_ctl.conf", "start.conf", "pg_service.conf"]);
const SPEC_FILE = /\.(ya?ml|json)$/i;
const MAX_WALK_DEPTH = 8;
const MAX_WALK_DIRS = 5000;
/** A data directory walk (owners) stops here; production data dirs can hold millions of files. */
const MAX_OWNER_WALK = 200_000;

/** `15` from /etc/postgresql/15/main/…, /var/lib/pgsql/15/data: a major among the 3 nearest ancestors. */
export function majorFromPath(dir: string): number | undefined {
  const parts = dir.split(sep).filter(Boolean);
  for (let i = parts.length - 1; i >= Math.max(0, parts.length - 3); i--) {
    const p = parts[i] as string;
    if (/^\d{2}$/.test(p)) return Number(p);
  }
  return undefined;
}

function errorReason(e: unknown): { missing: boolean; reason: string } {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return { missing: true, reason: "no such file or directory" };
    case "EACCES":
    case "EPERM":
      return { missing: false, reason: "permission denied" };
    case "ELOOP":
      return { missing: false, reason: "too many levels of symbolic links" };
    default:
      return { missing: false, reason: `cannot be read (${code ?? "unknown error"})` };
  }
}

class Discovery {
  readonly texts = new Map<string, SourceText>();
  readonly servers: Server[] = [];
  readonly specs: SpecTarget[] = [];
  /**
   * Per PATH that cannot be linted, in PATH order: its error line, or, for a directory where only
   * YAML/JSON files that may be specs were met, those files ("nothing to lint" unless one is a spec:
   * told once the candidates are classified).
   */
  private readonly outcomes: Array<string | { given: string; candidates: readonly string[] }> = [];
  private readonly ids = new Set<string>();
  private readonly base: ConfFs;
  private users: Map<number, string> | undefined;
  private homes = new Map<number, string>();
  private walkedDirs = 0;
  private readonly specPaths = new Set<string>();
  /** YAML/JSON files that may be specs: told apart once the walk is over (yaml is loaded then) */
  private candidates = new Map<string, string>();
  /** candidates met under the current PATH */
  private met: string[] = [];
  /** servers found, counting those already found through another PATH */
  private found = 0;
  /** pg_hba.conf texts read since the last onServer call */
  private newHba: SourceText[] = [];

  constructor(private readonly opts: DiscoverOptions) {
    this.base = withStreams(nodeConfFs(), opts.streams);
  }

  // ---- reading ---------------------------------------------------------------------------

  /** A ConfFs that keeps every text it reads and turns unreadable files into gaps. */
  private recordingFs(syntax: SourceText["syntax"], gaps: ReadGap[], hides: FactKind): ConfFs {
    return {
      readFile: (path) => {
        const r = this.base.readFile(path);
        if (isFsError(r)) {
          if (r.error.kind === "permission" || r.error.kind === "other")
            this.gap(gaps, path, r.error.message, hides);
          return r;
        }
        if (!this.texts.has(path)) {
          const t: SourceText = { path, text: r, syntax };
          this.texts.set(path, t);
          if (syntax === "hba") this.newHba.push(t);
        }
        return r;
      },
      listDir: (path) => {
        const r = this.base.listDir(path);
        if (isFsError(r) && (r.error.kind === "permission" || r.error.kind === "other"))
          this.gap(gaps, path, r.error.message, hides);
        return r;
      },
      stat: (path) => this.base.stat(path),
    };
  }

  private gap(gaps: ReadGap[], path: string, reason: string, hides: FactKind): void {
    if (gaps.some((g) => g.path === path)) return;
    const g: ReadGap = { path, reason, hides };
    const st = this.statOf(path);
    if (st?.user) g.owner = st.user;
    gaps.push(g);
  }

  private userName(uid: number): string | undefined {
    if (this.users === undefined) {
      this.users = new Map();
      try {
        for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
          const f = line.split(":");
          if (f.length >= 3 && f[0]) this.users.set(Number(f[2]), f[0]);
          if (f.length >= 6 && f[5]) this.homes.set(Number(f[2]), f[5]);
        }
      } catch {
        // no names then: uids are shown
      }
    }
    return this.users.get(uid);
  }

  private statOf(path: string, follow = true): FileStat | null {
    try {
      const st = follow ? statSync(path) : lstatSync(path);
      const s: FileStat = { mode: st.mode, uid: st.uid, gid: st.gid };
      const user = this.userName(st.uid);
      if (user !== undefined) s.user = user;
      return s;
    } catch {
      return null;
    }
  }

  private list(dir: string): string[] | null {
    try {
      return readdirSync(dir);
    } catch {
      return null;
    }
  }

  private isFile(path: string): boolean {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  }

  private isDir(path: string): boolean {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  }

  private canonical(path: string): string {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  }

  /**
   * Modes of the config files read, and the password files libpq reads for primary_conninfo:
   * its `passfile`, else ~/.pgpass of the data directory's owner (the server's OS user).
   */
  private secrets(server: Server): void {
    const stats = new Map<string, FileStat | null>();
    for (const f of [...(server.conf?.files ?? []), ...(server.recovery?.files ?? [])])
      stats.set(f.path, this.statOf(f.path));
    server.fileStats = stats;
    const passfiles: PassFile[] = [];
    const conninfo = server.conf?.effective.get("primary_conninfo")?.value;
    if (conninfo !== undefined && conninfo.trim() !== "") {
      const ci = parseConninfo(conninfo);
      const given = ci.ok ? ci.values.passfile : undefined;
      const owner = server.dataDir?.expectedOwner;
      if (given?.startsWith("/")) {
        passfiles.push({ path: given, because: "`passfile` in primary_conninfo", stat: this.statOf(given) });
      } else if (given === undefined && owner) {
        this.userName(owner.uid);
        const home = this.homes.get(owner.uid);
        const path = home ? join(home, ".pgpass") : undefined;
        if (path && this.isFile(path)) {
          passfiles.push({
            path,
            because: `the default password file of \`${owner.user ?? owner.uid}\`, as whom the server runs`,
            stat: this.statOf(path),
          });
        }
      }
    }
    server.passfiles = passfiles;
  }

  /** Registers a server unless the same config (or data dir) was already seen. */
  private add(server: Server): void {
    this.found++;
    const id = this.canonical(server.id);
    if (this.ids.has(id)) return;
    this.ids.add(id);
    if (this.opts.fs) this.secrets(server);
    const s: Server = { ...server, id };
    this.servers.push(s);
    // a data-dir-only server may yet turn out to be a Debian cluster's data dir (dedupe)
    if (!mayBeDuplicate(s)) this.announce(s);
  }

  /** Hands a server to onServer (each once: during the walk, or after dedupe for a data-dir-only one). */
  announce(server: Server): void {
    if (!this.opts.onServer) return;
    const newHba = this.newHba;
    this.newHba = [];
    this.opts.onServer(server, this.texts, newHba);
  }

  private fallbackMajor(): { major: number | undefined; majorFrom: string | undefined } {
    return this.opts.postgres !== undefined
      ? { major: this.opts.postgres, majorFrom: this.opts.postgresFrom }
      : { major: undefined, majorFrom: undefined };
  }

  // ---- PATHs -------------------------------------------------------------------------------

  path(given: string): void {
    const abs = resolve(this.opts.cwd, given);
    if (this.opts.streams?.has(abs)) {
      const failure = this.file(abs);
      if (failure !== null) this.outcomes.push(`${given}: ${failure}`);
      return;
    }
    let isDirectory: boolean;
    try {
      isDirectory = statSync(abs).isDirectory();
    } catch (e) {
      this.outcomes.push(`${given}: ${errorReason(e).reason}`);
      return;
    }
    const before = this.found;
    this.met = [];
    if (isDirectory) {
      const names = this.list(abs);
      if (names === null) {
        try {
          readdirSync(abs);
        } catch (e) {
          this.outcomes.push(`${given}: ${errorReason(e).reason}`);
        }
        return;
      }
      this.dir(abs, names, 0);
      if (this.found === before)
        this.outcomes.push(this.met.length === 0 ? nothingHere(given) : { given, candidates: this.met });
      return;
    }
    const failure = this.file(abs);
    if (failure !== null) this.outcomes.push(`${given}: ${failure}`);
  }

  /** One line per PATH that does not exist, cannot be read, or holds nothing to lint (after classifySpecs). */
  pathErrors(): string[] {
    return this.outcomes.flatMap((o) =>
      typeof o === "string"
        ? [o]
        : o.candidates.some((f) => this.specPaths.has(f))
          ? []
          : [nothingHere(o.given)],
    );
  }

  /** Classifies a directory by what it holds; walks it when it is none of the known kinds. */
  private dir(abs: string, names: string[], depth: number): void {
    const has = (n: string) => names.includes(n);
    for (const n of names)
      if (SPEC_FILE.test(n) && n !== "plan.json" && n !== MANIFEST) this.maybeSpec(join(abs, n));
    if (has(MANIFEST) || (has("plan.json") && this.isPlan(join(abs, "plan.json")))) {
      this.rendered(abs, names);
      return;
    }
    if (has("PG_VERSION") || (DATA_MARKERS.some(has) && !this.configElsewhere(abs, names))) {
      this.dataDirServer(abs, names);
      return;
    }
    if (has("postgresql.conf") || has("pg_hba.conf")) {
      this.configDir(abs, names);
      return;
    }
    if (depth >= MAX_WALK_DEPTH) return;
    for (const n of [...names].sort()) {
      if (n.startsWith(".") || n === "node_modules") continue;
      const child = join(abs, n);
      if (!this.isDir(child)) continue;
      if (++this.walkedDirs > MAX_WALK_DIRS) return;
      const childNames = this.list(child);
      if (childNames === null) continue;
      this.dir(child, childNames, depth + 1);
    }
  }

  /**
   * A config directory that keeps an old recovery.conf beside a postgresql.conf naming its data
   * directory elsewhere (`/etc/postgresql/13/main` in a config repository): not a data directory
   * copy, so the server of that configuration never reads the recovery.conf.
   */
  private configElsewhere(abs: string, names: string[]): boolean {
    if (
      !names.includes("postgresql.conf") ||
      DATA_MARKERS.some((m) => m !== "recovery.conf" && names.includes(m))
    )
      return false;
    const text = this.base.readFile(join(abs, "postgresql.conf"));
    return !isFsError(text) && /^[ \t]*data_directory[ \t]*=?[ \t]*'\//m.test(text);
  }

  private isPlan(path: string): boolean {
    const r = this.base.readFile(path);
    if (isFsError(r)) return false;
    try {
      const v = JSON.parse(r) as { steps?: unknown };
      return Array.isArray(v.steps);
    } catch {
      return false;
    }
  }

  /** A file PATH. Returns why it cannot be linted at all, or null. */
  private file(abs: string): string | null {
    const name = this.opts.streams?.get(abs)?.as ?? basename(abs);
    const probe = this.base.readFile(abs);
    if (isFsError(probe)) return probe.error.message;
    const dir = dirname(abs);
    if (SPEC_FILE.test(name)) {
      this.maybeSpec(abs, probe);
      return null;
    }
    if (name === "recovery.conf") {
      const gaps: ReadGap[] = [];
      const recovery = this.parseConf(gaps, abs, null);
      this.add({
        kind: "server",
        id: abs,
        name: abs,
        origin: "file",
        ...this.majorOf(majorFromPath(dir), undefined, false, recovery),
        configFile: null,
        conf: null,
        recovery,
        hba: null,
        dataDir: {
          ...this.unknownDataDir(dir, "path"),
          recoveryConf: true,
        },
        gaps,
      });
      return null;
    }
    if (/^pg_hba.*\.conf$/.test(name)) {
      const gaps: ReadGap[] = [];
      const { major, majorFrom } = this.majorOf(majorFromPath(dir), undefined);
      this.add({
        kind: "server",
        id: abs,
        name: abs,
        origin: "file",
        major,
        majorFrom,
        configFile: null,
        conf: null,
        hba: this.hba(abs, major, null, gaps),
        dataDir: null,
        gaps,
      });
      return null;
    }
    if (name.endsWith(".conf") && !NOT_GUC_FILES.has(name)) {
      const gaps: ReadGap[] = [];
      const { major, majorFrom } = this.majorOf(majorFromPath(dir), undefined);
      this.add({
        kind: "server",
        id: abs,
        name: abs,
        origin: "file",
        major,
        majorFrom,
        configFile: abs,
        conf: this.parseConf(gaps, abs, null),
        hba: null,
        dataDir: null,
        gaps,
      });
    }
    return null;
  }

  /** parseConfigTree, with a top file that cannot be read at all (a FIFO, a directory) as a gap. */
  private parseConf(gaps: ReadGap[], configFile: string, dataDir: string | null): ConfTree {
    const tree = parseConfigTree(this.recordingFs("conf", gaps, "conf"), { configFile, dataDir });
    for (const p of tree.problems) {
      if (p.line !== null || p.file !== configFile) continue;
      if (p.code === "is-directory") this.gap(gaps, configFile, "is a directory", "conf");
      else if (p.code === "not-regular-file") this.gap(gaps, configFile, "is not a regular file", "conf");
    }
    return tree;
  }

  // ---- kinds of directories --------------------------------------------------------------

  /**
   * The major from PG_VERSION and the path (in the caller's order), then --postgres or the config
   * file, then recovery.conf (`standby_mode`, `trigger_file`: 11 or older).
   */
  private majorOf(
    fromPath: number | undefined,
    fromPgVersion: number | undefined,
    fromPathFirst = false,
    recovery?: ConfTree,
  ): Pick<Server, "major" | "majorFrom" | "majorOrOlder" | "majorAt"> {
    const order: Array<[number | undefined, string]> = fromPathFirst
      ? [
          [fromPath, "the path"],
          [fromPgVersion, "PG_VERSION"],
        ]
      : [
          [fromPgVersion, "PG_VERSION"],
          [fromPath, "the path"],
        ];
    for (const [m, from] of order) if (m !== undefined) return { major: m, majorFrom: from };
    // what the user says (--postgres, the config file) wins over a guess from recovery.conf
    if (this.opts.postgres !== undefined) return this.fallbackMajor();
    const inferred = majorFromRecovery(recovery);
    if (inferred) {
      const { at } = inferred;
      return {
        major: inferred.major,
        majorFrom: `\`${at.name}\` in recovery.conf`,
        majorOrOlder: true,
        majorAt: { file: at.file, line: at.line, column: at.column },
      };
    }
    return this.fallbackMajor();
  }

  /** A config directory: a Debian cluster (live) or a copy of config files. */
  private configDir(abs: string, names: string[]): void {
    const debian = names.includes("start.conf") || names.includes("pg_ctl.conf");
    const gaps: ReadGap[] = [];
    const configFile = names.includes("postgresql.conf") ? join(abs, "postgresql.conf") : null;
    let conf: ConfTree | null = configFile ? this.parseConf(gaps, configFile, null) : null;
    let dataDir: DataDir | null = null;
    const pathMajor = majorFromPath(abs);
    if (debian && conf) {
      const dd = conf.effective.get("data_directory")?.value;
      if (dd?.startsWith("/")) {
        dataDir = this.readDataDir(dd, "data_directory", gaps);
        if (dataDir.readable && configFile) conf = this.parseConf(gaps, configFile, dd);
      }
    }
    // recovery.conf: in the data directory (≤ 11), or kept beside the config in a repository
    const recoveryDir = names.includes("recovery.conf") ? abs : dataDir?.recoveryConf ? dataDir.path : null;
    const recovery = recoveryDir ? this.parseConf(gaps, join(recoveryDir, "recovery.conf"), null) : undefined;
    const version = this.majorOf(pathMajor, dataDir?.pgVersion?.major, true, recovery);
    const { major } = version;
    // The server reads hba_file when set (relative to the data directory, its working
    // directory), else pg_hba.conf beside postgresql.conf. A copy of a config dir: the one beside it.
    let hbaFile: string | null = names.includes("pg_hba.conf") ? join(abs, "pg_hba.conf") : null;
    const hbaSetting = conf?.effective.get("hba_file");
    const relocated: NonNullable<Server["relocated"]> = [];
    if (debian && hbaSetting?.value) {
      if (hbaSetting.value.startsWith("/")) hbaFile = this.absolute(hbaSetting, configFile, relocated);
      else if (dataDir) hbaFile = join(dataDir.path, hbaSetting.value);
    }
    const parent = basename(dirname(abs));
    this.add({
      kind: "server",
      id: configFile ?? abs,
      name: debian && /^\d+$/.test(parent) ? `${parent}/${basename(abs)}` : abs,
      origin: debian ? "debian" : "config-dir",
      ...version,
      configFile,
      conf,
      ...(recovery ? { recovery } : {}),
      hba: hbaFile ? this.hba(hbaFile, major, conf, gaps) : null,
      ...(relocated.length > 0 ? { relocated } : {}),
      dataDir,
      gaps,
    });
  }

  /**
   * An absolute hba_file: itself, or the file beside postgresql.conf when it does not exist here
   * (relocate.ts), noted in `relocated`.
   */
  private absolute(
    setting: ConfSetting,
    configFile: string | null,
    relocated: NonNullable<Server["relocated"]>,
  ): string {
    const used = besideInstead(setting.value, configFile, "pg_hba.conf");
    if (used === undefined) return setting.value;
    const { name, file, line, column } = setting;
    relocated.push({ setting: { name, file, line, column }, named: setting.value, used });
    return used;
  }

  /** A data directory (or a copy of one): the config inside when it is there. */
  private dataDirServer(abs: string, names: string[]): void {
    const gaps: ReadGap[] = [];
    const dataDir = this.readDataDir(abs, "path", gaps, names);
    const configFile = names.includes("postgresql.conf") ? join(abs, "postgresql.conf") : null;
    let conf: ConfTree | null = null;
    if (configFile) conf = this.parseConf(gaps, configFile, abs);
    else if (names.includes("postgresql.auto.conf")) {
      // A data dir whose config lives elsewhere (Debian): its postgresql.auto.conf alone.
      conf = this.parseConf(gaps, join(abs, "postgresql.auto.conf"), null);
    }
    const recovery = dataDir.recoveryConf
      ? this.parseConf(gaps, join(abs, "recovery.conf"), null)
      : undefined;
    const version = this.majorOf(majorFromPath(abs), dataDir.pgVersion?.major, false, recovery);
    const { major } = version;
    let hbaFile: string | null = names.includes("pg_hba.conf") ? join(abs, "pg_hba.conf") : null;
    const hbaSetting = conf?.effective.get("hba_file");
    const relocated: NonNullable<Server["relocated"]> = [];
    if (hbaSetting?.value && dataDir.real)
      hbaFile = hbaSetting.value.startsWith("/")
        ? this.absolute(hbaSetting, configFile, relocated)
        : join(abs, hbaSetting.value);
    this.add({
      kind: "server",
      id: configFile ?? abs,
      name: abs,
      origin: "data-dir",
      ...version,
      configFile,
      conf,
      ...(recovery ? { recovery } : {}),
      hba: hbaFile ? this.hba(hbaFile, major, conf, gaps) : null,
      ...(relocated.length > 0 ? { relocated } : {}),
      dataDir,
      gaps,
    });
  }

  /** Rendered output: every `<node>/` with a drop-in is a server. */
  private rendered(abs: string, names: string[]): void {
    const hosts = new Map<string, string>();
    const sources = new Map<string, string>();
    const plan = this.base.readFile(join(abs, "plan.json"));
    if (!isFsError(plan)) {
      try {
        type Step = { node?: unknown; host?: unknown; source_address?: unknown };
        const steps = (JSON.parse(plan) as { steps?: Step[] }).steps ?? [];
        for (const s of steps) {
          if (typeof s.node === "string" && typeof s.host === "string") hosts.set(s.node, s.host);
          if (typeof s.node === "string" && typeof s.source_address === "string")
            sources.set(s.node, s.source_address);
        }
      } catch {
        // a broken plan.json: nodes are still found by their drop-ins
      }
    }
    for (const n of [...names].sort()) {
      const nodeDir = join(abs, n);
      const dropIn = join(nodeDir, "conf.d", "pgrepl-gen.conf");
      if (n.startsWith(".") || !this.isDir(nodeDir) || (!this.isFile(dropIn) && !hosts.has(n))) continue;
      const gaps: ReadGap[] = [];
      const nodeNames = this.list(nodeDir) ?? [];
      const dataDir = this.readDataDir(nodeDir, "rendered", gaps, nodeNames);
      const conf = this.isFile(dropIn) ? this.parseConf(gaps, dropIn, nodeDir) : null;
      // The drop-in's first line names the version: "… PostgreSQL 14."
      const header = this.texts.get(dropIn)?.text.split("\n", 1)[0] ?? "";
      const fromHeader = /PostgreSQL (\d+)\.\s*$/.exec(header)?.[1];
      const m = fromHeader !== undefined ? Number(fromHeader) : undefined;
      const { major, majorFrom } =
        m !== undefined ? { major: m, majorFrom: "the drop-in's header" } : this.fallbackMajor();
      const hbaFile = join(nodeDir, "pg_hba.pgrepl-gen.conf");
      const server: Server = {
        kind: "server",
        id: nodeDir,
        name: n,
        origin: "rendered",
        major,
        majorFrom,
        configFile: conf ? dropIn : null,
        conf,
        hba: this.isFile(hbaFile) ? this.hba(hbaFile, major, conf, gaps) : null,
        dataDir,
        gaps,
      };
      const host = hosts.get(n);
      if (host !== undefined) server.host = host;
      const from = sources.get(n);
      if (from !== undefined) server.sourceAddress = from;
      this.add(server);
    }
  }

  // ---- data directories ------------------------------------------------------------------

  private unknownDataDir(path: string, via: DataDir["via"]): DataDir {
    return {
      path,
      via,
      real: false,
      stat: null,
      readable: false,
      pgVersion: null,
      standbySignal: null,
      recoverySignal: null,
      recoveryConf: null,
      dataChecksums: null,
      foreignOwned: [],
    };
  }

  private readDataDir(path: string, via: DataDir["via"], gaps: ReadGap[], known?: string[]): DataDir {
    const d = this.unknownDataDir(path, via);
    d.stat = this.statOf(path);
    let names = known ?? null;
    if (names === null) {
      try {
        names = readdirSync(path);
      } catch (e) {
        const why = errorReason(e);
        this.gap(gaps, path, why.missing ? "does not exist" : why.reason, "datadir");
        // a live cluster's data_directory is a real data dir even when lint may not look inside
        d.real = via === "data_directory" && !why.missing;
        return d;
      }
    }
    d.readable = true;
    d.real = names.includes("PG_VERSION");
    d.standbySignal = names.includes("standby.signal");
    d.recoverySignal = names.includes("recovery.signal");
    d.recoveryConf = names.includes("recovery.conf");
    if (names.includes("PG_VERSION")) {
      const v = this.base.readFile(join(path, "PG_VERSION"));
      if (!isFsError(v)) {
        const text = v.trim();
        // "9.6" before 10: the major is the first two parts; lint knows it only as "older than 10"
        const old = /^([1-9])\.\d+$/.exec(text)?.[1];
        const major = /^\d+$/.test(text) ? Number(text) : old !== undefined ? Number(old) : undefined;
        d.pgVersion = { text, major };
        if (major !== undefined && names.includes("global")) {
          const control = this.control(path);
          if (control) {
            d.dataChecksums = dataChecksumsOn(control, major) ?? null;
            const id = systemIdentifier(control);
            if (id !== undefined) d.systemIdentifier = id;
          }
        }
      }
    }
    if (d.real && d.stat && d.stat.uid !== 0) {
      const owner: DataDir["expectedOwner"] = { uid: d.stat.uid, because: "the data directory's owner" };
      if (d.stat.user !== undefined) owner.user = d.stat.user;
      d.expectedOwner = owner;
      if (this.opts.fs) this.ownerWalk(d, names);
    }
    return d;
  }

  /** global/pg_control's bytes (binary: read, never parsed as text); null when it cannot be read. */
  private control(dataDir: string): Buffer | null {
    try {
      const st = statSync(join(dataDir, "global", "pg_control"));
      if (!st.isFile() || st.size > 65536) return null;
      return readFileSync(join(dataDir, "global", "pg_control"));
    } catch {
      return null;
    }
  }

  /** Every entry of a data dir not owned by its owner, counted per top-level entry (lstat: links are not followed). */
  private ownerWalk(d: DataDir, names: string[]): void {
    const uid = d.expectedOwner?.uid;
    if (uid === undefined) return;
    let seen = 0;
    const byEntry = new Map<string, ForeignOwned>();
    const visit = (path: string, entry: string): void => {
      if (seen >= MAX_OWNER_WALK) {
        d.walkTruncatedAt = MAX_OWNER_WALK;
        return;
      }
      seen++;
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(path);
      } catch {
        return;
      }
      if (st.uid !== uid) {
        const f = byEntry.get(entry) ?? { entry, self: path === join(d.path, entry), count: 0, uid: st.uid };
        f.count++;
        const user = this.userName(st.uid);
        if (user !== undefined) f.user = user;
        byEntry.set(entry, f);
      }
      if ((st.mode & constants.S_IFMT) === constants.S_IFDIR) {
        let children: string[];
        try {
          children = readdirSync(path);
        } catch {
          return;
        }
        for (const c of children) visit(join(path, c), entry);
      }
    };
    for (const n of [...names].sort()) visit(join(d.path, n), n);
    d.foreignOwned = [...byEntry.values()];
  }

  // ---- pg_hba.conf and specs -------------------------------------------------------------

  private hba(
    file: string,
    major: number | undefined,
    conf: ConfTree | null,
    gaps: ReadGap[],
  ): HbaFacts | null {
    const fs = this.recordingFs("hba", gaps, "hba");
    const text = fs.readFile(file);
    if (isFsError(text)) {
      if (text.error.kind === "missing") this.gap(gaps, file, "does not exist", "hba");
      return null;
    }
    const sslValue = conf?.effective.get("ssl")?.value;
    const ssl = sslValue === undefined ? undefined : parseBool(sslValue);
    const majors = major !== undefined && isSupportedMajor(major) ? [major] : [...SUPPORTED_MAJORS];
    return {
      file,
      results: majors.map((m) => ({
        major: m,
        result: parseHba(text, { file, major: m, fs, ...(ssl === undefined ? {} : { ssl }) }),
      })),
    };
  }

  /**
   * A YAML/JSON file is a spec when its top level has `nodes` and `replication`. A file without
   * both words cannot be one; the others are told apart by classifySpecs() once the walk is over,
   * so that lint loads no YAML parser for trees that hold no such file. `text`: the file's text
   * when the caller has read it already.
   */
  private maybeSpec(abs: string, text?: string): void {
    if (!this.candidates.has(abs)) {
      const r = text ?? this.base.readFile(abs);
      if (isFsError(r) || !r.includes("nodes") || !r.includes("replication")) return;
      this.candidates.set(abs, r);
    }
    this.met.push(abs);
  }

  /** Decides which candidates are specs. */
  async classifySpecs(): Promise<void> {
    if (this.candidates.size === 0) return;
    const { isMap, isScalar, parseDocument } = await import("../util/yaml.js");
    for (const [abs, r] of this.candidates) {
      let isSpec: boolean;
      const doc = parseDocument(r, { prettyErrors: false });
      if (doc.errors.length === 0 && isMap(doc.contents)) {
        const keys = doc.contents.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ""));
        isSpec = keys.includes("nodes") && keys.includes("replication");
      } else {
        // Broken YAML/JSON: a spec all the same when both keys sit at its top level.
        isSpec = /^"?nodes"?\s*:/m.test(r) && /^"?replication"?\s*:/m.test(r);
        isSpec ||= /^\s*\{[\s\S]*"nodes"\s*:/.test(r) && /"replication"\s*:/.test(r);
      }
      if (!isSpec) continue;
      this.specPaths.add(abs);
      this.texts.set(abs, { path: abs, text: r, syntax: "yaml" });
    }
  }

  /** Loads the specs found (the spec loader brings ajv: only imported when there is a spec). */
  async loadSpecs(): Promise<void> {
    if (this.specPaths.size === 0) return;
    const { checkSpecText, loadSpec } = await import("../spec/load.js");
    for (const file of this.specPaths) {
      const streamed = this.opts.streams?.get(file);
      // a spec from standard input: its relative base paths resolve from the current directory
      const r = streamed
        ? checkSpecText(streamed.text, file, join(this.opts.cwd, "<stdin>"))
        : loadSpec(file, this.opts.cwd);
      this.specs.push(
        r.ok
          ? { kind: "spec", file, topology: r.topology, problems: [] }
          : { kind: "spec", file, topology: null, problems: r.problems },
      );
    }
  }

  /** A data-dir-only server whose data dir another server already reaches is the same node. */
  dedupe(): void {
    const reached = new Set(
      this.servers
        .filter((s) => s.origin === "debian" && s.dataDir)
        .map((s) => this.canonical((s.dataDir as DataDir).path)),
    );
    for (let i = this.servers.length - 1; i >= 0; i--) {
      const s = this.servers[i] as Server;
      if (mayBeDuplicate(s) && reached.has(this.canonical(s.dataDir?.path ?? ""))) this.servers.splice(i, 1);
    }
  }
}

/** A server of a data directory alone: dedupe() drops it when a Debian cluster reaches that directory. */
function mayBeDuplicate(s: Server): boolean {
  return s.origin === "data-dir" && s.configFile === null;
}

/** The PATHs as given and as absolute paths (findings show paths relative to the one they are under). */
export function workspaceRoots(paths: readonly string[], cwd: string): Workspace["roots"] {
  return paths.map((given) => ({ given, abs: resolve(cwd, given) }));
}

function nothingHere(given: string): string {
  return `${given}: nothing to lint here (no postgresql.conf, pg_hba.conf, data directory, rendered output or topology spec)`;
}

export async function discover(paths: readonly string[], opts: DiscoverOptions): Promise<DiscoverResult> {
  const d = new Discovery(opts);
  for (const p of paths) d.path(p);
  d.dedupe();
  for (const s of d.servers) if (mayBeDuplicate(s)) d.announce(s);
  await d.classifySpecs();
  await d.loadSpecs();
  return {
    workspace: {
      servers: d.servers,
      specs: d.specs,
      texts: d.texts,
      roots: workspaceRoots(paths, opts.cwd),
    },
    pathErrors: d.pathErrors(),
  };
}
