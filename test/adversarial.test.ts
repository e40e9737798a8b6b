/**
 * Hostile specs: every value that could reach a shell line, SQL, a GUC string, a conninfo string
 * or a pg_hba line is either refused by validation with a positioned message, or rendered so that
 * it reaches PostgreSQL exactly as written — and a canary command hidden in the values never runs.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { renderFiles } from "../src/render/render.js";
import { checkSpecText } from "../src/spec/load.js";
import { freePort, initPrimary, makeTempDir, PG15_BIN, runAsPostgres } from "./support/pg.js";
import { readPlan, runStep, sql } from "./support/plan.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-adv-"));
chmodSync(tmp, 0o755);
const CANARY = join(tmp, "canary");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HOSTILE: Record<string, string> = {
  "command substitution": `$(touch ${CANARY})`,
  backticks: `\`touch ${CANARY}\``,
  "single quote": `a'; touch ${CANARY}; '`,
  "double quote": `a"; touch ${CANARY}; "`,
  backslashes: "a\\'b\\\\c\\",
  newline: `a\ntouch ${CANARY}`,
  NUL: "a\u0000b",
  semicolon: `a; touch ${CANARY}`,
  hash: "a # b",
  "fullwidth look-alike": "ｒｅｐｌｉｃａ",
  "cyrillic look-alike": "replicа",
  "10 000 characters": "x".repeat(10_000),
  "leading dash": "-o ProxyCommand=x",
  empty: "",
};

const BASE = {
  version: 1,
  cluster: { postgres: 15, layout: "pg_ctl" },
  replication: { user: "repl_user", password: { env: "PGREPL_PASSWORD" } },
  nodes: [
    { name: "source", role: "primary", host: "10.0.0.1" },
    { name: "replica", role: "standby", host: "10.0.0.2" },
  ],
} as const;

type Spec = Record<string, unknown>;
const FIELDS: Record<string, (s: Spec, v: string) => void> = {
  "node name": (s, v) => (nodes(s)[1].name = v),
  host: (s, v) => (nodes(s)[1].host = v),
  "source address": (s, v) => (nodes(s)[1].source_address = v),
  "replication user": (s, v) => ((s.replication as Spec).user = v),
  slot: (s, v) => (nodes(s)[1].slot = v),
  "data directory": (s, v) => (nodes(s)[1].data_directory = v),
  "bin directory": (s, v) => (nodes(s)[1].bin_directory = v),
  passfile: (s, v) => (nodes(s)[1].passfile = v),
  "Debian cluster name": (s, v) => ((s.cluster as Spec).name = v),
  listen_addresses: (s, v) => (nodes(s)[1].listen_addresses = v),
  "admin user": (s, v) => (nodes(s)[1].admin_user = v),
  "os user": (s, v) => (nodes(s)[1].os_user = v),
  "apply delay": (s, v) => (nodes(s)[1].apply_delay = v),
  "password env name": (s, v) => ((s.replication as Spec).password = { env: v }),
  "password file": (s, v) => ((s.replication as Spec).password = { file: v }),
  "archive command": (s, v) => ((s.replication as Spec).archive = { archive_command: v }),
  "setting value": (s, v) => (s.settings = { application_name: v }),
  "setting name": (s, v) => (s.settings = { [v]: "on" }),
};
function nodes(s: Spec): Spec[] & [Spec, Spec] {
  return s.nodes as Spec[] & [Spec, Spec];
}

describe("hostile values in every field", () => {
  for (const [field, set] of Object.entries(FIELDS)) {
    for (const [what, value] of Object.entries(HOSTILE)) {
      it(`${field}: ${what}`, () => {
        const spec = structuredClone(BASE) as unknown as Spec;
        set(spec, value);
        const text = JSON.stringify(spec, null, 2);
        const r = checkSpecText(text, "hostile.json");
        if (!r.ok) {
          // Refused: positioned, one line each, no raw control characters, no crash.
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) {
            expect(p.pos, p.message).not.toBeNull();
            expect(
              [...p.message].some((ch) => ch.charCodeAt(0) < 0x20),
              p.message,
            ).toBe(false);
            expect(p.message.length).toBeLessThan(400);
          }
          return;
        }
        // Accepted: it renders, every runbook parses and is shellcheck-clean, the canary never runs.
        const out = join(tmp, `${field}-${what}`.replace(/\W+/g, "_"));
        for (const f of renderFiles(r.topology, "hostile.json")) {
          const p = join(out, f.path);
          mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, f.content, { mode: f.mode });
          expect(f.content).not.toContain("\u0000");
        }
        for (const n of readdirSync(out, { withFileTypes: true }).filter((e) => e.isDirectory())) {
          const rb = join(out, n.name, "runbook.sh");
          expect(spawnSync("bash", ["-n", rb]).status).toBe(0);
          const sc = spawnSync("shellcheck", [rb], { encoding: "utf8" });
          if (sc.error) throw new Error("shellcheck is not installed: run scripts/install-test-deps.sh");
          expect(sc.status, sc.stdout).toBe(0);
          const help = spawnSync("bash", [rb, "--help"], { encoding: "utf8" });
          expect(help.status).toBe(0);
        }
        expect(existsSync(CANARY)).toBe(false);
      });
    }
  }
});

describe("accepted hostile setting values and role names reach a real PostgreSQL exactly as written", () => {
  it("through the rendered drop-in and the runbooks, with the canary never running", async () => {
    const root = await makeTempDir("pgrepl-adv-e2e-");
    const sock = join(root, "sock");
    runAsPostgres("mkdir", ["-m", "0700", sock]);
    const port = await freePort();
    const data = join(root, "primary");
    const values: Record<string, string> = {
      "pgrepl_test.cmdsubst": HOSTILE["command substitution"] as string,
      "pgrepl_test.backticks": HOSTILE.backticks as string,
      "pgrepl_test.quote": HOSTILE["single quote"] as string,
      "pgrepl_test.dquote": HOSTILE["double quote"] as string,
      "pgrepl_test.backslash": HOSTILE.backslashes as string,
      "pgrepl_test.hash": HOSTILE.hash as string,
      "pgrepl_test.unicode": `${HOSTILE["fullwidth look-alike"]} ${HOSTILE["cyrillic look-alike"]} ‘curly’ “quotes”`,
      "pgrepl_test.long": "y".repeat(8000),
    };
    // the longest name the schema accepts (63 bytes, NAMEDATALEN - 1), led by an underscore
    const role = `_${"r0_".repeat(20)}xy`;
    expect(role).toHaveLength(63);
    const spec = {
      version: 1,
      cluster: { postgres: 15, layout: "pg_ctl" },
      replication: { user: role, password: { env: "PGREPL_PASSWORD" } },
      settings: values,
      nodes: [
        {
          name: "hostile",
          role: "primary",
          host: "127.0.0.1",
          port,
          data_directory: data,
          bin_directory: PG15_BIN,
          socket_directory: sock,
        },
      ],
    };
    const specFile = join(root, "spec.json");
    writeFileSync(specFile, JSON.stringify(spec, null, 2));
    const out = join(root, "out");
    const io = bufferIO({ cwd: root });
    expect(await main(["render", specFile, "--out", out], io), io.out() + io.err()).toBe(0);
    try {
      initPrimary(data, { port, sock, start: false });
      for (const step of readPlan(out)) {
        const r = runStep(out, step, { PGREPL_PASSWORD: "x" }, "postgres");
        expect(r.status, r.output).toBe(0);
      }
      for (const [name, value] of Object.entries(values)) {
        expect(sql(sock, port, `SHOW "${name}"`), name).toBe(value);
      }
      // the replication role the runbook created, read back: same name, LOGIN and REPLICATION
      expect(
        sql(
          sock,
          port,
          "SELECT rolname || ' ' || rolcanlogin || ' ' || rolreplication FROM pg_roles WHERE rolreplication AND rolname <> 'postgres'",
        ),
      ).toBe(`${role} true true`);
      expect(existsSync(CANARY)).toBe(false);
    } finally {
      runAsPostgres(join(PG15_BIN, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
