/**
 * Hostile files for the postgresql.conf reader on the real filesystem (nodeConfFs): an include
 * loop, a symbolic-link cycle and a link to its own directory in an include_dir, a FIFO and
 * /dev/zero as includes, a file that vanishes between listing and reading, permission denied at
 * every level, bytes that are not UTF-8, a 100 MB file. Each gives exactly one problem, at the
 * directive that names it (or about the whole file, for a top-level file), and the reader goes
 * on with the rest. Permissions are tested as `nobody` (root ignores modes) by running a small
 * bundle of the reader under `runuser`; the rest runs in this process.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConfFs, type ConfTree, nodeConfFs, parseConfigTree } from "../src/pg/conf/index.js";
import { expectCleanMessage, ROOT } from "./support/fuzz.js";

const isRoot = process.getuid?.() === 0;
let root = "";

beforeAll(() => {
  if (!isRoot) {
    throw new Error("this test switches to `nobody` with runuser to test permissions: run it as root");
  }
  if (spawnSync("runuser", ["--help"]).error)
    throw new Error("runuser is missing: apt-get install -y util-linux");
  if (spawnSync("mkfifo", ["--help"]).error)
    throw new Error("mkfifo is missing: apt-get install -y coreutils");
  root = mkdtempSync("/tmp/pgrepl-conf-fs-");
  chmodSync(root, 0o755);
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function file(path: string, text: string | Buffer, mode = 0o644): void {
  writeFileSync(path, text);
  chmodSync(path, mode);
}

function dir(path: string, mode = 0o755): string {
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
  return path;
}

type Problem = { code: string; file: string; line: number | null; column: number | null; message: string };
type Setting = { key: string; value: string; file: string; line: number };
interface Result {
  problems: Problem[];
  settings: Setting[];
}

function summary(t: ConfTree): Result {
  return {
    problems: t.problems.map(({ code, file, line, column, message }) => ({
      code,
      file,
      line,
      column,
      message,
    })),
    settings: t.settings.map(({ key, value, file, line }) => ({ key, value, file, line })),
  };
}

/** The reader bundled into one file that `nobody` can read, run as `nobody`. */
async function asNobody(configFile: string, dataDir: string | null): Promise<Result> {
  const bundle = join(root, "read-conf.mjs");
  if (!existsSync(bundle)) {
    const entry = join(root, "read-conf-entry.ts");
    writeFileSync(
      entry,
      `import { nodeConfFs, parseConfigTree } from ${JSON.stringify(join(ROOT, "src/pg/conf/index.ts"))};
const [configFile, dataDir] = process.argv.slice(2);
const t = parseConfigTree(nodeConfFs(), { configFile, dataDir: dataDir === "-" ? null : dataDir });
process.stdout.write(JSON.stringify({
  problems: t.problems.map(({ code, file, line, column, message }) => ({ code, file, line, column, message })),
  settings: t.settings.map(({ key, value, file, line }) => ({ key, value, file, line })),
}));
`,
    );
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "error",
    });
    chmodSync(bundle, 0o644);
  }
  const r = spawnSync(
    "runuser",
    ["-u", "nobody", "--", process.execPath, bundle, configFile, dataDir ?? "-"],
    {
      encoding: "utf8",
      timeout: 60_000,
      cwd: "/",
    },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`the reader failed as nobody (${r.status}, ${r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Result;
}

/** One problem per line of expectations: code, file, line, column (and a word of its message). */
function expectProblems(
  r: Result,
  expected: Array<[string, string, number | null, number | null, string]>,
): void {
  for (const p of r.problems) expectCleanMessage(p.message);
  const got = r.problems.map((p) => [p.code, p.file, p.line, p.column]);
  expect(got).toEqual(expected.map(([c, f, l, col]) => [c, f, l, col]));
  expected.forEach(([, , , , word], i) => {
    expect(r.problems[i]?.message).toContain(word);
  });
}

describe("postgresql.conf on a hostile filesystem", () => {
  it("one problem per hostile include, at its directive, and every other line still read (as nobody)", async () => {
    const data = dir(join(root, "data"));
    const main = join(data, "postgresql.conf");
    file(
      main,
      [
        "pgrg.before = 1", // 1
        "include 'loop-a.conf'", // 2: a → b → a …
        "include_dir 'cycle.d'", // 3: x.conf → y.conf → x.conf (symbolic links)
        "include 'fifo.conf'", // 4
        "include '/dev/zero'", // 5
        "include 'latin1.conf'", // 6: bytes that are not UTF-8
        "include 'big.conf'", // 7: 100 MB
        "include 'denied.conf'", // 8: 0600 root
        "include 'locked/inc.conf'", // 9: in a 0700 root directory
        "include_dir 'nolist.d'", // 10: 0711: can be entered, not listed
        "include_dir 'nosearch.d'", // 11: 0644: can be listed, its files not reached
        "include_dir 'deniedfile.d'", // 12: its second file is 0600 root
        "include_dir 'dirloop.d'", // 13: self.conf → . (a directory: skipped, as the server does)
        "pgrg.after = 2", // 14
        "",
      ].join("\n"),
    );
    file(join(data, "loop-a.conf"), "pgrg.loop_a = 1\ninclude 'loop-b.conf'\n");
    file(join(data, "loop-b.conf"), "pgrg.loop_b = 1\ninclude 'loop-a.conf'\n");
    const cycle = dir(join(data, "cycle.d"));
    symlinkSync("y.conf", join(cycle, "x.conf"));
    symlinkSync("x.conf", join(cycle, "y.conf"));
    expect(spawnSync("mkfifo", ["-m", "0644", join(data, "fifo.conf")]).status).toBe(0);
    file(join(data, "latin1.conf"), Buffer.from("application_name = 'caf\xe9'\nbad \xff line\n", "latin1"));
    const big = join(data, "big.conf");
    closeSync(openSync(big, "w"));
    truncateSync(big, 100 * 1024 * 1024); // sparse: 100 MB to stat, nothing on disk
    chmodSync(big, 0o644);
    file(join(data, "denied.conf"), "pgrg.secret = 1\n", 0o600);
    file(join(dir(join(data, "locked"), 0o700), "inc.conf"), "pgrg.locked = 1\n");
    file(join(dir(join(data, "nolist.d"), 0o755), "a.conf"), "pgrg.nolist = 1\n");
    chmodSync(join(data, "nolist.d"), 0o711);
    file(join(dir(join(data, "nosearch.d"), 0o755), "a.conf"), "pgrg.nosearch = 1\n");
    chmodSync(join(data, "nosearch.d"), 0o644);
    const deniedFile = dir(join(data, "deniedfile.d"));
    file(join(deniedFile, "10-ok.conf"), "pgrg.d_ok = 1\n");
    file(join(deniedFile, "20-denied.conf"), "pgrg.d_denied = 1\n", 0o600);
    file(join(deniedFile, "30-after.conf"), "pgrg.d_after = 1\n");
    const dirloop = dir(join(data, "dirloop.d"));
    symlinkSync(".", join(dirloop, "self.conf"));
    file(join(dirloop, "real.conf"), "pgrg.dirloop = 1\n");
    file(join(data, "postgresql.auto.conf"), "pgrg.auto = 1\n", 0o600);

    const started = Date.now();
    const r = await asNobody(main, data);
    expect(Date.now() - started, "nothing blocks (the FIFO) or reads without end (/dev/zero)").toBeLessThan(
      30_000,
    );

    const loop = r.problems[0];
    expect(loop?.code).toBe("include-cycle");
    expect([join(data, "loop-a.conf"), join(data, "loop-b.conf")]).toContain(loop?.file);
    expectProblems(r, [
      ["include-cycle", loop?.file ?? "", 2, 9, "include cycle"],
      ["include-dir-stat", main, 3, 13, "too many levels of symbolic links"],
      ["not-regular-file", main, 4, 9, "fifo"],
      ["not-regular-file", main, 5, 9, "character-device"],
      ["syntax", join(data, "latin1.conf"), 2, 7, "syntax error near `line`"],
      ["unreadable", main, 7, 9, "larger than"],
      ["unreadable", main, 8, 9, "permission denied"],
      ["unreadable", main, 9, 9, "permission denied"],
      ["unreadable", main, 10, 13, "permission denied"],
      ["include-dir-stat", main, 11, 13, "permission denied"],
      ["unreadable", main, 12, 13, "20-denied.conf"],
      ["unreadable", join(data, "postgresql.auto.conf"), null, null, "skips it silently"],
    ]);
    const keys = r.settings.map((s) => s.key);
    for (const k of [
      "pgrg.before",
      "pgrg.after",
      "pgrg.loop_a",
      "pgrg.loop_b",
      "application_name",
      "pgrg.d_ok",
      "pgrg.dirloop",
    ])
      expect(keys, k).toContain(k);
    // what could not be read was not read, and a failing file ends its directory (as the server does)
    for (const k of [
      "pgrg.secret",
      "pgrg.locked",
      "pgrg.nolist",
      "pgrg.nosearch",
      "pgrg.d_denied",
      "pgrg.d_after",
      "pgrg.auto",
    ])
      expect(keys, k).not.toContain(k);
    expect(r.settings.find((s) => s.key === "application_name")?.value).toBe("caf\ufffd");
  });

  it("an unreadable postgresql.conf is one problem about the whole file (as nobody)", async () => {
    const d = dir(join(root, "data-denied"));
    file(join(d, "postgresql.conf"), "pgrg.x = 1\n", 0o600);
    expectProblems(await asNobody(join(d, "postgresql.conf"), d), [
      ["unreadable", join(d, "postgresql.conf"), null, null, "permission denied"],
    ]);
  });

  it("a data directory that cannot be entered: postgresql.auto.conf is skipped, with one problem (as nobody)", async () => {
    const conf = dir(join(root, "etc-ok"));
    const data = dir(join(root, "data-locked"), 0o700);
    file(join(data, "postgresql.auto.conf"), "pgrg.auto = 1\n");
    file(join(conf, "postgresql.conf"), "pgrg.x = 1\n");
    const r = await asNobody(join(conf, "postgresql.conf"), data);
    expectProblems(r, [["unreadable", join(data, "postgresql.auto.conf"), null, null, "permission denied"]]);
    expect(r.settings.map((s) => s.key)).toEqual(["pgrg.x"]);
  });

  it("a file that vanishes between listing and reading (or stat) is one problem at the include_dir", () => {
    for (const when of ["read", "stat"] as const) {
      const d = dir(join(root, `vanish-${when}`));
      const main = join(d, "postgresql.conf");
      file(main, "include_dir 'conf.d'\npgrg.after = 1\n");
      const confd = dir(join(d, "conf.d"));
      for (const n of ["a", "b", "c"]) file(join(confd, `${n}.conf`), `pgrg.${n} = 1\n`);
      const real = nodeConfFs();
      const victim = join(confd, "b.conf");
      // deterministic: the file goes away right after the directory was listed
      const fs: ConfFs = {
        listDir: (p) => real.listDir(p),
        stat: (p) => {
          if (when === "stat" && p === victim && existsSync(victim)) unlinkSync(victim);
          return real.stat(p);
        },
        readFile: (p) => {
          if (when === "read" && p === victim && existsSync(victim)) unlinkSync(victim);
          return real.readFile(p);
        },
      };
      const r = summary(parseConfigTree(fs, { configFile: main, dataDir: null }));
      expectProblems(r, [
        when === "read"
          ? ["include-missing", main, 1, 13, "no such file or directory"]
          : ["include-dir-stat", main, 1, 13, "no such file or directory"],
      ]);
      const keys = r.settings.map((s) => s.key);
      // reading: a.conf was read and c.conf not (the directory ends at the failing file);
      // stat: the server then reads no file of the directory at all
      expect(keys).toEqual(when === "read" ? ["pgrg.a", "pgrg.after"] : ["pgrg.after"]);
    }
  });
});
