import { join } from "node:path";
import fc from "fast-check";
import { parse as pgConnectionString } from "pg-connection-string";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConninfo, quoteConninfoValue } from "../src/pg/conninfo.js";
import { type PgServer, runAsPostgres, startServer } from "./support/pg.js";

describe("keyword/value conninfo", () => {
  it("reads values, quotes and escapes as libpq does, with columns", () => {
    const r = parseConninfo(
      "host=10.0.0.1 port = 5433  user='repl user' password='it\\'s' application_name=a\\ b",
    );
    expect(r.ok).toBe(true);
    expect(r.values).toEqual({
      host: "10.0.0.1",
      port: "5433",
      user: "repl user",
      password: "it's",
      application_name: "a b",
    });
    expect(r.params.map((p) => [p.keyword, p.column, p.valueColumn])).toEqual([
      ["host", 1, 6],
      ["port", 15, 22],
      ["user", 28, 33],
      ["password", 45, 54],
      ["application_name", 62, 79],
    ]);
  });

  it("lets an empty value swallow the next word, as libpq does", () => {
    expect(parseConninfo("host= port=5432").values).toEqual({ host: "port=5432" });
  });

  it("reports the first error with its column", () => {
    expect(parseConninfo("host=a foo bar").problems.map((p) => [p.column, p.libpq])).toEqual([
      [12, 'missing "=" after "foo" in connection info string'],
    ]);
    expect(parseConninfo("host='a").problems.map((p) => [p.column, p.code])).toEqual([[6, "syntax"]]);
    const u = parseConninfo("host=a prot=5432");
    expect(u.problems.map((p) => [p.column, p.message])).toEqual([
      [8, "invalid connection option `prot`; did you mean `port`?"],
    ]);
    expect(parseConninfo("sslnegotiation=direct", { libpqMajor: 16 }).problems[0]?.message).toBe(
      "`sslnegotiation` is not known to libpq 16 (it came in 17)",
    );
  });

  it("takes a string without = as a database name", () => {
    expect(parseConninfo("mydb")).toMatchObject({ ok: true, form: "dbname", values: { dbname: "mydb" } });
  });
});

describe("URI conninfo", () => {
  it("reads users, several hosts, IPv6, the database and parameters", () => {
    const r = parseConninfo(
      "postgresql://repl%40x:p%3Aw@[::1]:5433,h2/db%20x?sslmode=require&application_name=s1&ssl=true",
    );
    expect(r.values).toEqual({
      user: "repl@x",
      password: "p:w",
      host: "::1,h2",
      port: "5433,",
      dbname: "db x",
      sslmode: "require",
      application_name: "s1",
    });
  });

  it("reports libpq's URI errors", () => {
    const e = (s: string) => parseConninfo(s).problems[0]?.libpq;
    expect(e("postgresql://[::1")).toBe(
      'end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://[::1"',
    );
    expect(e("postgresql://h/db?a")).toBe('missing key/value separator "=" in URI query parameter: "a"');
    expect(e("postgresql://h/d%zz")).toBe('invalid percent-encoded token: "d%zz"');
    expect(e("postgres://h/db?nosuch=1")).toBe('invalid URI query parameter: "nosuch"');
    expect(e("postgres://h/db?a=b=c")).toBe('extra key/value separator "=" in URI query parameter: "a"');
  });

  it("agrees with pg-connection-string on plain URIs", () => {
    const uris = fc.tuple(
      fc.constantFrom("postgresql://", "postgres://"),
      fc.constantFrom("", "u@", "u:p@", "repl%20user:s%3Acret@"),
      fc.constantFrom("h", "10.0.0.1", "[::1]", "db.example.com"),
      fc.constantFrom("", ":5432", ":6543"),
      fc.constantFrom("", "/", "/db", "/my%20db"),
      fc.constantFrom("", "?application_name=x", "?connect_timeout=5&application_name=a%20b"),
    );
    fc.assert(
      fc.property(uris, (parts) => {
        const s = parts.join("");
        const ours = parseConninfo(s).values;
        const theirs = pgConnectionString(s) as Record<string, unknown>;
        expect(ours.user ?? "").toBe(theirs.user ?? "");
        expect(ours.password ?? "").toBe(theirs.password ?? "");
        expect(ours.host).toBe(theirs.host);
        expect(ours.port ?? "").toBe(theirs.port ?? "");
        expect(ours.dbname ?? null).toBe(theirs.database ?? null);
        expect(ours.application_name).toBe(theirs.application_name);
      }),
      { numRuns: 100 },
    );
  });
});

describe("against the real libpq (psql 15)", () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const full = (conninfo: string): string =>
    `${conninfo} host='${server.socketDir}' port=${server.port} user=postgres dbname=postgres`;

  /** What libpq makes of a conninfo: application_name as the server saw it, or libpq's error. */
  function libpq(conninfo: string): { name: string } | { error: string } {
    const r = runAsPostgres(join(server.bin, "psql"), [
      "-X",
      "-A",
      "-t",
      "-w",
      full(conninfo),
      "-c",
      "show application_name",
    ]);
    if (r.status === 0) return { name: r.stdout.replace(/\n$/, "") };
    return { error: r.stderr.replace(/^psql: error: /, "").trim() };
  }

  it("round-trips quoteConninfoValue", () => {
    const value = fc.string({ unit: fc.constantFrom(..."ab =',\\\"#&%".split("")), maxLength: 12 });
    fc.assert(
      fc.property(value, (v) => {
        const s = `application_name=${quoteConninfoValue(v)}`;
        expect(parseConninfo(s).values.application_name).toBe(v);
        expect(libpq(s)).toEqual({ name: v });
      }),
      { numRuns: 25 },
    );
  });

  it("parses generated strings as libpq does", () => {
    const kw = fc.constantFrom(
      "application_name",
      "fallback_application_name",
      "nosuch",
      "application_name ",
    );
    const sep = fc.constantFrom("=", " = ", "= ", "=");
    const val = fc.constantFrom("x", "a\\ b", "'q r'", "'it\\'s'", "''", "'open", "\\\\", "w=1", "'a''b'");
    const pair = fc.tuple(kw, sep, val).map(([k, s, v]) => `${k}${s}${v}`);
    const str = fc
      .tuple(fc.array(pair, { minLength: 1, maxLength: 3 }), fc.constantFrom(" ", "  ", "\t"))
      .map(([ps, w]) => ps.join(w));
    fc.assert(
      fc.property(str, (s) => {
        const ours = parseConninfo(full(s));
        const theirs = libpq(s);
        if (ours.ok) {
          // psql passes its own fallback_application_name ("psql") after the string, so it wins
          const expected = ours.values.application_name ?? "psql";
          expect(theirs).toEqual({ name: expected });
        } else {
          expect(theirs).toEqual({ error: ours.problems[0]?.libpq });
        }
      }),
      { numRuns: 30 },
    );
  });
});
