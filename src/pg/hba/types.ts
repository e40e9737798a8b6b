import type { ConfFs } from "../conf/fs.js";
import type { IpNetwork } from "./address.js";

/**
 * pg_hba.conf as the server reads it (hba.c: tokenize_auth_file, next_token,
 * next_field_expand, parse_hba_line, parse_hba_auth_opt), per major version 12–18:
 * - 14+: a line ending in `\` continues on the next (before: no continuation, lines are
 *   limited to 8191 bytes and tokens to 255);
 * - 16+: `include`, `include_if_exists`, `include_dir` records, and `/regex` database and
 *   user names (before: `include` is an invalid connection type, `/x` a plain name);
 * - 18: the `oauth` method and its options;
 * - 14+: clientcert only takes verify-ca / verify-full (12–13 also 0, 1, no-verify);
 *   `clientname` is 14+.
 */
// The types every stage shares: tokenize.ts splits records and reads tokens, files.ts follows
// `@file` lists and include records, record.ts is parse_hba_line, options.ts parse_hba_auth_opt,
// parse.ts puts them together.

export type HbaConnType = "local" | "host" | "hostssl" | "hostnossl" | "hostgssenc" | "hostnogssenc";

export type HbaAuthMethod =
  | "trust"
  | "reject"
  | "md5"
  | "password"
  | "scram-sha-256"
  | "gss"
  | "sspi"
  | "ident"
  | "peer"
  | "pam"
  | "bsd"
  | "ldap"
  | "radius"
  | "cert"
  | "oauth";

export interface HbaToken {
  /** the token with its quotes removed */
  value: string;
  /** true when it began with a double quote: then `all`, `replication`, `+x`, `@x`, `/x` are plain names */
  quoted: boolean;
  file: string;
  line: number;
  column: number;
  /** the `@file` this token was read from, when it came from one */
  via?: string;
}

export type HbaAddress =
  | { kind: "all" | "samehost" | "samenet"; token: HbaToken }
  | { kind: "hostname"; name: string; token: HbaToken }
  | { kind: "ip"; network: IpNetwork; token: HbaToken; maskToken: HbaToken | null };

export interface HbaOption {
  name: string;
  value: string;
  token: HbaToken;
}

export interface HbaLine {
  file: string;
  /** the first physical line of the record */
  line: number;
  /** order among all records the server reads (pg_hba_file_rules order), 1-based */
  seq: number;
  /** the record as read, continuations joined */
  raw: string;
  type: HbaConnType;
  typeToken: HbaToken;
  databases: HbaToken[];
  users: HbaToken[];
  /** null for `local` */
  address: HbaAddress | null;
  /** the method the server uses (`ident` on a local line is `peer`) */
  method: HbaAuthMethod;
  methodToken: HbaToken;
  options: HbaOption[];
}

export type HbaProblemCode =
  | "syntax"
  | "connection-type"
  | "address"
  | "method"
  | "option"
  | "include"
  | "line-too-long"
  | "ssl-disabled"
  | "gss-unsupported";

export interface HbaProblem {
  code: HbaProblemCode;
  /** "warning" for records the server keeps but that can never match (hostssl with ssl off) */
  severity: "error" | "warning";
  file: string;
  line: number;
  column: number;
  message: string;
  seq: number;
  /**
   * What pg_hba_file_rules shows for the record (its error column): the server's own text,
   * or null where the server rejects the line without a message (e.g. a bad clientcert
   * value); null as a whole when the server would not report this at all.
   */
  server: { file: string; line: number; error: string | null } | null;
}

export interface HbaBuild {
  ssl: boolean;
  gss: boolean;
  sspi: boolean;
  pam: boolean;
  bsd: boolean;
  ldap: boolean;
}

/** What Debian's and RHEL's packages are built with. */
export const LINUX_BUILD: HbaBuild = { ssl: true, gss: true, sspi: false, pam: true, bsd: false, ldap: true };

export interface ParseHbaOptions {
  file: string;
  /** PostgreSQL major version, 12–18 */
  major: number;
  /** to read `@file` lists and include records; without it they are kept unexpanded */
  fs?: ConfFs;
  /** the server's `ssl` setting, when known: hostssl records cannot match with ssl off */
  ssl?: boolean;
  build?: Partial<HbaBuild>;
  /** the server's oauth_validator_libraries (18+); default empty, as the server's default */
  oauthValidatorLibraries?: string[];
}

export interface HbaInclude {
  kind: "include" | "include_if_exists" | "include_dir" | "@";
  target: string;
  file: string;
  line: number;
  column: number;
}

export interface HbaResult {
  /** the records the server would use, in first-match order */
  lines: HbaLine[];
  problems: HbaProblem[];
  /** every include record (16+) and `@file` reference met, whether or not it could be read */
  includes: HbaInclude[];
}
