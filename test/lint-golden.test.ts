/**
 * Golden fixture trees: every case under fixtures/lint/ok/ must lint clean; every case under
 * fixtures/lint/err/<case>/ must print exactly its expected.txt. A case runs `pgrepl-gen lint`
 * from its own directory with the arguments of its args.txt (default `.`), so its paths are
 * relative and a .pgrepl-gen.yaml in it is found. `UPDATE_GOLDEN=1` rewrites expected.txt
 * after an intended change; review the diff.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LayoutName } from "../src/pg/layouts.js";
import { stockFile } from "../src/render/stock.js";
import type { NodeModel } from "../src/spec/model.js";
import { ROOT } from "./support/cli.js";
import { goldenArgs, goldenCases, runLint } from "./support/lint.js";

const OK = join(ROOT, "fixtures", "lint", "ok");
const ERR = join(ROOT, "fixtures", "lint", "err");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

describe("fixtures/lint/ok: nothing to report", () => {
  for (const c of goldenCases(OK)) {
    it(c, async () => {
      const dir = join(OK, c);
      const r = await runLint(goldenArgs(dir), dir);
      expect(r.out).toBe("");
      // a note on stderr (a standby lint could not place) is part of the case when it says so
      const stderrFile = join(dir, "expected-stderr.txt");
      if (UPDATE && (r.err !== "" || existsSync(stderrFile))) writeFileSync(stderrFile, r.err);
      expect(r.err).toBe(existsSync(stderrFile) ? readFileSync(stderrFile, "utf8") : "");
      expect(r.code).toBe(0);
    });
  }
});

describe("fixtures/lint/err: exactly the expected findings", () => {
  for (const c of goldenCases(ERR)) {
    it(c, async () => {
      const dir = join(ERR, c);
      const r = await runLint(goldenArgs(dir), dir);
      const expectedFile = join(dir, "expected.txt");
      // notes on stderr (an unknown version) are part of the expected output when there are any
      const stderrFile = join(dir, "expected-stderr.txt");
      if (UPDATE) {
        writeFileSync(expectedFile, r.out);
        if (r.err !== "" || existsSync(stderrFile)) writeFileSync(stderrFile, r.err);
      }
      expect(r.err).toBe(existsSync(stderrFile) ? readFileSync(stderrFile, "utf8") : "");
      expect(r.out).toBe(readFileSync(expectedFile, "utf8"));
      // exit 1 exactly when a finding reaches --fail-on (warning unless args.txt says otherwise)
      const failOn = goldenArgs(dir).includes("--fail-on") ? "error" : "warning";
      const failing = failOn === "error" ? /: error: / : /: (error|warning): /;
      expect(r.code).toBe(failing.test(r.out) ? 1 : 0);
      expect(r.out).not.toBe("");
    });
  }
});

describe("stock files of every version and layout lint clean", () => {
  const stock = join(ROOT, "src", "pg", "stock");
  const tmp = mkdtempSync(join(tmpdir(), "pgrepl-lint-stock-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  for (const v of goldenCases(stock)) {
    for (const layout of goldenCases(join(stock, v)) as LayoutName[]) {
      it(`${v}/${layout}`, async () => {
        // placeholders filled in as render fills them; Debian's layout path names the version
        const node = { cluster: "main", port: 5432 } as NodeModel;
        const dir = join(tmp, layout, "etc", "postgresql", v, "main");
        mkdirSync(join(dir, "conf.d"), { recursive: true });
        for (const f of ["postgresql.conf", "pg_hba.conf"] as const) {
          writeFileSync(join(dir, f), stockFile(Number(v), layout, f, node));
        }
        const r = await runLint(["--no-fs", dir], ROOT);
        expect(r.out).toBe("");
        expect(r.code).toBe(0);
      });
    }
  }
});
