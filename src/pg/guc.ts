import { gucString } from "./quote.js";

/** A parameter's value as a spec or a caller gives it: YAML's string, number or boolean. */
export type SettingValue = string | number | boolean;

/**
 * A value as written in postgresql.conf: numbers bare, booleans on/off, identifiers and numbers with
 * units bare (the config lexer's ID and INTEGER/REAL tokens), everything else quoted.
 */
export function formatGucValue(v: SettingValue): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "on" : "off";
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) || /^-?[0-9]+(\.[0-9]+)?[A-Za-z]*$/.test(v)) return v;
  return gucString(v);
}

/**
 * Parameters a hot standby must hold at least at its upstream's value: recovery stops (16+: pauses)
 * when the WAL says the primary raised them (high-availability.html, "Hot Standby" administrator notes).
 */
export const STANDBY_MINIMUM_PARAMS = [
  "max_connections",
  "max_worker_processes",
  "max_wal_senders",
  "max_prepared_transactions",
  "max_locks_per_transaction",
] as const;
