/** parse_hba_line: one tokenized record checked field by field into an HbaLine, or the error the server gives. */
import { lookupTable } from "../../util/table.js";
import { cidrMask, makeNetwork, parseNumericHost } from "./address.js";
import { checkMethodOptions, checkOption, NO_OPTIONS, type OptionContext } from "./options.js";
import { endOf, type Field, type Located, type TokLine } from "./tokenize.js";
import type {
  HbaAddress,
  HbaAuthMethod,
  HbaBuild,
  HbaConnType,
  HbaLine,
  HbaOption,
  HbaProblemCode,
  HbaToken,
  ParseHbaOptions,
} from "./types.js";

const CONN_TYPES: readonly HbaConnType[] = [
  "local",
  "host",
  "hostssl",
  "hostnossl",
  "hostgssenc",
  "hostnogssenc",
];

export interface LineError {
  error: string | null;
  at: Located;
  code: HbaProblemCode;
  /** our wording, when it should differ from the server's */
  message?: string;
}

/** The methods a build of a major accepts (true) or knows but lacks (false); made once per parseHba. */
export function methodsOf(build: HbaBuild, major: number): Readonly<Record<string, boolean>> {
  const known: Record<string, boolean> = {
    trust: true,
    ident: true,
    peer: true,
    password: true,
    gss: build.gss,
    sspi: build.sspi,
    reject: true,
    md5: true,
    "scram-sha-256": true,
    pam: build.pam,
    bsd: build.bsd,
    ldap: build.ldap,
    cert: build.ssl,
    radius: true,
  };
  if (major >= 18) known.oauth = true;
  return lookupTable(known);
}

export class RecordParser {
  /** a non-fatal message the server attaches to a record it still keeps */
  warning: LineError | null = null;
  private lastErr: string | null = null;
  constructor(
    private readonly tl: TokLine,
    private readonly opts: ParseHbaOptions,
    private readonly build: HbaBuild,
    private readonly methods: Readonly<Record<string, boolean>>,
  ) {}

  /** When the server fails without a message (error null), the record keeps whatever message it had. */
  private fail(
    error: string | null,
    at: Located,
    code: HbaProblemCode = "syntax",
    message?: string,
  ): LineError {
    return { error: error ?? this.lastErr, at, code, message };
  }

  parse(seq: number): HbaLine | LineError {
    const tl = this.tl;
    const major = this.opts.major;
    const fields = tl.fields;
    const f0 = fields[0] as Field;
    if (f0.tokens.length > 1) return this.fail("multiple values specified for connection type", f0);
    const typeTok = f0.tokens[0] as HbaToken;
    if (!(CONN_TYPES as readonly string[]).includes(typeTok.value)) {
      return this.fail(`invalid connection type "${typeTok.value}"`, typeTok, "connection-type");
    }
    const type = typeTok.value as HbaConnType;
    if (type === "hostssl") {
      if (!this.build.ssl) {
        return this.fail(
          "hostssl record cannot match because SSL is not supported by this build",
          typeTok,
          "ssl-disabled",
        );
      }
      if (this.opts.ssl === false) {
        this.lastErr = "hostssl record cannot match because SSL is disabled";
        this.warning = { error: this.lastErr, at: typeTok, code: "ssl-disabled" };
      }
    } else if (type === "hostgssenc" && !this.build.gss) {
      this.lastErr = "hostgssenc record cannot match because GSSAPI is not supported by this build";
      this.warning = { error: this.lastErr, at: typeTok, code: "gss-unsupported" };
    }
    let fi = 1;
    const dbField = fields[fi++];
    if (!dbField) return this.fail("end-of-line before database specification", endOf(tl));
    const userField = fields[fi++];
    if (!userField) return this.fail("end-of-line before role specification", endOf(tl));
    let address: HbaAddress | null = null;
    if (type !== "local") {
      const af = fields[fi++];
      if (!af) return this.fail("end-of-line before IP address specification", endOf(tl));
      if (af.tokens.length > 1) return this.fail("multiple values specified for host address", af, "address");
      const tok = af.tokens[0] as HbaToken;
      if (!tok.quoted && (tok.value === "all" || tok.value === "samehost" || tok.value === "samenet")) {
        address = { kind: tok.value, token: tok };
      } else {
        const slash = tok.value.indexOf("/");
        const host = slash >= 0 ? tok.value.slice(0, slash) : tok.value;
        const ip = parseNumericHost(host);
        if (!ip) {
          if (slash >= 0) {
            return this.fail(
              `specifying both host name and CIDR mask is invalid: "${tok.value}"`,
              tok,
              "address",
            );
          }
          address = { kind: "hostname", name: host, token: tok };
        } else if (slash >= 0) {
          const mask = cidrMask(tok.value.slice(slash + 1), ip.family);
          if (!mask) return this.fail(`invalid CIDR mask in address "${tok.value}"`, tok, "address");
          address = { kind: "ip", network: makeNetwork(ip, mask), token: tok, maskToken: null };
        } else {
          const mf = fields[fi++];
          if (!mf) return this.fail("end-of-line before netmask specification", endOf(tl), "address");
          if (mf.tokens.length > 1) return this.fail("multiple values specified for netmask", mf, "address");
          const mtok = mf.tokens[0] as HbaToken;
          const m = parseNumericHost(mtok.value);
          if (!m)
            return this.fail(`invalid IP mask "${mtok.value}": Name or service not known`, mtok, "address");
          if (m.family !== ip.family) return this.fail("IP address and mask do not match", mtok, "address");
          address = { kind: "ip", network: makeNetwork(ip, m.bytes), token: tok, maskToken: mtok };
        }
      }
    }
    const mField = fields[fi++];
    if (!mField) return this.fail("end-of-line before authentication method", endOf(tl), "method");
    if (mField.tokens.length > 1)
      return this.fail("multiple values specified for authentication type", mField, "method");
    const methodTok = mField.tokens[0] as HbaToken;
    const supported = this.methods[methodTok.value];
    if (supported === undefined) {
      return this.fail(`invalid authentication method "${methodTok.value}"`, methodTok, "method");
    }
    if (!supported) {
      return this.fail(
        `invalid authentication method "${methodTok.value}": not supported by this build`,
        methodTok,
        "method",
      );
    }
    let method = methodTok.value as HbaAuthMethod;
    if (type === "local" && method === "ident") method = "peer";
    if (type === "local" && method === "gss") {
      return this.fail("gssapi authentication is not supported on local sockets", methodTok, "method");
    }
    if (type !== "local" && method === "peer") {
      return this.fail("peer authentication is only supported on local sockets", methodTok, "method");
    }
    if (type !== "hostssl" && method === "cert") {
      return this.fail("cert authentication is only supported on hostssl connections", methodTok, "method");
    }
    const options: HbaOption[] = [];
    const ctx: OptionContext = {
      type,
      method,
      major,
      set: NO_OPTIONS,
      oauthValidatorLibraries: this.opts.oauthValidatorLibraries ?? [],
    };
    for (; fi < fields.length; fi++) {
      for (const tok of (fields[fi] as Field).tokens) {
        const eq = tok.value.indexOf("=");
        if (eq < 0)
          return this.fail(`authentication option not in name=value format: ${tok.value}`, tok, "option");
        const name = tok.value.slice(0, eq);
        const value = tok.value.slice(eq + 1);
        const err = checkOption(name, value, ctx);
        if (err !== undefined) {
          if (err.server === null) {
            return this.fail(null, tok, "option", err.message);
          }
          return this.fail(err.server, tok, "option");
        }
        if (ctx.set === NO_OPTIONS) ctx.set = new Map();
        ctx.set.set(name, value);
        options.push({ name, value, token: tok });
      }
    }
    const after = checkMethodOptions(ctx);
    if (after !== undefined) return this.fail(after, methodTok, "option");
    return {
      file: tl.file,
      line: tl.line,
      seq,
      raw: tl.raw,
      type,
      typeToken: typeTok,
      databases: dbField.tokens,
      users: userField.tokens,
      address,
      method,
      methodToken: methodTok,
      options,
    };
  }
}
