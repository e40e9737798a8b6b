import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryConfFs, nodeConfFs } from "../src/pg/conf/fs.js";
import {
  type ConfSetting,
  type ConfTree,
  parseConfigTree,
  parseConfText,
  valueColumnOf,
} from "../src/pg/conf/index.js";
import { gucString } from "../src/pg/quote.js";

const D = "/data";
const CONF = `${D}/postgresql.conf`;

function tree(files: Record<string, string>, opts: { dataDir?: string | null } = {}): ConfTree {
  return parseConfigTree(memoryConfFs(files), { configFile: CONF, dataDir: opts.dataDir ?? null });
}

function values(t: ConfTree): Record<string, string> {
  return Object.fromEntries([...t.effective].map(([k, s]) => [k, s.value]));
}

function problems(t: ConfTree): string[] {
  return t.problems.map((p) => `${p.code}@${p.file}:${p.line}:${p.column}`);
}

describe("postgresql.conf values", () => {
  it("reads name = value and name value, last setting wins, every setting kept", () => {
    const t = tree({ [CONF]: "work_mem = 1MB\nwork_mem 2MB\nWork_Mem=3MB # comment\n" });
    expect(values(t)).toEqual({ work_mem: "3MB" });
    expect(t.settings.map((s) => [s.name, s.line, s.column, s.valueColumn])).toEqual([
      ["work_mem", 1, 1, 12],
      ["work_mem", 2, 1, 10],
      ["Work_Mem", 3, 1, 10],
    ]);
    expect(t.problems).toEqual([]);
  });

  it("de-escapes quoted strings as the server does", () => {
    const t = tree({ [CONF]: "a.b = 'x''y\\'z\\\\\\101\\n\\tq'\nc.d = 'cut\\0here'\ne.f=''\n" });
    expect(values(t)).toEqual({ "a.b": "x'y'z\\A\n\tq", "c.d": "cut", "e.f": "" });
  });

  it("keeps typographic quotes as part of the value, and rejects them before a non-letter", () => {
    const t = tree({ [CONF]: "synchronous_standby_names = ‘s1’\nlisten_addresses = ‘*’\n" });
    expect(values(t)).toEqual({ synchronous_standby_names: "‘s1’" });
    expect(t.problems.map((p) => [p.code, p.line, p.column, p.near])).toEqual([
      ["syntax", 2, 21, 'near token "*"'],
    ]);
    expect(t.problems[0]?.message).toContain("typographic quotes");
  });

  it("tokenizes like flex: longest match, earlier rule on ties", () => {
    const t = tree({
      [CONF]: [
        "a.x = a.b.c", // UNQUOTED_STRING
        "a.y = a.b", // QUALIFIED_ID is not a value
        "a.z = 1e5", // INTEGER `1e` then `5`
        "a.w = .", // REAL
        "a.v = 0x1Fkb", // INTEGER
        "a.u = 10 MB", // two tokens
        'a.t = "x"', // double quotes are not quotes
        "a.s = 'unterminated",
        "= 1",
        "a.r =",
        "a.q = -1.5e-3",
        "a.p = /abs/path", // `/` cannot start a value
        "a.o = x:y/z-1", // UNQUOTED_STRING
      ].join("\n"),
    });
    expect(values(t)).toEqual({
      "a.x": "a.b.c",
      "a.w": ".",
      "a.v": "0x1Fkb",
      "a.q": "-1.5e-3",
      "a.o": "x:y/z-1",
    });
    expect(t.problems.map((p) => `${p.line}:${p.column} ${p.near}`)).toEqual([
      '2:7 near token "a.b"',
      '3:9 near token "5"',
      '6:10 near token "MB"',
      '7:7 near token """',
      '8:7 near token "\'"',
      '9:1 near token "="',
      "10:6 near end of line",
      '12:7 near token "/"',
    ]);
  });

  it("reports the server's own line for an error at the end of a last line without newline", () => {
    const t = tree({ [CONF]: "work_mem = 1MB\nwork_mem =" });
    expect(t.problems.map((p) => [p.line, p.column, p.server?.line])).toEqual([[2, 11, 1]]);
  });

  it("keeps a byte order mark as part of the first name, as the server does", () => {
    const t = tree({ [CONF]: "\ufeffwork_mem = 1MB\n" });
    expect(t.settings[0]?.key).toBe("\ufeffwork_mem");
  });

  it("stops after 100 syntax errors in a file", () => {
    const t = tree({ [CONF]: "=\n".repeat(150) });
    expect(t.problems.filter((p) => p.code === "syntax")).toHaveLength(100);
    expect(t.problems.at(-1)?.code).toBe("too-many-errors");
  });

  it("maps every character of a quoted value to its column", () => {
    const t = tree({ [CONF]: "a.b = 'x''y\\nz'\n" });
    expect(t.settings[0]?.valueColumns).toEqual([8, 9, 11, 12, 14]);
  });

  it("keeps a value that runs on without a gap as its first column and length", () => {
    const t = tree({ [CONF]: "port = 5433\nx.y = 'a b'  # c\n" });
    expect(t.settings.map((s) => s.valueColumns)).toEqual([
      { first: 8, length: 4 },
      { first: 8, length: 3 },
    ]);
    const s = t.settings[1] as ConfSetting;
    expect([0, 1, 2, 3, 4].map((c) => valueColumnOf(s, c))).toEqual([undefined, 8, 9, 10, undefined]);
    const escaped = tree({ [CONF]: "a.b = 'x''y\\nz'\n" }).settings[0] as ConfSetting;
    expect([0, 1, 2, 3, 5, 6].map((c) => valueColumnOf(escaped, c))).toEqual([
      undefined,
      8,
      9,
      11,
      14,
      undefined,
    ]);
    // an unquoted value after an emoji: one column per character (the fuzzer found the last one off by one)
    const emoji = tree({ [CONF]: "a.b \u{1F600}xy\n" }).settings[0] as ConfSetting;
    expect([1, 2, 3].map((c) => valueColumnOf(emoji, c))).toEqual([5, 6, 7]);
  });

  it("maps a conninfo column inside primary_conninfo to the file", async () => {
    const { parseConninfo } = await import("../src/pg/conninfo.js");
    const { valueColumnAt } = await import("../src/pg/conf/index.js");
    const t = tree({ [CONF]: "primary_conninfo = 'host=😀 user=''x'' prot=5432'\n" });
    const s = t.settings[0];
    if (!s) throw new Error("no setting");
    const p = parseConninfo(s.value).problems[0];
    expect(p?.column).toBe(17);
    expect(valueColumnAt(s, p?.column ?? 0)).toBe(39);
  });

  it("counts columns in characters", () => {
    const t = tree({ [CONF]: "a.b = 'é😀' # x\na.c = ‘x’ ‘y’\n" });
    expect(t.problems.map((p) => `${p.line}:${p.column}`)).toEqual(["2:11"]);
  });

  it("parses a single text without following includes", () => {
    const r = parseConfText("include 'x.conf'\nwork_mem = 1MB\n", "/etc/pg/postgresql.conf");
    expect(r.includes.map((i) => [i.kind, i.resolved, i.files])).toEqual([["include", "/etc/pg/x.conf", []]]);
    expect(r.settings).toHaveLength(1);
  });

  it("round-trips every string through quote.ts gucString", () => {
    for (const v of [
      "plain",
      "it's",
      "back\\slash",
      "both\\'",
      "",
      "tab\there",
      "‘s1’",
      "#hash",
      "multi\\\\''",
    ]) {
      const t = tree({ [CONF]: `a.b = ${gucString(v)}\n` });
      expect(t.problems).toEqual([]);
      expect(t.settings[0]?.value).toBe(v);
    }
  });
});

describe("includes", () => {
  it("resolves relative includes against the including file and keeps the order", () => {
    const t = tree({
      [CONF]: "a.a = 1\ninclude 'sub/x.conf'\na.a = 3\n",
      [`${D}/sub/x.conf`]: "a.a = 2\ninclude_if_exists 'y.conf'\n",
      [`${D}/sub/y.conf`]: "a.b = y\n",
    });
    expect(t.settings.map((s) => `${s.file}:${s.line}=${s.value}`)).toEqual([
      "/data/postgresql.conf:1=1",
      "/data/sub/x.conf:1=2",
      "/data/sub/y.conf:1=y",
      "/data/postgresql.conf:3=3",
    ]);
    expect(t.files.map((f) => [f.path, f.depth, f.chain.map((c) => `${c.file}:${c.line}`)])).toEqual([
      ["/data/postgresql.conf", 0, []],
      ["/data/sub/x.conf", 1, ["/data/postgresql.conf:2"]],
      ["/data/sub/y.conf", 2, ["/data/postgresql.conf:2", "/data/sub/x.conf:2"]],
    ]);
  });

  it("reads include_dir in byte order, only *.conf not starting with a dot, skipping directories", () => {
    const t = tree({
      [CONF]: "include_dir 'conf.d'\n",
      [`${D}/conf.d/b.conf`]: "a.x = b\n",
      [`${D}/conf.d/B.conf`]: "a.x = B\n",
      [`${D}/conf.d/a.conf`]: "a.x = a\n",
      [`${D}/conf.d/.hidden.conf`]: "a.x = hidden\n",
      [`${D}/conf.d/x.conf~`]: "a.x = backup\n",
      [`${D}/conf.d/.conf`]: "a.x = dot\n",
      [`${D}/conf.d/sub.conf/z.conf`]: "a.x = sub\n",
    });
    expect(t.settings.map((s) => s.value)).toEqual(["B", "a", "b"]);
    expect(t.includes[0]?.files).toEqual([
      "/data/conf.d/B.conf",
      "/data/conf.d/a.conf",
      "/data/conf.d/b.conf",
    ]);
  });

  it("stops an include_dir at its first failing file, as the server does", () => {
    const t = tree({
      [CONF]: "include_dir 'conf.d'\na.z = after\n",
      [`${D}/conf.d/a.conf`]: "a.x = 1\nbad line here\n",
      [`${D}/conf.d/b.conf`]: "a.y = 2\n",
    });
    expect(t.settings.map((s) => s.key)).toEqual(["a.x", "a.z"]);
    expect(problems(t)).toEqual(["syntax@/data/conf.d/a.conf:2:10"]);
  });

  it("reports missing includes at the directive, include_if_exists silently skips", () => {
    const t = tree({
      [CONF]: "include 'nope.conf'\ninclude_if_exists 'nope2.conf'\ninclude_dir 'nodir'\ninclude ''\n",
    });
    expect(t.problems.map((p) => [p.code, p.line, p.column, p.server?.error])).toEqual([
      ["include-missing", 1, 9, 'could not open file "/data/nope.conf"'],
      ["include-dir-missing", 3, 13, 'could not open directory "/data/nodir"'],
      ["include-empty-name", 4, 1, "empty configuration file name"],
    ]);
  });

  it("reports an unreadable include, and an unreadable include_if_exists the server skips", () => {
    const t = parseConfigTree(
      memoryConfFs({
        [CONF]: "include 'secret.conf'\ninclude_if_exists 'secret.conf'\na.x = after\n",
        [`${D}/secret.conf`]: { denied: true },
      }),
      { configFile: CONF, dataDir: null },
    );
    expect(t.problems.map((p) => [p.code, p.line, p.column, p.server?.error ?? null])).toEqual([
      ["unreadable", 1, 9, 'could not open file "/data/secret.conf"'],
      ["unreadable", 2, 19, null],
    ]);
    expect(values(t)).toEqual({ "a.x": "after" });
  });

  it("reports direct self-inclusion as the server does", () => {
    const t = tree({ [CONF]: "a.a = 1\ninclude 'postgresql.conf'\n" });
    expect(t.problems.map((p) => [p.code, p.line, p.server?.error])).toEqual([
      ["include-recursion", 2, "configuration file recursion"],
    ]);
  });

  it("follows an indirect cycle to the nesting limit and names the chain", () => {
    const t = tree({
      [CONF]: "include 'a.conf'\n",
      [`${D}/a.conf`]: "include 'b.conf'\n",
      [`${D}/b.conf`]: "a.x = 1\ninclude 'a.conf'\n",
    });
    expect(t.settings).toHaveLength(5); // b.conf at depths 2, 4, 6, 8, 10
    expect(t.problems.map((p) => [p.code, p.file, p.line, p.server?.error])).toEqual([
      ["include-cycle", "/data/b.conf", 2, "nesting depth exceeded"],
    ]);
    expect(t.problems[0]?.message).toMatch(
      /^include cycle: \/data\/postgresql\.conf:1 → \/data\/a\.conf:1 → /,
    );
  });

  it("reports nesting deeper than 10 without a cycle as too deep", () => {
    const files: Record<string, string> = { [CONF]: "include 'f1.conf'\n" };
    for (let i = 1; i <= 11; i++) files[`${D}/f${i}.conf`] = `include 'f${i + 1}.conf'\n`;
    const t = tree(files);
    expect(t.problems.map((p) => [p.code, p.file])).toEqual([["include-depth", "/data/f10.conf"]]);
  });

  it("applies postgresql.auto.conf last, unless the main file has errors", () => {
    const files = { [CONF]: "a.x = main\n", [`${D}/postgresql.auto.conf`]: "a.x = auto\n" };
    const ok = tree(files, { dataDir: D });
    expect(values(ok)).toEqual({ "a.x": "auto" });
    expect(ok.serverReadsAutoConf).toBe(true);
    const bad = tree({ ...files, [CONF]: "a.x = main\nbroken\n" }, { dataDir: D });
    expect(values(bad)).toEqual({ "a.x": "main" });
    expect(bad.serverReadsAutoConf).toBe(false);
    expect(bad.settings.map((s) => s.source)).toEqual(["main", "auto"]);
  });

  it("finds postgresql.auto.conf through data_directory", () => {
    const t = parseConfigTree(
      memoryConfFs({
        "/etc/pg/postgresql.conf": "data_directory = '/var/lib/pg'\n",
        "/var/lib/pg/postgresql.auto.conf": "a.x = 1\n",
      }),
      { configFile: "/etc/pg/postgresql.conf" },
    );
    expect(t.autoConf).toBe("/var/lib/pg/postgresql.auto.conf");
    expect(values(t)["a.x"]).toBe("1");
  });
});

describe("the real filesystem", () => {
  const dir = mkdtempSync(join(tmpdir(), "pgrg-conf-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives one clear problem for a directory, a FIFO and a device, and goes on", async () => {
    const { execFileSync } = await import("node:child_process");
    mkdirSync(join(dir, "adir"));
    execFileSync("mkfifo", [join(dir, "fifo.conf")]);
    symlinkSync("/dev/zero", join(dir, "zero.conf"));
    writeFileSync(
      join(dir, "postgresql.conf"),
      "include 'adir'\ninclude 'fifo.conf'\ninclude 'zero.conf'\ninclude_if_exists 'adir'\na.x = still\n",
    );
    const t = parseConfigTree(nodeConfFs(), { configFile: join(dir, "postgresql.conf"), dataDir: null });
    expect(t.problems.map((p) => [p.code, p.line])).toEqual([
      ["is-directory", 1],
      ["not-regular-file", 2],
      ["not-regular-file", 3],
      ["is-directory", 4],
    ]);
    expect(values(t)).toEqual({ "a.x": "still" });
  });

  it("reports a dangling symlink in an include_dir as the server does", () => {
    mkdirSync(join(dir, "cd"));
    writeFileSync(join(dir, "cd", "a.conf"), "a.y = 1\n");
    symlinkSync("/nonexistent", join(dir, "cd", "b.conf"));
    writeFileSync(join(dir, "main.conf"), "include_dir 'cd'\n");
    const t = parseConfigTree(nodeConfFs(), { configFile: join(dir, "main.conf"), dataDir: null });
    expect(t.problems.map((p) => p.code)).toEqual(["include-dir-stat"]);
    expect(t.settings).toEqual([]);
  });
});
