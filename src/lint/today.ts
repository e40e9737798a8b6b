/**
 * "Today" for rules that depend on the date, and the dates they compare it with. The CLI
 * passes CliIO.now (tests fix it); nothing else in lint reads the clock.
 */

/**
 * The day each major gets its final release and is end-of-life: five years after its first
 * release (https://www.postgresql.org/support/versioning/).
 */
export const END_OF_LIFE: Readonly<Record<number, string>> = {
  12: "2024-11-21",
  13: "2025-11-13",
  14: "2026-11-12",
  15: "2027-11-11",
  16: "2028-11-09",
  17: "2029-11-08",
  18: "2030-11-14",
};

/** The day as `YYYY-MM-DD` (UTC), the form END_OF_LIFE compares with. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The end-of-life day of a major when `today` is past it; undefined when still supported or unknown. */
export function pastEndOfLife(major: number, today: Date): string | undefined {
  const eol = END_OF_LIFE[major];
  return eol !== undefined && eol < isoDay(today) ? eol : undefined;
}
