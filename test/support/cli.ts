import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "bin", "pgrepl-gen.js");

/** Runs the built CLI (bin/pgrepl-gen.js and the bundles in dist/, made by `npm run build`) as a user would. */
export function runBin(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; asUser?: string; input?: string } = {},
) {
  if (!existsSync(join(ROOT, "dist", "cli.cjs"))) {
    throw new Error("dist/cli.cjs is missing: run `npm run build` (npm test does it first)");
  }
  const cmd = opts.asUser ? "runuser" : process.execPath;
  const argv = opts.asUser ? ["-u", opts.asUser, "--", process.execPath, BIN, ...args] : [BIN, ...args];
  const r = spawnSync(cmd, argv, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env },
    input: opts.input ?? "",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    // a command that waits forever (on a FIFO without a writer, say) fails this test instead of
    // holding the worker: spawnSync blocks the event loop, so vitest's own timeout cannot fire
    timeout: 90_000,
    killSignal: "SIGKILL",
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT")
    throw new Error(`pgrepl-gen ${args.join(" ")}: still running after 90 s, killed`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Bad input must never produce a stack trace. */
export const STACK_TRACE = /\n\s+at [^\n]+:\d+:\d+/;
