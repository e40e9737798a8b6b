/**
 * Our pg_hba.conf parser against PostgreSQL 15's own, on generated files: each case is
 * written as the running server's pg_hba.conf (never reloaded; the view re-reads the file on
 * every query) and pg_hba_file_rules is compared, row by row, with what our parse predicts
 * for it: line_number, type, database, user_name, address, netmask, auth_method, options and
 * error. The server runs with ssl = off, so every hostssl record carries the "cannot match"
 * message. Cases that once disagreed live in fixtures/differential/hba/ and are replayed.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfFs } from "../src/pg/conf/fs.js";
import { formatAddress } from "../src/pg/hba/address.js";
import { type HbaBuild, type HbaLine, parseHba } from "../src/pg/hba/index.js";
import {
  differentialTargets,
  openPsql,
  type PgServer,
  type PsqlSession,
  startServer,
  writeAsPostgres,
} from "./support/pg.js";

interface Case {
  description?: string;
  /** pg_hba.conf, and other files of the data directory (for @file) */
  files: Record<string, string>;
}

const CORPUS = join(import.meta.dirname, "..", "fixtures", "differential", "hba");
const RUNS = Number(process.env.PGRG_DIFF_RUNS ?? 500);
const AUX = ["dbs", "users", "empty", "inc.conf", "hba.d"];

let server: PgServer;
let psql: PsqlSession;
let major = 15;
let build: Partial<HbaBuild> = {};

/** Which optional methods the server was built with (Debian's: all but bsd and sspi). */
async function probeBuild(): Promise<Partial<HbaBuild>> {
  const probes: Array<[keyof HbaBuild, string]> = [
    ["gss", "host all all all gss"],
    ["pam", "local all all pam"],
    ["ldap", "local all all ldap ldapbasedn=x"],
    ["bsd", "local all all bsd"],
    ["sspi", "local all all sspi"],
    ["ssl", "hostssl all all all trust"],
  ];
  writeAsPostgres(join(server.dataDir, "pg_hba.conf"), `${probes.map((p) => p[1]).join("\n")}\n`, 0o644);
  const json = await psql.query("select json_agg(error) from pg_hba_file_rules");
  const errors = JSON.parse(json) as Array<string | null>;
  return Object.fromEntries(
    probes.map(([k], i) => [k, !(errors[i] ?? "").includes("not supported by this build")]),
  );
}

interface Row {
  /** 16+ only */
  file_name?: string | null;
  line_number: number | null;
  type: string | null;
  database: string[] | null;
  user_name: string[] | null;
  address: string | null;
  netmask: string | null;
  auth_method: string | null;
  options: string[] | null;
  error: string | null;
}

function writeCase(c: Case): void {
  for (const a of AUX) rmSync(join(server.dataDir, a), { recursive: true, force: true });
  for (const [rel, text] of Object.entries(c.files)) {
    mkdirSync(dirname(join(server.dataDir, rel)), { recursive: true });
    writeAsPostgres(join(server.dataDir, rel), text, 0o644);
  }
}

async function serverRows(): Promise<Row[]> {
  // the view lists records in the order the server read them
  const file = major >= 16 ? "'file_name', file_name, " : "";
  const json = await psql.query(
    `select coalesce(json_agg(json_build_object(${file}'line_number', line_number, 'type', type, ` +
      "'database', database, 'user_name', user_name, 'address', address, 'netmask', netmask, " +
      "'auth_method', auth_method, 'options', options, 'error', error)), '[]') from pg_hba_file_rules",
  );
  return JSON.parse(json) as Row[];
}

/** get_hba_options() of PostgreSQL 15, for the options the generator writes. */
function viewOptions(l: HbaLine): string[] | null {
  const o = new Map(l.options.map((x) => [x.name, x.value]));
  const out: string[] = [];
  if (l.method === "gss" || l.method === "sspi") {
    const realm = o.has("include_realm") ? o.get("include_realm") === "1" : true;
    if (realm) out.push("include_realm=true");
    if (o.has("krb_realm")) out.push(`krb_realm=${o.get("krb_realm")}`);
  }
  if (o.has("map")) out.push(`map=${o.get("map")}`);
  const cc = o.get("clientcert");
  if (l.method === "cert") out.push("clientcert=verify-full");
  else if (cc === "verify-full") out.push("clientcert=verify-full");
  else if (cc === "verify-ca" || cc === "1") out.push("clientcert=verify-ca");
  if (o.has("pamservice")) out.push(`pamservice=${o.get("pamservice")}`);
  return out.length > 0 ? out : null;
}

function ourRows(): Row[] {
  const file = join(server.dataDir, "pg_hba.conf");
  const text = readFileSync(file, "utf8");
  const r = parseHba(text, { file, major, fs: nodeConfFs(), ssl: false, build });
  const rows: Array<{ seq: number; row: Row }> = [];
  const blank = {
    type: null,
    database: null,
    user_name: null,
    address: null,
    netmask: null,
    auth_method: null,
    options: null,
  };
  for (const p of r.problems) {
    if (p.severity !== "error" || p.server === null) continue;
    const fileName = major >= 16 ? { file_name: p.server.file } : {};
    rows.push({
      seq: p.seq,
      row: { ...fileName, line_number: p.server.line, ...blank, error: p.server.error },
    });
  }
  for (const l of r.lines) {
    const warning = r.problems.find((p) => p.seq === l.seq && p.severity === "warning");
    const a = l.address;
    rows.push({
      seq: l.seq,
      row: {
        ...(major >= 16 ? { file_name: l.file } : {}),
        line_number: l.line,
        type: l.type,
        database: l.databases.map((t) => t.value),
        user_name: l.users.map((t) => t.value),
        address:
          a === null
            ? null
            : a.kind === "ip"
              ? formatAddress(a.network.bytes)
              : a.kind === "hostname"
                ? a.name
                : a.kind,
        netmask: a?.kind === "ip" ? formatAddress(a.network.mask) : null,
        auth_method: l.method,
        options: viewOptions(l),
        error: warning?.server?.error ?? null,
      },
    });
  }
  return rows.sort((x, y) => x.seq - y.seq).map((x) => x.row);
}

/** The options column of ldap and radius records lists defaults we do not model: leave it out. */
function withoutLdapRadiusOptions(rows: Row[]): Row[] {
  return rows.map((r) =>
    r.auth_method === "ldap" || r.auth_method === "radius" ? { ...r, options: null } : r,
  );
}

async function compare(c: Case): Promise<{ ok: boolean; detail: string }> {
  writeCase(c);
  const theirs = withoutLdapRadiusOptions(await serverRows());
  const ours = withoutLdapRadiusOptions(ourRows());
  const differ: Array<{ server: Row | undefined; ours: Row | undefined }> = [];
  for (let i = 0; i < Math.max(theirs.length, ours.length); i++) {
    if (JSON.stringify(theirs[i]) !== JSON.stringify(ours[i]))
      differ.push({ server: theirs[i], ours: ours[i] });
  }
  return {
    ok: differ.length === 0,
    detail: `${JSON.stringify(c)}\nrows that differ:\n${differ.map((d) => JSON.stringify(d)).join("\n")}`,
  };
}

function saveDisagreement(c: Case): string {
  const text = `${JSON.stringify(c, null, 2)}\n`;
  const name = `${createHash("sha256").update(text).digest("hex").slice(0, 12)}.json`;
  if (process.env.PGRG_SAVE_DISAGREEMENTS === "1") {
    mkdirSync(CORPUS, { recursive: true });
    writeFileSync(join(CORPUS, name), text);
  }
  return name;
}

// ---- generators -------------------------------------------------------------------------

const list = (items: string[], max = 3) =>
  fc
    .tuple(
      fc.array(fc.constantFrom(...items), { minLength: 1, maxLength: max }),
      fc.constantFrom(",", ", ", ",\t"),
    )
    .map(([xs, sep]) => xs.join(sep));

const connType = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom("local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"),
  },
  { weight: 1, arbitrary: fc.constantFrom("include", "HOST", "bogus", '"host"', "host,local") },
);
const databases = list([
  "all",
  '"all"',
  "replication",
  "sameuser",
  "samerole",
  "samegroup",
  "db1",
  '"my db"',
  "@dbs",
  "@empty",
  "@missing",
  '"@dbs"',
  "/^re",
  '"a""b"',
  '"unterminated',
  "x#y",
]);
const users = list(["all", '"all"', "+grp", '"+grp"', "postgres", "u1", "@users", "/re", '""']);
const address = fc.constantFrom(
  "all",
  '"all"',
  "samehost",
  "samenet",
  "127.0.0.1/32",
  "10.0.0.0/8",
  "192.168.1.5/24",
  "::1/128",
  "fe80::/10",
  "127.1",
  "10.0.0.0 255.0.0.0",
  "10.0.0.0\t255.0.255.0",
  "1.2.3.4/33",
  ".example.com",
  "host.example.com",
  "foo/24",
  "1.2.3.4 ::1",
  "1.2.3.4/-0",
  "1.2.3.4/+8",
  "0x7f.1/8",
  "192.168.1.08/24",
  "192.168.1.010/32",
  "1.2.3.4/32,5.6.7.8/32",
  "::ffff:1.2.3.4/120",
  "2001:db8::1:0:0:1/64",
  "1:2:3:4:5:6:7:8/128",
  "::/0",
  "0.0.0.0/0",
  "10.0.0.0 255.0.0.0,255.0.0.0",
  "1.2.3.4 x",
);
const method = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      "trust",
      "reject",
      "md5",
      "password",
      "scram-sha-256",
      "peer",
      "ident",
      "gss",
      "pam",
      "cert",
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom("sspi", "ldap", "radius", "bsd", "oauth", "Trust", "md5,trust") },
);
const options = fc.array(
  fc.constantFrom(
    "map=x",
    "clientcert=verify-ca",
    "clientcert=verify-full",
    "clientcert=1",
    "clientcert=bogus",
    "include_realm=0",
    "include_realm=1",
    "krb_realm=EX",
    "pamservice=p",
    "foo=1",
    "noequals",
    '"map=a,b"',
    "map=a,b",
    "map=",
    "clientname=CN",
    "clientname=XX",
    "ldapprefix=cn=",
    "ldapbasedn=dc=x",
    "ldapsearchattribute=uid",
    "ldapsearchfilter=(uid=$username)",
    "ldapurl=ldap://h/dc=x",
    "ldapurl=foo://x",
    "ldapport=0",
    "ldapscheme=ldaps",
    "radiusservers=127.0.0.1",
    '"radiusservers=127.0.0.1,127.0.0.2"',
    "radiussecrets=s",
    "radiusports=0",
    "radiusidentifiers=a",
    "issuer=https://x",
    "scope=openid",
  ),
  { maxLength: 3 },
);
const sep = fc.constantFrom(" ", "\t", "  ");
const tail = fc.constantFrom("", "", " # comment", "#c", " \r", "\t");

const record = fc
  .tuple(connType, sep, databases, sep, users, sep, address, sep, method, options, tail, fc.nat(12))
  .map(([t, s1, d, s2, u, s3, a, s4, m, o, tl, cut]) => {
    const fields = t === "local" ? [t, s1, d, s2, u, s4, m] : [t, s1, d, s2, u, s3, a, s4, m];
    let text = fields.join("") + o.map((x) => ` ${x}`).join("") + tl;
    // sometimes drop trailing fields, sometimes split with a continuation
    if (cut % 5 === 0)
      text = text
        .split(/\s+/)
        .slice(0, 1 + (cut % 4))
        .join(" ");
    if (cut % 7 === 1) {
      const i = text.indexOf(" ", 4);
      if (i > 0) text = `${text.slice(0, i)}\\\n${text.slice(i)}`;
    }
    return text;
  });

const line = fc.oneof(
  { weight: 8, arbitrary: record },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "   ",
      "# comment",
      "\t# c",
      "local all all trust\\",
      "\\",
      "include_dir conf.d",
    ),
  },
);

const caseArb: fc.Arbitrary<Case> = fc
  .tuple(fc.array(line, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([ls, withUsers, withDbs]) => {
    const files: Record<string, string> = {
      "pg_hba.conf": `${ls.join("\n")}\n`,
      empty: "",
      "inc.conf": "local db1 u1 trust\nhost all all 1.2.3.4 md5\n",
      "hba.d/b.conf": "local all +grp md5\n",
      "hba.d/a.conf": "host all all ::1/128 scram-sha-256\ninclude ../inc.conf\n",
      "hba.d/x.txt": "garbage\n",
    };
    if (withUsers) files.users = 'u1 # c\n+grp,"u 2"\n';
    if (withDbs) files.dbs = "db1\ndb2 @empty\n";
    return { files };
  });

// ---- tests ------------------------------------------------------------------------------

function corpus(): Array<[string, Case]> {
  let names: string[] = [];
  try {
    names = readdirSync(CORPUS).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((n) => [n, JSON.parse(readFileSync(join(CORPUS, n), "utf8")) as Case]);
}

describe.each(differentialTargets())("pg_hba.conf: our parser and PostgreSQL $major agree", (target) => {
  beforeAll(async () => {
    major = target.major;
    server = await startServer({ bin: target.bin });
    psql = openPsql(server);
    build = await probeBuild();
  });

  afterAll(async () => {
    await psql?.close();
    await server?.stop();
  });

  it.each(corpus())("regression case %s", async (_name, c) => {
    const r = await compare(c);
    expect(r.ok, r.detail).toBe(true);
  });

  it(`on ${RUNS} generated files`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const r = await compare(c);
        if (!r.ok)
          throw new Error(
            `disagreement (saved as ${saveDisagreement(c)} with PGRG_SAVE_DISAGREEMENTS=1):\n${r.detail}`,
          );
      }),
      { numRuns: RUNS },
    );
  });
});
