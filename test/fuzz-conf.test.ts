/**
 * Fuzzing the postgresql.conf reader (parseConfigTree over memoryConfFs, every major 12–18):
 * generated trees of files that include each other, and the real files (stock files of every
 * major and layout, the spec fixtures' base files, the differential corpus) with mutated bytes.
 * No input may throw. Every problem has a position inside the file it names (or is about a
 * whole top-level file), points at the token the server chokes on or at the include directive,
 * and carries no raw control character. Every line that is not blank or a comment is a
 * setting, an include, or has a problem.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ConfFs,
  type ConfTree,
  type FileType,
  memoryConfFs,
  parseConfigTree,
  valueColumnOf,
} from "../src/pg/conf/index.js";
import {
  cpLength,
  differentialSeeds,
  expectCleanMessage,
  expectInside,
  filesUnder,
  fromColumn,
  fuzz,
  linesOf,
  mutatedSeed,
  printable,
  runs,
  type Seed,
  seedFile,
  seedTree,
  TIMEOUT,
} from "./support/fuzz.js";

const DATA = "/data";
const MAIN = `${DATA}/postgresql.conf`;

type Entry = string | { type: FileType } | { denied: true };
type Tree = Record<string, Entry>;

interface Case {
  tree: Tree;
  major: number;
  firstErrorOnly: boolean;
}

const WHOLE_FILE_CODES = new Set(["unreadable", "is-directory", "not-regular-file", "include-missing"]);
const INCLUDE_CODES = new Set([
  "include-missing",
  "include-empty-name",
  "include-dir-missing",
  "include-dir-stat",
  "include-depth",
  "include-cycle",
  "include-recursion",
  "unreadable",
  "is-directory",
  "not-regular-file",
]);

function check({ tree, major, firstErrorOnly }: Case): void {
  const fs: ConfFs = memoryConfFs(tree);
  const t: ConfTree = parseConfigTree(fs, { configFile: MAIN, dataDir: DATA, major, firstErrorOnly });
  const text = (file: string): string | undefined => {
    const e = tree[file];
    return typeof e === "string" ? e : undefined;
  };
  const where = (file: string, line: number | null) => `${file}:${line}`;

  for (const p of t.problems) {
    expectCleanMessage(p.message);
    expect(p.line === null, `${p.code}: line and column are null together`).toBe(p.column === null);
    if (p.line === null || p.column === null) {
      const top = p.file === MAIN || p.file === t.autoConf;
      expect(
        p.code === "too-many-errors" || (top && WHOLE_FILE_CODES.has(p.code)),
        `${p.code} without a position`,
      ).toBe(true);
      continue;
    }
    const body = text(p.file);
    if (body === undefined) expect.fail(`${p.code} at ${where(p.file, p.line)}: not a file that was read`);
    expectInside(body, p.line, p.column, `${p.code} ${printable(p.message)}`);
    const rest = fromColumn(linesOf(body)[p.line - 1] as string, p.column);
    if (p.code === "syntax") {
      const near = /^near token "([\s\S]*)"$/.exec(p.near ?? "");
      if (near)
        expect(
          rest.startsWith(near[1] as string),
          `syntax error not at ${printable(near[1] as string)}`,
        ).toBe(true);
      else expect(rest.replace(/\r$/, ""), "an end-of-line syntax error points past the line").toBe("");
    } else if (INCLUDE_CODES.has(p.code)) {
      const d = t.includes.find(
        (i) =>
          i.file === p.file && i.line === p.line && (i.column === p.column || i.valueColumn === p.column),
      );
      expect(
        d,
        `${p.code} at ${where(p.file, p.line)}:${p.column} is not at an include directive`,
      ).toBeDefined();
    }
  }

  const split = new Map<string, string[]>();
  const lineAt = (file: string, body: string, n: number): string => {
    let ls = split.get(file);
    if (!ls) {
      ls = linesOf(body);
      split.set(file, ls);
    }
    return ls[n - 1] ?? "";
  };
  for (const s of t.settings) {
    const body = text(s.file);
    if (body === undefined) expect.fail(`setting from ${s.file}, which is not a file`);
    const line = lineAt(s.file, body, s.line);
    expect(fromColumn(line, s.column).startsWith(s.name), `${s.name} not at its column`).toBe(true);
    expect(fromColumn(line, s.valueColumn).startsWith(s.raw), `${s.name}'s value not at its column`).toBe(
      true,
    );
    expect(s.valueEndColumn).toBe(s.valueColumn + cpLength(s.raw));
    expect(s.valueColumns.length).toBe(cpLength(s.value));
    // each character's column is inside the value token (escapes that decode to bytes which
    // are not UTF-8 map to the token's start, so the columns need not go forward)
    for (let c = 1; c <= s.valueColumns.length; c++) {
      const at = valueColumnOf(s, c) as number;
      expect(at >= s.valueColumn && at < s.valueEndColumn, `${s.name}: character ${c} at column ${at}`).toBe(
        true,
      );
    }
  }
  for (const d of t.includes) {
    const body = text(d.file);
    if (body === undefined) expect.fail(`include in ${d.file}, which is not a file`);
    expectInside(body, d.line, d.valueColumn, `include ${printable(d.target)}`);
  }
  for (const [k, s] of t.effective) expect(s.key).toBe(k);

  // Every line that is not blank or a comment is accounted for: the server errs on the rest.
  if (firstErrorOnly) return;
  const seen = new Set([...t.settings, ...t.includes, ...t.problems].map((x) => `${x.file}\0${x.line}`));
  for (const path of new Set(t.files.map((f) => f.path))) {
    const body = text(path);
    if (body === undefined) continue;
    if (t.problems.some((p) => p.file === path && p.code === "too-many-errors")) continue;
    linesOf(body).forEach((line, i) => {
      if (/^[ \t\r]*(#[\s\S]*)?$/.test(line)) return;
      if (!seen.has(`${path}\0${i + 1}`))
        expect.fail(`${path}:${i + 1} ${printable(line)} is neither a setting nor a problem`);
    });
  }
}

// ---- generated trees ---------------------------------------------------------------------

const NAMES = [
  "postgresql.conf",
  "a.conf",
  "b.conf",
  "conf.d/10-x.conf",
  "conf.d/2-y.conf",
  "postgresql.auto.conf",
];

const token = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.constantFrom(
      "shared_buffers",
      "Work_Mem",
      "pgrg.x",
      "a.b.c",
      "include",
      "include_if_exists",
      "include_dir",
      "INCLUDE",
      "data_directory",
      "=",
      " = ",
      " ",
      "\t",
      "\r",
      "\f",
      "\v",
      "\u0000",
      "\u0001",
      "\u009b",
      "#",
      "# comment",
      "'",
      "''",
      "'\\'",
      "\\",
      "'a''b'",
      "'\\101\\0x'",
      "'\\n\\t\\q'",
      "'\\377\\200'",
      "128MB",
      "-1",
      "+.5e-3",
      "0x1F",
      "0x",
      "1.",
      ".",
      "on",
      "'on'",
      "‘s1’",
      "“x”",
      "é",
      "\ufffd",
      "😀",
      "'a.conf'",
      "'b.conf'",
      "'conf.d'",
      "'conf.d/'",
      "'./a.conf'",
      "'../data/a.conf'",
      "'/data/b.conf'",
      "'postgresql.conf'",
      "'fifo.conf'",
      "'denied.conf'",
      "'missing.conf'",
      "'dir.conf'",
      "'   '",
      "''",
      "/x/y:z",
      "a-b",
    ),
  },
  { weight: 5, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 6 }) },
  { weight: 5, arbitrary: fc.string({ unit: "grapheme", maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(3000), `'${"y".repeat(9000)}'`) },
);
const line = fc.array(token, { maxLength: 7 }).map((ts) => ts.join(""));
const lineOf = (...starts: string[]) =>
  fc
    .tuple(fc.constantFrom(...starts), fc.constantFrom(" ", " = ", "="), token)
    .map(([a, b, c]) => `${a}${b}${c}`);
const fileText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: line },
      { weight: 2, arbitrary: lineOf("include", "include_dir", "include_if_exists") },
    ),
    {
      maxLength: 14,
    },
  )
  .chain((ls) => fc.tuple(fc.constant(ls), fc.constantFrom("\n", "\r\n", "")))
  .map(([ls, end]) => ls.join("\n") + end);

const generatedTree: fc.Arbitrary<Case> = fc
  .record({
    files: fc.dictionary(fc.constantFrom(...NAMES), fileText, { minKeys: 1, maxKeys: 5 }),
    specials: fc.subarray(["fifo", "denied", "dir", "device"]),
    major: fc.integer({ min: 12, max: 18 }),
    firstErrorOnly: fc.boolean(),
  })
  .map(({ files, specials, major, firstErrorOnly }) => {
    const tree: Tree = {};
    for (const [k, v] of Object.entries(files)) tree[`${DATA}/${k}`] = v;
    tree[MAIN] ??= "";
    if (specials.includes("fifo")) {
      tree[`${DATA}/fifo.conf`] = { type: "fifo" };
      tree[`${DATA}/conf.d/5-fifo.conf`] = { type: "fifo" };
    }
    if (specials.includes("denied")) {
      tree[`${DATA}/denied.conf`] = { denied: true };
      tree[`${DATA}/conf.d/7-denied.conf`] = { denied: true };
    }
    if (specials.includes("dir")) tree[`${DATA}/dir.conf/inner.conf`] = "pgrg.inner = 1\n";
    if (specials.includes("device")) tree[`${DATA}/conf.d/8-zero.conf`] = { type: "character-device" };
    return { tree, major, firstErrorOnly };
  });

describe("postgresql.conf: generated trees of files", () => {
  it(
    "never throws; problems at the right token or directive; every line accounted for",
    () => {
      fuzz("conf/generated", generatedTree, check, runs(1500));
    },
    TIMEOUT,
  );
});

// ---- real files, mutated -----------------------------------------------------------------

const SINGLE: Seed[] = [
  ...filesUnder("src/pg/stock", (p) => p.endsWith("postgresql.conf")),
  ...filesUnder("fixtures/specs/base", (p) => p.endsWith(".conf") && !p.includes("hba")),
  ...filesUnder("fixtures/fuzz/conf"),
].map(seedFile);
const TREES = differentialSeeds("fixtures/differential/conf", () => true);
const ALL = [...SINGLE, ...TREES];

/** Seeds from the differential corpus stand in their own tree; the others alone as postgresql.conf. */
function treeFor(seed: Seed, bytes: Uint8Array): Tree {
  return seedTree(seed, bytes, TREES, MAIN, (rel) => `${DATA}/${rel}`);
}

describe("postgresql.conf: real files with mutated bytes", () => {
  it(
    "never throws; problems at the right token or directive; every line accounted for",
    () => {
      fuzz(
        "conf/mutation",
        fc.tuple(mutatedSeed(ALL), fc.integer({ min: 12, max: 18 }), fc.boolean()),
        ([{ seed, bytes }, major, firstErrorOnly]) =>
          check({ tree: treeFor(seed, bytes), major, firstErrorOnly }),
        runs(1500),
      );
    },
    TIMEOUT,
  );

  it("replays the seed corpus unchanged", () => {
    for (const s of ALL)
      for (const major of [12, 15, 18]) check({ tree: treeFor(s, s.bytes), major, firstErrorOnly: false });
  });
});

describe("postgresql.conf: what fuzzing found, pinned", () => {
  it("a control character in a token or a path is escaped in the message", () => {
    const t = parseConfigTree(memoryConfFs({ [MAIN]: "\u0000\nx = \u001b[31m\ninclude '\\001x'\n" }), {
      configFile: MAIN,
      dataDir: null,
    });
    expect(t.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [1, 1, "syntax error near `\\x00`"],
      [2, 5, "syntax error near `\\x1b`"],
      [3, 9, "could not open `/data/\\x01x`: no such file or directory"],
    ]);
  });
});

describe("postgresql.conf: an include cycle that branches", () => {
  it("is followed as the server does up to a bound, then said once: no k^10 files, no exhausted memory", () => {
    const inc = (f: string, k: number) => `${Array.from({ length: k }, () => `include '${f}'`).join("\n")}\n`;
    for (const k of [2, 4, 1000]) {
      const started = Date.now();
      const t = parseConfigTree(
        memoryConfFs({
          [MAIN]: "include 'a.conf'\npgrg.after = 1\n",
          [`${DATA}/a.conf`]: inc("b.conf", k),
          [`${DATA}/b.conf`]: inc("a.conf", k),
        }),
        { configFile: MAIN, dataDir: null },
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      const said = t.problems.filter((p) => p.message.includes("includes or"));
      // 2 includes a file: 2^10 files, within the bound, as the server reads them
      expect(said.length).toBe(k === 2 ? 0 : 1);
      if (k === 2) expect(t.files.length).toBe(2 ** 10); // postgresql.conf, a.conf, 2 b.conf, 4 a.conf, …
      expect(t.settings.map((s) => s.key)).toContain("pgrg.after");
    }
  });
});
