/**
 * synchronous_standby_names parsed as the server's syncrep grammar does; the accept/reject
 * half is checked against Debian's PostgreSQL 15 itself (`postgres -C` runs the check hook on
 * a `-c` value).
 */
import { execFile, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSyncNames, syncNameMatches } from "../src/pg/sync-names.js";
import { PG15_BIN } from "./support/pg.js";

const names = (v: string) => {
  const r = parseSyncNames(v);
  return r.ok ? r.names.map((n) => n.name) : r.message;
};

describe("parseSyncNames", () => {
  it("reads the four forms", () => {
    expect(parseSyncNames("s1, s2")).toMatchObject({
      ok: true,
      method: "first",
      num: 1,
      methodWritten: false,
    });
    expect(parseSyncNames("2 (s1, s2)")).toMatchObject({
      ok: true,
      method: "first",
      num: 2,
      methodWritten: false,
    });
    expect(parseSyncNames("FIRST 2 (s1, s2, s3)")).toMatchObject({ ok: true, method: "first", num: 2 });
    expect(parseSyncNames("any 1 (s1,s2)")).toMatchObject({
      ok: true,
      method: "any",
      num: 1,
      methodWritten: true,
    });
    expect(parseSyncNames("AnY 1 (s1)")).toMatchObject({ ok: true, method: "any" });
    expect(names("*")).toEqual(["*"]);
    expect(names("1, 2")).toEqual(["1", "2"]);
  });

  it("keeps unquoted names as written and decodes quoted ones", () => {
    expect(names('FIRST 1 ("first", "a""b", "Pg-2", S3)')).toEqual(["first", 'a"b', "Pg-2", "S3"]);
    const r = parseSyncNames('FIRST 1 ("first", s2)');
    expect(r.ok && r.names.map((n) => [n.offset, n.quoted])).toEqual([
      [9, true],
      [18, false],
    ]);
  });

  it("typographic quotes are part of the name", () => {
    expect(names("‘s1’")).toEqual(["‘s1’"]);
    expect(syncNameMatches("‘s1’", "s1")).toBe(false);
  });

  it("names the unquoted keyword where a name belongs", () => {
    for (const [v, at] of [
      ["first, s2", 0],
      ["s1, first", 4],
      ["ANY 1 (s1, any)", 11],
      ["FIRST 1 (First)", 9],
    ] as const) {
      const r = parseSyncNames(v);
      expect(r.ok, v).toBe(false);
      if (!r.ok) expect(r.reservedName?.offset, v).toBe(at);
    }
    const r = parseSyncNames("FIRST 1 s1");
    expect(!r.ok && r.reservedName).toBe(undefined);
  });

  it("rejects what the grammar rejects", () => {
    for (const v of [
      "",
      "FIRST 1 (s1",
      "s1 s2",
      "pg-2",
      "0 (s1)",
      "ANY 0 (s1)",
      's1, "s2',
      "s1.x",
      "()",
      "s1,",
    ]) {
      expect(parseSyncNames(v).ok, v).toBe(false);
    }
  });

  it("matches application_name case-insensitively; * matches all", () => {
    expect(syncNameMatches("Pg2", "pg2")).toBe(true);
    expect(syncNameMatches("*", "anything")).toBe(true);
    expect(syncNameMatches("pg2", "pg20")).toBe(false);
  });
});

describe("parseSyncNames against Debian's PostgreSQL 15", () => {
  const postgres = join(PG15_BIN, "postgres");
  let dir = "";
  let dataDir = "";
  beforeAll(() => {
    if (!existsSync(postgres)) throw new Error(`${postgres} is missing: apt-get install -y postgresql-15`);
    dir = mkdtempSync(join(tmpdir(), "pgrepl-syncnames-"));
    const pw = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(pw.stdout), Number(gid.stdout));
    dataDir = join(dir, "data");
    const r = spawnSync("runuser", ["-u", "postgres", "--", join(PG15_BIN, "initdb"), "-D", dataDir, "-N"], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr}`);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const CASES = [
    "s1",
    "s1, s2",
    "*",
    "FIRST 1 (s1, s2)",
    "first 2 (s1,s2)",
    "ANY 1 (s1)",
    "any 2 (a, b, c)",
    "2 (s1, s2)",
    '"first"',
    'FIRST 1 ("any", "first")',
    '"pg-2", s3',
    '"a""b"',
    "1, 2",
    "‘s1’",
    "s_1$x",
    "first",
    "s1, first",
    "ANY 1 (s1, any)",
    "FIRST 1 s1",
    "FIRST 0 (s1)",
    "0 (s1)",
    "pg-2",
    "s1 s2",
    "s1.x",
    '"s1',
    "FIRST 1 (s1",
    "s1,",
    "(s1)",
    "FIRST (s1)",
    "ANY 1 (*)",
  ];
  it("accepts exactly what the server accepts", async () => {
    const accepted = (v: string) =>
      new Promise<boolean>((resolve) => {
        execFile(
          postgres,
          ["-C", "synchronous_standby_names", "-D", dataDir, "-c", `synchronous_standby_names=${v}`],
          (err) => resolve(err === null),
        );
      });
    const results = await Promise.all(CASES.map(async (v) => [v, await accepted(v)] as const));
    for (const [v, server] of results) expect(parseSyncNames(v).ok, v).toBe(server);
  }, 60_000);
});
