import { join } from "node:path";
import type { Rule } from "../rule.js";

function who(uid: number, user: string | undefined): string {
  return user !== undefined ? `\`${user}\`` : `uid ${uid}`;
}

/**
 * A data directory owned by root (the server refuses to run as root, so it can never own it),
 * or entries in it not owned by the data directory's owner (the server runs as that user:
 * checkDataDir requires it; files it cannot write stop it later). Typical after a
 * `pg_basebackup` or a copy made as root.
 */
export const datadirOwner: Rule = {
  name: "datadir-owner",
  severity: "error",
  summary: "data directory or its files not owned by the database user",
  filesystem: true,
  reads: ["datadir"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      const dd = server.dataDir;
      if (!dd?.real || !dd.stat) continue;
      if (dd.stat.uid === 0) {
        ctx.report({
          file: dd.path,
          line: null,
          message: `data directory is owned by \`root\`: the server refuses to run as root, and as any other user it cannot use a directory it does not own; give it to the database user (\`chown -R postgres: ${dd.path}\` where that user is \`postgres\`)`,
          server,
        });
        continue;
      }
      const owner = dd.expectedOwner;
      if (!owner) continue;
      for (const f of dd.foreignOwned) {
        const path = join(dd.path, f.entry);
        const what = f.self
          ? `\`${f.entry}\`${f.count > 1 ? ` (and ${f.count - 1} entries under it)` : ""} is owned by`
          : `${f.count} ${f.count === 1 ? "entry" : "entries"} under \`${f.entry}\` ${f.count === 1 ? "is" : "are"} owned by`;
        ctx.report({
          file: path,
          line: null,
          message: `${what} ${who(f.uid, f.user)}, not by ${who(owner.uid, owner.user)}, ${owner.because}, as whom the server runs: it cannot write there; run \`chown -R ${owner.user ?? owner.uid}: ${path}\``,
          server,
        });
      }
    }
  },
};
