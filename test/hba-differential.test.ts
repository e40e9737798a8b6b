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
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfFs } from "../src/pg/conf/fs.js";
import { formatAddress } from "../src/pg/hba/address.js";
import { type HbaLine, parseHba } from "../src/pg/hba/parse.js";
import { openPsql, type PgServer, type PsqlSession, startServer, writeAsPostgres } from "./support/pg.js";

interface Case {
  description?: string;
  /** pg_hba.conf, and other files of the data directory (for @file) */
  files: Record<string, string>;
}

const CORPUS = join(import.meta.dirname, "..", "fixtures", "differential", "hba");
const RUNS = Number(process.env.PGRG_DIFF_RUNS ?? 500);
const AUX = ["dbs", "users", "empty"];

let server: PgServer;
let psql: PsqlSession;

beforeAll(async () => {
  server = await startServer();
  psql = openPsql(server);
});

afterAll(async () => {
  await psql?.close();
  await server?.stop();
});

interface Row {
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
  for (const a of AUX) rmSync(join(server.dataDir, a), { force: true });
  for (const [rel, text] of Object.entries(c.files)) writeAsPostgres(join(server.dataDir, rel), text, 0o644);
}

async function serverRows(): Promise<Row[]> {
  const json = await psql.query(
    "select coalesce(json_agg(json_build_object('line_number', line_number, 'type', type, 'database', database, " +
      "'user_name', user_name, 'address', address, 'netmask', netmask, 'auth_method', auth_method, " +
      "'options', options, 'error', error) order by line_number), '[]') from pg_hba_file_rules",
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
  else if (cc !== undefined) out.push(`clientcert=${cc === "verify-full" ? "verify-full" : "verify-ca"}`);
  if (o.has("pamservice")) out.push(`pamservice=${o.get("pamservice")}`);
  return out.length > 0 ? out : null;
}

function ourRows(): Row[] {
  const file = join(server.dataDir, "pg_hba.conf");
  const text = readFileSync(file, "utf8");
  const r = parseHba(text, { file, major: 15, fs: nodeConfFs(), ssl: false });
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
    rows.push({ seq: p.seq, row: { line_number: p.server.line, ...blank, error: p.server.error } });
  }
  for (const l of r.lines) {
    const warning = r.problems.find((p) => p.seq === l.seq && p.severity === "warning");
    const a = l.address;
    rows.push({
      seq: l.seq,
      row: {
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

async function compare(c: Case): Promise<{ ok: boolean; detail: string }> {
  writeCase(c);
  const theirs = await serverRows();
  const ours = ourRows();
  return {
    ok: JSON.stringify(theirs) === JSON.stringify(ours),
    detail: JSON.stringify({ case: c, server: theirs, ours }, null, 1),
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
  { weight: 1, arbitrary: fc.constantFrom("sspi", "ldap", "radius", "bsd", "oauth", "Trust", "md5,trust") },
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
  ),
  { maxLength: 2 },
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
    const files: Record<string, string> = { "pg_hba.conf": `${ls.join("\n")}\n`, empty: "" };
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

describe("pg_hba.conf: our parser and PostgreSQL 15 agree", () => {
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
