/**
 * What render does to the files of its output directory, and what it never does:
 * - writes are atomic: killed at any point (strace injects SIGKILL at the N-th rename or write
 *   of the real CLI), every file is its old or its new content, never a part, and the next
 *   render finishes the job without --force;
 * - modes are 0755 for runbooks and 0644 for the rest, whatever the umask, and are repaired;
 * - it never deletes a file it did not write, even with --prune --force: foreign files, and a
 *   manifest (a file in the repository, anyone can edit it) naming paths outside the directory,
 *   through a symbolic link, or a link or directory where its file was;
 * - `render --check` writes nothing, not even a temporary file.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferIO } from "../src/cli/io.js";
import { main } from "../src/cli/main.js";
import { renderFiles } from "../src/render/render.js";
import { MANIFEST, writeRendered } from "../src/render/write.js";
import { loadSpec } from "../src/spec/load.js";
import { BIN, runBin } from "./support/cli.js";

let tmp = "";
beforeAll(() => {
  if (spawnSync("strace", ["--version"]).error)
    throw new Error("strace is missing: apt-get install -y strace");
  runBin(["--version"]); // fails loudly when dist/cli.cjs is not built
  tmp = mkdtempSync(join(tmpdir(), "pgrepl-render-safety-"));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A spec with a primary and `standbys` standbys; `user` changes every file's content. */
function spec(dir: string, standbys: number, user = "repl_user"): string {
  const nodes = Array.from(
    { length: standbys },
    (_, i) => `  - { name: s${i}, role: standby, host: 10.0.${Math.floor(i / 200)}.${(i % 200) + 2} }\n`,
  ).join("");
  const path = join(dir, `spec-${standbys}-${user}.yaml`);
  writeFileSync(
    path,
    `version: 1
cluster: { postgres: 16, layout: pg_ctl }
replication: { user: ${user}, password: { env: PGREPL_PASSWORD } }
nodes:
  - { name: p, role: primary, host: 10.0.0.1 }
${nodes}`,
  );
  return path;
}

async function render(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIO({ cwd });
  const code = await main(["render", ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** Every entry under dir: path → kind, mode, content hash (files), link target, inode, mtime. */
function tree(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    const st = lstatSync(d);
    m.set(rel || ".", `dir ${st.mode.toString(8)} ${st.ino} ${st.mtimeMs}`);
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const s = lstatSync(p);
      if (s.isDirectory()) walk(p, r);
      else if (s.isSymbolicLink()) m.set(r, `link ${s.ino}`);
      else
        m.set(
          r,
          `file ${s.mode.toString(8)} ${s.ino} ${s.mtimeMs} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`,
        );
    }
  };
  walk(dir, "");
  return m;
}

function contents(files: { path: string; content: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.content]));
}

function expected(specPath: string): Map<string, string> {
  const r = loadSpec(specPath, tmp);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join("\n"));
  return contents(renderFiles(r.topology, specPath));
}

/** The built CLI under strace, killed by SIGKILL when it enters the `when`-th rename/write. */
function killedAt(syscall: "rename" | "write", when: number, args: string[], cwd: string) {
  const calls = syscall === "rename" ? "rename,renameat,renameat2" : "write,pwrite64";
  return spawnSync(
    "strace",
    [
      "-f",
      "-qq",
      "-o",
      "/dev/null",
      "-e",
      `trace=${calls}`,
      "-e",
      `inject=${calls}:signal=KILL:when=${when}`,
      process.execPath,
      BIN,
      ...args,
    ],
    { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } },
  );
}

/** How many renames a whole render makes (one per file it writes, the manifest last). */
function renamesOf(args: string[], cwd: string): number {
  const log = join(tmp, `renames-${Date.now()}.txt`);
  const r = spawnSync(
    "strace",
    ["-f", "-qq", "-o", log, "-e", "trace=rename,renameat,renameat2", process.execPath, BIN, ...args],
    {
      cwd,
      encoding: "utf8",
    },
  );
  expect(r.status, r.stderr).toBe(0);
  const n = readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => /rename/.test(l) && /= 0$/.test(l)).length;
  rmSync(log);
  return n;
}

describe("render writes atomically", () => {
  it("killed before any rename or write of a 60-node render, every file is old or new, and the next render completes", () => {
    const dir = mkdtempSync(join(tmp, "atomic-"));
    const oldSpec = spec(dir, 60, "repl_old");
    const newSpec = spec(dir, 60, "repl_new");
    const out = join(dir, "out");
    const before = expected(oldSpec);
    const after = expected(newSpec);
    expect([...before.keys()].sort()).toEqual([...after.keys()].sort());
    // the files the new spec changes
    const changed = [...after.keys()].filter((p) => after.get(p) !== before.get(p));
    expect(changed.length).toBeGreaterThan(after.size / 2); // standby.signal and plan.json stay

    const fresh = () => {
      rmSync(out, { recursive: true, force: true });
      expect(runBin(["render", oldSpec, "--out", out], { cwd: dir }).code).toBe(0);
    };
    fresh();
    const total = renamesOf(["render", newSpec, "--out", out], dir);
    expect(total).toBe(changed.length + 1); // every changed file, then the manifest

    const points: Array<["rename" | "write", number]> = [
      ["rename", 1],
      ["rename", 2],
      ["rename", Math.floor(total / 2)],
      ["rename", total - 1],
      ["rename", total],
      ["write", 1],
      ["write", Math.floor(total / 3)],
    ];
    for (const [syscall, n] of points) {
      fresh();
      const r = killedAt(syscall, n, ["render", newSpec, "--out", out], dir);
      expect(
        r.signal === "SIGKILL" || r.status === 137,
        `killed at ${syscall} ${n}: ${r.status} ${r.signal}`,
      ).toBe(true);
      let untouched = 0;
      let updated = 0;
      for (const p of changed) {
        const now = readFileSync(join(out, p), "utf8");
        if (now === after.get(p)) updated++;
        else if (now === before.get(p)) untouched++;
        else expect.fail(`killed at ${syscall} ${n}: ${p} is neither its old nor its new content`);
      }
      for (const [p, c] of after)
        if (!changed.includes(p)) expect(readFileSync(join(out, p), "utf8")).toBe(c);
      // exactly the files renamed before the kill are new
      if (syscall === "rename")
        expect(updated, `killed at rename ${n}`).toBe(Math.min(n - 1, changed.length));
      // the only other entries: temporary files that were never renamed into place
      const extra = [...tree(out).keys()].filter(
        (p) => p !== "." && p !== MANIFEST && !after.has(p) && !isDir(join(out, p)),
      );
      for (const e of extra)
        expect(e, `killed at ${syscall} ${n}`).toMatch(/(^|\/)\.[a-z0-9]+\.pgrepl-gen\.tmp$/);
      // and the next render finishes without --force
      const again = runBin(["render", newSpec, "--out", out], { cwd: dir });
      expect(again.code, again.stderr).toBe(0);
      for (const [p, c] of after) expect(readFileSync(join(out, p), "utf8")).toBe(c);
      expect(untouched + updated).toBe(changed.length);
    }
  }, 300_000);
});

function isDir(p: string): boolean {
  return lstatSync(p).isDirectory();
}

describe("modes", () => {
  it("runbooks 0755, everything else 0644, under any umask; a wrong mode is repaired", () => {
    const dir = mkdtempSync(join(tmp, "modes-"));
    const s = spec(dir, 2);
    for (const umask of ["077", "000", "022"]) {
      const out = join(dir, `out-${umask}`);
      const r = spawnSync(
        "sh",
        ["-c", `umask ${umask}; exec "$0" "$@"`, process.execPath, BIN, "render", s, "--out", out],
        {
          cwd: dir,
          encoding: "utf8",
        },
      );
      expect(r.status, r.stderr).toBe(0);
      for (const [p, entry] of tree(out)) {
        if (!entry.startsWith("file")) continue;
        const mode = entry.split(" ")[1]?.slice(-3);
        expect(mode, `${p} under umask ${umask}`).toBe(p.endsWith("runbook.sh") ? "755" : "644");
      }
    }
    const out = join(dir, "out-022");
    chmodSync(join(out, "p/runbook.sh"), 0o600);
    chmodSync(join(out, "README.md"), 0o666);
    expect(runBin(["render", s, "--out", out], { cwd: dir }).code).toBe(0);
    expect((lstatSync(join(out, "p/runbook.sh")).mode & 0o777).toString(8)).toBe("755");
    expect((lstatSync(join(out, "README.md")).mode & 0o777).toString(8)).toBe("644");
  });
});

describe("an edited file is found edited", () => {
  it("even when its bytes decode to the rendered text (bytes that are not UTF-8 next to a U+FFFD)", () => {
    const dir = mkdtempSync(join(tmp, "fffd-"));
    const content = "a = '\uFFFD'\n";
    const opts = { force: false, prune: false };
    expect(
      writeRendered(dir, "spec.yaml", [{ path: "f.conf", content, mode: 0o644, what: "a file" }], opts)
        .written,
    ).toEqual(["f.conf"]);
    // EF BF BD (U+FFFD) replaced by F0 9F 98, a cut-off character: same length, same decoded text
    const edited = Buffer.from(content, "utf8");
    edited.set([0xf0, 0x9f, 0x98], edited.indexOf(Buffer.from("\uFFFD", "utf8")));
    expect(edited.toString("utf8")).toBe(content);
    writeFileSync(join(dir, "f.conf"), edited);
    const again = writeRendered(
      dir,
      "spec.yaml",
      [{ path: "f.conf", content, mode: 0o644, what: "a file" }],
      opts,
    );
    expect(again.refused).toEqual([{ path: "f.conf", reason: "edited since pgrepl-gen wrote it" }]);
    expect(readFileSync(join(dir, "f.conf")).equals(edited)).toBe(true);
  });
});

describe("render never deletes a file it did not write", () => {
  it("foreign files stay, even with --prune --force after nodes left the spec", async () => {
    const dir = mkdtempSync(join(tmp, "prune-"));
    const out = join(dir, "out");
    expect((await render([spec(dir, 3), "--out", out], dir)).code).toBe(0);
    const foreign = [
      "notes.txt",
      "p/local-notes.md",
      "s2/keep-me.conf",
      "s2/conf.d/extra.conf",
      "s1/.hidden",
    ];
    for (const f of foreign) writeFileSync(join(out, f), `mine: ${f}\n`);
    const r = await render([spec(dir, 1), "--out", out, "--prune", "--force"], dir);
    expect(r.code, r.err).toBe(0);
    for (const f of foreign) expect(readFileSync(join(out, f), "utf8")).toBe(`mine: ${f}\n`);
    // what render wrote for the nodes that left is gone, the directories that hold foreign files stay
    expect(existsSync(join(out, "s2/runbook.sh"))).toBe(false);
    expect(existsSync(join(out, "s1/runbook.sh"))).toBe(false);
    expect(existsSync(join(out, "s0/runbook.sh"))).toBe(true);
  });

  it("a manifest naming files outside the directory, through links, or replaced by links or directories deletes nothing", async () => {
    const dir = mkdtempSync(join(tmp, "manifest-"));
    const out = join(dir, "out");
    const outside = mkdtempSync(join(tmp, "victims-"));
    const s = spec(dir, 1);
    expect((await render([s, "--out", out], dir)).code).toBe(0);
    const victim = (name: string) => {
      const p = join(outside, name);
      writeFileSync(p, `victim ${name}\n`);
      return p;
    };
    const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
    const manifestPath = join(out, MANIFEST);
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      files: Record<string, { sha256: string; mode: string }>;
    };
    const outsideName = outside.split("/").pop() as string;
    // 1. a path that climbs out of the directory, with the victim's own hash (so it looks unedited)
    const v1 = victim("climb.txt");
    manifest.files[`../${outsideName}/climb.txt`] = { sha256: sha(v1), mode: "0644" };
    manifest.files[`p/../../${outsideName}/climb.txt`] = { sha256: sha(v1), mode: "0644" };
    // 2. an absolute path
    const v2 = victim("absolute.txt");
    manifest.files[v2] = { sha256: sha(v2), mode: "0644" };
    // 3. a path through a directory that is a symbolic link to the outside
    const v3 = victim("through-link.txt");
    symlinkSync(outside, join(out, "gone_node"));
    manifest.files["gone_node/through-link.txt"] = { sha256: sha(v3), mode: "0644" };
    // 4. a file of a node that left, replaced by a symbolic link to a victim
    const v4 = victim("link-target.txt");
    mkdirSync(join(out, "old_node"));
    symlinkSync(v4, join(out, "old_node/runbook.sh"));
    manifest.files["old_node/runbook.sh"] = { sha256: sha(v4), mode: "0755" };
    // 5. a file of a node that left, replaced by a directory holding someone's file
    mkdirSync(join(out, "old_node/README.md"));
    writeFileSync(join(out, "old_node/README.md/theirs.txt"), "theirs\n");
    manifest.files["old_node/README.md"] = { sha256: "0".repeat(64), mode: "0644" };
    // 6. paths that are no paths
    manifest.files[""] = { sha256: "0".repeat(64), mode: "0644" };
    manifest.files["."] = { sha256: "0".repeat(64), mode: "0644" };
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const victims = [v1, v2, v3, v4];

    for (const flags of [["--prune"], ["--prune", "--force"]]) {
      const r = await render([s, "--out", out, ...flags], dir);
      expect(r.err, flags.join(" ")).not.toMatch(/EISDIR|ENOENT|at .*:\d+:\d+/);
      expect(r.code, `${flags.join(" ")}: ${r.err}`).toBe(0);
      for (const v of victims)
        expect(readFileSync(v, "utf8"), `${flags.join(" ")}: ${v}`).toMatch(/^victim /);
      expect(lstatSync(join(out, "gone_node")).isSymbolicLink()).toBe(true);
      expect(lstatSync(join(out, "old_node/runbook.sh")).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(out, "old_node/README.md/theirs.txt"), "utf8")).toBe("theirs\n");
      expect(existsSync(out)).toBe(true);
    }
  });
});

describe("render never writes outside its directory", () => {
  it("a node directory that is a symbolic link is refused, even with --force, and nothing is written", async () => {
    const dir = mkdtempSync(join(tmp, "link-"));
    const out = join(dir, "out");
    const elsewhere = mkdtempSync(join(tmp, "elsewhere-"));
    writeFileSync(join(elsewhere, "runbook.sh"), "theirs\n");
    mkdirSync(out);
    symlinkSync(elsewhere, join(out, "p"));
    for (const flags of [[], ["--force"]]) {
      const r = await render([spec(dir, 1), "--out", out, ...flags], dir);
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.err).toContain("symbolic link");
      expect(readdirSync(elsewhere)).toEqual(["runbook.sh"]);
      expect(readFileSync(join(elsewhere, "runbook.sh"), "utf8")).toBe("theirs\n");
      expect(readdirSync(out)).toEqual(["p"]);
    }
  });
});

describe("render --check writes nothing", () => {
  it("up to date, drifted, or missing: the directory is exactly as before (entries, contents, modes, inodes, times)", async () => {
    const dir = mkdtempSync(join(tmp, "check-"));
    const out = join(dir, "out");
    const s = spec(dir, 2);
    expect((await render([s, "--out", out], dir)).code).toBe(0);
    const check = async (want: number) => {
      const before = tree(out);
      const r = runBin(["render", s, "--out", out, "--check"], { cwd: dir });
      expect(r.code, r.stderr).toBe(want);
      expect(tree(out)).toEqual(before);
      return r.stdout;
    };
    expect(await check(0)).toBe("");
    writeFileSync(join(out, "p/runbook.sh"), "edited\n");
    rmSync(join(out, "s0/standby.signal"));
    writeFileSync(join(out, "foreign.txt"), "mine\n");
    chmodSync(join(out, "s1/runbook.sh"), 0o700);
    // each drift said: an edited file and a missing one as patches, a changed mode as a line
    const said = await check(1);
    expect(said).toContain("--- a/p/runbook.sh\n+++ b/p/runbook.sh\n");
    expect(said).toContain("-edited\n");
    expect(said).toContain("--- /dev/null\n+++ b/s0/standby.signal\n");
    expect(said).toContain(`${out}/s1/runbook.sh: mode 0700, expected 0755\n`);
    expect(said).not.toContain("foreign.txt");
    // a directory that does not exist is not created
    const missing = join(dir, "never");
    const r = runBin(["render", s, "--out", missing, "--check"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(existsSync(missing)).toBe(false);
  });
});
