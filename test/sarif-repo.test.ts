/**
 * SARIF as GitHub code scanning reads it, from a real git repository: lint run from a
 * subdirectory (as a CI step with `working-directory:` does) still gives paths relative to the
 * repository root, which is what GitHub resolves them against; a `git worktree` (whose `.git` is
 * a file) is a root too; a re-run after lines moved gives the same fingerprints (no duplicate
 * alerts); rule pages are public addresses of files that exist in the repository at that path.
 * Every log is checked against the SARIF 2.1.0 schema.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runBin } from "./support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "pgrepl-sarif-repo-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const repo = join(tmp, "configs");

const schema = JSON.parse(
  readFileSync(join(ROOT, "test", "fixtures", "sarif", "sarif-2.1.0-rtm.5.json"), "utf8"),
) as Record<string, unknown>;
const { id, $schema: _draft, ...rest } = schema;
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile({ ...rest, $id: String(id) });

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

const HBA = "hostssl replication repl_user 192.168.1.5/24 scram-sha-256\n";
const CONF = "work_mem = 1MB\nshared_buffers = 1Gb\n";

beforeAll(() => {
  mkdirSync(join(repo, "clusters", "main"), { recursive: true });
  mkdirSync(join(repo, "clusters", "dr"), { recursive: true });
  writeFileSync(join(repo, "clusters", "main", "pg_hba.conf"), HBA);
  writeFileSync(join(repo, "clusters", "main", "postgresql.conf"), CONF);
  writeFileSync(join(repo, "clusters", "dr", "pg_hba.conf"), HBA);
  git(tmp, "init", "-q", repo);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "configs");
});

interface Log {
  runs: Array<{
    tool: {
      driver: { informationUri: string; rules: Array<{ id: string; name: string; helpUri?: string }> };
    };
    invocations: Array<{ workingDirectory: { uri: string } }>;
    originalUriBaseIds: Record<string, { uri: string }>;
    results: Array<{
      ruleId: string;
      partialFingerprints: Record<string, string>;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }>;
    }>;
  }>;
}

function sarif(cwd: string, ...paths: string[]): Log {
  const r = runBin(["lint", "--no-fs", "--postgres", "16", "--format", "sarif", ...paths], { cwd });
  expect(r.code, r.stderr).toBe(1);
  const log = JSON.parse(r.stdout) as Log;
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  return log;
}

const uris = (log: Log) =>
  [
    ...new Set(
      log.runs[0]?.results.map((x) => JSON.stringify(x.locations[0]?.physicalLocation.artifactLocation)),
    ),
  ]
    .map((s) => JSON.parse(s) as { uri: string; uriBaseId?: string })
    .sort((a, b) => (a.uri < b.uri ? -1 : 1));

describe("SARIF in a git repository", () => {
  it("from a subdirectory, paths are relative to the repository root, whatever the PATHs are relative to", () => {
    const sub = join(repo, "clusters", "main");
    const log = sarif(sub, ".", "../dr/pg_hba.conf");
    expect(uris(log)).toEqual([
      { uri: "clusters/dr/pg_hba.conf", uriBaseId: "%SRCROOT%" },
      { uri: "clusters/main/pg_hba.conf", uriBaseId: "%SRCROOT%" },
      { uri: "clusters/main/postgresql.conf", uriBaseId: "%SRCROOT%" },
    ]);
    const run = log.runs[0];
    expect(run?.originalUriBaseIds["%SRCROOT%"]?.uri).toBe(`file://${repo}/`);
    expect(run?.invocations[0]?.workingDirectory.uri).toBe(`file://${sub}/`);
    // each resolves, against the root, to the file in the repository
    for (const u of uris(log)) expect(existsSync(join(repo, u.uri)), u.uri).toBe(true);
    // the same from the root itself
    expect(uris(sarif(repo, "clusters"))).toEqual(uris(log));
  });

  it("a git worktree (its .git is a file) is the root of its own paths; a file outside the root is a file: URI", () => {
    const wt = join(tmp, "wt");
    git(repo, "worktree", "add", "-q", wt);
    const log = sarif(join(wt, "clusters"), "main/pg_hba.conf", join(repo, "clusters", "dr", "pg_hba.conf"));
    expect(uris(log)).toEqual([
      { uri: "clusters/main/pg_hba.conf", uriBaseId: "%SRCROOT%" },
      { uri: `file://${repo}/clusters/dr/pg_hba.conf` },
    ]);
    expect(log.runs[0]?.originalUriBaseIds["%SRCROOT%"]?.uri).toBe(`file://${wt}/`);
  });

  it("a re-run after lines moved gives the same fingerprints; a new finding gets a new one", () => {
    const before = sarif(repo, "clusters/main");
    const prints = (log: Log) =>
      log.runs[0]?.results
        .map((x) => `${x.ruleId} ${x.partialFingerprints["pgreplGenFindingHash/v1"]}`)
        .sort();
    const conf = join(repo, "clusters", "main", "postgresql.conf");
    writeFileSync(conf, `# tuned for the new hosts\n\n${CONF}`);
    const moved = sarif(repo, "clusters/main");
    expect(prints(moved)).toEqual(prints(before));
    writeFileSync(conf, `${CONF}maintenance_work_mem = 1Gb\n`);
    const more = prints(sarif(repo, "clusters/main")) ?? [];
    expect(more).toEqual(expect.arrayContaining(prints(before) ?? []));
    expect(more.length).toBe((prints(before) ?? []).length + 1);
    writeFileSync(conf, CONF);
  });

  it("rules point at their public page (this repository's docs/rules/NAME.md at the release tag), with a PascalCase name", () => {
    const log = sarif(repo, "clusters");
    const driver = log.runs[0]?.tool.driver;
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      version: string;
      homepage: string;
    };
    expect(driver?.informationUri).toBe(pkg.homepage.replace(/#readme$/, ""));
    for (const rule of driver?.rules ?? []) {
      const prefix = `${driver?.informationUri}/blob/v${pkg.version}/`;
      expect(rule.helpUri?.startsWith(prefix), rule.helpUri).toBe(true);
      expect(existsSync(join(ROOT, (rule.helpUri as string).slice(prefix.length))), rule.helpUri).toBe(true);
      expect(rule.name).not.toBe(rule.id);
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    }
    expect(driver?.rules.find((r) => r.id === "hba-cidr-host-bits")?.name).toBe("HbaCidrHostBits");
  });
});
