/**
 * What a test compares before and after a step on a harness host: the configuration files a plan
 * can change (hashes), the data directories there are (a rebuild moves one aside), and what the
 * server says of itself (start time, system identifier, recovery, synchronous_standby_names, slots).
 */
import type { Host } from "./host.js";

export interface Snapshot {
  host: string;
  files: string[];
  dirs: string[];
  server: string;
}

// Configuration and identity files only: WAL, stats and logs change on a healthy server by themselves.
const FILES = `for d in /etc/postgresql /var/lib/postgresql /var/lib/pgsql /opt /usr/local/pgsql /srv; do
  [ -d "$d" ] || continue
  find "$d" -maxdepth 5 \\( -path '*/pg_wal' -o -path '*/base' -o -path '*/global' -o -path '*/pg_*' \\) -prune -o \\
    -type f \\( -name '*.conf' -o -name '*.signal' -o -name '*pgpass*' -o -name PG_VERSION -o -name start.conf \\) -print
done | LC_ALL=C sort | xargs -r sha256sum`;

const DIRS = `for d in /var/lib/postgresql /var/lib/postgresql/* /var/lib/pgsql /var/lib/pgsql/* /opt /usr/local/pgsql /srv; do
  [ -d "$d" ] && find "$d" -mindepth 1 -maxdepth 1 -type d -printf '%p %i\\n'
done | LC_ALL=C sort`;

const SERVER = `SELECT pg_postmaster_start_time() || ' ' || (SELECT system_identifier FROM pg_control_system())
  || ' recovery=' || pg_is_in_recovery() || ' sync=' || quote_literal(current_setting('synchronous_standby_names'))
  || ' slots=' || coalesce((SELECT string_agg(slot_name, ',' ORDER BY slot_name) FROM pg_replication_slots), '')`;

export function snapshot(host: Host, port = 5432): Snapshot {
  const s = host.tryPsql(SERVER, { port });
  return {
    host: host.name,
    files: host.sh(FILES).trim().split("\n").filter(Boolean),
    dirs: host.sh(DIRS).trim().split("\n").filter(Boolean),
    server: s.ok ? s.out : "down",
  };
}

/** Polls `check` every 200 ms until it holds, or fails after `seconds` naming what it waited for. */
export async function waitUntil(what: string, check: () => boolean, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    let ok = false;
    try {
      ok = check();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
