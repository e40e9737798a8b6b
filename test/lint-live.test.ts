/**
 * lint on this machine, as a user would run it: the stock Debian cluster (PostgreSQL 15,
 * /etc/postgresql/15/main) as root and as an unprivileged user, data directories with real
 * owners and modes made here in temp dirs (root ignores modes, so the "cannot read" cases run
 * as `nobody`), nothing written, and no stack trace on bad input. Runs the built CLI.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discover } from "../src/lint/discover.js";
import { runBin, STACK_TRACE } from "./support/cli.js";
import { type JsonFinding, lintJson, snapshot, where } from "./support/lint.js";

const STOCK_CONF = "/etc/postgresql/15/main";
const STOCK_DATA = "/var/lib/postgresql/15/main";

function ids(user: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync("id", ["-u", user], { encoding: "utf8" })),
    gid: Number(execFileSync("id", ["-g", user], { encoding: "utf8" })),
  };
}

/** Root's runs go through main() in-process (fast); `nobody`'s through the built bin. */
async function lintAs(args: string[]) {
  const r = await lintJson(args, "/");
  return { code: r.code, findings: r.findings, stderr: r.err };
}

function lintBin(args: string[], opts: { asUser?: string; cwd?: string } = {}) {
  const r = runBin(["lint", "--format", "json", ...args], opts);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return { ...r, findings: (r.stdout ? JSON.parse(r.stdout) : []) as JsonFinding[] };
}

// Temp dirs under /tmp, traversable by `nobody` (0755), removed afterwards.
const tmp = mkdtempSync("/tmp/pgrepl-lint-live-");
chmodSync(tmp, 0o755);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  expect(process.getuid?.(), "these tests need root (they chown and run as nobody)").toBe(0);
  for (const p of [join(STOCK_CONF, "postgresql.conf"), join(STOCK_DATA, "PG_VERSION")]) {
    expect(() => readFileSync(p), `${p}: install postgresql-15 (scripts/install-test-deps.sh)`).not.toThrow();
  }
});

describe("the stock Debian cluster", () => {
  it("is read whole as root: config, data directory, pg_hba.conf; only wal-log-hints-off (info) to report", async () => {
    const found = await discover([STOCK_CONF], { cwd: "/", fs: true, postgres: undefined, postgresFrom: "" });
    const [s] = found.workspace.servers;
    expect(found.workspace.servers).toHaveLength(1);
    expect(s).toMatchObject({
      origin: "debian",
      name: "15/main",
      major: 15,
      majorFrom: "the path",
      gaps: [],
    });
    // Debian's initdb (12–17) leaves data checksums off, and wal_log_hints is off by default
    expect(s?.dataDir).toMatchObject({
      path: STOCK_DATA,
      real: true,
      readable: true,
      standbySignal: false,
      dataChecksums: false,
    });
    expect(s?.dataDir?.pgVersion?.major).toBe(15);
    expect(s?.conf?.autoConf).toBe(join(STOCK_DATA, "postgresql.auto.conf"));
    expect(s?.conf?.effective.get("port")?.value).toBe("5432");
    expect(s?.hba?.results[0]?.result.lines.length).toBeGreaterThan(3);

    const r = lintBin([STOCK_CONF]);
    expect(r.findings.map(where)).toEqual([`wal-log-hints-off@${STOCK_CONF}/postgresql.conf:-:-`]);
    expect(r.findings[0]?.severity).toBe("info");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("as an unprivileged user: pg_hba.conf (0640) and the data directory (0700) are unreadable-file, the rest is linted", () => {
    const r = lintBin([STOCK_CONF], { asUser: "nobody" });
    expect(r.findings.map(where)).toEqual([
      `unreadable-file@${STOCK_CONF}/pg_hba.conf:-:-`,
      `unreadable-file@${STOCK_DATA}:-:-`,
    ]);
    expect(r.findings[0]?.message).toMatch(
      /^cannot read this file: permission denied \(owned by `postgres`\); not checked: (.*, )?hba-cidr-host-bits, (.*, )?hba-syntax(, .*)?$/,
    );
    expect(r.findings[1]?.message).toMatch(
      /^cannot read this data directory: permission denied \(owned by `postgres`\); not checked: .*recovery-conf-present.*standby-missing-slot/,
    );
    expect(r.findings.every((f) => f.severity === "info" && f.node === "15/main")).toBe(true);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // what it could read it did lint: a typo in postgresql.conf would be found (see the err fixtures)
    const text = runBin(["lint", STOCK_CONF], { asUser: "nobody" });
    expect(text.stdout).toMatch(/^\/etc\/postgresql\/15\/main\/pg_hba\.conf: info: cannot read this file/);
  });

  it("lint writes nothing: contents, modes and mtimes are the same afterwards", () => {
    const before = [snapshot(STOCK_CONF), snapshot(STOCK_DATA)];
    lintBin([STOCK_CONF]);
    lintBin(["--no-fs", STOCK_CONF, STOCK_DATA]);
    lintBin([STOCK_CONF], { asUser: "nobody" });
    expect([snapshot(STOCK_CONF), snapshot(STOCK_DATA)]).toEqual(before);
  });
});

describe("data directories with real owners and modes", () => {
  const postgres = ids("postgres");
  const nobody = ids("nobody");

  /** A data dir like pg_basebackup leaves it: PG_VERSION, standby.signal, postgresql.auto.conf, base/. */
  function dataDir(name: string, mode: number, auto: string): string {
    const dir = join(tmp, name, "opt", "psql-replication");
    mkdirSync(join(dir, "base", "1"), { recursive: true });
    writeFileSync(join(dir, "PG_VERSION"), "14\n");
    writeFileSync(join(dir, "standby.signal"), "");
    writeFileSync(join(dir, "postgresql.auto.conf"), auto);
    writeFileSync(join(dir, "base", "1", "1259"), "");
    for (const p of [
      "",
      "PG_VERSION",
      "standby.signal",
      "postgresql.auto.conf",
      "base",
      "base/1",
      "base/1/1259",
    ]) {
      chownSync(join(dir, p), postgres.uid, postgres.gid);
    }
    chmodSync(dir, mode);
    return dir;
  }

  const tutorialAuto =
    "# Do not edit this file manually!\n# It will be overwritten by the ALTER SYSTEM command.\nprimary_conninfo = 'user=repl_user host=192.168.1.4 port=5432 sslmode=prefer'\n";

  it("the tutorial's standby: a data directory left 0755, no slot", async () => {
    const dir = dataDir("tutorial", 0o755, tutorialAuto);
    const r = await lintAs([dir]);
    expect(r.findings.map(where)).toEqual([
      `datadir-permissions@${dir}:-:-`,
      `standby-missing-slot@${dir}/postgresql.auto.conf:3:1`,
      // the tutorial's sslmode=prefer (column of `sslmode`)
      `replication-unencrypted@${dir}/postgresql.auto.conf:3:63`,
    ]);
    expect(r.findings.map((f) => f.severity)).toEqual(["error", "error", "warning"]);
    expect(r.code).toBe(1);
    // --no-fs: modes are not looked at
    expect((await lintAs(["--no-fs", dir])).findings.map((f) => f.rule)).toEqual([
      "standby-missing-slot",
      "replication-unencrypted",
    ]);
  });

  it("0700 and 0750 are accepted; 0770, 0705 and 0701 are not", async () => {
    const auto = "primary_conninfo = 'host=10.0.0.1 sslmode=verify-full'\nprimary_slot_name = 's'\n";
    for (const [mode, bad] of [
      [0o700, false],
      [0o750, false],
      [0o740, false],
      [0o770, true],
      [0o705, true],
      [0o701, true],
    ] as const) {
      const dir = dataDir(`mode-${mode.toString(8)}`, mode, auto);
      expect(
        (await lintAs([dir])).findings.map((f) => f.rule),
        mode.toString(8),
      ).toEqual(bad ? ["datadir-permissions"] : []);
    }
  });

  it("files the database user does not own, counted per top-level entry; links are not followed", async () => {
    const dir = dataDir("owners", 0o700, "");
    mkdirSync(join(dir, "global"));
    writeFileSync(join(dir, "global", "pg_control"), "");
    writeFileSync(join(dir, "global", "1260"), "");
    chownSync(join(dir, "base", "1", "1259"), 0, 0);
    writeFileSync(join(dir, "backup_label.old"), "");
    chownSync(join(dir, "backup_label.old"), nobody.uid, nobody.gid);
    // pg_wal on another disk: the link is the cluster's; what it points to is not walked
    const wal = join(tmp, "owners-wal");
    mkdirSync(wal);
    writeFileSync(join(wal, "000000010000000000000001"), "");
    symlinkSync(wal, join(dir, "pg_wal"));
    lchownSync(join(dir, "pg_wal"), postgres.uid, postgres.gid);
    const r = await lintAs([dir]);
    expect(r.findings.map(where)).toEqual([
      `datadir-owner@${dir}/backup_label.old:-:-`,
      `datadir-owner@${dir}/base:-:-`,
      `datadir-owner@${dir}/global:-:-`,
    ]);
    const msg = Object.fromEntries(r.findings.map((f) => [f.file.slice(dir.length + 1), f.message]));
    expect(msg["backup_label.old"]).toMatch(/^`backup_label\.old` is owned by `nobody`, not by `postgres`/);
    expect(msg.base).toMatch(/^1 entry under `base` is owned by `root`, not by `postgres`/);
    expect(msg.global).toMatch(/^`global` \(and 2 entries under it\) is owned by `root`/);
    expect((await lintAs(["--no-fs", dir])).findings).toEqual([]);
  });

  it("a data directory owned by root", async () => {
    const dir = dataDir("root-owned", 0o700, "");
    chownSync(dir, 0, 0);
    expect((await lintAs([dir])).findings.map(where)).toEqual([`datadir-owner@${dir}:-:-`]);
  });

  it("as nobody: a PATH that cannot be read at all is exit 2 with one line", () => {
    const dir = dataDir("closed", 0o700, tutorialAuto);
    const r = runBin(["lint", dir, join(tmp, "tutorial")], { asUser: "nobody" });
    expect(r.stderr).toBe(`pgrepl-gen: ${dir}: permission denied\n`);
    expect(r.code).toBe(2);
    // the other PATH was linted (it is 0755: nobody can read it)
    expect(r.stdout).toContain("[standby-missing-slot]");
  });

  it("as nobody: an unreadable included file is unreadable-file; the rest of the tree is linted", () => {
    const dir = join(tmp, "include-closed");
    mkdirSync(join(dir, "conf.d"), { recursive: true });
    writeFileSync(join(dir, "postgresql.conf"), "include_dir = 'conf.d'\nwork_mem = 4Mb\n");
    writeFileSync(join(dir, "conf.d", "secret.conf"), "ssl_passphrase_command = 'cat /x'\n");
    chmodSync(join(dir, "conf.d", "secret.conf"), 0o600);
    const r = lintBin(["--postgres", "15", dir], { asUser: "nobody" });
    expect(r.findings.map(where)).toEqual([
      `unreadable-file@${dir}/conf.d/secret.conf:-:-`,
      `conf-invalid-value@${dir}/postgresql.conf:2:12`,
    ]);
    expect(r.findings[0]?.message).toMatch(
      /^cannot read this file: permission denied \(owned by `root`\); not checked: (.*, )?conf-auto-overrides, /,
    );
  });
});

describe("bad input never prints a stack trace", () => {
  const dir = join(tmp, "bad");
  mkdirSync(dir);
  writeFileSync(join(dir, "binary.conf"), Buffer.from([0, 1, 2, 0xff, 0x0a]));
  writeFileSync(join(dir, "latin1.conf"), Buffer.from("cluster_name = 'caf\xe9'\n", "latin1"));
  writeFileSync(
    join(dir, "spec.yaml"),
    Buffer.concat([Buffer.from("replication: {}\nnodes: "), Buffer.from([0xff, 0x0a])]),
  );
  writeFileSync(join(dir, "spec2.yaml"), "replication: {\nnodes: [\n");
  writeFileSync(join(dir, "pg_hba.conf"), `${"x".repeat(20000)}\n"unterminated\n`);
  mkdirSync(join(dir, "postgresql.conf"));
  spawnSync("mkfifo", [join(dir, "fifo.conf")]);
  const cases: Array<[string, string[], number]> = [
    ["binary file", ["--postgres", "15", join(dir, "binary.conf")], 1],
    ["latin-1 bytes", ["--postgres", "15", join(dir, "latin1.conf")], 0],
    ["invalid UTF-8 spec", [join(dir, "spec.yaml")], 1],
    ["broken YAML spec", [join(dir, "spec2.yaml")], 1],
    ["hostile pg_hba.conf", ["--postgres", "13", join(dir, "pg_hba.conf")], 1],
    ["a directory named postgresql.conf", [dir], 1],
    ["/dev/zero", ["/dev/zero"], 2],
    ["a bad --postgres", ["--postgres", "abc", dir], 2],
    ["an unknown format", ["--format", "xml", dir], 2],
  ];
  it("a FIFO is read to its end, as `cat FIFO` reads it (a writer feeds it)", () => {
    const fifo = join(dir, "fifo.conf");
    // the writer opens the FIFO and blocks until lint opens it for reading
    const writer = spawn(
      "sh",
      ["-c", 'printf "listen_addresses = \\342\\200\\230*\\342\\200\\231\\n" > "$1"', "w", fifo],
      {
        stdio: "ignore",
      },
    );
    const r = runBin(["lint", "--postgres", "15", fifo]);
    writer.kill();
    expect(r.stderr + r.stdout).not.toMatch(STACK_TRACE);
    expect(r.stdout, r.stderr).toMatch(/fifo\.conf:1:20: error: .*\[conf-smart-quotes\]/);
    expect(r.code, r.stdout + r.stderr).toBe(1);
  });
  for (const [name, args, code] of cases) {
    it(name, () => {
      const r = runBin(["lint", ...args]);
      expect(r.stderr + r.stdout).not.toMatch(STACK_TRACE);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code, r.stdout + r.stderr).toBe(code);
    });
  }
});
