/**
 * Fuzzing the .pgpass reader (parsePgpass) and writer (formatPgpassLine): generated files with
 * known passwords, and real password files (fixtures/fuzz/pgpass, the rendered pgpass.example
 * files) with mutated bytes. No input may throw; every line that is not blank or a comment is
 * an entry or a problem with a position on it; no message carries a raw control character or
 * any password of the file; what formatPgpassLine writes reads back as written.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPgpassLine, type PgpassFields, PgpassFormatError, parsePgpass } from "../src/pg/pgpass.js";
import {
  cpLength,
  expectCleanMessage,
  expectInside,
  filesUnder,
  fuzz,
  lenientUtf8,
  linesOf,
  mutatedSeed,
  printable,
  runs,
  secretArb,
  seedFile,
  TIMEOUT,
} from "./support/fuzz.js";

function check(text: string, passwords: readonly string[]): void {
  const r = parsePgpass(text);
  for (const p of r.problems) {
    expectCleanMessage(p.message, passwords, p.code);
    expectInside(text, p.line, p.column, p.code);
  }
  const lines = linesOf(text);
  for (const e of r.entries) {
    const line = lines[e.line - 1] as string;
    const cols = [e.host.column, e.port.column, e.database.column, e.user.column, e.passwordColumn];
    for (const c of cols) expectInside(text, e.line, c, "field");
    expect([...cols].sort((a, b) => a - b)).toEqual(cols);
    // the field before each column ends with the `:` that starts it
    for (const c of cols.slice(1)) expect([...line][c - 2]).toBe(":");
    expect(cpLength(e.password)).toBeLessThanOrEqual(cpLength(line));
  }
  // Every line libpq reads is an entry or a problem (the last line needs no newline).
  const counted = new Set([...r.entries.map((e) => e.line), ...r.problems.map((p) => p.line)]);
  lines.forEach((line, i) => {
    if (i === lines.length - 1 && line === "") return;
    if (line.startsWith("#") || line.replace(/\r+$/, "") === "") return;
    if (!counted.has(i + 1))
      expect.fail(`line ${i + 1} ${printable(line)} is neither an entry nor a problem`);
  });
}

// ---- generated files ---------------------------------------------------------------------

const fieldText = fc.oneof(
  fc.constantFrom(
    "*",
    "localhost",
    "10.0.0.1",
    "::1",
    "/var/run/postgresql",
    "5432",
    "db",
    "repl_user",
    "",
    "\\*",
    "#x",
  ),
  fc.string({ unit: fc.constantFrom(..."ab:\\*# \t\r\u0000\u0001\u009bé😀".split("")), maxLength: 8 }),
);
const entry = fc.record({
  host: fieldText,
  port: fieldText,
  database: fieldText,
  user: fieldText,
  password: secretArb(":\\*# #'\"é"),
});
const lineArb = fc.oneof(
  { weight: 4, arbitrary: entry.map((f) => ({ text: safeFormat(f), password: f.password })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(fieldText, { maxLength: 7 }), secretArb(":\\"))
      .map(([fs, pw]) => ({ text: [...fs, pw].join(":"), password: pw })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("", "#", "# comment:with:colons", "\r", "*:*:*:*", ":::::::", "\\", "a\\", "\u0000")
      .map((t) => ({
        text: t,
        password: "",
      })),
  },
);

/** formatPgpassLine, or the line by hand where a field cannot be written (a line break in it). */
function safeFormat(f: PgpassFields): string {
  try {
    return formatPgpassLine(f);
  } catch (e) {
    if (!(e instanceof PgpassFormatError)) throw e;
    expectCleanMessage(e.message, [f.password], "formatPgpassLine error");
    return [f.host, f.port, f.database, f.user, f.password].join(":");
  }
}

const generated = fc
  .tuple(fc.array(lineArb, { maxLength: 10 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([ls, eol, final]) => ({
    text: ls.map((l) => l.text).join(eol) + (final ? eol : ""),
    // a password is a secret only where it is unlikely to be printed as something else
    passwords: ls.map((l) => l.password).filter((p) => p.length >= 8),
  }));

describe(".pgpass: generated files", () => {
  it(
    "never throws; every line an entry or a positioned problem; no password or control character in a message",
    () => {
      fuzz("pgpass/generated", generated, ({ text, passwords }) => check(text, passwords), runs(2000));
    },
    TIMEOUT,
  );

  it(
    "reads back what formatPgpassLine writes",
    () => {
      fuzz(
        "pgpass/round-trip",
        entry,
        (f) => {
          let line: string;
          try {
            line = formatPgpassLine(f);
          } catch (e) {
            expect(e).toBeInstanceOf(PgpassFormatError);
            expect(/[\r\n\0]/.test(Object.values(f).join(""))).toBe(true);
            expectCleanMessage((e as Error).message, [f.password]);
            return;
          }
          const r = parsePgpass(`${line}\n`);
          expect(r.problems).toEqual([]);
          const e = r.entries[0];
          expect(e?.password).toBe(f.password);
          for (const k of ["host", "port", "database", "user"] as const) {
            expect(e?.[k].wildcard).toBe(f[k] === "*");
            if (f[k] !== "*") expect(e?.[k].value).toBe(f[k]);
          }
        },
        runs(1000),
      );
    },
    TIMEOUT,
  );
});

// ---- real files, mutated -----------------------------------------------------------------

const SEEDS = [
  ...filesUnder("fixtures/fuzz/pgpass"),
  ...filesUnder("fixtures/rendered", (p) => p.endsWith("pgpass.example")),
].map(seedFile);

describe(".pgpass: real files with mutated bytes", () => {
  it(
    "never throws; every line an entry or a positioned problem; no control character in a message",
    () => {
      fuzz(
        "pgpass/mutation",
        mutatedSeed(SEEDS),
        ({ seed, bytes }) => {
          const text = lenientUtf8(bytes);
          // the seeds' passwords (fixtures/fuzz/pgpass uses ones that cannot occur by chance)
          const secrets = parsePgpass(lenientUtf8(seed.bytes))
            .entries.map((e) => e.password)
            .filter((p) => p.startsWith("Pw"));
          check(text, secrets);
        },
        runs(2000),
      );
    },
    TIMEOUT,
  );
});

describe(".pgpass: what fuzzing found, pinned", () => {
  it("the column of a short line counts characters", () => {
    expect(parsePgpass("😀:x\n").problems.map((p) => [p.line, p.column])).toEqual([[1, 4]]);
  });
});
