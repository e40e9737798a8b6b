#!/usr/bin/env node
// npm run bench [-- --write-docs]: measures pgrepl-gen against `node -e 0` in the same run (ratios,
// not absolute times: the machine's speed cancels out), interleaved, on a generated fleet and
// topology. Prints a table of medians and ratios; --write-docs also writes docs/performance.md;
// --inputs DIR only writes the generated inputs into DIR (to profile with) and prints what is where.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { rawText } from "./esbuild-plugins.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "bin", "pgrepl-gen.js");
const FLEET = Number(process.env.BENCH_FLEET ?? 1000);
const STANDBYS = Number(process.env.BENCH_STANDBYS ?? 200);
const HBA_LINES = Number(process.env.BENCH_HBA_LINES ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const inputsAt = process.argv.indexOf("--inputs");
const inputsOnly = inputsAt >= 0 ? resolve(process.argv[inputsAt + 1] ?? "bench-inputs") : undefined;

// Files deleted shortly before (a previous bench's clean-up, a test run) slow down creating files
// on an ext4 without a journal (this VM's root): its inode allocator steps over inodes deleted in
// the last 60 s, 360 s while their inode table block is not written back (fs/ext4/ialloc.c,
// recently_deleted; see "Large renders" in docs/performance.md). So: write everything back now,
// and measure no sooner than BENCH_SETTLE_S (65) seconds later; and at the end, write back this
// bench's own clean-up, so that it slows down whatever runs next for 60 s at most.
const SETTLE_MS = 1000 * Number(process.env.BENCH_SETTLE_S ?? 65);
spawnSync("sync");
const settledAt = Date.now() + SETTLE_MS;

const work = inputsOnly ?? mkdtempSync(join(tmpdir(), "pgrepl-bench-"));
if (inputsOnly) mkdirSync(work, { recursive: true });
else
  process.on("exit", () => {
    rmSync(work, { recursive: true, force: true });
    spawnSync("sync");
  });

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
/** A spec of one primary and n standbys (each on its own host of `net`), written to work/name. */
function topologySpec(name, n, { net, cluster, replication, node = "" }) {
  const file = join(work, name);
  const ns = [`  - { name: p0, role: primary, host: ${net}.0.1${node} }`];
  for (let i = 1; i <= n; i++)
    ns.push(
      `  - { name: s${i}, role: standby, host: ${net}.${Math.floor(i / 250)}.${(i % 250) + 2}${node} }`,
    );
  writeFileSync(
    file,
    `version: 1\ncluster: { ${cluster} }\nreplication: { user: repl, password: { env: PW }${replication} }\nnodes:\n${ns.join("\n")}\n`,
  );
  return file;
}
const bigSpec = topologySpec("big.yaml", STANDBYS, {
  net: "10.50",
  cluster: "postgres: 16, layout: pg_ctl",
  replication: "",
  node: ", data_directory: /srv/pg",
});
// Debian layout without failover access: every file a node gets is its own (no upstream copy to
// patch, no list of every other node), so output and time should grow linearly with the nodes.
const linearSpec = (n) =>
  topologySpec(`linear-${n}.yaml`, n, {
    net: "10.60",
    cluster: "postgres: 16, layout: debian",
    replication: ", failover_access: false",
  });
const linear1 = linearSpec(STANDBYS);
const linear2 = linearSpec(2 * STANDBYS);
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
// The inputs just written to the disk first, so that their write-back does not fall into the
// measurements; then what is left of the settling time.
spawnSync("sync");
if (Date.now() < settledAt) spawnSync("sleep", [String((settledAt - Date.now()) / 1000)]);
const node = process.execPath;
let freshRuns = 0;
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
    label: `\`render\` 1 primary + ${STANDBYS} standbys, again into its output`,
    cmd: cli(`render ${bigSpec} --out ${join(work, "out-big")} --force`),
    target: { seconds: 1 },
  },
  {
    id: "render-big-fresh",
    label: `\`render\` 1 primary + ${STANDBYS} standbys into a new directory`,
    // A new directory for every run, none removed until the bench ends: on an ext4 without a
    // journal (this VM's root) a file created just after thousands were deleted costs up to 10×
    // (the allocator steps over recently deleted inodes), which is the kernel's cost, not render's.
    get cmd() {
      return cli(`render ${bigSpec} --out ${join(work, `out-big-fresh-${freshRuns}`)}`);
    },
    before: () => {
      freshRuns++;
    },
    target: { seconds: 1 },
  },
  {
    id: "render-linear-1",
    label: `\`render\` 1 + ${STANDBYS} standbys, Debian layout, no failover access, again`,
    cmd: cli(`render ${linear1} --out ${join(work, "out-linear-1")} --force`),
    phase: "slow",
  },
  {
    id: "render-linear-2",
    label: `\`render\` 1 + ${2 * STANDBYS} standbys, Debian layout, no failover access, again`,
    cmd: cli(`render ${linear2} --out ${join(work, "out-linear-2")} --force`),
    phase: "slow",
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
/** `node -e 0` between the multi-second cases: how fast the machine was during that phase */
const slowPhaseBaseline = [];
const failed = new Map();
for (const c of cases) {
  c.before?.();
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
const slow = (c) => c.target?.seconds !== undefined || c.phase === "slow";
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
      c.before?.();
      const [cmd, ...args] = c.cmd.split(" ");
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: "ignore" });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) failed.set(c.id, `exit ${r.status}`);
      // the baseline of the second phase is only there to keep the machine's pace comparable
      const warm = round >= (p === 0 ? WARMUP : 1);
      if (warm && p === 1 && c.id === "baseline") slowPhaseBaseline.push(ms);
      else if (warm) times.get(c.id).push(ms);
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
const pace = `\`node -e 0\` took ${median(times.get("baseline")).toFixed(0)} ms (median) among the start-up cases and ${median(slowPhaseBaseline).toFixed(0)} ms among the multi-second ones`;
// What the runbooks cost (the real-hosts issue): the seed plan on harness hosts against the
// tutorial's commands typed by hand on hosts in the same state (scripts/bench-plan.ts). It needs
// root (network namespaces); BENCH_PLAN=0 leaves it out.
const planTable = await benchPlan();
console.log(`${machine}\n${pace}\n\n${table}\n\n${planTable}`);

async function benchPlan() {
  const head =
    "| seed tutorial, PostgreSQL 14, two fresh Debian hosts | the plan | by hand | plan ÷ by hand | target |\n|---|---|---|---|---|";
  if (process.env.BENCH_PLAN === "0") return `${head}\n| (not measured: BENCH_PLAN=0) | — | — | — | — |`;
  if (process.getuid?.() !== 0)
    return `${head}\n| (not measured: the host harness needs root) | — | — | — | — |`;
  const { build } = await import("esbuild");
  // In dist/ so that the bundle's own paths (the repository, node_modules, .cache) resolve as from the sources.
  const outfile = join(ROOT, "dist", "bench-plan.mjs");
  await build({
    entryPoints: [join(ROOT, "scripts", "bench-plan.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    // Node's ESM resolver needs the file name the sources' bundler (and TypeScript) leave implicit.
    alias: { "handlebars/runtime": "handlebars/runtime.js" },
    // pg-binaries.mjs prints its table when it is the entry script: bundled, it would think it is.
    plugins: [
      rawText,
      {
        name: "pg-binaries-external",
        setup(b) {
          b.onResolve({ filter: /pg-binaries\.mjs$/ }, () => ({
            path: "../scripts/pg-binaries.mjs",
            external: true,
          }));
        },
      },
    ],
    outfile,
    logLevel: "error",
  });
  try {
    const r = spawnSync(node, [outfile], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (r.status !== 0) return `${head}\n| (failed: exit ${r.status}) | — | — | — | — |`;
    const m = JSON.parse(r.stdout.trim().split("\n").pop());
    const row = (label, x, target) =>
      `| ${label} | ${(x.plan / 1000).toFixed(1)} s | ${(x.hand / 1000).toFixed(1)} s | ${(x.plan / x.hand).toFixed(2)}× | ${x.plan / x.hand <= target ? "meets" : "misses"} ≤ ${target}× |`;
    return [
      head,
      row("the database initdb made", m.small, 1.5),
      row("~1 GB of pgbench data on the primary", m.big, 1.1),
    ].join("\n");
  } finally {
    rmSync(outfile, { force: true });
  }
}

if (process.argv.includes("--write-docs")) {
  const lin = (id) => results.find((r) => r.id === id)?.median;
  const ratioLinear =
    lin("render-linear-1") && lin("render-linear-2")
      ? `${(lin("render-linear-2") / lin("render-linear-1")).toFixed(2)}×`
      : "(not measured)";
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

Latest run (${new Date().toISOString().slice(0, 10)}): ${machine}; ${pace}. The multi-second
cases are absolute times, so they move with the machine's pace more than the ratios do: the same
build measured the 1 000-tree lint at 1.8 s and 3.0 s, and the 1 + ${STANDBYS} render again at
0.80 s and 1.22 s, in two runs an hour apart.

${table}

What the runbooks cost: the seed plan (\`fixtures/specs/seed.yaml\`, PostgreSQL 14) on two harness hosts
as \`apt install\` leaves them, against the tutorial's commands typed by hand on two hosts in the same
state (on the primary listen_addresses, a pg_hba.conf line, the role, a restart; on the standby stop,
\`pg_basebackup -R -X stream -C -S\`, chown/chmod, data_directory, start), median of
\`BENCH_PLAN_ROUNDS\` (2) runs each, interleaved (scripts/bench-plan.ts):

${planTable}

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
  other character makes V8 read the file as two-byte text), minified (whitespace and syntax, not
  names), and carry their own CommonJS wrapper (wrapping the text at load made V8 copy all of it).
- **Nothing is compiled at run time**: the topology schema is a standalone ajv validator
  (\`scripts/gen-validator.mjs\`), the templates are precompiled Handlebars
  (\`scripts/gen-templates.mjs\`; render loads only the Handlebars runtime), and the parameter
  catalogue is embedded as its text and parsed one parameter at a time
  (\`src/pg/catalog/data.ts\`; parsing it whole made 190 KB of objects at every start).
- **Output by \`fs.writeSync\`** in slices, not \`process.stdout\` (which sets up the stream
  machinery), and \`isatty\` only when stdout is a character device.
- **Linear passes**: \`hba-shadowed-line\` indexes earlier records by the networks they cover.

How a fleet is linted in little memory:

- **Rules say their scope.** A rule with \`scope: "server"\` judges each server on its own; lint
  runs those as soon as discovery has read a server (\`RuleRun.server\`), then keeps of that server
  only what the \`"workspace"\` rules (topology, upstreams' pg_hba.conf, specs, suppression
  comments) read: the pg_hba.conf records that admit replication or name database \`all\`
  (\`src/lint/retain.ts\`). A parsed record costs about 1 KB; a fleet's other records were most of
  its memory. \`test/lint-stream.test.ts\` checks on every golden tree and on generated fleets that
  streaming, slimming and running server rules one server at a time change no finding.
- **Formats without excerpts** (json, sarif, github) let go of each pg_hba.conf text once its
  server is judged, keeping its suppression comments. The records kept for workspace rules hold
  copies of their strings: V8 keeps a substring of 13 characters or more as a view into the whole
  string, and a kept record's raw text was such a view, so until the copies every pg_hba.conf text
  stayed alive (9.4 MB of the fleet's heap; \`test/lint-stream.test.ts\` looks for the text in a
  heap snapshot).
- **JSON is written as it is made**, one finding at a time in pieces of 256 Ki characters, not
  built as one string of all findings (7.6 MB for the fleet's 18 000).
- **Small things that added up to tens of MB**: messages escaped by one regex instead of a
  character-by-character string (a rope of ~150 strings per finding), arrays of exact size for
  addresses and masks (an array grown by push or built by spread keeps room for 17-22 elements),
  a value's column map kept as first column + length when it has no gap, output written in
  slices instead of one Buffer.
- What is left of peak RSS: Node itself (~40 MB), its young generation (up to 3 × 16 MB after
  a few hundred trees), what the workspace rules need (~20 MB for 1 000 trees), the findings
  (~10 MB for 18 000) and garbage not yet collected. \`node --max-semi-space-size=4\` would cap
  the young generation, but a V8 flag cannot be set from inside the process in time, and any flag
  invalidates the code caches.

**On this VM memory touched is time.** A page of fresh memory costs a fault of ~15 µs (a 64 MB
mapping touched page by page; \`node -e 0\` itself takes ~2 150 faults), so what a command
allocates counts more than what it computes. Linting one tree, the target with the least room
(1.44-1.50× at the start of the last session of 2026-11-26, 1.32-1.43× after it), was ~50 ms over
\`node -e 0\`: ~1 570 more page faults (\`perf record -e page-faults\`: loading \`dist/lint.cjs\`
~440, the rest mostly the young generation and Sparkplug's code), three young-generation collections
of 3-5 ms (\`v8.GCProfiler\`), parsing by code that has not warmed up. What went: the catalogue
parsed whole at start (190 KB of objects and a 73 KB prototype-less copy, copied again by every
collection), a closure per pg_hba.conf record and a position object per token, a mask array per
address, the tokenizer's scaffolding kept until the whole file was tokenized (records are now
parsed as they are tokenized), iterator objects per token in the postgresql.conf lexer and per line
in the suppression-comment reader, copies of kept records' strings while their texts stay anyway.
Young-generation allocation after the bundle loaded: 2.3 → 1.2 MB, two collections instead of
three, the first 5 → 3 ms; page faults ~1 570 → ~1 370 more than \`node -e 0\`. Tried and
not kept: a code cache made from this one command only (2-4 ms faster here, slower for every other
use) or from lint without its json/sarif/github warm-ups (380 →
362 KB, no measurable gain), mangled names (the bundle 15 % smaller, the cache 1 %: no measurable
gain), reading the bundles as latin1 instead of UTF-8 (no measurable gain).

Large renders:

- Each distinct pg_hba.conf entry is rendered once per render (\`templates/partials/hba-entry.hbs\`)
  and every block that lists it reuses the text; a standby's copy of its upstream's block is
  replaced by slicing, not by splitting both files into lines.
- Patches are diffed without the common head and tail of the two files (\`src/render/patch.ts\`,
  3 lines of context kept), and the rest with jsdiff's array diff over lines cut once (its line
  diff split the texts by regex, joined each change's lines and split them again: a third of a
  large render's allocations); rendered texts are hashed as strings (making a Buffer of each cost
  more than the hash).
- When no two nodes share an address, each peer's pg_hba entry is one object shared by every block
  that lists it, and a node's rendered files are kept only while a standby still patches them.
- The manifest's table of 1 608 files is filled into a prototype-less object (Object.fromEntries
  took ~7.6 ms of the render: a hidden class per property until V8 gives up).
- A 1 + ${STANDBYS} render touches ~16 000 fresh pages (~0.25 s of faults here): the YAML parser's
  garbage (13 MB for the 200-node spec), and a young generation that grows to 16 MB semi-spaces
  while the 13 MB of output stay alive until they are written (render checks every file before it
  writes any). Holding each file as bytes from the moment it is rendered took ~1 000 faults and
  ~5 % off; it would need the render core to hand out bytes instead of text, and was not done.
- **What stays quadratic, by design**: with \`failover_access\` (the default) every node's block
  lists every other node, and with the \`pg_ctl\` layout each standby's pg_hba.conf patch starts
  from its upstream's file (pg_basebackup copies it) and replaces that file's block: 1 + 200
  nodes write ~13 MB, 1 + 400 ~39 MB. With the Debian layout and \`failover_access: false\` the
  output is linear (the last two rows: twice the standbys took ${ratioLinear} the time).
- Into a new directory, creating the 1 608 files (temporary file, rename, mode) and 403
  directories takes 0.15-0.3 s on this virtual disk; rendering again into the same directory writes
  nothing that is unchanged. The bench renders into a new directory each run and removes none
  until it ends: this VM's root file system is ext4 **without a journal**, where a file created
  within seconds to minutes of mass deletion costs up to ten times more (\`perf\`: 18-30 % of the
  whole run in the kernel's \`recently_deleted\`, called by \`find_inode_bit\` for every new
  inode, which skips inodes deleted recently). Removing the previous output just before each run
  measured 1.1-1.5 s for the same render; on a journaled ext4 (a loop-mounted image on the same
  disk) the same render took 0.74-0.79 s either way. Even into new directories the row moves with
  what was deleted before (a previous bench's clean-up, a test run): the kernel skips an inode
  deleted in the last 60 s, or 360 s while its inode table block is dirty, and creating files
  dirties those blocks (fs/ext4/ialloc.c, \`recently_deleted\`). The bench syncs and waits 65 s
  (\`BENCH_SETTLE_S\`) before it measures, which takes away the common case but not a mass
  deletion a few minutes before. In the last session's runs on 2026-11-26: 0.68-1.05 s into new
  directories (the slow runs with \`recently_deleted\` in \`perf\`'s profile; 1.43 s once, right
  after another bench's clean-up, before the wait), 0.71-0.83 s rendering again (1.04 s in one
  slow phase of the machine).

Where a target is missed in the table above, the notes on issue 9 say what was measured and tried.
`;
  writeFileSync(join(ROOT, "docs/performance.md"), doc);
  console.log("\nwrote docs/performance.md");
}
