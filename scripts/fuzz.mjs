#!/usr/bin/env node
/**
 * The long fuzz run: the same properties as test/fuzz-*.test.ts (which run a few thousand cases
 * in the suite), scaled to FUZZ_RUNS cases per parser (default 100 000, split between generated
 * input and mutated real files). Prints cases, time, cases/s and the outcome per property, and
 * fast-check's counterexample (with its seed, to replay with --seed) for any failure.
 *
 *   npm run fuzz                         every parser, 100 000 cases each, 2 at a time
 *   npm run fuzz -- --runs 20000 hba     one parser, fewer cases
 *   npm run fuzz -- --seed 1234 conf     replay a failure's seed
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

const PARSERS = ["spec", "conf", "hba", "pgpass", "conninfo"];
const root = join(import.meta.dirname, "..");

function usage(msg) {
  if (msg) process.stderr.write(`fuzz: ${msg}\n`);
  process.stderr.write(
    `usage: node scripts/fuzz.mjs [--runs N] [--seed S] [--jobs J] [${PARSERS.join("|")}]…\n`,
  );
  process.exit(2);
}

let runs = 100_000;
let seed;
let jobs = Math.max(1, Math.min(2, availableParallelism()));
const chosen = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const num = () => {
    const v = Number(argv[++i]);
    if (!Number.isInteger(v)) usage(`${a} needs an integer`);
    return v;
  };
  if (a === "--runs") runs = num();
  else if (a === "--seed") seed = num();
  else if (a === "--jobs") jobs = num();
  else if (a === "--help" || a === "-h") usage();
  else if (PARSERS.includes(a)) chosen.push(a);
  else usage(`unknown argument ${a}`);
}
const parsers = chosen.length > 0 ? chosen : PARSERS;
const dir = mkdtempSync(join(tmpdir(), "pgrepl-fuzz-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

function runOne(parser) {
  const report = join(dir, `${parser}.jsonl`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(root, "node_modules", "vitest", "vitest.mjs"), "run", `test/fuzz-${parser}.test.ts`],
      {
        cwd: root,
        env: {
          ...process.env,
          FUZZ_RUNS: String(runs),
          FUZZ_REPORT: report,
          ...(seed === undefined ? {} : { FUZZ_SEED: String(seed) }),
          FORCE_COLOR: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      let lines = [];
      try {
        lines = readFileSync(report, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l));
      } catch {
        // no report: the test file did not get as far as a property
      }
      resolve({ parser, code, out, lines, ms: Date.now() - started });
    });
  });
}

const queue = [...parsers];
const results = [];
const worker = async () => {
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    process.stdout.write(`fuzz: ${p} (${runs} cases)…\n`);
    const r = await runOne(p);
    results.push(r);
    process.stdout.write(`fuzz: ${p} done in ${(r.ms / 1000).toFixed(0)} s (exit ${r.code})\n`);
  }
};
const started = Date.now();
await Promise.all(Array.from({ length: jobs }, worker));

const rows = [["property", "cases", "seconds", "cases/s", "result"]];
let failed = 0;
for (const r of results.sort((a, b) => PARSERS.indexOf(a.parser) - PARSERS.indexOf(b.parser))) {
  for (const l of r.lines) {
    rows.push([
      l.name,
      String(l.cases),
      (l.ms / 1000).toFixed(1),
      String(Math.round(l.cases / Math.max(l.ms / 1000, 0.001))),
      l.failed ? `FAILED (seed ${l.seed})` : "ok",
    ]);
  }
  if (r.code !== 0) failed++;
}
const width = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
for (const row of rows) process.stdout.write(`${row.map((c, i) => c.padEnd(width[i])).join("  ")}\n`);
process.stdout.write(`total: ${((Date.now() - started) / 1000).toFixed(0)} s wall, ${jobs} at a time\n`);
for (const r of results) {
  if (r.code === 0) continue;
  process.stdout.write(`\n---- ${r.parser}: failed (exit ${r.code}) ----\n`);
  // vitest's failure section: the assertion, fast-check's seed/path and the counterexample
  const i = r.out.indexOf("Failed Tests");
  process.stdout.write(`${(i >= 0 ? r.out.slice(i) : r.out).slice(0, 20_000)}\n`);
}
process.exit(failed > 0 ? 1 : 0);
