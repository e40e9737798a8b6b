// Types of scripts/pg-binaries.mjs for the TypeScript that imports it (the test harness, the bench).
export interface PgBinaries {
  major: number;
  binDir: string;
  shareDir: string;
  version: string;
  serverVersion: string;
}
export const PACKAGE: string;
export const PG_MAJORS: readonly number[];
export const DEFAULT_CACHE_ROOT: string;
export function ensurePgBinaries(
  major: number,
  options?: { cacheRoot?: string; log?: (msg: string) => void },
): Promise<PgBinaries>;
