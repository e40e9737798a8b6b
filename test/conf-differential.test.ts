/**
 * Our postgresql.conf parser against PostgreSQL 15's own, on generated files.
 *
 * For every case the files are written into a running server's data directory, then:
 * - pg_file_settings (re-reads the files on each query) gives every item the server parsed:
 *   file, line, name, value, and every error row, in the server's order. The view parses as a
 *   backend does (stopping a file at its first syntax error), so we compare it with our parse
 *   in that mode (firstErrorOnly).
 * - `postgres -C` (as at startup: every error logged) gives file, line and token of every
 *   syntax error, compared with our default parse.
 * Cases that ever disagreed live in fixtures/differential/conf/ and are replayed first.
 * PGRG_SAVE_DISAGREEMENTS=1 saves a new disagreeing case there.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfFs } from "../src/pg/conf/fs.js";
import { parseConfigTree } from "../src/pg/conf/index.js";
import {
  differentialTargets,
  openPsql,
  type PgServer,
  type PsqlSession,
  runAsPostgres,
  startServer,
  writeAsPostgres,
} from "./support/pg.js";

interface Case {
  description?: string;
  /** path relative to the data directory → content; postgresql.conf is the main file */
  files: Record<string, string>;
}

const CORPUS = join(import.meta.dirname, "..", "fixtures", "differential", "conf");
const RUNS = Number(process.env.PGRG_DIFF_RUNS ?? 60);

let server: PgServer;
let psql: PsqlSession;
let major = 15;

function writeCase(c: Case): void {
  const d = server.dataDir;
  for (const sub of ["inc", "conf.d"]) rmSync(join(d, sub), { recursive: true, force: true });
  rmSync(join(d, "postgresql.auto.conf"), { force: true });
  for (const [rel, text] of Object.entries(c.files)) {
    const path = join(d, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeAsPostgres(path, text, 0o644);
  }
  if (!("postgresql.conf" in c.files)) writeAsPostgres(join(d, "postgresql.conf"), "", 0o644);
}

type Row = [
  file: string | null,
  line: number | null,
  name: string | null,
  value: string | null,
  error: string | null,
];

interface ViewRow {
  sourcefile: string | null;
  sourceline: number | null;
  seqno: number;
  name: string | null;
  setting: string | null;
  error: string | null;
}

/** What pg_file_settings says, minus what is not parsing: value checks and restart-only reverts. */
async function serverView(): Promise<Row[]> {
  const json = await psql.query(
    "select coalesce(json_agg(row_to_json(t) order by seqno), '[]') from pg_file_settings t",
  );
  const rows = JSON.parse(json) as ViewRow[];
  return rows
    .filter((r) => r.sourcefile !== null)
    .map((r): Row => {
      if (r.name === null) return [r.sourcefile, r.sourceline, null, null, r.error];
      return [r.sourcefile, r.sourceline, r.name, r.setting, null];
    });
}

function ourView(): Row[] {
  const t = parseConfigTree(nodeConfFs(), {
    configFile: join(server.dataDir, "postgresql.conf"),
    dataDir: server.dataDir,
    major,
    firstErrorOnly: true,
  });
  const items: Array<{ seq: number; row: Row }> = [];
  for (const s of t.settings) {
    if (s.source === "auto" && !t.serverReadsAutoConf) continue;
    items.push({ seq: s.seq, row: [s.file, s.line, s.name, s.value, null] });
  }
  for (const p of t.problems) {
    if (p.server === null) continue;
    if (p.file.endsWith("postgresql.auto.conf") && !t.serverReadsAutoConf) continue;
    items.push({ seq: p.seq, row: [p.server.file, p.server.line, null, null, p.server.error] });
  }
  return items.sort((a, b) => a.seq - b.seq).map((i) => i.row);
}

/** file:line:near for every syntax error `postgres -C` logs (every error, as at startup). */
function serverSyntaxErrors(): string[] {
  const r = runAsPostgres(join(server.bin, "postgres"), ["-C", "application_name", "-D", server.dataDir]);
  const out: string[] = [];
  for (const m of r.stderr.matchAll(
    /syntax error in file "(.*)" line (\d+), (near (?:token ".*"|end of line))$/gm,
  )) {
    out.push(`${m[1]}:${m[2]}: ${m[3]}`);
  }
  return out;
}

function ourSyntaxErrors(): string[] {
  const t = parseConfigTree(nodeConfFs(), {
    configFile: join(server.dataDir, "postgresql.conf"),
    dataDir: server.dataDir,
    major,
  });
  return t.problems
    .filter(
      (p) => p.code === "syntax" && !(p.file.endsWith("postgresql.auto.conf") && !t.serverReadsAutoConf),
    )
    .map((p) => `${p.server?.file}:${p.server?.line}: ${p.near}`);
}

async function compare(c: Case): Promise<{ ok: boolean; detail: string }> {
  writeCase(c);
  const [theirs, ours] = [await serverView(), ourView()];
  const view = JSON.stringify(theirs) === JSON.stringify(ours);
  // postgres -C only matters where there are errors; skip it when the view saw none.
  const errs = view && !theirs.some((r) => r[4] !== null) ? null : [serverSyntaxErrors(), ourSyntaxErrors()];
  const log = errs === null || JSON.stringify(errs[0]) === JSON.stringify(errs[1]);
  return {
    ok: view && log,
    detail: JSON.stringify(
      { case: c, server: theirs, ours, serverLog: errs?.[0], ourLog: errs?.[1] },
      null,
      1,
    ),
  };
}

function saveDisagreement(c: Case): string {
  const text = `${JSON.stringify(c, null, 2)}\n`;
  const name = `${createHash("sha256").update(text).digest("hex").slice(0, 12)}.json`;
  if (process.env.PGRG_SAVE_DISAGREEMENTS === "1") {
    mkdirSync(CORPUS, { recursive: true });
    writeFileSync(join(CORPUS, name), text);
  }
  return name;
}

// ---- generators -------------------------------------------------------------------------

const NAMES = [
  "application_name",
  "Application_Name",
  "pgrg.a",
  "pgrg.b",
  "PGRG.B",
  "work_mem",
  "search_path",
];

const wordChars = fc.constantFrom(..."abcXYZ_09-.:/éü‘’“”".split(""), "😀");
const word = fc.string({ unit: wordChars, minLength: 1, maxLength: 6 });

const quotedPiece = fc.oneof(
  fc.constantFrom(
    "a",
    "b c",
    "''",
    "\\'",
    "\\\\",
    "\\n",
    "\\t",
    "\\b",
    "\\r",
    "\\f",
    "\\101",
    "\\7",
    "\\0",
    "\\x",
  ),
  fc.constantFrom("#", "=", "‘", "”", '"', "é", "😀", " ", "\t", "\\", "\\q"),
);
const quoted = fc.array(quotedPiece, { maxLength: 6 }).map((ps) => `'${ps.join("")}'`);

const number = fc.oneof(
  fc.constantFrom(
    "1",
    "-1",
    "+2",
    "1MB",
    "1GB",
    "1Gb",
    "10 MB",
    "0x1F",
    "0xg",
    "1e5",
    "1.5",
    ".5",
    ".",
    "-.",
    "1.2.3",
    "1e",
    "2.5e3",
    "2.5e+",
  ),
  fc.integer({ min: 0, max: 99999 }).map(String),
);

const value = fc.oneof(
  { weight: 3, arbitrary: quoted },
  { weight: 2, arbitrary: word },
  { weight: 2, arbitrary: number },
  {
    weight: 1,
    arbitrary: fc.constantFrom("a.b", "a.b.c", "‘s1’", "‘*’", "“x”", '"x"', "'", "'a''", "/abs", "on", "-"),
  },
);

const sep = fc.constantFrom(" = ", "=", " ", "\t", " =\t", "  =  ");
const tail = fc.constantFrom("", "", " # c", "# c 'x'", "\r", " \t", " extra", " = ");

const setting = fc
  .tuple(fc.constantFrom(...NAMES), sep, value, tail)
  .map(([n, s, v, t]) => `${n}${s}${v}${t}`);

const garbage = fc.oneof(
  fc.constantFrom(
    "= 1",
    "'x' = 1",
    "a.b.c = 1",
    "1 = 2",
    "name",
    "name =",
    "\f",
    "a\fb = 1",
    "#only a comment",
    "   ",
    "",
  ),
  fc.array(fc.constantFrom(..."ab =#'\"\\.‘ \t1".split("")), { maxLength: 8 }).map((cs) => cs.join("")),
);

function includeLine(target: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom("include", "include_if_exists", "INCLUDE", "include_dir"), sep, target)
    .map(([k, s, t]) =>
      k === "include_dir" ? `include_dir${s}'${t.startsWith("inc") ? "conf.d" : t}'` : `${k}${s}'${t}'`,
    );
}

const includeTarget = fc.constantFrom(
  "inc/a.conf",
  "inc/b.conf",
  "inc/missing.conf",
  "postgresql.conf",
  "inc",
  "",
  "a.conf",
  "./b.conf",
  "../postgresql.conf",
  "../inc/a.conf",
  "../conf.d",
  "conf.d",
);

function lines(withIncludes: boolean): fc.Arbitrary<string[]> {
  const line = withIncludes
    ? fc.oneof(
        { weight: 6, arbitrary: setting },
        { weight: 2, arbitrary: garbage },
        { weight: 1, arbitrary: includeLine(includeTarget) },
      )
    : fc.oneof({ weight: 6, arbitrary: setting }, { weight: 2, arbitrary: garbage });
  return fc.array(line, { minLength: 0, maxLength: 7 });
}

const eol = fc.constantFrom("\n", "\n", "\r\n");

function fileText(ls: fc.Arbitrary<string[]>): fc.Arbitrary<string> {
  return fc
    .tuple(ls, eol, fc.boolean())
    .map(([l, e, trailing]) => l.join(e) + (trailing && l.length > 0 ? e : ""));
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    main: fileText(lines(true)),
    a: fc.option(fileText(lines(true)), { nil: undefined }),
    b: fc.option(fileText(lines(false)), { nil: undefined }),
    d1: fc.option(fileText(lines(false)), { nil: undefined }),
    d2: fc.option(fileText(lines(false)), { nil: undefined }),
    auto: fc.option(fileText(lines(false)), { nil: undefined }),
  })
  .map(({ main, a, b, d1, d2, auto }) => {
    const files: Record<string, string> = { "postgresql.conf": main };
    if (a !== undefined) files["inc/a.conf"] = a;
    if (b !== undefined) files["inc/b.conf"] = b;
    if (d1 !== undefined) files["conf.d/10-x.conf"] = d1;
    if (d2 !== undefined) files["conf.d/9-y.conf"] = d2;
    if (auto !== undefined) files["postgresql.auto.conf"] = auto;
    if (d1 !== undefined && d2 !== undefined) files["conf.d/sub.conf/ignored.conf"] = "pgrg.a = sub\n";
    return { files };
  });

// ---- tests ------------------------------------------------------------------------------

function corpus(): Array<[string, Case]> {
  let names: string[] = [];
  try {
    names = readdirSync(CORPUS).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((n) => [n, JSON.parse(readFileSync(join(CORPUS, n), "utf8")) as Case]);
}

describe.each(differentialTargets())("postgresql.conf: our parser and PostgreSQL $major agree", (target) => {
  beforeAll(async () => {
    major = target.major;
    server = await startServer({ bin: target.bin });
    psql = openPsql(server);
  });

  afterAll(async () => {
    await psql?.close();
    await server?.stop();
  });

  it.each(corpus())("regression case %s", async (_name, c) => {
    const r = await compare(c);
    expect(r.ok, r.detail).toBe(true);
  });

  it(`on ${RUNS} generated cases`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const r = await compare(c);
        if (!r.ok)
          throw new Error(
            `disagreement (saved as ${saveDisagreement(c)} with PGRG_SAVE_DISAGREEMENTS=1):\n${r.detail}`,
          );
      }),
      { numRuns: RUNS },
    );
  });
});
