/**
 * Rules of the recovery, WAL, synchronous and topology groups that golden trees cannot show:
 * wal-log-hints-off on data directories initdb made (pg_control is binary), with and without
 * data checksums, and pg_control read as PostgreSQL 15 writes it.
 */

import { spawnSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataChecksumsOn } from "../src/pg/control.js";
import { lintJson, where } from "./support/lint.js";
import { PG15_BIN } from "./support/pg.js";

describe("wal-log-hints-off on real data directories", () => {
  let dir = "";
  const initdb = (name: string, args: string[]): string => {
    const d = join(dir, name);
    const r = spawnSync(
      "runuser",
      ["-u", "postgres", "--", join(PG15_BIN, "initdb"), "-D", d, "-N", ...args],
      {
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
    return d;
  };
  let plain = "";
  let checksums = "";
  beforeAll(() => {
    if (!existsSync(join(PG15_BIN, "initdb")))
      throw new Error(`${PG15_BIN} is missing: apt-get install -y postgresql-15`);
    dir = mkdtempSync(join(tmpdir(), "pgrepl-walloghints-"));
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout);
    chownSync(dir, id("-u"), id("-g"));
    plain = initdb("plain", []);
    checksums = initdb("checksums", ["-k"]);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("pg_control says whether checksums are on; other bytes say nothing", () => {
    expect(dataChecksumsOn(readFileSync(join(plain, "global", "pg_control")), 15)).toBe(false);
    expect(dataChecksumsOn(readFileSync(join(checksums, "global", "pg_control")), 15)).toBe(true);
    const damaged = Buffer.from(readFileSync(join(plain, "global", "pg_control")));
    damaged[20] = (damaged[20] ?? 0) ^ 0xff;
    expect(dataChecksumsOn(damaged, 15)).toBe(undefined);
    expect(dataChecksumsOn(new Uint8Array(8192), 15)).toBe(undefined);
  });

  it("reported without checksums and with wal_log_hints at its default; not with checksums or wal_log_hints on", async () => {
    const only = async (d: string) =>
      (await lintJson(["--no-fs", d.slice(dir.length + 1)], dir)).findings
        .filter((f) => f.rule === "wal-log-hints-off")
        .map(where);
    expect(await only(plain)).toEqual(["wal-log-hints-off@plain/postgresql.conf:-:-"]);
    expect(await only(checksums)).toEqual([]);
    appendFileSync(join(plain, "postgresql.conf"), "wal_log_hints = off\n");
    const lines = readFileSync(join(plain, "postgresql.conf"), "utf8").split("\n").length - 1;
    expect(await only(plain)).toEqual([`wal-log-hints-off@plain/postgresql.conf:${lines}:1`]);
    appendFileSync(join(plain, "postgresql.conf"), "wal_log_hints = on\n");
    expect(await only(plain)).toEqual([]);
  });
});
