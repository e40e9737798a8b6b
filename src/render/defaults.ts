/**
 * Server defaults render needs to size the standby-minimum parameters.
 * These five have had the same boot values in every major 12–18 (pg_settings.boot_val);
 * test/render-model.test.ts cross-checks them against the generated parameter catalogue.
 */
const BOOT: Record<string, number> = {
  max_connections: 100,
  max_worker_processes: 8,
  max_wal_senders: 10,
  max_prepared_transactions: 0,
  max_locks_per_transaction: 64,
};

export function bootValue(_major: number, name: string): number {
  const v = BOOT[name];
  if (v === undefined) throw new Error(`no boot value known for ${name}`);
  return v;
}
