/** parse_hba_auth_opt and the checks parse_hba_line makes after a record's options, per major. */
import type { HbaAuthMethod, HbaConnType } from "./types.js";

export interface OptionContext {
  type: HbaConnType;
  method: HbaAuthMethod;
  major: number;
  /** the options so far, name -> value (NO_OPTIONS until the first) */
  set: Map<string, string>;
  oauthValidatorLibraries: string[];
}

/** A record's options before it has any (most records have none): never written to. */
export const NO_OPTIONS: Map<string, string> = new Map();

const METHOD_NAMES = {
  map: (major: number) =>
    major >= 18 ? "ident, peer, gssapi, sspi, cert, and oauth" : "ident, peer, gssapi, sspi, and cert",
};

/** parse_hba_auth_opt: undefined when fine; else the server's error text (null: it has none) and ours. */
export function checkOption(
  name: string,
  value: string,
  c: OptionContext,
): { server: string | null; message: string } | undefined {
  const only = (methods: HbaAuthMethod[], list: string) =>
    methods.includes(c.method)
      ? undefined
      : {
          server: `authentication option "${name}" is only valid for authentication methods ${list}`,
          message: "",
        };
  const withOwn = (server: string | null, message: string) => ({ server, message });
  switch (name) {
    case "map":
      return only(
        c.major >= 18
          ? ["ident", "peer", "gss", "sspi", "cert", "oauth"]
          : ["ident", "peer", "gss", "sspi", "cert"],
        METHOD_NAMES.map(c.major),
      );
    case "clientcert": {
      if (c.type !== "hostssl") return withOwn('clientcert can only be configured for "hostssl" rows', "");
      const allowed =
        c.major >= 14 ? ["verify-ca", "verify-full"] : ["verify-ca", "verify-full", "1", "0", "no-verify"];
      if (!allowed.includes(value)) return withOwn(null, `invalid value for clientcert: \`${value}\``);
      if (c.method === "cert" && c.major >= 14 && value === "verify-ca") {
        return withOwn('clientcert can only be set to "verify-full" when using "cert" authentication', "");
      }
      if (c.method === "cert" && c.major < 14 && (value === "0" || value === "no-verify")) {
        // 12 spells it "can not"
        const cannot = c.major === 12 ? "can not" : "cannot";
        return withOwn(`clientcert ${cannot} be set to "no-verify" when using "cert" authentication`, "");
      }
      return undefined;
    }
    case "clientname":
      if (c.major < 14) break;
      if (c.type !== "hostssl") return withOwn('clientname can only be configured for "hostssl" rows', "");
      if (value !== "CN" && value !== "DN")
        return withOwn(null, `invalid value for clientname: \`${value}\``);
      return undefined;
    case "pamservice":
    case "pam_use_hostname":
      return only(["pam"], "pam");
    case "ldapurl": {
      const bad = only(["ldap"], "ldap");
      if (bad) return bad;
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
      if (scheme === undefined || !["ldap", "ldaps", "ldapi", "cldap"].includes(scheme)) {
        // OpenLDAP's ldap_url_parse() fails with LDAP_URL_ERR_BADSCHEME, printed as error 3
        return withOwn(
          `could not parse LDAP URL "${value}": Time limit exceeded`,
          `cannot parse LDAP URL \`${value}\``,
        );
      }
      if (scheme !== "ldap" && scheme !== "ldaps")
        return withOwn(`unsupported LDAP URL scheme: ${scheme}`, "");
      return undefined;
    }
    case "ldapport": {
      const bad = only(["ldap"], "ldap");
      if (bad) return bad;
      if (atoi(value) === 0) return withOwn(`invalid LDAP port number: "${value}"`, "");
      return undefined;
    }
    case "ldaptls":
    case "ldapscheme":
    case "ldapserver":
    case "ldapbinddn":
    case "ldapbindpasswd":
    case "ldapsearchattribute":
    case "ldapsearchfilter":
    case "ldapbasedn":
    case "ldapprefix":
    case "ldapsuffix":
      return only(["ldap"], "ldap");
    case "krb_realm":
    case "include_realm":
      return only(["gss", "sspi"], "gssapi and sspi");
    case "compat_realm":
    case "upn_username":
      return only(["sspi"], "sspi");
    case "radiusservers":
    case "radiussecrets":
    case "radiusidentifiers":
    case "radiusports": {
      const bad = only(["radius"], "radius");
      if (bad) return bad;
      const list = splitGucList(value);
      const what = {
        radiusservers: "server",
        radiussecrets: "secret",
        radiusidentifiers: "identifiers",
        radiusports: "port",
      }[name];
      if (list === null) {
        return withOwn(
          name === "radiusports" ? `invalid RADIUS port number: "${value}"` : null,
          name === "radiussecrets"
            ? "cannot parse the RADIUS secret list (value not shown)"
            : `cannot parse RADIUS ${what} list \`${value}\``,
        );
      }
      if (name === "radiusports" && list.some((p) => atoi(p) === 0)) {
        return withOwn(null, `invalid RADIUS port number: \`${value}\``);
      }
      return undefined;
    }
    case "issuer":
    case "scope":
    case "validator":
    case "delegate_ident_mapping":
      if (c.major < 18) break;
      return only(["oauth"], "oauth");
  }
  return withOwn(`unrecognized authentication option name: "${name}"`, "");
}

/** The checks parse_hba_line makes after all options. */
export function checkMethodOptions(c: OptionContext): string | undefined {
  if (c.method !== "ldap" && c.method !== "radius" && c.method !== "oauth") return undefined;
  // ldapurl sets the base DN, search attribute and filter it holds, as if given on their own
  const url = ldapUrlParts(c.set.get("ldapurl"));
  const fromUrl: Record<string, boolean> = {
    ldapbasedn: url.dn,
    ldapsearchattribute: url.attrs,
    ldapsearchfilter: url.filter,
  };
  const has = (n: string) => c.set.has(n) || fromUrl[n] === true;
  if (c.method === "ldap") {
    if (has("ldapprefix") || has("ldapsuffix")) {
      if (
        ["ldapbasedn", "ldapbinddn", "ldapbindpasswd", "ldapsearchattribute", "ldapsearchfilter"].some(has)
      ) {
        return c.major >= 16
          ? "cannot mix options for simple bind and search+bind modes"
          : "cannot use ldapbasedn, ldapbinddn, ldapbindpasswd, ldapsearchattribute, ldapsearchfilter, or ldapurl together with ldapprefix";
      }
    } else if (!has("ldapbasedn")) {
      return 'authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set';
    }
    if (has("ldapsearchattribute") && has("ldapsearchfilter")) {
      return "cannot use ldapsearchattribute together with ldapsearchfilter";
    }
  }
  if (c.method === "radius") {
    if (!has("radiusservers"))
      return 'authentication method "radius" requires argument "radiusservers" to be set';
    if (!has("radiussecrets"))
      return 'authentication method "radius" requires argument "radiussecrets" to be set';
    const n = (k: string) => splitGucList(c.set.get(k) ?? "")?.length ?? 0;
    const servers = n("radiusservers");
    if (servers === 0) return "list of RADIUS servers cannot be empty";
    const secrets = n("radiussecrets");
    if (secrets === 0) return "list of RADIUS secrets cannot be empty";
    if (!(secrets === 1 || secrets === servers)) {
      return `the number of RADIUS secrets (${secrets}) must be 1 or the same as the number of RADIUS servers (${servers})`;
    }
    for (const [k, label] of [
      ["radiusports", "ports"],
      ["radiusidentifiers", "identifiers"],
    ] as const) {
      const m = n(k);
      if (!(m === 0 || m === 1 || m === servers)) {
        return `the number of RADIUS ${label} (${m}) must be 1 or the same as the number of RADIUS servers (${servers})`;
      }
    }
  }
  if (c.method === "oauth") {
    if (!has("scope")) return 'authentication method "oauth" requires argument "scope" to be set';
    if (!has("issuer")) return 'authentication method "oauth" requires argument "issuer" to be set';
    // check_oauth_validator: only the case of no validator library at all is modelled
    if (c.oauthValidatorLibraries.length === 0) {
      return "oauth_validator_libraries must be set for authentication method oauth";
    }
  }
  return undefined;
}

/**
 * Which of the base DN, attributes and filter an LDAP URL gives
 * (`ldap://host:port/dn?attrs?scope?filter?extensions`, RFC 4516). As OpenLDAP's ldap_url_parse
 * reads it (checked against the servers in fixtures/differential/hba/ldapurl-with-ldapprefix.json):
 * a `/` after the host gives a base DN even when it is empty; empty attributes or filter give none.
 */
function ldapUrlParts(url: string | undefined): { dn: boolean; attrs: boolean; filter: boolean } {
  const m = url === undefined ? null : /^[a-z]+:\/\/[^/]*\/(.*)$/i.exec(url);
  if (m === null) return { dn: false, attrs: false, filter: false };
  const [, attrs, , filter] = (m[1] ?? "").split("?");
  return { dn: true, attrs: (attrs ?? "") !== "", filter: (filter ?? "") !== "" };
}

/** C atoi: optional blanks and sign, then digits; 0 when none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  return m ? Number.parseInt(m[1] as string, 10) : 0;
}

/** SplitGUCList(…, ','): elements, double-quoted or not; null on a syntax error. */
export function splitGucList(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const ws = (c: string | undefined) => c !== undefined && /[ \t\n\v\f\r]/.test(c);
  while (ws(s[i])) i++;
  if (i >= s.length) return out;
  for (;;) {
    let cur = "";
    if (s[i] === '"') {
      i++;
      for (;;) {
        const e = s.indexOf('"', i);
        if (e < 0) return null;
        cur += s.slice(i, e);
        if (s[e + 1] === '"') {
          cur += '"';
          i = e + 2;
          continue;
        }
        i = e + 1;
        break;
      }
    } else {
      const st = i;
      while (i < s.length && s[i] !== "," && !ws(s[i])) i++;
      cur = s.slice(st, i);
      if (cur === "") return null;
    }
    while (ws(s[i])) i++;
    out.push(cur);
    if (s[i] === ",") {
      i++;
      while (ws(s[i])) i++;
      continue;
    }
    if (i >= s.length) return out;
    return null;
  }
}
