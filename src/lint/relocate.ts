/**
 * Absolute paths a configuration names that do not exist where lint runs. A config repository
 * holds `hba_file = '/etc/postgresql/17/main/pg_hba.conf'` (an operator's, a role's absolute
 * path) next to the very pg_hba.conf it means; following the absolute path finds nothing, and
 * the file beside postgresql.conf would go unseen. Such a path is taken as meaning the file of
 * the same base name beside postgresql.conf, else its stock name (pg_hba.conf), when one is there.
 */
import { statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Whether stat(2) says the path does not exist (not: it may not be searched or read). */
function missing(path: string): boolean {
  try {
    statSync(path);
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === "ENOENT" || code === "ENOTDIR";
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The file beside `configFile` to read instead of `named`, when `named` is absolute, does not
 * exist, and a file of its base name (else `stockName`) stands beside configFile; else undefined.
 */
export function besideInstead(
  named: string,
  configFile: string | null,
  stockName: string,
): string | undefined {
  if (!named.startsWith("/") || configFile === null || !missing(named)) return undefined;
  const dir = dirname(configFile);
  for (const name of [basename(named), stockName]) {
    const candidate = join(dir, name);
    if (candidate !== named && isFile(candidate)) return candidate;
  }
  return undefined;
}
