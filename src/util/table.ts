/**
 * A lookup table keyed by names users write (parameters, keywords, methods): it has no prototype,
 * so `constructor`, `toString` or `__proto__` is a missing key like any other instead of finding
 * one of Object's properties.
 */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
