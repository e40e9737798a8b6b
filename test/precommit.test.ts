/**
 * The pre-commit hooks, installed and run by the real pre-commit: Debian's `pre-commit` (3.0.4,
 * scripts/install-test-deps.sh installs it), from a tagged clone of this repository, with the
 * `.pre-commit-config.yaml` exactly as docs/pre-commit.md shows it (only `repo:` points at the
 * clone). The clone holds the working tree as it is now (dist/ included: `npm test` builds it
 * first), committed and tagged `v` + package.json's version, so what is tested is what a user
 * gets from a release made of this tree. Also: the exact npm command pre-commit 4.x runs to
 * install a `language: node` hook, and `pre-commit autoupdate` on that clone.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./support/cli.js";

interface HookDef {
  id: string;
  entry: string;
  language: string;
  files?: string;
  exclude?: string;
  pass_filenames?: boolean;
}

const HOOKS = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as HookDef[];
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const TAG = `v${VERSION}`;
const tmp = mkdtempSync(join(tmpdir(), "pgrepl-precommit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  // pre-commit's cache (its clones of hook repositories and their environments), fresh per run
  PRE_COMMIT_HOME: join(tmp, "pre-commit-home"),
  PRE_COMMIT_COLOR: "never",
};

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error)
    throw new Error(`${cmd} could not run (${r.error.message}): scripts/install-test-deps.sh installs it`);
  return { code: r.status, out: `${r.stdout}${r.stderr}`, ms: Math.round(performance.now() - t0) };
}

function git(repo: string, ...args: string[]): string {
  const r = sh("git", args, repo);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.out}`);
  return r.out.trim();
}

/** The `.pre-commit-config.yaml` of docs/pre-commit.md (its first yaml block), `repo:` set to `url`. */
function docsConfig(url: string, rev?: string): string {
  const docs = readFileSync(join(ROOT, "docs", "pre-commit.md"), "utf8");
  const block = /```yaml\n(repos:\n[\s\S]*?)```/.exec(docs)?.[1];
  if (block === undefined) throw new Error("docs/pre-commit.md has no ```yaml block starting `repos:`");
  let text = block.replace(/^(\s*- repo: )\S+/m, `$1${url}`);
  if (rev !== undefined) text = text.replace(/^(\s*rev: )\S+/m, `$1${rev}`);
  return text;
}

/** This repository as a release of the working tree: a clone, the tree committed, the tag. */
const hooks = join(tmp, "pgrepl-gen");
let tagged = "";
/** the annotated tag's own object: what `pre-commit autoupdate --freeze` writes */
let tagObject = "";
const timings: Record<string, number> = {};

beforeAll(() => {
  const v = sh("pre-commit", ["--version"], tmp);
  if (v.code !== 0) throw new Error(`pre-commit --version: ${v.out}`);
  git(tmp, "clone", "-q", "--no-local", ROOT, hooks);
  // the working tree as it is (with this tree's .gitignore), not only its last commit
  const gitDir = join(hooks, ".git");
  // node_modules and .cache stay out whether they are directories (.gitignore) or symlinks (a
  // worktree's): an exclude pathspec naming an ignored path makes `git add` fail instead
  writeFileSync(join(gitDir, "info", "exclude"), "node_modules\n.cache\n");
  git(ROOT, `--git-dir=${gitDir}`, `--work-tree=${ROOT}`, "add", "-A", "--", ".");
  git(hooks, "commit", "-q", "--allow-empty", "-m", "the working tree under test");
  git(hooks, "reset", "-q", "--hard");
  git(hooks, "clean", "-qfdx");
  git(hooks, "tag", "-a", TAG, "-m", `release ${TAG}`);
  tagged = git(hooks, "rev-parse", "HEAD");
  tagObject = git(hooks, "rev-parse", TAG);
  expect(git(hooks, "status", "--porcelain")).toBe("");
}, 120_000);

/** A config repository: a Debian cluster's files, a spec and its rendered output, all committed. */
function configRepo(name: string, rev?: string): string {
  const repo = join(tmp, name);
  const conf = join(repo, "clusters", "16", "main");
  mkdirSync(join(conf, "conf.d"), { recursive: true });
  writeFileSync(
    join(conf, "postgresql.conf"),
    "listen_addresses = 'localhost,192.168.1.4'\nport = 5432\nssl = on\nssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'\nssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'\ninclude_dir = 'conf.d'\n",
  );
  writeFileSync(join(conf, "conf.d", "10-memory.conf"), "work_mem = 8MB\n");
  writeFileSync(
    join(conf, "pg_hba.conf"),
    "local   all             postgres                                peer\nlocal   all             all                                     peer\nhostssl replication     repl_user       192.168.1.5/32          scram-sha-256\n",
  );
  const spec = readFileSync(join(ROOT, "fixtures", "specs", "seed.yaml"), "utf8").replace(
    /^(\s*postgres:\s*)\d+/m,
    "$116",
  );
  writeFileSync(join(repo, "topology.yaml"), spec);
  writeFileSync(join(repo, ".pre-commit-config.yaml"), docsConfig(hooks, rev));
  git(repo, "init", "-q");
  // rendered with the command the hook runs, from the installed hook environment later
  const r = sh(
    process.execPath,
    [join(hooks, "bin", "pgrepl-gen.js"), "render", "topology.yaml", "--out", "rendered"],
    repo,
  );
  expect(r.code, r.out).toBe(0);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "the cluster as it is");
  return repo;
}

/** `git commit` with the hooks installed: whether the commit was made, and what the hooks said. */
function commit(repo: string, message: string): { made: boolean; out: string } {
  const before = git(repo, "rev-parse", "HEAD");
  const r = sh("git", ["commit", "-q", "-m", message], repo);
  const made = git(repo, "rev-parse", "HEAD") !== before;
  expect(made, r.out).toBe(r.code === 0);
  return { made, out: r.out };
}

/** pre-commit's `- hook id: X` sections as id -> "Passed"/"Failed"/"Skipped" */
function verdicts(out: string): Record<string, string> {
  const v: Record<string, string> = {};
  for (const m of out.matchAll(
    /^pgrepl-gen (lint|render --check)\.+(\(no files to check\))?(Passed|Failed|Skipped)$/gm,
  )) {
    v[m[1] === "lint" ? "pgrepl-gen-lint" : "pgrepl-gen-render-check"] = m[3] as string;
  }
  return v;
}

describe("the hooks, installed by the real pre-commit from a tagged clone", () => {
  it("the hook file declares both hooks, as language: node running the package's command", () => {
    expect(HOOKS.map((h) => h.id)).toEqual(["pgrepl-gen-lint", "pgrepl-gen-render-check"]);
    for (const h of HOOKS) {
      expect(h.language).toBe("node");
      expect(h.entry.split(" ")[0]).toBe("pgrepl-gen");
    }
    const lint = HOOKS[0] as HookDef;
    const matches = (f: string) =>
      new RegExp(lint.files ?? "").test(f) && !new RegExp(lint.exclude ?? "^$").test(f);
    for (const f of [
      "etc/postgresql/16/main/postgresql.conf",
      "pg_hba.conf",
      "main/pg_hba_repl.conf",
      "main/conf.d/10-memory.conf",
      "topology.yaml",
      "specs/prod.json",
    ]) {
      expect(matches(f), f).toBe(true);
    }
    for (const f of [
      "README.md",
      "pg_ident.conf",
      "postgresql.conf.orig",
      "package-lock.json",
      "node_modules/x/postgresql.conf",
    ]) {
      expect(matches(f), f).toBe(false);
    }
  });

  it("installs with `rev:` a tag; clean files pass, a bad pg_hba.conf line and a drifted render block the commit", () => {
    const repo = configRepo("cluster");
    const install = sh("pre-commit", ["install", "--install-hooks"], repo);
    timings["pre-commit 3 first install"] = install.ms;
    expect(install.code, install.out).toBe(0);
    expect(install.out).toContain("pre-commit installed at .git/hooks/pre-commit");

    const clean = sh("pre-commit", ["run", "--all-files"], repo);
    timings["pre-commit run --all-files (later)"] = clean.ms;
    expect(clean.code, clean.out).toBe(0);
    expect(verdicts(clean.out)).toEqual({ "pgrepl-gen-lint": "Passed", "pgrepl-gen-render-check": "Passed" });
    const lintOnly = sh("pre-commit", ["run", "pgrepl-gen-lint", "--all-files"], repo);
    timings["pre-commit run pgrepl-gen-lint --all-files"] = lintOnly.ms;
    expect(lintOnly.code, lintOnly.out).toBe(0);

    // the tutorial's line: a /24 where one host was meant, md5, no TLS
    const hba = join(repo, "clusters", "16", "main", "pg_hba.conf");
    const good = readFileSync(hba, "utf8");
    writeFileSync(hba, `${good}host    replication     repl_user       192.168.1.5/24          md5\n`);
    const bad = sh("pre-commit", ["run", "--all-files"], repo);
    expect(bad.code, bad.out).toBe(1);
    expect(verdicts(bad.out)).toEqual({ "pgrepl-gen-lint": "Failed", "pgrepl-gen-render-check": "Passed" });
    const at = [...bad.out.matchAll(/^(\S+:\d+:\d+): \w+: .*\[([a-z-]+)\]$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(at).toEqual(
      expect.arrayContaining([
        "clusters/16/main/pg_hba.conf:4:41 hba-cidr-host-bits",
        "clusters/16/main/pg_hba.conf:4:65 hba-weak-auth",
        "clusters/16/main/pg_hba.conf:4:1 replication-unencrypted",
      ]),
    );
    git(repo, "add", "-A");
    const blocked = commit(repo, "a replication line for the standby");
    expect(blocked.made).toBe(false);
    expect(blocked.out).toContain("hba-cidr-host-bits");

    // fixed: the commit goes through
    writeFileSync(
      hba,
      `${good}hostssl replication     repl_user       192.168.1.6/32          scram-sha-256\n`,
    );
    git(repo, "add", "-A");
    expect(commit(repo, "a replication line for a second standby").made).toBe(true);

    // the spec changed, the rendered output not: render --check fails with the diff
    const spec = join(repo, "topology.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("slot: slaveslot1", "slot: replica_slot"));
    git(repo, "add", "-A");
    const drift = commit(repo, "rename the slot");
    expect(drift.made).toBe(false);
    expect(verdicts(drift.out)["pgrepl-gen-render-check"]).toBe("Failed");
    expect(drift.out).toMatch(/^-primary_slot_name = slaveslot1$/m);
    expect(drift.out).toMatch(/^\+primary_slot_name = replica_slot$/m);
    // rendered again with the hook's own installed command, the same commit passes
    const envBin = sh(
      "bash",
      ["-c", `ls -d "$PRE_COMMIT_HOME"/repo*/node_env-*/bin | head -1`],
      repo,
    ).out.trim();
    const rerender = sh(join(envBin, "pgrepl-gen"), ["render", "topology.yaml", "--out", "rendered"], repo);
    expect(rerender.code, rerender.out).toBe(0);
    git(repo, "add", "-A");
    expect(commit(repo, "rename the slot").made).toBe(true);
    console.log(`pre-commit ${sh("pre-commit", ["--version"], tmp).out.trim()} timings (ms):`, timings);
  }, 300_000);

  it("installs with `rev:` a commit hash, and `pre-commit autoupdate` moves a hash to the release tag", () => {
    const repo = configRepo("pinned", tagged);
    const run = sh("pre-commit", ["run", "--all-files"], repo);
    expect(run.code, run.out).toBe(0);
    expect(verdicts(run.out)).toEqual({ "pgrepl-gen-lint": "Passed", "pgrepl-gen-render-check": "Passed" });
    const up = sh("pre-commit", ["autoupdate"], repo);
    expect(up.code, up.out).toBe(0);
    expect(readFileSync(join(repo, ".pre-commit-config.yaml"), "utf8")).toMatch(
      new RegExp(`^\\s*rev: ${TAG}\\b`, "m"),
    );
    const frozen = sh("pre-commit", ["autoupdate", "--freeze"], repo);
    expect(frozen.code, frozen.out).toBe(0);
    expect(readFileSync(join(repo, ".pre-commit-config.yaml"), "utf8")).toMatch(
      new RegExp(`^\\s*rev: ${tagObject}\\s+# frozen: ${TAG}$`, "m"),
    );
  }, 300_000);

  it("pre-commit 4.x's install command (npm install --allow-git=root --install-links -g git+file://…) gives a working command", () => {
    const prefix = join(tmp, "prefix");
    const env = { ...ENV, npm_config_prefix: prefix, npm_config_update_notifier: "false" };
    const r = sh(
      "npm",
      ["install", "--allow-git=root", "--install-links", "-g", `git+file://${hooks}#${TAG}`],
      tmp,
      env,
    );
    timings["npm install -g git+file:// (4.x)"] = r.ms;
    expect(r.code, r.out).toBe(0);
    const bin = join(prefix, "bin", "pgrepl-gen");
    const repo = configRepo("npm4");
    const clean = sh(bin, ["lint", "--no-fs", "clusters/16/main/pg_hba.conf", "topology.yaml"], repo);
    expect(clean.code, clean.out).toBe(0);
    expect(sh(bin, ["render", "--check", "topology.yaml", "--out", "rendered"], repo).code).toBe(0);
    writeFileSync(
      join(repo, "clusters/16/main/pg_hba.conf"),
      "host replication repl_user 192.168.1.5/24 md5\n",
    );
    const bad = sh(bin, ["lint", "--no-fs", "clusters/16/main/pg_hba.conf"], repo);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^clusters\/16\/main\/pg_hba\.conf:1:28: warning: .*\[hba-cidr-host-bits\]$/m);
    expect(sh(bin, ["--version"], repo).out.trim()).toBe(VERSION);
    console.log("npm 4.x-style install (ms):", r.ms);
  }, 300_000);
});
