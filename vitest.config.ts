import { defineConfig } from "vitest/config";

/**
 * The test files that start PostgreSQL, shellcheck, npm, pre-commit or the built CLI (dist/, made
 * by `npm run build`). Everything else is the fast lane (`npm run test:fast`, the inner loop:
 * under a minute); test/support/fast-lane.ts fails a fast-lane test that starts one of those.
 * `npm test` (CI, README) builds and runs both lanes: the whole suite.
 */
export const SLOW_FILES = [
  "test/adversarial.test.ts",
  "test/bundle.test.ts",
  "test/catalog-reproduce.test.ts",
  "test/catalog.test.ts",
  "test/cli.test.ts",
  "test/cli-ux.test.ts",
  "test/conf-differential.test.ts",
  "test/conninfo.test.ts",
  "test/e2e-*.test.ts",
  "test/fuzz-spec.test.ts",
  "test/hba-differential.test.ts",
  "test/hosts-*.test.ts",
  "test/lint-formats.test.ts",
  "test/lint-golden.test.ts",
  "test/lint-live.test.ts",
  "test/lint-meta.test.ts",
  "test/lint-render.test.ts",
  "test/lint-rules-b.test.ts",
  "test/lint-stream.test.ts",
  "test/lint-topology.test.ts",
  "test/matrix.test.ts",
  "test/package.test.ts",
  "test/pgpass.test.ts",
  "test/precommit.test.ts",
  "test/render-safety.test.ts",
  "test/render.test.ts",
  "test/runbook-*.test.ts",
  "test/sarif-repo.test.ts",
  "test/schema-docs.test.ts",
  "test/schema-validator.test.ts",
  "test/secrets.test.ts",
  "test/settings.test.ts",
  "test/stdin.test.ts",
  "test/sync-names.test.ts",
  "test/templates.test.ts",
  "test/yaml-positions.test.ts",
];

export default defineConfig({
  test: {
    // e2e tests start real PostgreSQL servers; they need time, not retries.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          include: ["test/**/*.test.ts"],
          exclude: SLOW_FILES,
          setupFiles: ["test/support/fast-lane.ts"],
        },
      },
      { extends: true, test: { name: "slow", include: SLOW_FILES } },
    ],
  },
});
