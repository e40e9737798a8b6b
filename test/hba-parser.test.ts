import { describe, expect, it } from "vitest";
import { memoryConfFs } from "../src/pg/conf/fs.js";
import { addressContains, formatAddress, parseAddress, parseIPv4, parseIPv6 } from "../src/pg/hba/address.js";
import { type HbaLine, parseHba } from "../src/pg/hba/index.js";
import { shadows } from "../src/pg/hba/match.js";

const F = "/etc/pg/pg_hba.conf";

function hba(text: string, major = 15, extra: Record<string, string> = {}) {
  return parseHba(text, { file: F, major, fs: memoryConfFs({ [F]: text, ...extra }) });
}

function one(text: string, major = 15): HbaLine {
  const r = hba(text, major);
  expect(r.problems).toEqual([]);
  return r.lines[0] as HbaLine;
}

describe("records", () => {
  it("keeps every field with its column, in first-match order", () => {
    const r = hba(
      '# c\nhost  replication,"all"  repl_user,+ops  192.168.1.5/32  scram-sha-256  # x\nlocal all all peer\n',
    );
    expect(r.lines.map((l) => [l.type, l.line, l.seq])).toEqual([
      ["host", 2, 1],
      ["local", 3, 2],
    ]);
    const l = r.lines[0] as HbaLine;
    expect(l.databases.map((t) => [t.value, t.quoted, t.column])).toEqual([
      ["replication", false, 7],
      ["all", true, 19],
    ]);
    expect(l.users.map((t) => [t.value, t.column])).toEqual([
      ["repl_user", 26],
      ["+ops", 36],
    ]);
    expect(l.address?.kind === "ip" && [l.address.token.column, l.address.network.prefix]).toEqual([42, 32]);
    expect([l.method, l.methodToken.column]).toEqual(["scram-sha-256", 58]);
  });

  it("reads the separate-mask form, host names and keywords", () => {
    expect(one("host all all 10.0.0.0 255.0.0.0 md5").address).toMatchObject({
      kind: "ip",
      maskToken: { column: 23 },
    });
    expect(one("host all all .example.com md5").address).toMatchObject({
      kind: "hostname",
      name: ".example.com",
    });
    expect(one("host all all samenet md5").address).toMatchObject({ kind: "samenet" });
    expect(one('host all all "samenet" md5').address).toMatchObject({ kind: "hostname", name: "samenet" });
  });

  it("keeps name=value options, and maps local ident to peer", () => {
    const l = one("local all all ident map=omicron");
    expect(l.method).toBe("peer");
    expect(l.options.map((o) => [o.name, o.value, o.token.column])).toEqual([["map", "omicron", 21]]);
  });

  it("points problems at the token the server chokes on, with its message", () => {
    const r = hba(
      "host all all 1.2.3.4/33 md5\nlocal all all\nhost all all 1.2.3.4 md5\nlocal all all trust foo\n",
    );
    expect(r.problems.map((p) => [p.line, p.column, p.server?.error])).toEqual([
      [1, 14, 'invalid CIDR mask in address "1.2.3.4/33"'],
      [2, 14, "end-of-line before authentication method"],
      [3, 22, 'invalid IP mask "md5": Name or service not known'],
      [4, 21, "authentication option not in name=value format: foo"],
    ]);
    expect(r.problems[0]?.message).toBe("invalid CIDR mask in address `1.2.3.4/33`");
  });

  it("reports hostssl records as unmatchable when ssl is off", () => {
    const r = parseHba("hostssl all all all md5\n", { file: F, major: 15, ssl: false });
    expect(r.lines).toHaveLength(1);
    expect(r.problems.map((p) => [p.severity, p.code])).toEqual([["warning", "ssl-disabled"]]);
  });
});

describe("per major version", () => {
  it("continues lines ending in a backslash from 14 on", () => {
    expect(hba("local all \\\n all trust\n", 14).lines[0]?.users[0]).toMatchObject({
      value: "all",
      line: 2,
      column: 2,
    });
    expect(hba("local all \\\n all trust\n", 13).problems.map((p) => p.server?.error)).toEqual([
      "end-of-line before authentication method",
      'invalid connection type "all"',
    ]);
  });

  it("has include records from 16 on; before, include is an invalid connection type", () => {
    const files = { "/etc/pg/more.conf": "local all all trust\n" };
    expect(hba("include more.conf\n", 16, files).lines.map((l) => [l.file, l.line])).toEqual([
      ["/etc/pg/more.conf", 1],
    ]);
    expect(hba("include more.conf\n", 15, files).problems.map((p) => p.server?.error)).toEqual([
      'invalid connection type "include"',
    ]);
    expect(hba("include_if_exists nope.conf\nlocal all all trust\n", 16).problems).toEqual([]);
    expect(hba("include nope.conf\n", 16).problems.map((p) => [p.column, p.server?.error])).toEqual([
      [9, 'could not open file "/etc/pg/nope.conf": No such file or directory'],
    ]);
  });

  it("reads include_dir files in byte order and stops self-inclusion at the nesting limit (16+)", () => {
    const r = hba("include_dir conf.d\n", 17, {
      "/etc/pg/conf.d/b.conf": "local b all trust\n",
      "/etc/pg/conf.d/A.conf": "local a all trust\n",
      "/etc/pg/conf.d/x.txt": "local x all trust\n",
    });
    expect(r.lines.map((l) => l.databases[0]?.value)).toEqual(["a", "b"]);
    const loop = hba("local all all trust\ninclude pg_hba.conf\n", 16);
    expect(loop.lines).toHaveLength(11);
    expect(loop.problems.map((p) => p.server?.error)).toEqual([
      'could not open file "/etc/pg/pg_hba.conf": maximum nesting depth exceeded',
    ]);
  });

  it("expands @file relative to the including file; a missing one fails the record", () => {
    const r = hba("local @dbs all trust\nlocal @nope all trust\n", 15, { "/etc/pg/dbs": "a,b\nc # x\n" });
    expect(r.lines[0]?.databases.map((t) => [t.value, t.via])).toEqual([
      ["a", "/etc/pg/dbs"],
      ["b", "/etc/pg/dbs"],
      ["c", "/etc/pg/dbs"],
    ]);
    expect(r.problems.map((p) => p.server?.error)).toEqual([
      'could not open secondary authentication file "@nope" as "/etc/pg/nope": No such file or directory',
    ]);
    expect(hba("local @nope all trust\n", 16).problems[0]?.server?.error).toBe(
      'could not open file "/etc/pg/nope": No such file or directory',
    );
  });

  it("stops an @file cycle before 16 (the server itself would recurse without end)", () => {
    const r = hba("local @a all trust\n", 15, { "/etc/pg/a": "x,@a\n" });
    expect(r.problems.map((p) => [p.code, p.server])).toEqual([["include", null]]);
  });

  it("knows methods and options by version", () => {
    expect(hba("local all all oauth\n", 17).problems[0]?.server?.error).toBe(
      'invalid authentication method "oauth"',
    );
    expect(hba("local all all oauth issuer=x scope=y\n", 18).problems[0]?.server?.error).toBe(
      "oauth_validator_libraries must be set for authentication method oauth",
    );
    const oauth = parseHba("local all all oauth issuer=x scope=y\n", {
      file: F,
      major: 18,
      oauthValidatorLibraries: ["v"],
    });
    expect(oauth.problems).toEqual([]);
    expect(hba("hostssl all all all md5 clientcert=1\n", 13).problems).toEqual([]);
    expect(
      hba("hostssl all all all md5 clientcert=1\n", 14).problems.map((p) => [p.server?.error, p.message]),
    ).toEqual([[null, "invalid value for clientcert: `1`"]]);
    expect(hba("hostssl all all all md5 clientname=DN\n", 13).problems[0]?.server?.error).toBe(
      'unrecognized authentication option name: "clientname"',
    );
    expect(hba("local all all bsd\n").problems[0]?.server?.error).toBe(
      'invalid authentication method "bsd": not supported by this build',
    );
  });

  it("treats /x as a regular expression from 16 on, a plain name before", () => {
    expect(one("local /^db all trust", 16).databases[0]?.value).toBe("/^db");
    expect(one("local /^db all trust", 15).databases[0]?.value).toBe("/^db");
  });
});

describe("addresses", () => {
  it("parses IPv4 as inet_aton and IPv6 as inet_pton", () => {
    expect(parseIPv4("127.1")?.bytes).toEqual([127, 0, 0, 1]);
    expect(parseIPv4("0x7f.010.0.1")?.bytes).toEqual([127, 8, 0, 1]);
    expect(parseIPv4("192.168.1.08")).toBeNull();
    expect(parseIPv4("1.2.3.4.5")).toBeNull();
    expect(parseIPv4("256.1.1.1")).toBeNull();
    expect(parseIPv4("4294967295")?.bytes).toEqual([255, 255, 255, 255]);
    expect(parseIPv6("::ffff:1.2.3.4")?.bytes.slice(10)).toEqual([255, 255, 1, 2, 3, 4]);
    expect(parseIPv6("1::2::3")).toBeNull();
    expect(parseIPv6("fe80::1%eth0")?.bytes[0]).toBe(0xfe);
  });

  it("tells host bits and prefixes", () => {
    expect(parseAddress("192.168.1.5/24")).toMatchObject({ prefix: 24, hostBitsSet: true });
    expect(parseAddress("192.168.1.0/24")).toMatchObject({ prefix: 24, hostBitsSet: false });
    expect(parseAddress("10.0.0.0", "255.0.255.0")).toMatchObject({ prefix: null });
    expect(parseAddress("2001:db8::1/64")).toMatchObject({ prefix: 64, hostBitsSet: true });
    expect(parseAddress("host.example.com")).toBeNull();
    expect(parseAddress("1.2.3.4/33")).toBeNull();
  });

  it("reads CIDR suffixes as strtol does (blanks, a sign, leading zeros), masks shared and frozen", () => {
    const prefix = (s: string) => parseAddress(`10.0.0.0/${s}`)?.prefix;
    for (const [s, p] of [
      ["24", 24],
      [" 24", 24],
      ["\t\v\f\r\n8", 8],
      ["+24", 24],
      ["-0", 0],
      ["0024", 24],
      ["000000000000000000000032", 32],
      ["0", 0],
    ] as const)
      expect(prefix(s), JSON.stringify(s)).toBe(p);
    for (const s of ["", "-1", "24 ", "+", "-", "33", "2a", "0x18", "99999999999999999999", "+-1", "2 4"])
      expect(prefix(s), JSON.stringify(s)).toBeUndefined();
    expect(parseAddress("::/128")?.prefix).toBe(128);
    expect(parseAddress("::/129")).toBeNull();
    const a = parseAddress("10.0.0.0/24");
    const b = parseAddress("192.168.0.0/24");
    expect(a?.mask).toBe(b?.mask);
    expect(Object.isFrozen(a?.mask)).toBe(true);
    expect(a?.mask).toEqual([255, 255, 255, 0]);
  });

  it("decides containment within one family", () => {
    const n = (s: string) => parseAddress(s) ?? expect.fail(s);
    expect(addressContains(n("10.0.0.0/8"), n("10.1.2.0/24"))).toBe(true);
    expect(addressContains(n("10.1.2.0/24"), n("10.0.0.0/8"))).toBe(false);
    expect(addressContains(n("0.0.0.0/0"), n("::1/128"))).toBe(false);
    expect(addressContains(n("192.168.1.5/24"), n("192.168.1.77/32"))).toBe(true);
  });

  it("prints as the server does", () => {
    expect(formatAddress(parseIPv6("2001:db8:0:0:1:0:0:1")?.bytes ?? [])).toBe("2001:db8::1:0:0:1");
    expect(formatAddress(parseIPv6("::1")?.bytes ?? [])).toBe("::1");
    expect(formatAddress(parseIPv6("::")?.bytes ?? [])).toBe("::");
    expect(formatAddress(parseIPv6("::ffff:1.2.3.4")?.bytes ?? [])).toBe("::ffff:1.2.3.4");
    expect(formatAddress(parseIPv6("ffff:ffff::")?.bytes ?? [])).toBe("ffff:ffff::");
  });
});

describe("shadowing", () => {
  const lines = (text: string) => hba(text).lines;
  const shadowed = (text: string) => {
    const [a, b] = lines(text) as [HbaLine, HbaLine];
    return shadows(a, b);
  };

  it("sees an earlier wider record", () => {
    expect(shadowed("host all all 10.0.0.0/8 md5\nhost db1 u1 10.1.0.0/16 scram-sha-256\n")).toBe(true);
    expect(shadowed("host all all all reject\nhostssl all all 10.0.0.1/32 md5\n")).toBe(true);
    expect(shadowed("hostnossl all all all md5\nhostgssenc all all all md5\n")).toBe(true);
    expect(shadowed("host all all .example.com md5\nhost all all db.example.com md5\n")).toBe(true);
    expect(shadowed("local all all peer\nlocal db1 +grp md5\n")).toBe(true);
  });

  it("knows `all` does not cover replication, and stays conservative", () => {
    expect(shadowed("host all all all md5\nhost replication all all md5\n")).toBe(false);
    expect(shadowed("host replication all all md5\nhost replication repl 10.0.0.1/32 md5\n")).toBe(true);
    expect(shadowed('host "all" all all md5\nhost db1 all all md5\n')).toBe(false);
    expect(shadowed("hostssl all all all md5\nhost all all all md5\n")).toBe(false);
    expect(shadowed("host all all 10.0.0.0/8 md5\nhost all all host.example.com md5\n")).toBe(false);
    expect(shadowed("host all +grp all md5\nhost all u1 all md5\n")).toBe(false);
    expect(shadowed("host all all 0.0.0.0/0 md5\nhost all all ::1/128 md5\n")).toBe(false);
    expect(shadowed("local all all peer\nhost all all all md5\n")).toBe(false);
  });
});
