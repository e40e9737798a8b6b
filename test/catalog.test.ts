/**
 * The parameter catalogue (src/pg/catalog) and the stock files (src/pg/stock): lookups on
 * the generated data, the value rules, and two differentials against real servers:
 * - Debian's PostgreSQL 15 (must be installed: the test fails, never skips, without it);
 * - the cached binaries of every major 12–18 (scripts/pg-binaries.mjs downloads them once).
 * In both, `postgres -C port` loads a postgresql.conf holding one `name = 'value'` line and
 * exits non-zero when the file has an error; checkValue must agree case by case.
 */

import { execFile, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allParams, rawAlias, rawParam, rawUnlisted, rawVersion } from "../src/pg/catalog/data.js";
import {
  aliasTarget,
  catalogServerVersion,
  checkValue,
  getParam,
  isKnownParam,
  isSupportedMajor,
  needsRestart,
  paramMajors,
  paramNames,
  parseBool,
  removedParam,
  SUPPORTED_MAJORS,
  suggestParam,
} from "../src/pg/catalog/index.js";

const ROOT = join(import.meta.dirname, "..");
const DEBIAN_15_BIN = "/usr/lib/postgresql/15/bin";

describe("majors", () => {
  it("covers 12 to 18 and nothing else", () => {
    expect(SUPPORTED_MAJORS).toEqual([12, 13, 14, 15, 16, 17, 18]);
    expect(isSupportedMajor(11)).toBe(false);
    expect(isSupportedMajor(19)).toBe(false);
    expect(isSupportedMajor(15)).toBe(true);
    for (const m of SUPPORTED_MAJORS) expect(catalogServerVersion(m)).toMatch(new RegExp(`^${m}\\.\\d+$`));
  });

  it("knows nothing about unsupported majors", () => {
    expect(getParam(11, "wal_level")).toBeUndefined();
    expect(paramNames(19)).toEqual([]);
    expect(checkValue(11, "wal_level", "replica")).toMatch(/not supported/);
  });
});

describe("getParam", () => {
  it("reads type, unit, range, context and majors from the servers", () => {
    const sb = getParam(15, "shared_buffers");
    expect(sb).toMatchObject({
      name: "shared_buffers",
      type: "integer",
      unit: "8kB",
      min: 16,
      context: "postmaster",
    });
    expect(sb?.majors).toEqual([12, 13, 14, 15, 16, 17, 18]);
    expect(getParam(15, "wal_level")).toMatchObject({
      type: "enum",
      enumvals: ["minimal", "replica", "logical"],
    });
    expect(getParam(15, "vacuum_cost_delay")).toMatchObject({ type: "real", unit: "ms", min: 0, max: 100 });
    expect(getParam(15, "hot_standby")).toMatchObject({ type: "bool", bootVal: "on" });
  });

  it("is case-insensitive like the server and keeps pg_settings' spelling", () => {
    expect(getParam(15, "WAL_LEVEL")?.name).toBe("wal_level");
    expect(getParam(15, "datestyle")?.name).toBe("DateStyle");
    expect(getParam(15, "DateStyle")).toBe(getParam(15, "DATESTYLE"));
  });

  it("applies per-major differences", () => {
    // an enum from 15, a bool before
    expect(getParam(14, "wal_compression")).toMatchObject({ type: "bool" });
    expect(getParam(14, "wal_compression")?.enumvals).toBeUndefined();
    expect(getParam(15, "wal_compression")).toMatchObject({ type: "enum" });
    // md5 was the default until 14
    expect(getParam(13, "password_encryption")?.bootVal).toBe("md5");
    expect(getParam(14, "password_encryption")?.bootVal).toBe("scram-sha-256");
    // primary_conninfo became reloadable in 13
    expect(getParam(12, "primary_conninfo")?.context).toBe("postmaster");
    expect(getParam(13, "primary_conninfo")?.context).toBe("sighup");
  });

  it("has wal_keep_segments in 12 only and wal_keep_size from 13", () => {
    expect(getParam(12, "wal_keep_segments")).toBeDefined();
    expect(getParam(13, "wal_keep_segments")).toBeUndefined();
    expect(getParam(12, "wal_keep_size")).toBeUndefined();
    expect(getParam(13, "wal_keep_size")).toMatchObject({ unit: "MB" });
  });

  it("has max_slot_wal_keep_size only from 13", () => {
    expect(getParam(12, "max_slot_wal_keep_size")).toBeUndefined();
    expect(getParam(13, "max_slot_wal_keep_size")).toBeDefined();
    expect(paramMajors("max_slot_wal_keep_size")).toEqual([13, 14, 15, 16, 17, 18]);
    // not removed from 12: it did not exist yet
    expect(removedParam(12, "max_slot_wal_keep_size")).toBeUndefined();
  });

  it("resolves the obsolete names guc.c still maps", () => {
    expect(getParam(15, "sort_mem")?.name).toBe("work_mem");
    expect(aliasTarget(15, "vacuum_mem")).toBe("maintenance_work_mem");
    expect(aliasTarget(18, "ssl_ecdh_curve")).toBe("ssl_groups");
    expect(aliasTarget(17, "ssl_ecdh_curve")).toBeUndefined();
    expect(getParam(17, "ssl_ecdh_curve")?.name).toBe("ssl_ecdh_curve");
    expect(removedParam(18, "ssl_ecdh_curve")).toBeUndefined();
  });

  it("knows parameters pg_settings does not list", () => {
    expect(getParam(15, "seed")).toBeUndefined();
    expect(isKnownParam(15, "seed")).toBe(true);
    expect(isKnownParam(15, "default_with_oids")).toBe(true);
    expect(isKnownParam(15, "no_such_thing")).toBe(false);
  });
});

describe("removedParam", () => {
  it("says wal_keep_size replaced wal_keep_segments in 13", () => {
    expect(removedParam(12, "wal_keep_segments")).toBeUndefined();
    expect(removedParam(13, "wal_keep_segments")).toMatchObject({
      removedIn: 13,
      replacement: "wal_keep_size",
    });
    expect(removedParam(18, "WAL_KEEP_SEGMENTS")).toMatchObject({
      removedIn: 13,
      replacement: "wal_keep_size",
    });
  });

  it("says promote_trigger_file and vacuum_defer_cleanup_age are gone in 16", () => {
    expect(removedParam(15, "promote_trigger_file")).toBeUndefined();
    const ptf = removedParam(16, "promote_trigger_file");
    expect(ptf?.removedIn).toBe(16);
    expect(ptf?.replacement).toBeUndefined();
    expect(ptf?.note).toMatch(/pg_promote/);
    expect(removedParam(17, "vacuum_defer_cleanup_age")?.removedIn).toBe(16);
  });

  it("knows what recovery.conf lost when it became parameters in 12", () => {
    expect(removedParam(12, "standby_mode")).toMatchObject({ removedIn: 12 });
    expect(removedParam(15, "trigger_file")).toMatchObject({
      removedIn: 12,
      replacement: "promote_trigger_file",
    });
    // promote_trigger_file itself is gone in 16: no replacement to offer, only the note
    const tf16 = removedParam(16, "trigger_file");
    expect(tf16?.replacement).toBeUndefined();
    expect(tf16?.note).toMatch(/pg_promote/);
    expect(removedParam(15, "primary_conninfo")).toBeUndefined();
  });

  it("derives every removal from the data", () => {
    expect(removedParam(16, "force_parallel_mode")).toMatchObject({
      removedIn: 16,
      replacement: "debug_parallel_query",
    });
    expect(removedParam(15, "stats_temp_directory")?.removedIn).toBe(15);
    expect(removedParam(17, "old_snapshot_threshold")?.removedIn).toBe(17);
    expect(removedParam(15, "no_such_thing")).toBeUndefined();
  });
});

describe("names", () => {
  it("lists each major's parameters", () => {
    expect(paramNames(12)).toContain("wal_keep_segments");
    expect(paramNames(13)).not.toContain("wal_keep_segments");
    expect(paramNames(18)).toContain("io_method");
    expect(paramNames(17).length).toBeGreaterThan(300);
  });

  it("suggests the closest name", () => {
    expect(suggestParam(15, "wal_levle")).toBe("wal_level");
    expect(suggestParam(15, "max_wal_sender")).toBe("max_wal_senders");
    expect(suggestParam(15, "shared_bufers")).toBe("shared_buffers");
    expect(suggestParam(15, "xyzzy_plugh_frobnicate")).toBeUndefined();
  });

  it("decides restart from the context", () => {
    for (const m of SUPPORTED_MAJORS) {
      expect(needsRestart(m, "wal_level")).toBe(true);
      expect(needsRestart(m, "max_wal_senders")).toBe(true);
      expect(needsRestart(m, "synchronous_standby_names")).toBe(false);
      expect(needsRestart(m, "hot_standby_feedback")).toBe(false);
    }
    expect(needsRestart(12, "primary_conninfo")).toBe(true);
    expect(needsRestart(13, "primary_conninfo")).toBe(false);
    expect(needsRestart(15, "no_such_thing")).toBeUndefined();
  });
});

describe("checkValue", () => {
  it("treats units as case-sensitive", () => {
    expect(checkValue(15, "shared_buffers", "1GB")).toBeNull();
    expect(checkValue(15, "shared_buffers", "1 GB")).toBeNull();
    expect(checkValue(15, "shared_buffers", "1Gb")).toMatch(/case-sensitive/);
    expect(checkValue(15, "shared_buffers", "1gb")).toMatch(/case-sensitive/);
    expect(checkValue(15, "checkpoint_timeout", "5MIN")).toMatch(/case-sensitive/);
    expect(checkValue(15, "shared_buffers", "1 G B")).not.toBeNull();
    expect(checkValue(15, "max_connections", "100MB")).toMatch(/no unit/);
  });

  it("converts and rounds to the base unit as guc.c does", () => {
    expect(checkValue(15, "work_mem", "63kB")).toMatch(/outside the valid range/);
    expect(checkValue(15, "work_mem", "63.5kB")).toBeNull(); // rounds to 64
    expect(checkValue(15, "work_mem", "2TB")).toMatch(/integer range/);
    expect(checkValue(15, "checkpoint_timeout", "29500ms")).toBeNull(); // 29.5 s rounds to even 30
    expect(checkValue(15, "checkpoint_timeout", "28500ms")).toMatch(/outside/); // 28
    expect(checkValue(15, "checkpoint_timeout", "1d")).toBeNull();
    expect(checkValue(15, "checkpoint_timeout", "2d")).toMatch(/outside/);
  });

  it("reads integers as strtol does", () => {
    expect(checkValue(15, "max_connections", "0x10")).toBeNull();
    expect(checkValue(15, "max_connections", "010")).toBeNull();
    expect(checkValue(15, "max_connections", "08")).not.toBeNull();
    expect(checkValue(15, "max_connections", "1e2")).toBeNull();
    expect(checkValue(15, "max_connections", " 100 ")).toBeNull();
    expect(checkValue(15, "max_connections", "-.5")).not.toBeNull();
    expect(checkValue(15, "max_connections", "")).not.toBeNull();
  });

  it("checks reals and their ranges", () => {
    expect(checkValue(15, "checkpoint_completion_target", "0.9")).toBeNull();
    expect(checkValue(15, "checkpoint_completion_target", "1.1")).toMatch(/outside/);
    expect(checkValue(15, "seq_page_cost", "1e308")).toBeNull();
    expect(checkValue(15, "seq_page_cost", "1e309")).not.toBeNull();
    expect(checkValue(15, "vacuum_cost_delay", "nan")).not.toBeNull();
    expect(checkValue(15, "vacuum_cost_delay", "500us")).toBeNull();
  });

  it("parses booleans as parse_bool", () => {
    for (const v of ["on", "OFF", "true", "t", "TRU", "yes", "y", "no", "n", "1", "0", "of", "fal"]) {
      expect(parseBool(v), v).toBeDefined();
    }
    for (const v of ["o", "10", "", "truex", "on ", "enable", "2"]) expect(parseBool(v), v).toBeUndefined();
    expect(checkValue(15, "hot_standby", "o")).toMatch(/boolean/);
  });

  it("matches enums case-insensitively, hidden values included", () => {
    expect(checkValue(15, "wal_level", "REPLICA")).toBeNull();
    expect(checkValue(15, "wal_level", "hot_standby")).toBeNull();
    expect(checkValue(15, "wal_level", "full")).toMatch(/available values: minimal, replica, logical/);
    expect(checkValue(15, "synchronous_commit", "true")).toBeNull();
    expect(checkValue(13, "password_encryption", "on")).toBeNull();
    expect(checkValue(14, "password_encryption", "on")).not.toBeNull();
  });

  it("accepts enum values that need a configure option the reference build lacks", () => {
    expect(checkValue(15, "wal_compression", "lz4")).toBeNull();
    expect(checkValue(14, "wal_compression", "lz4")).toMatch(/boolean/);
    expect(getParam(18, "io_method")?.enumBuild).toEqual({ io_uring: "--with-liburing" });
  });

  it("refuses internal parameters and unknown names", () => {
    expect(checkValue(15, "block_size", "8192")).toMatch(/cannot be changed/);
    expect(checkValue(13, "wal_keep_segments", "8")).toMatch(/unrecognized/);
    expect(checkValue(15, "seed", "0.5")).toBeNull();
  });

  it("models the check hooks replication configs meet", () => {
    expect(checkValue(15, "primary_slot_name", "standby_1")).toBeNull();
    expect(checkValue(15, "primary_slot_name", "Standby-1")).toMatch(/invalid character/);
    expect(checkValue(16, "vacuum_buffer_usage_limit", "64kB")).not.toBeNull();
    expect(checkValue(17, "transaction_buffers", "20")).toMatch(/multiple of 16/);
  });
});

describe("params.json", () => {
  it("read one entry at a time (data.ts) gives what parsing the whole file gives, and nothing else", () => {
    const text = readFileSync(join(ROOT, "src/pg/catalog/params.json"), "utf8");
    const data = JSON.parse(text) as Record<
      "params" | "aliases" | "unlisted" | "versions",
      Record<string, unknown>
    >;
    expect(Object.keys(data.params).length).toBeGreaterThan(300);
    for (const [name, p] of Object.entries(data.params)) expect(rawParam(name), name).toEqual(p);
    expect(allParams()).toEqual(data.params);
    for (const [name, a] of Object.entries(data.aliases)) expect(rawAlias(name), name).toEqual(a);
    for (const [name, u] of Object.entries(data.unlisted)) expect(rawUnlisted(name), name).toEqual(u);
    for (const [major, v] of Object.entries(data.versions)) expect(rawVersion(major), major).toEqual(v);
    // the file's own keys, parts of lines, other sections' keys, and Object's properties are no parameters
    const notParams = ["params", "aliases", "unlisted", "versions", "work", 'work_mem":{', "seed"];
    for (const n of [...notParams, "constructor", "__proto__", "toString", "", "\n", '"']) {
      expect(rawParam(n), n).toBeUndefined();
      expect(getParam(16, n), n).toBeUndefined();
    }
    expect(rawParam("sort_mem")).toBeUndefined();
    expect(rawAlias("work_mem")).toBeUndefined();
    expect(rawUnlisted("work_mem")).toBeUndefined();
    expect(rawVersion("11")).toBeUndefined();
    expect(getParam(16, "sort_mem")?.name).toBe("work_mem");
  });

  it("lists each parameter once, with sorted majors that the catalogue supports", () => {
    const text = readFileSync(join(ROOT, "src/pg/catalog/params.json"), "utf8");
    const data = JSON.parse(text) as { params: Record<string, { majors: number[] }> };
    const names = Object.keys(data.params);
    expect(names).toEqual([...names].sort());
    for (const [name, p] of Object.entries(data.params)) {
      expect(name).toBe(name.toLowerCase());
      expect(p.majors).toEqual([...p.majors].sort((a, b) => a - b));
      for (const m of p.majors) expect(isSupportedMajor(m), `${name} ${m}`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Differentials against real servers

interface Case {
  name: string;
  value: string;
}

// Valid and invalid: units and their case, rounding, ranges, integer syntax, reals,
// booleans, enums (hidden and build-dependent values), internal and unknown parameters,
// check hooks, and the replication parameters that differ between majors.
const CASES: Case[] = [
  ...[
    "128MB",
    "1GB",
    "1Gb",
    "1gb",
    "1 GB",
    "1 G B",
    "1GB x",
    "1.5MB",
    "0x100",
    "010",
    "08",
    "-.5",
    ".5e3",
    "120kB",
    "128kB",
    "129kB",
    "1TB",
    "16",
    "15",
    "1e",
    "",
  ].map((value) => ({ name: "shared_buffers", value })),
  ...["64kB", "63kB", "63.5kB", "64.4kB", "2TB", "1.99TB", "4MB", "4mB", "65536B", "65535B"].map((value) => ({
    name: "work_mem",
    value,
  })),
  ...[
    "100",
    "0",
    "1.5",
    "1e2",
    " 100",
    "100 ",
    "100abc",
    "9999999999",
    "262143",
    "262144",
    "0x",
    "100MB",
  ].map((value) => ({ name: "max_connections", value })),
  ...[
    "30s",
    "29s",
    "29500ms",
    "28500ms",
    "30500ms",
    "1.5min",
    "5MIN",
    "5 min",
    "1d",
    "2d",
    "1h",
    "1 hour",
    "300",
  ].map((value) => ({ name: "checkpoint_timeout", value })),
  ...["1us", "0.5ms", "100ms", "101ms", "1 ms", "1Ms", "0x10", "nan", "inf", "1e-400", "-0", "2"].map(
    (value) => ({
      name: "vacuum_cost_delay",
      value,
    }),
  ),
  ...["1e308", "1e309", "-1", "0", "4.0", "1,5"].map((value) => ({ name: "seq_page_cost", value })),
  ...["0.9", "1.1", "1", "0"].map((value) => ({ name: "checkpoint_completion_target", value })),
  ...["on", "o", "of", "TRU", "yes", "y", "n", "1", "0", "10", "On ", "", "nope", "OFF"].map((value) => ({
    name: "hot_standby",
    value,
  })),
  ...["replica", "hot_standby", "ARCHIVE", "full", "minimal", "logical", ""].map((value) => ({
    name: "wal_level",
    value,
  })),
  ...["remote_apply", "true", "2", "local", "off"].map((value) => ({ name: "synchronous_commit", value })),
  ...["always", "yes", "maybe"].map((value) => ({ name: "archive_mode", value })),
  ...["pglz", "lz4", "zstd", "on", "snappy"].map((value) => ({ name: "wal_compression", value })),
  ...["md5", "scram-sha-256", "on", "SCRAM-SHA-256"].map((value) => ({ name: "password_encryption", value })),
  ...["TLSv1.2", "tlsv1.3", "TLSv1.4"].map((value) => ({ name: "ssl_min_protocol_version", value })),
  ...["try", "1", "maybe"].map((value) => ({ name: "huge_pages", value })),
  ...["standby_1", "Standby-1", "", "x".repeat(63), "x".repeat(64)].map((value) => ({
    name: "primary_slot_name",
    value,
  })),
  ...["10", "-1", "262143", "262144", "262121", "262122"].map((value) => ({
    name: "max_wal_senders",
    value,
  })),
  ...["262118", "262119"].map((value) => ({ name: "max_connections", value })),
  ...["262124", "262125"].map((value) => ({ name: "autovacuum_max_workers", value })),
  ...["1GB", "16", "-1", "1Gb"].map((value) => ({ name: "wal_keep_size", value })),
  { name: "wal_keep_segments", value: "8" },
  ...["-1", "10GB", "-2"].map((value) => ({ name: "max_slot_wal_keep_size", value })),
  ...["250ms", "-1", "-2"].map((value) => ({ name: "log_min_duration_statement", value })),
  ...["10MB", "2GB"].map((value) => ({ name: "log_rotation_size", value })),
  ...["-1", "-2", "8"].map((value) => ({ name: "wal_buffers", value })),
  ...["5min", "-1s"].map((value) => ({ name: "recovery_min_apply_delay", value })),
  ...["serializable", "garbage"].map((value) => ({ name: "transaction_isolation", value })),
  ...["64kB", "0", "128kB", "256kB"].map((value) => ({ name: "vacuum_buffer_usage_limit", value })),
  ...["20", "32", "0"].map((value) => ({ name: "transaction_buffers", value })),
  ...["on", "off"].map((value) => ({ name: "promote_trigger_file", value })),
  { name: "block_size", value: "8192" },
  { name: "sort_mem", value: "4MB" },
  { name: "ssl_ecdh_curve", value: "prime256v1" },
  { name: "seed", value: "0.5" },
  { name: "default_with_oids", value: "off" },
  { name: "synchronous_standby_names", value: "FIRST 1 (s1)" },
  { name: "no_such_parameter", value: "1" },
];

// For every major: the parameters whose existence, type or checks differ between majors, and
// a few cases of each parsing rule (the full list runs against Debian's 15 above).
const CROSS_MAJOR_PARAMS = new Set([
  "wal_compression",
  "password_encryption",
  "wal_keep_size",
  "wal_keep_segments",
  "max_slot_wal_keep_size",
  "promote_trigger_file",
  "vacuum_buffer_usage_limit",
  "transaction_buffers",
  "ssl_ecdh_curve",
  "max_connections",
  "max_wal_senders",
  "autovacuum_max_workers",
  "primary_slot_name",
  "wal_level",
  "hot_standby",
  "seed",
  "default_with_oids",
]);
const SAMPLED_PARAMS = new Set(["shared_buffers", "checkpoint_timeout", "vacuum_cost_delay"]);
const CROSS_MAJOR_CASES = [
  ...CASES.filter((c) => CROSS_MAJOR_PARAMS.has(c.name)),
  ...CASES.filter((c) => SAMPLED_PARAMS.has(c.name)).filter((_, i) => i % 3 === 0),
];

/** A quoted postgresql.conf string: the scanner decodes '' and backslash escapes. */
function quoteConf(v: string): string {
  return `'${v.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/**
 * Whether the server loads a configuration file holding `base` plus the case's line: -C of
 * a parameter every major has, so the exit status is about the file only. Each case gets its
 * own file (config_file) so cases can run in parallel against one data directory.
 */
async function serverAccepts(
  postgres: string,
  dataDir: string,
  base: string,
  c: Case,
  index: number,
): Promise<{ ok: boolean; log: string }> {
  const confFile = join(dataDir, "..", `case-${index}.conf`);
  writeFileSync(confFile, `${base}\n${c.name} = ${quoteConf(c.value)}\n`);
  return await new Promise((resolve, reject) => {
    execFile(
      postgres,
      ["-C", "port", "-D", dataDir, "-c", `config_file=${confFile}`],
      (err, _stdout, stderr) => {
        if (err && typeof err.code !== "number") reject(err);
        else resolve({ ok: !err, log: stderr.trim().split("\n").slice(-2).join(" | ") });
      },
    );
  });
}

/** Runs jobs with at most `width` in flight. */
async function pool<T>(width: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

function postgresUid(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const f = line?.split(":");
  if (!f || f.length < 4)
    throw new Error("no `postgres` OS user: install the server (apt-get install -y postgresql-15)");
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

describe("checkValue against Debian's PostgreSQL 15", () => {
  let dataDir = "";
  let base = "";

  beforeAll(() => {
    if (!existsSync(join(DEBIAN_15_BIN, "postgres")) || !existsSync(join(DEBIAN_15_BIN, "initdb"))) {
      throw new Error(
        `${DEBIAN_15_BIN} is missing: install it with \`apt-get update && apt-get install -y postgresql-15\``,
      );
    }
    const dir = tempDir("pgrepl-catalog-diff-");
    const { uid, gid } = postgresUid();
    chownSync(dir, uid, gid);
    dataDir = join(dir, "data");
    // initdb as postgres: the server and its tools refuse root.
    const r = spawnSync(
      "runuser",
      ["-u", "postgres", "--", join(DEBIAN_15_BIN, "initdb"), "-D", dataDir, "-N"],
      {
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
    base = readFileSync(join(dataDir, "postgresql.conf"), "utf8");
  });

  it("accepts exactly what the server accepts", async () => {
    // `postgres -C` runs as root (only -C and --describe-config are allowed to).
    const postgres = join(DEBIAN_15_BIN, "postgres");
    const results = await pool(
      availableParallelism(),
      CASES.map((c, i) => async () => ({ c, server: await serverAccepts(postgres, dataDir, base, c, i) })),
    );
    const disagreements: string[] = [];
    let accepted = 0;
    for (const { c, server } of results) {
      const ours = checkValue(15, c.name, c.value);
      if (server.ok) accepted++;
      if (server.ok !== (ours === null)) {
        disagreements.push(
          `${c.name} = '${c.value}': server ${server.ok ? "accepts" : `rejects (${server.log})`}, checkValue ${ours ?? "accepts"}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
    // the case list must exercise both outcomes
    expect(accepted).toBeGreaterThan(40);
    expect(CASES.length - accepted).toBeGreaterThan(40);
  });
});

interface PgBinaries {
  major: number;
  binDir: string;
}
interface PgBinariesModule {
  ensurePgBinaries(major: number): Promise<PgBinaries>;
}
interface GenCatalogModule {
  debianAuthArgs(major: number): string[];
  deriveDebian(
    files: { conf: string; hba: string },
    o: { major: number; cluster: string; port: number; dataDir: string; confRoot: string },
  ): { conf: string; hba: string };
  normaliseDebian(
    files: { conf: string; hba: string },
    o: { major: number; cluster: string; port: number; dataDir: string; confRoot: string },
  ): { conf: string; hba: string };
  runPgCreatecluster(
    bin: { major: number; binDir: string },
    useSystemBinaries: boolean,
  ): Promise<{
    files: { conf: string; hba: string };
    o: { major: number; cluster: string; port: number; dataDir: string; confRoot: string };
  }>;
  systemInitdb(major: number): Promise<{ conf: string; hba: string }>;
}

/** The plain-JS helpers under scripts/ (imported by URL: they have no type declarations). */
async function importScript<T>(file: string): Promise<T> {
  const url: string = pathToFileURL(join(ROOT, "scripts", file)).href;
  return (await import(url)) as T;
}

describe("checkValue against the server binaries of every major", () => {
  it("agrees with 12 to 18, build-dependent enum values aside", async () => {
    const { ensurePgBinaries } = await importScript<PgBinariesModule>("pg-binaries.mjs");
    const bins = await Promise.all(SUPPORTED_MAJORS.map((m) => ensurePgBinaries(m)));
    // -C needs only the configuration file, not an initialised cluster.
    const jobs = bins.flatMap((bin) => {
      const dir = join(tempDir(`pgrepl-catalog-${bin.major}-`), "data");
      mkdirSync(dir);
      return CROSS_MAJOR_CASES.map(
        (c, i) => async () =>
          compare(bin.major, c, await serverAccepts(join(bin.binDir, "postgres"), dir, "", c, i)),
      );
    });
    const disagreements = (await pool(availableParallelism(), jobs)).filter((d) => d !== undefined);
    expect(disagreements).toEqual([]);
  });
});

/** A disagreement between checkValue and a cached server of `major`, or undefined. */
function compare(major: number, c: Case, server: { ok: boolean; log: string }): string | undefined {
  const ours = checkValue(major, c.name, c.value);
  // The cached builds lack lz4, zstd and liburing: those servers must refuse what enumBuild
  // lists, which checkValue accepts for the distributions' builds.
  const buildOnly = Object.keys(getParam(major, c.name)?.enumBuild ?? {}).includes(c.value.toLowerCase());
  const expected = buildOnly ? false : ours === null;
  if (server.ok === expected) return undefined;
  return `${major}: ${c.name} = '${c.value}': server ${server.ok ? "accepts" : `rejects (${server.log})`}, checkValue ${ours ?? "accepts"}`;
}

describe("stock files", () => {
  const stock = (major: number, layout: string, file: string) =>
    readFileSync(join(ROOT, "src/pg/stock", String(major), layout, file), "utf8");

  it("exist for every major and layout, with placeholders instead of host details", () => {
    for (const m of SUPPORTED_MAJORS) {
      for (const layout of ["pg_ctl", "debian"]) {
        const conf = stock(m, layout, "postgresql.conf");
        expect(conf).toMatch(/^lc_messages = '@LOCALE@'/m);
        expect(conf).toMatch(/^timezone = '@TIMEZONE@'/m);
        expect(conf).not.toMatch(/\/tmp\/|pgrgstock|C\.UTF-8/);
        expect(stock(m, layout, "pg_hba.conf")).toMatch(/^local\s+all\s+all\s+peer/m);
      }
      const debian = stock(m, "debian", "postgresql.conf");
      expect(debian).toMatch(/^port = @PORT@/m);
      expect(debian).toMatch(/^data_directory = '\/var\/lib\/postgresql\/@VERSION@\/@CLUSTER@'/m);
      expect(debian).toMatch(/^cluster_name = '@VERSION@\/@CLUSTER@'/m);
      expect(debian).toMatch(/^include_dir = 'conf.d'/m);
      expect(stock(m, "debian", "pg_hba.conf")).toMatch(/^local\s+all\s+postgres\s+peer/m);
    }
  });

  it("use the stock authentication: scram-sha-256 for host lines, md5 on Debian before 14", () => {
    for (const m of SUPPORTED_MAJORS) {
      expect(stock(m, "pg_ctl", "pg_hba.conf")).toMatch(
        /^host\s+all\s+all\s+127\.0\.0\.1\/32\s+scram-sha-256$/m,
      );
      expect(stock(m, "debian", "pg_hba.conf")).toMatch(
        new RegExp(`^host\\s+all\\s+all\\s+127\\.0\\.0\\.1/32\\s+${m >= 14 ? "scram-sha-256" : "md5"}$`, "m"),
      );
    }
    // initdb turns on scram password hashing where md5 was still the default
    expect(stock(13, "pg_ctl", "postgresql.conf")).toMatch(/^password_encryption = scram-sha-256/m);
    expect(stock(13, "debian", "postgresql.conf")).toMatch(/^#password_encryption = md5/m);
  });

  it("derive Debian's file for 15 exactly as the real pg_createcluster writes it", async () => {
    if (!existsSync(join(DEBIAN_15_BIN, "initdb"))) throw new Error(`${DEBIAN_15_BIN} is missing`);
    const gen = await importScript<GenCatalogModule>("gen-catalog.mjs");
    const real = await gen.runPgCreatecluster({ major: 15, binDir: DEBIAN_15_BIN }, true);
    const derived = gen.deriveDebian(await gen.systemInitdb(15), real.o);
    expect(derived.conf).toBe(real.files.conf);
    expect(derived.hba).toBe(real.files.hba);
    // and the committed file is that output with its placeholders
    const normalised = gen.normaliseDebian(real.files, real.o);
    expect(normalised.conf).toBe(stock(15, "debian", "postgresql.conf"));
    expect(normalised.hba).toBe(stock(15, "debian", "pg_hba.conf"));
  });
});
