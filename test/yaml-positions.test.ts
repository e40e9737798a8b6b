/**
 * YAML syntax errors are reported where the offending token is, as Debian's yamllint (PyYAML's
 * scanner; scripts/install-test-deps.sh installs it) reports them: each case is a mistake people
 * make in a spec, and the test asks yamllint itself where the error is rather than writing the
 * expected position down.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBin } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-yaml-pos-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CASES: Record<string, string> = {
  // the issue's: one space too many before `layout`
  "indented-one-too-far": "version: 1\ncluster:\n  name: main\n  postgres: 15\n   layout: debian\n",
  "indented-two-too-far": "cluster:\n  postgres: 15\n    layout: debian\n",
  "indented-one-too-few": "version: 1\ncluster:\n  name: main\n postgres: 15\n",
  "two-colons": "version: 1\ncluster: name: main\n",
  "tab-indent": "version: 1\ncluster:\n\tpostgres: 15\n",
  "unclosed-flow-sequence": "version: 1\nnodes: [a, b\nreplication: {}\n",
  "unclosed-quote": 'version: 1\ncluster:\n  name: "main\n  layout: debian\n',
  "sequence-item-indent": "version: 1\nnodes:\n  - name: a\n   role: primary\n",
  "sequence-items-misaligned": "version: 1\nnodes:\n  - name: a\n    role: primary\n   - name: b\n",
};

/** yamllint's first syntax error as LINE:COL */
function yamllint(file: string): string {
  const r = spawnSync("yamllint", ["-d", "relaxed", "-f", "parsable", file], { encoding: "utf8" });
  if (r.error)
    throw new Error(`yamllint could not run (${r.error.message}): scripts/install-test-deps.sh installs it`);
  const m = /^[^:]+:(\d+):(\d+): \[error\] syntax error/m.exec(r.stdout);
  if (!m) throw new Error(`yamllint found no syntax error in ${file}: ${r.stdout}`);
  return `${m[1]}:${m[2]}`;
}

describe("YAML syntax error positions", () => {
  it.each(Object.keys(CASES))("%s: at the token yamllint points at", (name) => {
    const file = `${name}.yaml`;
    writeFileSync(join(tmp, file), CASES[name] as string);
    const r = runBin(["validate", file], { cwd: tmp });
    expect(r.code).toBe(1);
    const first = r.stdout.split("\n")[0] as string;
    expect(first, first).toMatch(/^[^:]+:\d+:\d+: YAML syntax error: /);
    expect(first.split(":").slice(1, 3).join(":"), first).toBe(yamllint(join(tmp, file)));
  });

  it("the issue's case: `   layout: debian` one space too far is reported on its own line, at its colon", () => {
    writeFileSync(join(tmp, "issue.yaml"), CASES["indented-one-too-far"] as string);
    expect(runBin(["validate", "issue.yaml"], { cwd: tmp }).stdout).toMatch(
      /^issue\.yaml:5:10: YAML syntax error: /,
    );
  });

  it("an unclosed `[` is reported where the text can no longer be inside it, with where it opened", () => {
    writeFileSync(join(tmp, "flow.yaml"), CASES["unclosed-flow-sequence"] as string);
    expect(runBin(["validate", "flow.yaml"], { cwd: tmp }).stdout).toMatch(
      /^flow\.yaml:3:12: YAML syntax error: .*; note that the `\[` at 2:8 is not closed$/m,
    );
  });
});
