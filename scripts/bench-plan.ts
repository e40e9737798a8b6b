/**
 * What the runbooks cost: the seed plan on two fresh Debian harness hosts (PostgreSQL 14, the spec
 * unchanged) against the commands the tutorial types by hand on hosts in the same state, in one run:
 * on the primary, listen_addresses, a pg_hba.conf line, the role, a restart; on the standby, stop,
 * pg_basebackup -R -X stream -C -S slaveslot1, chown/chmod, data_directory, start. Once on the
 * database initdb made, once with ~1 GB of data (pgbench -i) on the primary. Bundled and run by
 * scripts/bench.mjs (needs root: the harness makes network namespaces). Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHarness, type Harness } from "../test/hosts/harness.js";

const ENV = { PGREPL_PASSWORD: "bench-pw" };
const ROOT = join(import.meta.dirname, "..");
const SEED = readFileSync(join(ROOT, "fixtures/specs/seed.yaml"), "utf8");
const ROUNDS = Number(process.env.BENCH_PLAN_ROUNDS ?? 2);
const BIG_SCALE = Number(process.env.BENCH_PLAN_SCALE ?? 68); // pgbench scale 68 ≈ 1 GB

async function hosts(): Promise<Harness> {
  return createHarness([
    { name: "source", address: "192.168.1.4", state: "debian", major: 14 },
    { name: "replica", address: "192.168.1.5", state: "debian", major: 14 },
  ]);
}

function load(h: Harness, scale: number): void {
  if (scale > 0)
    h.host("source").sh(`/usr/lib/postgresql/15/bin/pgbench -q -i -s ${scale} postgres >/dev/null 2>&1`, {
      user: "postgres",
    });
  h.host("source").psql("CHECKPOINT");
}

/**
 * The tutorial by hand, as its commands are typed (the password through a passfile, as a DBA would):
 * pg_basebackup as root into /opt (which postgres cannot write), then the ownership and mode fixed.
 */
function byHand(h: Harness): number {
  const t0 = performance.now();
  h.host("source").sh(
    `set -e
psql() { runuser -u postgres -- /usr/lib/postgresql/15/bin/psql -X -q "$@"; }
psql -c "ALTER SYSTEM SET listen_addresses = '*'"
psql -c "ALTER SYSTEM SET max_slot_wal_keep_size = '10GB'"
echo 'host replication repl_user 192.168.1.5/32 scram-sha-256' >> /etc/postgresql/14/main/pg_hba.conf
psql <<SQL
CREATE ROLE repl_user WITH LOGIN REPLICATION PASSWORD '$PGREPL_PASSWORD';
SQL
pg_ctlcluster 14 main restart`,
    { env: ENV },
  );
  h.host("replica").sh(
    `set -e
pg_ctlcluster 14 main stop
mv /var/lib/postgresql/14/main /var/lib/postgresql/14/main.old
printf '192.168.1.4:5432:*:repl_user:%s\\n' "$PGREPL_PASSWORD" > /var/lib/postgresql/.pgpass
chown postgres: /var/lib/postgresql/.pgpass; chmod 0600 /var/lib/postgresql/.pgpass
PGPASSFILE=/var/lib/postgresql/.pgpass /usr/lib/postgresql/15/bin/pg_basebackup -h 192.168.1.4 -U repl_user -D /opt/psql-replication -R -X stream -C -S slaveslot1 -c fast
chown -R postgres: /opt/psql-replication; chmod 700 /opt/psql-replication
sed -i "s|^data_directory.*|data_directory = '/opt/psql-replication'|" /etc/postgresql/14/main/postgresql.conf
pg_ctlcluster 14 main start`,
    { env: ENV },
  );
  const wait = Date.now() + 60_000;
  while (h.host("source").tryPsql("SELECT state FROM pg_stat_replication").out !== "streaming") {
    if (Date.now() > wait) throw new Error("by hand: the standby does not stream");
  }
  return performance.now() - t0;
}

function byPlan(h: Harness): number {
  const t0 = performance.now();
  h.runPlan(ENV);
  return performance.now() - t0;
}

const results: Record<string, { hand: number[]; plan: number[] }> = {
  small: { hand: [], plan: [] },
  big: { hand: [], plan: [] },
};
for (const [size, scale] of [
  ["small", 0],
  ["big", BIG_SCALE],
] as const) {
  for (let i = 0; i < ROUNDS; i++) {
    for (const way of i % 2 ? (["plan", "hand"] as const) : (["hand", "plan"] as const)) {
      const h = await hosts();
      try {
        if (way === "plan") {
          await h.render(SEED);
          h.install();
        }
        load(h, scale);
        results[size]?.[way].push(way === "plan" ? byPlan(h) : byHand(h));
      } finally {
        await h.destroy();
      }
    }
  }
}
const median = (a: number[]) => {
  const b = [...a].sort((x, y) => x - y);
  return b.length % 2
    ? (b[(b.length - 1) / 2] as number)
    : ((b[b.length / 2 - 1] as number) + (b[b.length / 2] as number)) / 2;
};
process.stdout.write(
  `${JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { hand: median(v.hand), plan: median(v.plan), rounds: ROUNDS }])))}\n`,
);
