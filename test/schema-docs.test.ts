/**
 * The schema as editors use it (docs/editors.md): every key has a description and an example,
 * every optional key its default (a `default`, or said in the description when it depends on
 * other keys); every example and default is valid for its key; the schema compiles under ajv's
 * strict mode; and a JSON spec may carry `$schema`, which validate ignores.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runBin } from "./support/cli.js";

type Schema = Record<string, unknown> & {
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  definitions?: Record<string, Schema>;
};
const SCHEMA = JSON.parse(readFileSync(join(ROOT, "schemas/topology.schema.json"), "utf8")) as Schema;
const tmp = mkdtempSync(join(tmpdir(), "pgrepl-schema-docs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** every key a spec can hold: [path, its schema, whether it is required] */
function keys(node: Schema, path: string, out: Array<[string, Schema, boolean]> = []) {
  const required = new Set(node.required ?? []);
  for (const [k, v] of Object.entries(node.properties ?? {})) {
    out.push([`${path}${k}`, v, required.has(k)]);
    keys(v, `${path}${k}.`, out);
    if (v.items) keys(v.items, `${path}${k}[].`, out);
  }
  return out;
}
const ALL = [...keys(SCHEMA, ""), ...keys(SCHEMA.definitions?.node as Schema, "nodes[].")];

describe("the schema for editors", () => {
  it("every key has a description and an example; every optional key its default", () => {
    expect(ALL.length).toBeGreaterThanOrEqual(58);
    const missing: string[] = [];
    for (const [path, s, required] of ALL) {
      if (typeof s.description !== "string" || s.description.length < 10)
        missing.push(`${path}: description`);
      if (!Array.isArray(s.examples) || s.examples.length === 0) missing.push(`${path}: examples`);
      const said = /\b(default|absent)\b/i.test(String(s.description));
      if (!required && !("default" in s) && !said && path !== "$schema") missing.push(`${path}: default`);
      if (required && "default" in s) missing.push(`${path}: a required key has no default`);
    }
    expect(missing).toEqual([]);
  });

  it("compiles under ajv's strict mode, and every example and default is valid for its key", () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats.default(ajv);
    ajv.compile(SCHEMA);
    const bad: string[] = [];
    for (const [path, s] of ALL) {
      const check = new Ajv({ strict: false, allowUnionTypes: true });
      addFormats.default(check);
      const validate = check.compile({ ...s, definitions: SCHEMA.definitions });
      for (const v of [...((s.examples as unknown[]) ?? []), ...("default" in s ? [s.default] : [])]) {
        if (!validate(v)) bad.push(`${path}: ${JSON.stringify(v)}: ${check.errorsText(validate.errors)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("a JSON spec may name its schema with $schema: validate and render ignore it; it must be a string", () => {
    const seed = JSON.parse(readFileSync(join(ROOT, "fixtures/specs/seed.json"), "utf8")) as Record<
      string,
      unknown
    >;
    const url = "https://raw.githubusercontent.com/pgrepl-gen/pgrepl-gen/v0.1.0/schemas/topology.schema.json";
    writeFileSync(join(tmp, "topology.json"), JSON.stringify({ $schema: url, ...seed }, null, 2));
    const v = runBin(["validate", "topology.json"], { cwd: tmp });
    expect([v.code, v.stdout, v.stderr]).toEqual([0, "", ""]);
    const plain = join(tmp, "plain");
    writeFileSync(join(tmp, "plain.json"), JSON.stringify(seed));
    expect(runBin(["render", "plain.json", "--out", plain], { cwd: tmp }).code).toBe(0);
    expect(runBin(["render", "topology.json", "--out", "with"], { cwd: tmp }).code).toBe(0);
    const conf = "replica/conf.d/pgrepl-gen.conf";
    expect(readFileSync(join(tmp, "with", conf), "utf8").replace(/topology\.json/g, "plain.json")).toBe(
      readFileSync(join(plain, conf), "utf8"),
    );
    writeFileSync(join(tmp, "bad.json"), JSON.stringify({ $schema: 5, ...seed }, null, 2));
    const bad = runBin(["validate", "bad.json"], { cwd: tmp });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^bad\.json:2:14: /);
  });

  it("docs/editors.md shows the YAML modeline and the VS Code settings, naming this version's schema", () => {
    const docs = readFileSync(join(ROOT, "docs/editors.md"), "utf8");
    const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
      .version;
    const url = `https://raw.githubusercontent.com/pgrepl-gen/pgrepl-gen/v${version}/schemas/topology.schema.json`;
    expect(docs).toContain(`# yaml-language-server: $schema=${url}`);
    expect(docs).toContain('"yaml.schemas"');
    expect(docs).toContain('"json.schemas"');
    // the modeline is a comment to pgrepl-gen: a spec that starts with it validates
    const seed = readFileSync(join(ROOT, "fixtures/specs/seed.yaml"), "utf8");
    writeFileSync(join(tmp, "modeline.yaml"), `# yaml-language-server: $schema=${url}\n${seed}`);
    expect(runBin(["validate", "modeline.yaml"], { cwd: tmp }).code).toBe(0);
  });
});
