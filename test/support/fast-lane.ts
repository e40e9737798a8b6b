/**
 * Setup file of the fast lane (`npm run test:fast`, vitest.config.ts): a test file there may start
 * no PostgreSQL program, shellcheck, npm, pre-commit, or the built CLI (the fast lane does not run
 * `npm run build`, so dist/ may be stale). Starting one fails the test, loudly, with what to do:
 * list the file in vitest.config.ts's SLOW_FILES.
 */
import { createRequire, syncBuiltinESMExports } from "node:module";

const SLOW_PROGRAM =
  /(?:^|[\s/])(?:postgres|initdb|pg_ctl|pg_ctlcluster|pg_createcluster|pg_basebackup|psql|shellcheck|npm|npx|pre-commit)(?:\s|$)|pgrepl-gen\.js/;

const cp = createRequire(import.meta.url)("node:child_process") as Record<string, unknown>;
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  const original = cp[name] as (...args: unknown[]) => unknown;
  cp[name] = function guarded(this: unknown, ...args: unknown[]): unknown {
    const [file, rest] = args;
    const line = [String(file), ...(Array.isArray(rest) ? rest.map(String) : [])].join(" ");
    if (name === "fork" || SLOW_PROGRAM.test(line)) {
      throw new Error(
        `the fast lane starts no PostgreSQL, shellcheck, npm, pre-commit or built CLI, and this test ran \`${line.slice(0, 200)}\`: list its file in SLOW_FILES in vitest.config.ts`,
      );
    }
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();
