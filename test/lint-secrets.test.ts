/** pgpass-permissions and secret-file-readable on real files with real modes; datadir-version-mismatch on a real PG_VERSION. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintJson, where } from "./support/lint.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-secrets-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MINE = ["pgpass-permissions", "secret-file-readable", "datadir-version-mismatch"];

/** A standby's data directory (0700) with postgresql.auto.conf of the given mode. */
function standby(name: string, auto: string, autoMode: number, version = "16"): string {
  const dir = join(tmp, name, "postgresql", "16", "main");
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, "PG_VERSION"), `${version}\n`);
  writeFileSync(join(dir, "standby.signal"), "");
  writeFileSync(join(dir, "postgresql.auto.conf"), auto);
  chmodSync(join(dir, "postgresql.auto.conf"), autoMode);
  return dir;
}

async function mine(args: string[]) {
  const r = await lintJson(args, "/");
  return r.findings.filter((f) => MINE.includes(f.rule)).map(where);
}

describe("password files and secrets in config files", () => {
  it("a passfile group- or world-accessible is reported; 0600 and 0400 are not; --no-fs skips it", async () => {
    for (const [mode, bad] of [
      [0o644, true],
      [0o640, true],
      [0o604, true],
      [0o660, true],
      [0o600, false],
      [0o400, false],
    ] as const) {
      const pass = join(tmp, `pgpass-${mode.toString(8)}`);
      writeFileSync(pass, "192.168.1.4:5432:replication:repl_user:secret\n");
      chmodSync(pass, mode);
      const dir = standby(
        `pass-${mode.toString(8)}`,
        `primary_conninfo = 'host=192.168.1.4 user=repl_user passfile=${pass} sslmode=verify-full'\nprimary_slot_name = 'replica'\n`,
        0o600,
      );
      expect(await mine([dir]), mode.toString(8)).toEqual(bad ? [`pgpass-permissions@${pass}:-:-`] : []);
      expect(await mine(["--no-fs", dir])).toEqual([]);
    }
  });

  it("a missing passfile, or a directory, is not this rule's", async () => {
    const d = join(tmp, "a-directory");
    mkdirSync(d, { mode: 0o755 });
    for (const p of [join(tmp, "nope"), d]) {
      const dir = standby(`pass-${p.length}`, `primary_conninfo = 'host=192.168.1.4 passfile=${p}'\n`, 0o600);
      expect(await mine([dir])).toEqual([]);
    }
  });

  it("a config file holding a password readable by group or others; never the password itself", async () => {
    const auto =
      "primary_conninfo = 'host=192.168.1.4 user=repl_user password=NEVER-SHOWN sslmode=verify-full'\n";
    const loose = standby("secret-644", auto, 0o644);
    const r = await lintJson([loose], "/");
    expect(r.findings.filter((f) => MINE.includes(f.rule)).map(where)).toEqual([
      `secret-file-readable@${loose}/postgresql.auto.conf:-:-`,
    ]);
    expect(JSON.stringify(r.findings)).not.toContain("NEVER-SHOWN");
    expect(await mine([standby("secret-600", auto, 0o600)])).toEqual([]);
    // no password, no secret
    expect(await mine([standby("nosecret-644", "primary_conninfo = 'host=192.168.1.4'\n", 0o644)])).toEqual(
      [],
    );
    expect(await mine(["--no-fs", loose])).toEqual([]);
  });

  it("PG_VERSION of another major than the Debian path says", async () => {
    const dir = standby(
      "version",
      "primary_conninfo = 'host=192.168.1.4 sslmode=verify-full'\n",
      0o600,
      "15",
    );
    expect(await mine([dir])).toEqual([`datadir-version-mismatch@${dir}/PG_VERSION:1:1`]);
    expect(await mine([standby("version-ok", "", 0o600)])).toEqual([]);
    expect(await mine(["--no-fs", dir])).toEqual([]);
  });
});
