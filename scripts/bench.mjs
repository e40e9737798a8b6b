#!/usr/bin/env node
// npm run bench [-- --write-docs]: measures pgrepl-gen against `node -e 0` in the same run (ratios,
// not absolute times: the machine's speed cancels out), interleaved, on a generated fleet and
// topology. Prints a table of medians and ratios; --write-docs also writes docs/performance.md;
// --inputs DIR only writes the generated inputs into DIR (to profile with) and prints what is where.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "pgrepl-gen.js");
const FLEET = Number(process.env.BENCH_FLEET ?? 1000);
const STANDBYS = Number(process.env.BENCH_STANDBYS ?? 200);
const HBA_LINES = Number(process.env.BENCH_HBA_LINES ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const inputsAt = process.argv.indexOf("--inputs");
const inputsOnly = inputsAt >= 0 ? resolve(process.argv[inputsAt + 1] ?? "bench-inputs") : undefined;

const work = inputsOnly ?? mkdtempSync(join(tmpdir(), "pgrepl-bench-"));
if (inputsOnly) mkdirSync(work, { recursive: true });
else process.on("exit", () => rmSync(work, { recursive: true, force: true }));

// --- generated inputs -------------------------------------------------------------------------
function hba(lines, seed) {
  const out = ["# TYPE  DATABASE  USER  ADDRESS  METHOD", "local all postgres peer", "local all all peer"];
  for (let i = 0; out.length < lines; i++) {
    const a = (seed + i) % 250;
    const b = Math.floor(i / 250) % 250;
    out.push(`host app_${i % 40} user_${i % 17} 10.${b}.${a}.0/24 scram-sha-256`);
    if (i % 10 === 0) out.push(`host replication repl 10.${b}.${a}.${(i % 200) + 1}/32 scram-sha-256`);
  }
  return `${out.slice(0, lines).join("\n")}\n`;
}

function conf(name, port, dataDir, etc) {
  return [
    `data_directory = '${dataDir}'`,
    `hba_file = '${join(etc, "pg_hba.conf")}'`,
    `port = ${port}`,
    "listen_addresses = 'localhost,10.0.0.1'",
    "max_connections = 200",
    "shared_buffers = 1GB",
    "wal_level = replica",
    "max_wal_senders = 10",
    "max_replication_slots = 10",
    "max_slot_wal_keep_size = 10GB",
    `cluster_name = '15/${name}'`,
    "include_dir = 'conf.d'",
    "",
  ].join("\n");
}

function makeCluster(base, name, i) {
  const etc = join(base, "etc/postgresql/15", name);
  const data = join(base, "var/lib/postgresql/15", name);
  mkdirSync(join(etc, "conf.d"), { recursive: true });
  mkdirSync(data, { recursive: true });
  writeFileSync(join(etc, "postgresql.conf"), conf(name, 5432 + (i % 100), data, etc));
  writeFileSync(join(etc, "conf.d/10-tuning.conf"), "work_mem = 32MB\nmaintenance_work_mem = 256MB\n");
  writeFileSync(join(etc, "pg_hba.conf"), hba(200, i));
  writeFileSync(join(data, "PG_VERSION"), "15\n");
  const standby = i % 3 !== 0;
  writeFileSync(
    join(data, "postgresql.auto.conf"),
    standby
      ? `primary_conninfo = 'host=10.0.0.${i % 250} port=5432 user=repl application_name=${name}'\nprimary_slot_name = '${name}'\n`
      : "",
  );
  if (standby) writeFileSync(join(data, "standby.signal"), "");
}

const fleet = join(work, "fleet");
for (let i = 0; i < FLEET; i++) makeCluster(fleet, `c${String(i).padStart(4, "0")}`, i);
const one = join(work, "one");
makeCluster(one, "main", 1);
const bigHba = join(work, "big_hba.conf");
writeFileSync(bigHba, hba(HBA_LINES, 7));
const bigSpec = join(work, "big.yaml");
const nodes = [`  - { name: p0, role: primary, host: 10.50.0.1, data_directory: /srv/pg }`];
for (let i = 1; i <= STANDBYS; i++) {
  nodes.push(
    `  - { name: s${i}, role: standby, host: 10.50.${Math.floor(i / 250)}.${(i % 250) + 2}, data_directory: /srv/pg }`,
  );
}
writeFileSync(
  bigSpec,
  `version: 1\ncluster: { postgres: 16, layout: pg_ctl }\nreplication: { user: repl, password: { env: PW } }\nnodes:\n${nodes.join("\n")}\n`,
);
const seed = join(ROOT, "fixtures/specs/seed.yaml");
if (inputsOnly) {
  console.log(`bench inputs in ${work}:
  one cluster tree  ${join(one, "etc/postgresql")}
  fleet             ${join(fleet, "etc/postgresql")} (${FLEET} clusters)
  big topology      ${bigSpec} (1 + ${STANDBYS})
  big pg_hba.conf   ${bigHba} (${HBA_LINES} lines)`);
  process.exit(0);
}

// --- measurements -----------------------------------------------------------------------------
const node = process.execPath;
const cli = (args) => `${node} ${BIN} ${args}`;
const cases = [
  { id: "baseline", label: "`node -e 0`", cmd: `${node} -e 0` },
  { id: "help", label: "`pgrepl-gen --help`", cmd: cli("--help"), target: { ratio: 1.8 } },
  { id: "validate", label: "`validate` seed spec", cmd: cli(`validate ${seed}`), target: { ratio: 1.8 } },
  {
    id: "render",
    label: "`render` seed spec",
    cmd: cli(`render ${seed} --out ${join(work, "out-seed")} --force`),
    target: { ratio: 2 },
  },
  {
    id: "lint-one",
    label: "`lint` one Debian cluster tree",
    cmd: cli(`lint --no-fs --fail-on never ${join(one, "etc/postgresql")}`),
    target: { ratio: 1.5 },
  },
  {
    id: "lint-fleet",
    label: `\`lint\` ${FLEET} cluster trees`,
    cmd: cli(`lint --no-fs --fail-on never --format json ${join(fleet, "etc/postgresql")}`),
    target: { seconds: 3, rssMB: 150 },
  },
  {
    id: "render-big",
    label: `\`render\` 1 primary + ${STANDBYS} standbys`,
    cmd: cli(`render ${bigSpec} --out ${join(work, "out-big")} --force`),
    target: { seconds: 1 },
  },
  {
    id: "lint-hba",
    label: `\`lint\` a ${HBA_LINES}-line pg_hba.conf`,
    cmd: cli(`lint --no-fs --fail-on never --postgres 16 ${bigHba}`),
    target: { seconds: 1 },
  },
];

// Interleaved: every round runs every case once, in turn, so that a machine that slows down or
// speeds up during the run (a shared VM does) moves the baseline and the commands together. Each
// case's median and minimum over the rounds; ratios are against `node -e 0` of the same rounds.
// Peak RSS from `/usr/bin/time -f %M` on one extra run.
const WARMUP = 2;
const times = new Map(cases.map((c) => [c.id, []]));
const failed = new Map();
for (const c of cases) {
  const probe = spawnSync("sh", [
    "-c",
    `/usr/bin/time -f '%M' ${c.cmd} > /dev/null 2> ${join(work, "time.err")}`,
  ]);
  c.rssMB = Number(readFileSync(join(work, "time.err"), "utf8").trim().split("\n").pop()) / 1024;
  if (probe.status !== 0) failed.set(c.id, `exit ${probe.status}`);
}
// Two phases, each interleaved with the baseline: the start-up cases (ratio targets) over RUNS
// rounds, then the multi-second ones over fewer rounds (a 4 s, 500 MB run between two 100 ms
// ones disturbs them: memory to give back, caches to refill).
const slow = (c) => c.target?.seconds !== undefined;
const phases = [
  { rounds: WARMUP + RUNS, cases: cases.filter((c) => !slow(c)) },
  {
    rounds: 1 + Math.max(3, Math.ceil(RUNS / 3)),
    cases: cases.filter((c) => c.id === "baseline" || slow(c)),
  },
];
for (const [p, phase] of phases.entries()) {
  for (let round = 0; round < phase.rounds; round++) {
    for (const c of phase.cases) {
      if (failed.has(c.id)) continue;
      const [cmd, ...args] = c.cmd.split(" ");
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: "ignore" });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) failed.set(c.id, `exit ${r.status}`);
      // the baseline of the second phase is only there to keep the machine's pace comparable
      const warm = round >= (p === 0 ? WARMUP : 1);
      if (warm && !(p === 1 && c.id === "baseline")) times.get(c.id).push(ms);
    }
  }
}
const median = (a) => {
  const b = [...a].sort((x, y) => x - y);
  return b.length % 2 ? b[(b.length - 1) / 2] : (b[b.length / 2 - 1] + b[b.length / 2]) / 2;
};
const results = cases.map((c) =>
  failed.has(c.id)
    ? { ...c, error: failed.get(c.id) }
    : { ...c, median: median(times.get(c.id)) / 1000, min: Math.min(...times.get(c.id)) / 1000 },
);

const baseline = results.find((r) => r.id === "baseline");
const base = baseline?.median ?? Number.NaN;
const baseMin = baseline?.min ?? Number.NaN;
const rows = results.map((r) => {
  if (r.error) return `| ${r.label} | — | — | — | — | failed (${r.error}) |`;
  const ratio = r.median / base;
  let verdict = "";
  if (r.target?.ratio) verdict = `${ratio <= r.target.ratio ? "meets" : "misses"} ≤ ${r.target.ratio}×`;
  if (r.target?.seconds)
    verdict = `${r.median <= r.target.seconds ? "meets" : "misses"} < ${r.target.seconds} s`;
  if (r.target?.rssMB)
    verdict += `; ${r.rssMB <= r.target.rssMB ? "meets" : "misses"} < ${r.target.rssMB} MB`;
  return `| ${r.label} | ${(r.median * 1000).toFixed(1)} ms | ${ratio.toFixed(2)}× | ${(r.min / baseMin).toFixed(2)}× | ${r.rssMB.toFixed(0)} MB | ${verdict} |`;
});
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${(await import("node:os")).loadavg()[0].toFixed(2)}`;
const table = [
  "| what | median | median ÷ `node -e 0` | min ÷ min | peak RSS | target |",
  "|---|---|---|---|---|---|",
  ...rows,
].join("\n");
console.log(`${machine}\n\n${table}`);

if (process.argv.includes("--write-docs")) {
  const doc = `# Performance

Measured by \`npm run bench\` (scripts/bench.mjs): ${RUNS} rounds after ${WARMUP} warm-up rounds, each
round running every command once in turn (interleaved, so that a shared machine slowing down during
the run moves the baseline and the commands alike; the multi-second cases in a second phase of
their own, with fewer rounds), against
\`node -e 0\` in the same rounds, so the ratios hold across machines. Medians, and the ratio of the
minimums as a second view on a noisy machine: on the shared VM below, medians of the same build
moved by up to 0.3× between runs half an hour apart (lint of one tree: 1.48× and 1.76×), while
min ÷ min stayed within 0.1×. Peak RSS from \`/usr/bin/time -f %M\`. Generated inputs: ${FLEET} Debian cluster trees (includes, a 200-line
pg_hba.conf, a data directory each), a 1 + ${STANDBYS} node topology, a ${HBA_LINES}-line pg_hba.conf.

Latest run (${new Date().toISOString().slice(0, 10)}): ${machine}.

${table}

How the CLI starts fast (each step measured before it was kept; details in the issue notes):

- **Plain command lines skip yargs.** \`src/cli/args.ts\` parses the well-formed lines hooks and
  scripts use; yargs, the authority, is loaded only for anything else (and every usage error). The
  help text is captured from yargs at build time (\`npm run gen:help\`); a property test checks
  that both parsers agree.
- **One CommonJS bundle per command, compiled from a V8 code cache.** \`scripts/build.mjs\` bundles
  \`dist/cli.cjs\` (arguments, help, dispatch) and \`dist/{validate,render,lint,explain,yargs}.cjs\`,
  plus \`yaml.cjs\` and \`spec.cjs\`, which lint loads only for a config file or a spec. A warm-up
  run over the fixtures compiles what each command uses, and each bundle's \`.cache\` holds it;
  \`bin/pgrepl-gen.js\` loads a bundle with \`vm.Script\` and its cache (ES modules cannot use
  one on Node 20). A cache another Node rejects only costs the compile. Bundles are ASCII (one
  other character makes V8 read the file as two-byte text) and minified (whitespace and syntax, not
  names).
- **Nothing is compiled at run time**: the topology schema is a standalone ajv validator
  (\`scripts/gen-validator.mjs\`), the templates are precompiled Handlebars
  (\`scripts/gen-templates.mjs\`; render loads only the Handlebars runtime), the parameter
  catalogue is a \`JSON.parse\` string and resolved one name at a time.
- **Output by \`fs.writeSync\`**, not \`process.stdout\` (which sets up the stream machinery),
  and \`isatty\` only when stdout is a character device.
- **Linear passes**: \`hba-shadowed-line\` indexes earlier records by the networks they cover.

Where the targets are missed, and why (profiled 2026-11-26):

- **A fleet in one run** keeps every cluster's parsed configuration until all rules have run,
  because some rules compare clusters (names, slots, upstreams). A parsed pg_hba.conf line costs
  about 1.5 KB of heap (tokens with positions, the network, the record): 200 clusters of 200 lines
  hold ~60 MB, and a third of the run is garbage collection. Meeting < 150 MB needs lint to run the
  per-cluster rules cluster by cluster and keep only what the cross-cluster rules read.
- **\`render\` of 1 + ${STANDBYS} standbys** writes ~17 MB: with \`failover_access\` (the default)
  every node admits every other, and with the \`pg_ctl\` layout each standby's patch starts from its
  upstream's pg_hba.conf, so the output, and the time, grow with the square of the node count.
`;
  writeFileSync(join(ROOT, "docs/performance.md"), doc);
  console.log("\nwrote docs/performance.md");
}
