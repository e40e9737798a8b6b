import { rmSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPgpassLine, matchPgpass, PgpassFormatError, parsePgpass } from "../src/pg/pgpass.js";
import { sqlLiteral } from "../src/pg/quote.js";
import { makeTempDir, type PgServer, runAsPostgres, startServer, writeAsPostgres } from "./support/pg.js";

describe(".pgpass", () => {
  it("parses escapes, wildcards and comments, with columns", () => {
    const r = parsePgpass("# comment\n*:5432:*:repl:s\\:e\\\\c\nhost\\:x:*:db:u:pw\n\n");
    expect(r.problems).toEqual([]);
    expect(
      r.entries.map((e) => [e.line, e.host.value, e.host.wildcard, e.port.value, e.user.value, e.password]),
    ).toEqual([
      [2, "*", true, "5432", "repl", "s:e\\c"],
      [3, "host:x", false, "*", "u", "pw"],
    ]);
    expect(r.entries[1]?.database.column).toBe(11);
  });

  it("says what libpq ignores without repeating the password", () => {
    const r = parsePgpass("h:5432:db:u\nh:5432:db:u:sec:ret\n");
    expect(r.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["too-few-fields", 1, 12],
      ["extra-fields", 2, 16],
    ]);
    for (const p of r.problems) expect(p.message).not.toMatch(/sec|ret/);
    expect(r.entries[0]?.password).toBe("sec");
  });

  it("matches as libpq: first match, defaults, the socket directory as localhost", () => {
    const { entries } = parsePgpass(
      "db1:*:*:u:first\n*:5433:*:u:second\nlocalhost:5432:u:u:third\n/tmp:5432:*:u:sock\n",
    );
    const pw = (c: Parameters<typeof matchPgpass>[1]) => matchPgpass(entries, c)?.password ?? null;
    expect(pw({ host: "db1", user: "u" })).toBe("first");
    expect(pw({ host: "db2", port: 5433, user: "u" })).toBe("second");
    expect(pw({ user: "u" })).toBe("third");
    expect(pw({ host: "/var/run/postgresql", user: "u" })).toBe("third");
    expect(pw({ host: "/tmp", user: "u" })).toBe("sock");
    expect(pw({ host: "db2", user: "v" })).toBeNull();
  });

  it("formats lines that parse back to the same fields", () => {
    const text = fc.string({ unit: fc.constantFrom(..."a:\\*# é".split("")), maxLength: 6 });
    fc.assert(
      fc.property(text, text, text, text, text, (host, port, database, user, password) => {
        const line = formatPgpassLine({ host, port, database, user, password });
        const e = parsePgpass(`${line}\n`).entries[0];
        expect(e?.password).toBe(password);
        for (const [f, v] of [
          [e?.host, host],
          [e?.port, port],
          [e?.database, database],
          [e?.user, user],
        ] as const) {
          expect(f?.wildcard ? "*" : f?.value).toBe(v);
          expect(f?.wildcard).toBe(v === "*");
        }
      }),
    );
    expect(() =>
      formatPgpassLine({ host: "h", port: "1", database: "d", user: "u", password: "a\nb" }),
    ).toThrow(PgpassFormatError);
    try {
      formatPgpassLine({ host: "h", port: "1", database: "d", user: "u", password: "sec\nret" });
    } catch (e) {
      expect(String(e)).not.toMatch(/sec|ret/);
    }
  });
});

describe("against the real libpq (psql 15)", () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startServer({ hba: "local all postgres trust\nlocal all all scram-sha-256\n" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("logs in with the password formatPgpassLine wrote", async () => {
    const dir = await makeTempDir("pgrg-pgpass-");
    const password = "p:a\\ss*#w'rd";
    server.psql(`create role "odd:user" login password ${sqlLiteral(password)}`);
    const file = join(dir, "pgpass");
    const line = formatPgpassLine({
      host: server.socketDir,
      port: String(server.port),
      database: "*",
      user: "odd:user",
      password,
    });
    writeAsPostgres(
      file,
      `# a comment\n${formatPgpassLine({ host: "*", port: "*", database: "*", user: "other", password: "x" })}\n${line}\n`,
    );
    const r = runAsPostgres(
      join(server.bin, "psql"),
      [
        "-X",
        "-A",
        "-t",
        "-w",
        "-h",
        server.socketDir,
        "-p",
        String(server.port),
        "-U",
        "odd:user",
        "-d",
        "postgres",
        "-c",
        "select current_user",
      ],
      { env: { PGPASSFILE: file } },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("odd:user");
    rmSync(dir, { recursive: true, force: true });
    const entry = matchPgpass(parsePgpass(`${line}\n`).entries, {
      host: server.socketDir,
      port: server.port,
      user: "odd:user",
      database: "postgres",
    });
    expect(entry?.password).toBe(password);
  });
});
