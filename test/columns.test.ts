// Every reader counts columns in characters (code points) through one helper (src/util/columns.ts),
// and treats a lone surrogate as a character of its own. The oracle is the language's own count of
// code points, [...s].length, which does the same.
import { describe, expect, it } from "vitest";
import { parseConfText, valueColumnOf } from "../src/pg/conf/index.js";
import { parseConninfo } from "../src/pg/conninfo.js";
import { parseHba } from "../src/pg/hba/index.js";
import { parseSpecText } from "../src/spec/parse.js";
import { charactersBetween, columnMap, startsCharacter } from "../src/util/columns.js";

// a lone low surrogate, a pair (😀), a lone high surrogate, and a lone low one after a pair
const PREFIXES = ["a", "é", "\udc00", "a\udc00b", "\ud83d\ude00", "\ud800x", "\ud83d\ude00\udc00", "x\ud800"];
const chars = (s: string) => [...s].length;

describe("util/columns", () => {
  it("counts a pair as one character and a lone surrogate as one", () => {
    for (const p of PREFIXES) expect(charactersBetween(p, 0, p.length), JSON.stringify(p)).toBe(chars(p));
    expect(startsCharacter("\ud83d\ude00", 1)).toBe(false);
    expect(startsCharacter("\udc00\udc00", 1)).toBe(true);
    expect(startsCharacter("\udc00", 0)).toBe(true);
  });

  it("maps every offset to the column of the character it is in", () => {
    expect(columnMap("a\ud83d\ude00b")).toEqual([1, 2, 2, 3, 4]);
    expect(columnMap("a\udc00b")).toEqual([1, 2, 3, 4]);
    for (const p of PREFIXES) expect(columnMap(`${p}z`).at(-2)).toBe(chars(p) + 1);
  });
});

describe("the readers count the same columns", () => {
  it("pg_hba.conf: the token after the prefix", () => {
    for (const p of PREFIXES) {
      const r = parseHba(`local ${p} bob trust\n`, { file: "/h", major: 16 });
      expect(r.problems).toEqual([]);
      expect(r.lines[0]?.users[0]?.column, JSON.stringify(p)).toBe(8 + chars(p));
    }
  });

  it("postgresql.conf: the value's character after the prefix, and a syntax error after it", () => {
    for (const p of PREFIXES) {
      const t = parseConfText(`cluster_name = '${p}z' # ${p}\n`, "/c");
      const s = t.settings[0];
      if (s === undefined) throw new Error(`no setting for ${JSON.stringify(p)}`);
      expect(valueColumnOf(s, chars(p) + 1), JSON.stringify(p)).toBe(s.valueColumn + 1 + chars(p));
      const u = parseConfText(`a.b = '${p}' junk\n`, "/c");
      expect(u.problems[0]?.column, JSON.stringify(p)).toBe(10 + chars(p));
    }
  });

  it("conninfo: the keyword after the prefix", () => {
    for (const p of PREFIXES) {
      const r = parseConninfo(`host=${p} port=5432`);
      expect(r.params[1]?.column, JSON.stringify(p)).toBe(7 + chars(p));
    }
  });

  it("a JSON spec: the syntax error after the prefix", () => {
    for (const p of PREFIXES) {
      const r = parseSpecText(`{"a": "${p}" x}`, "s.json");
      expect(r.problems[0]?.pos?.column, JSON.stringify(p)).toBe(10 + chars(p));
    }
  });
});
