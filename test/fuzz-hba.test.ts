/**
 * Fuzzing the pg_hba.conf reader (parseHba) as every major 12–18 reads the same text: generated
 * records (with @files and include records read through memoryConfFs) and the real files (stock
 * files of every major and layout, the spec fixtures' base file, the differential corpus) with
 * mutated bytes. No input may throw; every problem has a position inside the file it names;
 * every token of every record points at itself; every record that is not blank or a comment is
 * a rule, an include or a problem; no message carries a raw control character or the value of
 * a secret option (ldapbindpasswd, radiussecrets).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FileType, memoryConfFs } from "../src/pg/conf/index.js";
import { type HbaResult, type HbaToken, parseHba } from "../src/pg/hba/index.js";
import {
  differentialSeeds,
  expectCleanMessage,
  expectInside,
  filesUnder,
  fromColumn,
  fuzz,
  linesOf,
  mutatedSeed,
  printable,
  runs,
  type Seed,
  secretArb,
  seedFile,
  seedTree,
  TIMEOUT,
} from "./support/fuzz.js";

const DIR = "/etc/pg";
const MAIN = `${DIR}/pg_hba.conf`;
const MAJORS = [12, 13, 14, 15, 16, 17, 18];

type Entry = string | { type: FileType } | { denied: true };
type Tree = Record<string, Entry>;

function checkAll(tree: Tree, secrets: readonly string[], ssl: boolean | undefined): void {
  for (const major of MAJORS) check(tree, major, secrets, ssl);
}

function check(tree: Tree, major: number, secrets: readonly string[], ssl: boolean | undefined): void {
  const main = tree[MAIN];
  if (typeof main !== "string") throw new Error("the tree has no main file");
  const r: HbaResult = parseHba(main, {
    file: MAIN,
    major,
    fs: memoryConfFs(tree),
    ...(ssl === undefined ? {} : { ssl }),
  });
  const text = (file: string): string => {
    const e = tree[file];
    if (typeof e !== "string")
      expect.fail(`${major}: a position in ${file}, which is not a file that was read`);
    return e;
  };
  for (const p of r.problems) {
    expectCleanMessage(p.message, secrets, `${major}: ${p.code}`);
    expectInside(text(p.file), p.line, p.column, `${major}: ${p.code} ${printable(p.message)}`);
  }
  const pointsAt = (t: HbaToken, what: string): void => {
    const body = text(t.file);
    expectInside(body, t.line, t.column, `${major}: ${what}`);
    const rest = fromColumn(linesOf(body)[t.line - 1] as string, t.column);
    const first = t.value[0] ?? "";
    if (!(rest.startsWith('"') || (first !== "" && rest.startsWith(first)))) {
      expect.fail(`${major}: ${what} ${printable(t.value)} is not at ${t.file}:${t.line}:${t.column}`);
    }
  };
  for (const l of r.lines) {
    pointsAt(l.typeToken, "connection type");
    for (const t of [...l.databases, ...l.users]) pointsAt(t, "name");
    if (l.address) {
      pointsAt(l.address.token, "address");
      if (l.address.kind === "ip" && l.address.maskToken) pointsAt(l.address.maskToken, "mask");
    }
    pointsAt(l.methodToken, "method");
    for (const o of l.options) pointsAt(o.token, "option");
  }

  // Every record that is not blank or a comment is accounted for.
  const lines = linesOf(main);
  const continues = (i: number): boolean =>
    major >= 14 && (lines[i] ?? "").replace(/\r+$/, "").endsWith("\\");
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && continues(i - 1)) continue;
    const raw = (lines[i] as string).split("\0")[0] as string;
    if (/^[ \t\r,]*(#[\s\S]*)?$/.test(continues(i) ? raw.replace(/\\\r*$/, "") : raw)) continue;
    let end = i;
    while (continues(end) && end + 1 < lines.length) end++;
    const inRecord = (file: string, n: number | undefined) =>
      file === MAIN && n !== undefined && n >= i + 1 && n <= end + 1;
    const seen =
      r.lines.some((l) => inRecord(l.file, l.line)) ||
      r.problems.some((p) => inRecord(p.file, p.line) || inRecord(p.file, p.server?.line)) ||
      r.includes.some((x) => inRecord(x.file, x.line));
    if (!seen)
      expect.fail(
        `${major}: ${MAIN}:${i + 1} ${printable(lines[i] as string)} is neither a rule nor a problem`,
      );
  }
}

// ---- generated records -------------------------------------------------------------------

const field = (...words: string[]) => fc.constantFrom(...words);
const garbage = fc.oneof(
  fc.constantFrom(
    '"',
    '""',
    ",",
    ",,",
    "#",
    "\\",
    "\u0000",
    "\u0001",
    "\u009b",
    "\f",
    "\v",
    "\r",
    "é",
    "😀",
    "x".repeat(300),
  ),
  fc.string({ unit: "grapheme-ascii", maxLength: 5 }),
);
const quoted = (a: fc.Arbitrary<string>) =>
  fc
    .tuple(a, fc.nat(5))
    .map(([s, k]) => (k === 0 ? `"${s.replace(/"/g, '""')}"` : k === 1 ? `${s},${s}` : s));
const types = quoted(
  field(
    "local",
    "host",
    "hostssl",
    "hostnossl",
    "hostgssenc",
    "hostnogssenc",
    "include",
    "include_if_exists",
    "include_dir",
    "Host",
  ),
);
const dbs = quoted(
  field(
    "all",
    "replication",
    "sameuser",
    "samerole",
    "samegroup",
    "db",
    "@users",
    "@missing",
    "@denied",
    "@fifo",
    "@hba.d",
    "/^re.*$",
    "+grp",
  ),
);
const users = quoted(field("all", "repl_user", "+ops", "@users", "/^r", "postgres"));
const addrs = quoted(
  field(
    "127.0.0.1/32",
    "::1/128",
    "0.0.0.0/0",
    "10.0.0.0",
    "192.168.1.5/24",
    "10.1/8",
    "0x7f.1",
    "fe80::1%eth0/64",
    "samehost",
    "samenet",
    "all",
    ".example.com",
    "db.example.com",
    "1.2.3.4/33",
    "::ffff:1.2.3.4/96",
    "1.2.3.4/x",
  ),
);
const masks = field("255.255.255.0", "255.0.0.0", "ffff::", "255.255.0.255", "");
const methods = quoted(
  field(
    "trust",
    "reject",
    "md5",
    "password",
    "scram-sha-256",
    "gss",
    "sspi",
    "ident",
    "peer",
    "pam",
    "bsd",
    "ldap",
    "radius",
    "cert",
    "oauth",
    "krb5",
  ),
);
const options = (secret: string) =>
  field(
    "map=omicron",
    "clientcert=verify-full",
    "clientcert=verify-ca",
    "clientcert=1",
    "clientcert=no-verify",
    "clientname=CN",
    "clientname=XX",
    "ldapurl=ldap://h/dc=x",
    "ldapurl=http://h",
    "ldapserver=h",
    "ldapbasedn=dc=x",
    "ldapprefix=cn=",
    "ldapsuffix=,dc=x",
    "ldapsearchattribute=uid",
    "ldapsearchfilter=(uid=$username)",
    "ldapport=0",
    `ldapbindpasswd=${secret}`,
    `"ldapbindpasswd=${secret} x"`,
    "radiusservers=a,b",
    '"radiusservers=""a"',
    `radiussecrets=${secret}`,
    `"radiussecrets=""${secret}"`,
    `"radiussecrets=${secret},""x"`,
    `radiussecrets=${secret},${secret}2`,
    "radiusports=1,x",
    "radiusidentifiers=a",
    "pamservice=p",
    "krb_realm=R",
    "include_realm=0",
    "issuer=https://i",
    "scope=s",
    "validator=v",
    "noequals",
    "=v",
  );

const recordArb = (secret: string) =>
  fc
    .tuple(
      types,
      dbs,
      users,
      addrs,
      fc.option(masks, { nil: undefined, freq: 4 }),
      methods,
      fc.array(options(secret), { maxLength: 3 }),
      fc.array(fc.tuple(fc.nat(8), garbage), { maxLength: 2 }),
      fc.constantFrom(" ", "\t", "  ", " \\\n ", " , "),
      fc.nat(9),
    )
    .map(([t, d, u, a, m, meth, opts, junk, sep, cut]) => {
      const local = t.includes("local");
      const parts = [t, d, u, ...(local ? [] : [a, ...(m === undefined ? [] : [m])]), meth, ...opts];
      for (const [at, g] of junk) parts.splice(at % (parts.length + 1), 0, g);
      // sometimes a record cut short, sometimes an include record
      const shown = cut === 0 ? parts.slice(0, 1 + (junk.length % parts.length)) : parts;
      if (cut === 1) return `${t} ${a}`;
      return shown.join(sep);
    });

const hbaFile = (secret: string) =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: recordArb(secret) },
        { weight: 1, arbitrary: garbage },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "",
            "# comment",
            "\\",
            "include hba.d/a.conf",
            "include_dir hba.d",
            "include_if_exists nope.conf",
            "include inc.conf",
          ),
        },
      ),
      {
        maxLength: 8,
      },
    )
    .chain((ls) => fc.tuple(fc.constant(ls), fc.constantFrom("\n", "\r\n", "", "\\\n")))
    .map(([ls, end]) => ls.join("\n") + end);

const generated = secretArb(',"').chain((secret) =>
  fc.record({
    secret: fc.constant(secret),
    main: hbaFile(secret),
    users: fc.option(hbaFile(secret), { nil: undefined }),
    inc: fc.option(hbaFile(secret), { nil: undefined }),
    dropIn: fc.option(hbaFile(secret), { nil: undefined }),
    specials: fc.subarray(["fifo", "denied", "self"]),
    ssl: fc.option(fc.boolean(), { nil: undefined }),
  }),
);

describe("pg_hba.conf: generated records, every major", () => {
  it(
    "never throws; positions inside the file; tokens at their columns; no control characters or secrets",
    () => {
      fuzz(
        "hba/generated",
        generated,
        ({ secret, main, users, inc, dropIn, specials, ssl }) => {
          const tree: Tree = { [MAIN]: main };
          if (users !== undefined) tree[`${DIR}/users`] = users;
          if (inc !== undefined) tree[`${DIR}/inc.conf`] = inc;
          if (dropIn !== undefined) tree[`${DIR}/hba.d/a.conf`] = dropIn;
          if (specials.includes("fifo")) tree[`${DIR}/fifo`] = { type: "fifo" };
          if (specials.includes("denied")) tree[`${DIR}/denied`] = { denied: true };
          if (specials.includes("self"))
            tree[`${DIR}/hba.d/b.conf`] = "include ../pg_hba.conf\nlocal @hba.d all trust\n";
          checkAll(tree, [secret], ssl);
        },
        runs(1000),
      );
    },
    TIMEOUT,
  );
});

// ---- real files, mutated -----------------------------------------------------------------

const SINGLE: Seed[] = [
  ...filesUnder("src/pg/stock", (p) => p.endsWith("pg_hba.conf")),
  ...filesUnder("fixtures/specs/base", (p) => p.includes("hba")),
  ...filesUnder("fixtures/fuzz/hba"),
].map(seedFile);
const TREES = differentialSeeds("fixtures/differential/hba", () => true);
const ALL = [...SINGLE, ...TREES];

function treeFor(seed: Seed, bytes: Uint8Array): Tree {
  return seedTree(seed, bytes, TREES, MAIN, (rel) => (rel === "pg_hba.conf" ? MAIN : `${DIR}/${rel}`));
}

describe("pg_hba.conf: real files with mutated bytes, every major", () => {
  it(
    "never throws; positions inside the file; tokens at their columns; no control characters",
    () => {
      fuzz(
        "hba/mutation",
        fc.tuple(mutatedSeed(ALL), fc.option(fc.boolean(), { nil: undefined })),
        ([{ seed, bytes }, ssl]) => checkAll(treeFor(seed, bytes), [], ssl),
        runs(1000),
      );
    },
    TIMEOUT,
  );

  it("replays the seed corpus unchanged", () => {
    for (const s of ALL) checkAll(treeFor(s, s.bytes), [], undefined);
  });
});

describe("pg_hba.conf: what fuzzing found, pinned", () => {
  const hba = (text: string, major: number) =>
    parseHba(text, { file: MAIN, major, fs: memoryConfFs({ [MAIN]: text }) });

  it("a token at the start of a continuation line is on that line", () => {
    const l = hba("local sameuser,\\\nreplication all trust\n", 14).lines[0];
    expect(l?.databases.map((t) => [t.value, t.line, t.column])).toEqual([
      ["sameuser", 1, 7],
      ["replication", 2, 1],
    ]);
  });

  it("an include whose file name comes from an @file list is reported at the include line (seed 1700032203)", () => {
    const tree = { [MAIN]: "include @users\n", [`${DIR}/users`]: '\n"local"\n' };
    const r = parseHba(tree[MAIN], { file: MAIN, major: 16, fs: memoryConfFs(tree) });
    expect(r.problems.map((p) => [p.file, p.line, p.column, p.message])).toEqual([
      [MAIN, 1, 9, "could not open file `/etc/pg/local`: No such file or directory"],
    ]);
    expect(r.includes.map((i) => [i.kind, i.target, i.file, i.line, i.column])).toEqual([
      ["@", "users", MAIN, 1, 9],
      ["include", "local", MAIN, 1, 9],
    ]);
  });

  it("control characters are escaped and secret option values never shown", () => {
    const r = hba(
      '\u0001local all all trust\nhost all all 0.0.0.0/0 radius radiusservers=a "radiussecrets=""PwNotShown1"\nradiussecrets=PwNotShown2\n',
      13,
    );
    expect(r.problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [1, 1, "invalid connection type `\\x01local`"],
      [2, 47, "cannot parse the RADIUS secret list (value not shown)"],
      [3, 1, "invalid connection type `radiussecrets=…`"],
    ]);
  });
});

describe("pg_hba.conf: an include cycle that branches", () => {
  it("is bounded: no k^10 files, no exhausted memory", () => {
    const inc = (f: string, k: number) =>
      `${Array.from({ length: k }, () => `include ${f}`).join("\n")}\nlocal all all peer\n`;
    for (const k of [2, 4, 1000]) {
      const text = inc("a.conf", k);
      const started = Date.now();
      const r = parseHba(text, {
        file: MAIN,
        major: 16,
        fs: memoryConfFs({ [MAIN]: text, [`${DIR}/a.conf`]: inc("pg_hba.conf", k) }),
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.problems.some((p) => p.message.includes("includes or"))).toBe(k !== 2);
      expect(r.lines.some((l) => l.file === MAIN && l.method === "peer")).toBe(true);
    }
  });
});
