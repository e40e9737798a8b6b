/**
 * Fuzzing the spec reader as `validate` and `render` run it: bytes → decodeText (what loadSpec
 * does after reading) → checkSpecText → renderFiles for whatever validates. No input may throw;
 * every rejected input gets problems with a position inside the text (null only for an empty
 * spec); no message carries a raw control character or a literal password from the spec; a
 * spec holding a password is never accepted.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { renderFiles } from "../src/render/render.js";
import { checkSpecText } from "../src/spec/load.js";
import { decodeText } from "../src/util/read-text.js";
import { BIN } from "./support/cli.js";
import {
  expectCleanMessage,
  expectInside,
  filesUnder,
  firstControl,
  fuzz,
  lenientUtf8,
  mutatedSeed,
  ROOT,
  runs,
  secretArb,
  seedFile,
  TIMEOUT,
} from "./support/fuzz.js";

const SEEDS = [
  ...filesUnder("fixtures/specs", (p) => /\.(ya?ml|json)$/.test(p)),
  ...filesUnder("fixtures/fuzz/spec"),
].map(seedFile);

/** What validate/render do with a spec's bytes; returns the problems' messages. */
function checkBytes(bytes: Uint8Array, name: string, secrets: readonly string[] = []): string[] {
  const decoded = decodeText(bytes);
  if (!decoded.ok) {
    // An unreadable spec: one problem at the first bad byte.
    const text = lenientUtf8(bytes);
    expect(decoded.pos).not.toBeNull();
    if (decoded.pos) expectInside(text, decoded.pos.line, decoded.pos.column, "undecodable byte");
    expectCleanMessage(decoded.reason, secrets);
    return [decoded.reason];
  }
  return checkText(decoded.text, name, secrets);
}

function checkText(text: string, name: string, secrets: readonly string[]): string[] {
  const r = checkSpecText(text, name, join(ROOT, name));
  if (r.ok) {
    expect(r.problems).toEqual([]);
    // What validates must render, and the output must be printable text without the secrets.
    for (const f of renderFiles(r.topology, name)) {
      // C0 and DEL, as the schema refuses them in values (C1 is text to PostgreSQL, and passes)
      const bad = firstControl(f.content.replace(/[\u0080-\u009f]/g, ""), "\t\n");
      if (bad !== undefined) expect.fail(`${f.path} holds U+${bad.charCodeAt(0).toString(16)}`);
      for (const s of secrets) expect(f.content.includes(s), `${f.path} holds a secret`).toBe(false);
    }
    return [];
  }
  expect(r.problems.length).toBeGreaterThan(0);
  for (const p of r.problems) {
    expect(p.file).toBe(name);
    if (p.pos === null) expect(text.trim(), `whole-file problem "${p.message}"`).toBe("");
    else expectInside(text, p.pos.line, p.pos.column, p.message);
    expectCleanMessage(p.message, secrets);
  }
  return r.problems.map((p) => p.message);
}

// ---- specs made from the model -----------------------------------------------------------

const hostile = fc.constantFrom(
  "",
  " ",
  "$(touch /tmp/x)",
  "`id`",
  "a'b",
  'a"b',
  "a\\b",
  "a\nb",
  "a\u0000b",
  "a\u0001b",
  "a\u001b[31mb",
  "a\u009bb",
  "a\u202eb",
  "a;b",
  "a # b",
  "ｒｅｐｌｉｃａ",
  "replicа",
  "x".repeat(10_000),
  "-o x",
  "10.0.0.1",
  "::1",
  "/tmp/x",
  "../../etc/passwd",
  "on",
  "0",
  "-1",
  "99999999999999999999",
  "1e309",
  "NaN",
  "~",
  "null",
  "*a",
  "&a",
  "!!binary",
  "{",
  "[",
  "source",
  "replica",
);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostile },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 70_000 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.oneof(hostile, fc.string({ maxLength: 6 })), scalar, { maxKeys: 3 }),
  },
);

const KEYS = [
  ["version"],
  ["cluster", "name"],
  ["cluster", "postgres"],
  ["cluster", "layout"],
  ["replication", "user"],
  ["replication", "password"],
  ["replication", "password", "env"],
  ["replication", "password", "file"],
  ["replication", "auth"],
  ["replication", "sslmode"],
  ["replication", "slots"],
  ["replication", "max_slot_wal_keep_size"],
  ["replication", "synchronous"],
  ["replication", "synchronous", "method"],
  ["replication", "synchronous", "num_sync"],
  ["replication", "archive", "archive_command"],
  ["replication", "archive", "restore_command"],
  ["settings", "work_mem"],
  ["settings", "application_name"],
  ["settings", "max_connections"],
  ["nodes"],
  ["nodes", 0],
  ["nodes", 0, "name"],
  ["nodes", 0, "role"],
  ["nodes", 0, "host"],
  ["nodes", 0, "port"],
  ["nodes", 1, "name"],
  ["nodes", 1, "role"],
  ["nodes", 1, "host"],
  ["nodes", 1, "upstream"],
  ["nodes", 1, "slot"],
  ["nodes", 1, "sync"],
  ["nodes", 1, "data_directory"],
  ["nodes", 1, "passfile"],
  ["nodes", 1, "apply_delay"],
  ["nodes", 1, "listen_addresses"],
  ["nodes", 1, "settings", "work_mem"],
  ["nodes", 1, "base", "postgresql_conf"],
  ["nodes", 2],
] as const;

const SECRET_PLACES = [
  (s: string) => ({ path: ["replication", "password"], v: s }),
  (s: string) => ({ path: ["nodes", 1, "password"], v: s }),
  (s: string) => ({ path: ["settings", "primary_conninfo"], v: `host=10.0.0.1 password=${s}` }),
  (s: string) => ({ path: ["nodes", 1, "settings", "primary_conninfo"], v: `user=x password='${s}'` }),
  (s: string) => ({ path: ["replication", "archive", "restore_command"], v: `PGPASSWORD=${s} cp %f %p` }),
  (s: string) => ({ path: ["replication", "archive", "archive_command"], v: `curl postgres://u:${s}@h/%f` }),
  (s: string) => ({ path: ["replication", "password", "env"], v: { password: s } }),
];

function baseSpec(): Record<string, unknown> {
  return {
    version: 1,
    cluster: { postgres: 15, layout: "pg_ctl" },
    replication: { user: "repl_user", password: { env: "PGREPL_PASSWORD" } },
    nodes: [
      { name: "source", role: "primary", host: "10.0.0.1" },
      { name: "replica", role: "standby", host: "10.0.0.2" },
    ],
  };
}

function setPath(obj: Record<string, unknown>, path: readonly (string | number)[], v: unknown): void {
  let cur: Record<string | number, unknown> = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string | number;
    const next = cur[k];
    if (typeof next !== "object" || next === null) cur[k] = typeof path[i + 1] === "number" ? [] : {};
    cur = cur[k] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (v === undefined) delete cur[last];
  else cur[last] = v;
}

const edits = fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.option(value, { nil: undefined, freq: 6 })), {
  maxLength: 4,
});

const modelSpec = fc.record({
  edits,
  secret: fc.option(fc.tuple(fc.nat(SECRET_PLACES.length - 1), secretArb("-_.!")), { nil: undefined }),
  json: fc.boolean(),
  nodes: fc.nat(3),
});

describe("spec: generated from the model", () => {
  it(
    "never throws; positioned problems; no control characters; a literal password is refused unseen",
    () => {
      fuzz(
        "spec/model",
        modelSpec,
        ({ edits: es, secret, json, nodes }) => {
          const spec = baseSpec();
          for (let i = 0; i < nodes; i++)
            (spec.nodes as unknown[]).push({ name: `n${i}`, role: "standby", host: `10.0.1.${i}` });
          for (const [path, v] of es) setPath(spec, path, v);
          const secrets: string[] = [];
          if (secret) {
            const [where, s] = secret;
            const place = (SECRET_PLACES[where] as (s: string) => { path: (string | number)[]; v: unknown })(
              s,
            );
            setPath(spec, place.path, place.v);
            secrets.push(s);
          }
          const name = json ? "fuzz.json" : "fuzz.yaml";
          const text = json ? JSON.stringify(spec, null, 2) : stringify(spec);
          const messages = checkText(text, name, secrets);
          if (secrets.length > 0)
            expect(messages.length, "a spec holding a password was accepted").toBeGreaterThan(0);
        },
        runs(1500),
      );
    },
    TIMEOUT,
  );
});

// ---- real specs, mutated -----------------------------------------------------------------

describe("spec: real specs with mutated bytes", () => {
  it(
    "never throws; positioned problems; no control characters",
    () => {
      fuzz(
        "spec/mutation",
        mutatedSeed(SEEDS),
        ({ seed, bytes }) => {
          checkBytes(bytes, seed.name);
        },
        runs(1500),
      );
    },
    TIMEOUT,
  );

  it("replays the seed corpus unchanged", () => {
    for (const s of SEEDS) checkBytes(s.bytes, s.name);
  });
});

describe("spec: what fuzzing found, pinned", () => {
  const problems = (text: string, file = "s.yaml") => checkSpecText(text, file).problems;

  it("an alias inside the node it names is a problem at the alias, not a stack overflow", () => {
    expect(problems("version: 1\nnodes:\n  - &n [*n]\n")).toEqual([
      {
        file: "s.yaml",
        pos: { line: 3, column: 9 },
        message: "YAML: this alias is inside the node it names (a cycle); a spec is a tree",
      },
    ]);
    expect(problems("version: 1\nx: [*nope]\n")[0]?.pos).toEqual({ line: 2, column: 5 });
  });

  it("a JSON syntax error points at the unexpected token and does not quote the text around it", () => {
    expect(problems('{"a": tru}', "a.json")).toEqual([
      { file: "a.json", pos: { line: 1, column: 7 }, message: "JSON syntax error: unexpected `t`" },
    ]);
    expect(problems('{\n  "password": "PwNotShown1" x\n}', "a.json")).toEqual([
      {
        file: "a.json",
        pos: { line: 2, column: 29 },
        message: "JSON syntax error: expected ',' or '}' after property value",
      },
    ]);
    expect(problems(":x", "a.json")[0]?.pos).toEqual({ line: 1, column: 1 });
  });

  it("columns count characters: an astral character is one", () => {
    expect(problems('version: 1\nx: "😀" y\n')[0]?.pos).toEqual({ line: 2, column: 8 });
    expect(problems('{"😀": 1,, }', "a.json")[0]?.pos).toEqual({ line: 1, column: 9 });
  });

  it("C1 control characters in names are escaped like C0 ones", () => {
    const spec = () =>
      `version: 1\ncluster: {postgres: 15, layout: pg_ctl}\nreplication: {user: r, password: {env: P}}\nnodes:\n  - {name: source, role: primary, host: 10.0.0.1}\n  - {name: "a\\x9bb", role: standby, host: 10.0.0.2, upstream: "sourc\\x9b"}\n`;
    const ms = problems(spec()).map((p) => p.message);
    expect(ms.join("\n")).toContain("\\x9b");
    for (const m of ms) expectCleanMessage(m);
  });
});

describe("spec files that are not files", () => {
  it("a FIFO as a node's base file is refused at once, not waited on; a FIFO named as the spec is read", () => {
    const dir = mkdtempSync(join(tmpdir(), "pgrepl-fifo-"));
    try {
      const fifo = join(dir, "spec.yaml");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const base = join(dir, "base.conf");
      expect(spawnSync("mkfifo", [base]).status).toBe(0);
      const spec = join(dir, "with-base.yaml");
      writeFileSync(
        spec,
        `version: 1\ncluster: {postgres: 15, layout: pg_ctl}\nreplication: {user: r, password: {env: P}}\nnodes:\n  - {name: p, role: primary, host: 10.0.0.1, base: {postgresql_conf: ${base}}}\n`,
      );
      // named on the command line, a FIFO is read to its end as `cat FIFO` reads it (issue 17):
      // the reader waits for its writer
      const read = spawnSync(
        "bash",
        [
          "--norc",
          "-c",
          `(sleep 0.2; printf 'version: 1\\n' > "$1") & "$2" "$3" validate "$1"; rc=$?; wait; exit $rc`,
          "-",
          fifo,
          process.execPath,
          BIN,
        ],
        { encoding: "utf8", timeout: 10_000 },
      );
      expect(read.signal, "validate FIFO blocked").toBeNull();
      expect(read.status).toBe(1);
      expect(read.stdout).toContain("spec.yaml:1:1: the spec: missing required key");
      for (const [args, code, said] of [[["validate", spec], 1, "with-base.yaml:5:"]] as const) {
        // the built CLI in a child: a blocking open would hang this process, timeouts and all
        const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 10_000 });
        expect(r.signal, `${args.join(" ")} blocked`).toBeNull();
        expect(r.status).toBe(code);
        expect(`${r.stdout}${r.stderr}`).toContain(said);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
