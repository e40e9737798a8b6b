import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e tests start real PostgreSQL servers; they need time, not retries.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
