/**
 * ASCII-only lowercase: how the server folds names it compares without case (guc_name_compare
 * for parameter names, pg_strcasecmp for application_name): `É` and `İ` stay as they are.
 */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
