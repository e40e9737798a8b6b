/**
 * Starting states of a host, as real installs leave them:
 * - `debian`: `apt install postgresql-N` — postgresql-common's cluster `main` created with
 *   pg_createcluster and running on 5432, socket /var/run/postgresql, peer auth locally;
 * - `debian-nocluster`: the same packages, no cluster (create_main_cluster = false, or dropped);
 * - `rhel`: PGDG's `postgresql-N-setup initdb` (initdb --auth=ident into /var/lib/pgsql/N/data)
 *   and the server started, binaries under /usr/pgsql-N/bin;
 * - `pg_ctl`: the manual's plain `initdb -D /usr/local/pgsql/data` with the distribution's binaries
 *   and `pg_ctl -D /usr/local/pgsql/data -l logfile start` (socket: the binaries' compiled-in
 *   /var/run/postgresql);
 * - `bare`: nothing of PostgreSQL but what the machine has.
 * Debian's own binaries are PostgreSQL 15. Other majors come from the pinned server binaries the
 * project fetches (scripts/pg-binaries.mjs: postgres, initdb, pg_ctl, share/), made to appear on
 * this host only where the distribution keeps them, with Debian's 15 client programs beside them.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Host } from "./host.js";

export type HostState = "debian" | "debian-nocluster" | "rhel" | "pg_ctl" | "bare";

export const DEBIAN_BIN = "/usr/lib/postgresql/15/bin";
const CLIENTS = [
  "psql",
  "pg_basebackup",
  "pg_controldata",
  "pg_isready",
  "pg_receivewal",
  "pg_waldump",
  "pg_dump",
  "pg_dumpall",
  "pgbench",
];

async function pinned(major: number): Promise<{ binDir: string; shareDir: string }> {
  // scripts/pg-binaries.mjs is plain JavaScript shared with the generators.
  const url = pathToFileURL(join(import.meta.dirname, "..", "..", "scripts", "pg-binaries.mjs")).href;
  const mod = (await import(url)) as {
    ensurePgBinaries(m: number): Promise<{ binDir: string; shareDir: string }>;
  };
  return mod.ensurePgBinaries(major);
}

/** Makes major N's binaries appear at `dir` (bin/, lib/, share/) on this host. */
async function installBinaries(host: Host, major: number, dir: string, shareAt?: string): Promise<void> {
  if (major === 15) {
    if (dir === "/usr/lib/postgresql/15") return;
    host.sh(`mkdir -p ${dir}/bin && for f in ${DEBIAN_BIN}/*; do ln -sfn "$f" ${dir}/bin/; done
ln -sfn /usr/lib/postgresql/15/lib ${dir}/lib; ln -sfn /usr/share/postgresql/15 ${dir}/share`);
    return;
  }
  const { binDir, shareDir } = await pinned(major);
  const native = binDir.replace(/\/bin$/, "");
  host.sh(`set -e; mkdir -p ${dir}/bin
for f in postgres initdb pg_ctl; do ln -sfn ${binDir}/$f ${dir}/bin/$f; done
ln -sfn postgres ${dir}/bin/postmaster
for f in ${CLIENTS.join(" ")}; do ln -sfn ${DEBIAN_BIN}/$f ${dir}/bin/$f; done
ln -sfn ${native}/lib ${dir}/lib
${shareAt ? `mkdir -p ${shareAt} && mount --bind ${shareDir} ${shareAt}` : `ln -sfn ${shareDir} ${dir}/share`}`);
}

export async function applyState(host: Host, state: HostState, major: number): Promise<void> {
  switch (state) {
    case "bare":
      return;
    case "debian":
    case "debian-nocluster":
      await installBinaries(host, major, `/usr/lib/postgresql/${major}`, `/usr/share/postgresql/${major}`);
      host.sh(
        "chown postgres:postgres /var/lib/postgresql /var/log/postgresql /run/postgresql; chmod 2775 /run/postgresql",
      );
      if (state === "debian") host.sh(`pg_createcluster ${major} main --start >/dev/null`);
      return;
    case "rhel": {
      await installBinaries(host, major, `/usr/pgsql-${major}`);
      const data = `/var/lib/pgsql/${major}/data`;
      host.sh(`chown postgres:postgres /var/lib/pgsql /run/postgresql; chmod 0700 /var/lib/pgsql
install -d -o postgres -g postgres -m 0700 /var/lib/pgsql/${major} ${data}`);
      host.sh(`/usr/pgsql-${major}/bin/initdb --pgdata=${data} --auth=ident >/dev/null`, {
        user: "postgres",
      });
      host.sh(`/usr/pgsql-${major}/bin/pg_ctl -D ${data} -l ${data}.log -w start >/dev/null`, {
        user: "postgres",
      });
      return;
    }
    case "pg_ctl": {
      const bin = major === 15 ? DEBIAN_BIN : `/usr/lib/postgresql/${major}/bin`;
      if (major !== 15) await installBinaries(host, major, `/usr/lib/postgresql/${major}`);
      host.sh("chown postgres:postgres /run/postgresql; install -d -o postgres -g postgres /usr/local/pgsql");
      host.sh(`${bin}/initdb -D /usr/local/pgsql/data >/dev/null 2>&1`, { user: "postgres" });
      host.sh(`${bin}/pg_ctl -D /usr/local/pgsql/data -l /usr/local/pgsql/logfile -w start >/dev/null`, {
        user: "postgres",
      });
      return;
    }
  }
}
