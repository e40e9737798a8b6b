/**
 * The pre-commit hooks of .pre-commit-hooks.yaml, run the way pre-commit runs them. pre-commit
 * itself (a PyPI package) is not installed here, so this emulates what it does on `git commit`:
 * it reads the hook definitions, merges the user's .pre-commit-config.yaml over them (args,
 * files, exclude), takes the staged file names (`git diff --cached --name-only
 * --diff-filter=ACMRTUXB`), keeps those that are files and match `files` and not `exclude`
 * (Python `re.search`), and runs `entry` split as shlex does, then `args`, then the file names
 * (none with `pass_filenames: false`), from the repository root. A hook with no matching file is
 * skipped. `language: node` puts the package's bin on PATH: here a shim to the built CLI.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, ROOT } from "./support/cli.js";

interface HookDef {
  id: string;
  entry: string;
  language: string;
  files?: string;
  exclude?: string;
  types?: string[];
  pass_filenames?: boolean;
  require_serial?: boolean;
  args?: string[];
  always_run?: boolean;
}

const HOOKS = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as HookDef[];
const tmp = mkdtempSync(join(tmpdir(), "pgrepl-precommit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `language: node`: the package's bin on PATH. */
const binDir = join(tmp, "bin");
beforeAll(() => {
  mkdirSync(binDir, { recursive: true });
  const shim = join(binDir, "pgrepl-gen");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  if (!statSync(join(ROOT, "dist", "cli.cjs"), { throwIfNoEntry: false })) {
    throw new Error("dist/cli.cjs is missing: run `npm run build` first");
  }
});

function git(repo: string, ...args: string[]): string {
  const r = spawnSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: tmp,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** shlex.split for the entries we ship (words, no quoting needed). */
function shlexSplit(s: string): string[] {
  return s.trim().split(/\s+/);
}

/** Python's re.search for the patterns in our hooks (JS regex syntax is the same for them). */
function search(pattern: string, path: string): boolean {
  return new RegExp(pattern).test(path);
}

interface HookRun {
  id: string;
  skipped: boolean;
  argv: string[];
  code: number | null;
  out: string;
}

/** What `git commit` with pre-commit installed does: every configured hook over the staged files. */
function preCommit(repo: string): HookRun[] {
  const config = parse(readFileSync(join(repo, ".pre-commit-config.yaml"), "utf8")) as {
    repos: Array<{ hooks: Array<Partial<HookDef> & { id: string }> }>;
  };
  const staged = git(repo, "diff", "--cached", "--name-only", "--diff-filter=ACMRTUXB", "-z")
    .split("\0")
    .filter(Boolean);
  const runs: HookRun[] = [];
  for (const h of config.repos.flatMap((r) => r.hooks)) {
    const def = HOOKS.find((d) => d.id === h.id);
    if (!def) throw new Error(`no hook ${h.id} in .pre-commit-hooks.yaml`);
    const hook: HookDef = { ...def, ...h };
    const files = staged.filter(
      (f) =>
        statSync(join(repo, f)).isFile() && search(hook.files ?? "", f) && !search(hook.exclude ?? "^$", f),
    );
    if (files.length === 0 && !hook.always_run) {
      runs.push({ id: hook.id, skipped: true, argv: [], code: 0, out: "" });
      continue;
    }
    const argv = [
      ...shlexSplit(hook.entry),
      ...(hook.args ?? []),
      ...(hook.pass_filenames === false ? [] : files),
    ];
    const [cmd, ...rest] = argv as [string, ...string[]];
    const r = spawnSync(cmd, rest, {
      cwd: repo,
      encoding: "utf8",
      env: { PATH: `${binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`, HOME: tmp },
    });
    runs.push({ id: hook.id, skipped: false, argv, code: r.status, out: `${r.stdout}${r.stderr}` });
  }
  return runs;
}

const USER_CONFIG = `repos:
  - repo: https://example.invalid/pgrepl-gen
    rev: v0.1.0
    hooks:
      - id: pgrepl-gen-lint
        exclude: ^rendered/
      - id: pgrepl-gen-render-check
        args: [topology.yaml, --out, rendered]
`;

/** A sample config repository: a Debian cluster's files, a spec and its committed rendered output. */
function sampleRepo(name: string): string {
  const repo = join(tmp, name);
  mkdirSync(join(repo, "clusters", "16", "main", "conf.d"), { recursive: true });
  const conf = join(repo, "clusters", "16", "main");
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
  writeFileSync(join(repo, ".github-ci.yml"), "jobs: {}\n");
  writeFileSync(join(repo, ".pre-commit-config.yaml"), USER_CONFIG);
  git(repo, "init", "-q");
  const r = spawnSync(process.execPath, [BIN, "render", "topology.yaml", "--out", "rendered"], {
    cwd: repo,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  git(repo, "add", "-A");
  return repo;
}

describe("pre-commit hooks, run as pre-commit runs them", () => {
  it("the hook file declares both hooks with what pre-commit needs", () => {
    expect(HOOKS.map((h) => h.id)).toEqual(["pgrepl-gen-lint", "pgrepl-gen-render-check"]);
    for (const h of HOOKS) {
      expect(h.language).toBe("node");
      expect(h.entry.split(" ")[0]).toBe("pgrepl-gen");
    }
    const lint = HOOKS[0] as HookDef;
    expect(lint.entry).toContain("--no-fs");
    const matches = (f: string) => search(lint.files ?? "", f);
    for (const f of [
      "postgresql.conf",
      "etc/postgresql/16/main/postgresql.conf",
      "data/postgresql.auto.conf",
      "pg_hba.conf",
      "main/pg_hba_replication.conf",
      "main/conf.d/10-memory.conf",
      "topology.yaml",
      "specs/prod.yml",
      "specs/prod.json",
    ]) {
      expect(matches(f), f).toBe(true);
    }
    for (const f of [
      "README.md",
      "pg_ident.conf",
      "start.conf",
      "main/pg_ctl.conf",
      "postgresql.conf.orig",
      "runbook.sh",
    ]) {
      expect(matches(f), f).toBe(false);
    }
    for (const f of ["package-lock.json", "web/pnpm-lock.yaml", "node_modules/x/postgresql.conf"]) {
      expect(matches(f) && !search(lint.exclude ?? "^$", f), f).toBe(false);
    }
  });

  it("a clean commit passes both hooks", () => {
    const repo = sampleRepo("clean");
    const runs = preCommit(repo);
    expect(runs.map((r) => [r.id, r.skipped, r.code])).toEqual([
      ["pgrepl-gen-lint", false, 0],
      ["pgrepl-gen-render-check", false, 0],
    ]);
    const lint = runs[0] as HookRun;
    // the staged config files and YAML/JSON are passed by name (lint skips YAML that is not a spec); the rendered output is excluded
    expect(lint.argv.slice(0, 3)).toEqual(["pgrepl-gen", "lint", "--no-fs"]);
    expect(lint.argv.slice(3).sort()).toEqual(
      [
        ".github-ci.yml",
        ".pre-commit-config.yaml",
        "clusters/16/main/conf.d/10-memory.conf",
        "clusters/16/main/pg_hba.conf",
        "clusters/16/main/postgresql.conf",
        "topology.yaml",
      ].sort(),
    );
    expect(lint.out).toBe("");
    expect((runs[1] as HookRun).argv).toEqual([
      "pgrepl-gen",
      "render",
      "--check",
      "topology.yaml",
      "--out",
      "rendered",
    ]);
  });

  it("a broken commit fails: the tutorial's hba line, a bad unit, and a spec changed without rendering again", () => {
    const repo = sampleRepo("broken");
    git(repo, "commit", "-q", "-m", "clean");
    const conf = join(repo, "clusters", "16", "main");
    writeFileSync(
      join(conf, "pg_hba.conf"),
      `${readFileSync(join(conf, "pg_hba.conf"), "utf8")}host    replication     repl_user       192.168.1.5/24          md5\n`,
    );
    writeFileSync(join(conf, "conf.d", "10-memory.conf"), "work_mem = 8Mb\n");
    const spec = join(repo, "topology.yaml");
    writeFileSync(spec, readFileSync(spec, "utf8").replace("slot: slaveslot1", "slot: replica_slot"));
    git(repo, "add", "clusters", "topology.yaml");
    const runs = preCommit(repo);
    const [lint, check] = runs as [HookRun, HookRun];
    expect(lint.code).toBe(1);
    // only the staged files are linted: the pg_hba.conf, the drop-in and the spec
    expect(lint.argv.slice(3).sort()).toEqual(
      ["clusters/16/main/conf.d/10-memory.conf", "clusters/16/main/pg_hba.conf", "topology.yaml"].sort(),
    );
    const firstLines = lint.out.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
    const rulesAt = firstLines.map((l) => `${l.split(": ")[0]} ${/\[([a-z-]+)\]$/.exec(l)?.[1]}`);
    expect(rulesAt).toEqual(
      expect.arrayContaining([
        "clusters/16/main/conf.d/10-memory.conf:1:12 conf-invalid-value",
        "clusters/16/main/pg_hba.conf:4:41 hba-cidr-host-bits",
        "clusters/16/main/pg_hba.conf:4:65 hba-weak-auth",
        "clusters/16/main/pg_hba.conf:4:1 replication-unencrypted",
      ]),
    );
    expect(check.code).toBe(1);
    expect(check.out).toContain("slaveslot1");
    expect(check.out).toMatch(/^[-+]{3} /m);
  });

  it("a commit touching no config file skips the lint hook; committed output copied elsewhere still checks", () => {
    const repo = sampleRepo("docs-only");
    git(repo, "commit", "-q", "-m", "clean");
    writeFileSync(join(repo, "NOTES.md"), "# notes\n");
    git(repo, "add", "NOTES.md");
    const runs = preCommit(repo);
    expect(runs.map((r) => [r.id, r.skipped, r.code])).toEqual([
      ["pgrepl-gen-lint", true, 0],
      ["pgrepl-gen-render-check", false, 0],
    ]);
    // render --check compares a directory, wherever it is: a copy is as up to date as the original
    cpSync(join(repo, "rendered"), join(repo, "copy"), { recursive: true });
    const r = spawnSync(join(binDir, "pgrepl-gen"), ["render", "--check", "topology.yaml", "--out", "copy"], {
      cwd: repo,
      encoding: "utf8",
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
