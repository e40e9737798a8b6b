/**
 * firstShadowing (indexed) against the definition: for each record, the first earlier record
 * for which shadows() holds, found by trying every earlier record in turn.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstShadowing, type HbaLine, parseHba, shadows } from "../src/pg/hba/index.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

function naive(lines: readonly HbaLine[]): Array<HbaLine | undefined> {
  return lines.map((b, i) => lines.slice(0, i).find((a) => shadows(a, b)));
}

const TYPES = ["local", "host", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"];
// `all` weighs more: a file where nothing shadows anything tests little
const DBS = [
  "all",
  "all",
  "all",
  "replication",
  "replication",
  "app",
  "app,other",
  '"all"',
  "sameuser",
  "@dbs",
  "/^a",
];
const USERS = ["all", "all", "all", "repl", "repl,app", "+group", '"all"', "/^r"];
const ADDRESSES = [
  "all",
  "samehost",
  "samenet",
  "db1.example.com",
  ".example.com",
  "0.0.0.0/0",
  "10.0.0.0/8",
  "10.1.0.0/16",
  "10.1.2.0/24",
  "10.1.0.0/24",
  "10.7.0.9/32",
  "10.1.2.3/32",
  "10.1.2.4/31",
  "10.1.2.128/25",
  "10.2.0.0/16",
  "192.168.1.0/24",
  "10.0.0.0 255.0.0.0",
  "10.1.0.0 255.0.255.0",
  "10.1.2.3 255.255.255.255",
  "::/0",
  "::1/128",
  "fe80::/10",
  "2001:db8::/32",
  "2001:db8:1::/48",
  "::ffff:10.1.2.3/128",
];

const line = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.constantFrom(...DBS),
    fc.constantFrom(...USERS),
    fc.constantFrom(...ADDRESSES),
    fc.constantFrom("scram-sha-256", "reject", "trust"),
  )
  .map(([type, db, user, addr, method]) =>
    type === "local"
      ? `local ${db} ${user} ${method}`
      : `host${type.slice(4)} ${db} ${user} ${addr} ${method}`,
  );

describe("firstShadowing", () => {
  it("finds, for every record, the first earlier record that shadows it (generated files)", () => {
    let shadowed = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 2, maxLength: 40, size: "max" }), (texts) => {
        const r = parseHba(`${texts.join("\n")}\n`, { file: "pg_hba.conf", major: 16 });
        expect(r.problems).toEqual([]);
        const want = naive(r.lines);
        expect(firstShadowing(r.lines)).toEqual(want);
        shadowed += want.filter(Boolean).length;
      }),
      { numRuns: RUNS },
    );
    // the property compared shadowed records, not only empty answers
    expect(shadowed).toBeGreaterThan(RUNS);
  });

  it("a 5000-line file: the same answer as the definition", () => {
    const texts: string[] = ["local all all peer", "host all all 10.9.0.0/16 reject"];
    for (let i = 0; texts.length < 5000; i++) {
      texts.push(`host app_${i % 40} user_${i % 17} 10.${(i >> 8) % 250}.${i % 250}.0/24 scram-sha-256`);
      if (i % 10 === 0)
        texts.push(`host replication repl 10.${(i >> 8) % 250}.${i % 250}.${(i % 200) + 1}/32 scram-sha-256`);
    }
    const r = parseHba(`${texts.join("\n")}\n`, { file: "pg_hba.conf", major: 16 });
    const got = firstShadowing(r.lines);
    expect(got).toEqual(naive(r.lines));
    expect(got.filter(Boolean).length).toBeGreaterThan(100);
  });
});
