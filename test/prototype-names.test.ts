/**
 * Names that are properties of every JavaScript object (`constructor`, `toString`, `__proto__`,
 * `hasOwnProperty`) used as parameter names, hba methods and options, conninfo keywords and spec
 * settings: each is an unknown name like any other, never a lookup that finds Object's method.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { checkValue, getParam, isKnownParam, paramMajors, removedParam } from "../src/pg/catalog/index.js";
import { parseConninfo } from "../src/pg/conninfo.js";
import { parseHba } from "../src/pg/hba/index.js";
import { lintJson } from "./support/lint.js";

const NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];
const dir = mkdtempSync(join(tmpdir(), "pgrepl-proto-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lint(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return lintJson(["--no-fs", "--postgres", "15", file], dir);
}

describe("names of Object's own properties", () => {
  it("the catalogue knows none of them", () => {
    for (const n of NAMES) {
      expect(getParam(15, n), n).toBeUndefined();
      expect(isKnownParam(15, n), n).toBe(false);
      expect(removedParam(15, n), n).toBeUndefined();
      expect(paramMajors(n), n).toEqual([]);
      expect(checkValue(15, n, "1"), n).toBe(`unrecognized configuration parameter "${n}"`);
    }
  });

  it("lint: unknown parameters, with no rule failing", async () => {
    const r = await lint("postgresql.conf", NAMES.map((n) => `${n} = 1\n`).join(""));
    expect(r.code).toBe(1);
    expect(r.findings.map((f) => f.rule)).toEqual(NAMES.map(() => "conf-unknown-parameter"));
    expect(r.findings.map((f) => f.message).join("\n")).not.toMatch(/internal error|native code|function/);
  });

  it("pg_hba.conf: an invalid method, an unrecognized option", () => {
    for (const n of NAMES) {
      const m = parseHba(`host all all 10.0.0.1/32 ${n}\n`, { file: "pg_hba.conf", major: 15 });
      expect(
        m.problems.map((p) => p.message),
        n,
      ).toEqual([`invalid authentication method \`${n}\``]);
      const o = parseHba(`host all all 10.0.0.1/32 ldap ${n}=x\n`, { file: "pg_hba.conf", major: 15 });
      expect(o.problems[0]?.message, n).toMatch(
        new RegExp(`unrecognized authentication option name: \`${n}\``),
      );
    }
  });

  it("conninfo: an invalid connection option", () => {
    for (const n of NAMES) {
      const r = parseConninfo(`${n}=1 host=x`, { libpqMajor: 15 });
      expect(r.ok, n).toBe(false);
      expect(r.problems[0]?.message, n).toMatch(new RegExp(`^invalid connection option \`${n}\``));
    }
  });

  it("spec settings: unknown parameters with their position", async () => {
    const spec = join(dir, "spec.yaml");
    writeFileSync(
      spec,
      `version: 1
cluster: { postgres: 15, layout: pg_ctl }
replication: { user: repl, password: { env: PW } }
settings: { constructor: 1, toString: 2, valueOf: 3 }
nodes:
  - { name: a, role: primary, host: 10.0.0.1 }
  - { name: b, role: standby, host: 10.0.0.2 }
`,
    );
    const io = bufferIO({ cwd: dir });
    expect(await main(["validate", spec], io)).toBe(1);
    const lines = io.out().trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const [i, n] of ["constructor", "toString", "valueOf"].entries())
      expect(lines[i], n).toMatch(
        new RegExp(
          `spec\\.yaml:4:\\d+: settings\\.${n.toLowerCase()}: unknown parameter \`${n.toLowerCase()}\` for PostgreSQL 15$`,
          "i",
        ),
      );
  });
});
