import { majorFromPath } from "../discover.js";
import type { Rule } from "../rule.js";

/**
 * A data directory whose PG_VERSION is not the version the cluster is run with, as the Debian
 * path names it (/etc/postgresql/15/main, /var/lib/postgresql/15/main). The server refuses a
 * data directory of another major. (--postgres only stands in where neither the path nor
 * PG_VERSION tells the version, so there is nothing to compare it with.)
 */
export const datadirVersionMismatch: Rule = {
  name: "datadir-version-mismatch",
  severity: "error",
  summary:
    "the data directory's PG_VERSION differs from the cluster's version (Debian path, spec, or --postgres)",
  filesystem: true,
  reads: ["datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const dd = server.dataDir;
      const found = dd?.pgVersion?.major;
      if (!dd?.real || found === undefined) continue;
      let expected: number | undefined;
      let from: string | undefined;
      if (server.major !== undefined && server.majorFrom !== undefined && server.majorFrom !== "PG_VERSION") {
        expected = server.major;
        from =
          server.majorFrom === "the path" && server.configFile
            ? `the path \`${server.configFile}\``
            : server.majorFrom;
      } else {
        // only the packagers' layouts name the version in the path: /var/lib/postgresql/V/C, /var/lib/pgsql/V/data
        const p = /\/(postgresql|pgsql)\//.test(dd.path) ? majorFromPath(dd.path) : undefined;
        if (p !== undefined && p >= 10) {
          expected = p;
          from = `the path \`${dd.path}\``;
        }
      }
      if (expected === undefined || expected === found) continue;
      ctx.report({
        file: `${dd.path}/PG_VERSION`,
        line: 1,
        column: 1,
        message: `the data directory is of postgresql ${found} (PG_VERSION), but ${from} says ${expected}: postgresql ${expected}'s server refuses it; run the cluster with the binaries of ${found}, or upgrade it (pg_upgrade)`,
        server,
      });
    }
  },
};
