import { getParam } from "../pg/catalog/index.js";

/**
 * A server default render needs to size the standby-minimum parameters: pg_settings.boot_val of
 * that major, from the parameter catalogue (generated from the real servers of 12–18).
 * Throws for a parameter the major lacks or one without an integer default: render only asks
 * for integer parameters every supported major has.
 */
export function bootValue(major: number, name: string): number {
  const p = getParam(major, name);
  if (!p) throw new Error(`PostgreSQL ${major} has no parameter ${name}`);
  const v = p.bootVal === null ? Number.NaN : Number(p.bootVal);
  if (p.type !== "integer" || !Number.isInteger(v)) {
    throw new Error(`${name} on PostgreSQL ${major} has no integer default (boot_val ${p.bootVal})`);
  }
  return v;
}
