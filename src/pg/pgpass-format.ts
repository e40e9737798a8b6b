/** A .pgpass field: `\` and `:` escaped with a backslash (libpq passwordFromFile). */
export function pgpassField(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
}
