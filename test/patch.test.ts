/**
 * unifiedPatch (src/render/patch.ts) cuts the common head and tail before diffing. Its patches
 * must apply (jsdiff's applyPatch here, patch(1) below and in the e2e tests) and be as small as
 * jsdiff's for the whole texts: the same number of lines taken out and put in. Where lines repeat,
 * several smallest patches exist and the two may pick different ones (where a repeated line is
 * added), so the text itself is compared only where the texts have no repeated line.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPatch, createTwoFilesPatch, structuredPatch } from "diff";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineHunks, lineTokens, unifiedPatch } from "../src/render/patch.js";

const whole = (a: string, b: string) =>
  createTwoFilesPatch("a/f", "b/f", a, b, undefined, undefined, { context: 3 }).replace(
    /^(Index: .*\n)?=+\n/,
    "",
  );

const line = fc.constantFrom(
  "a",
  "b",
  "c",
  "x y",
  "",
  "# BEGIN",
  "# END",
  "host all all 1.2.3.4/32 md5",
  "\r",
);
const text = fc
  .tuple(fc.array(line, { maxLength: 40 }), fc.boolean())
  .map(([ls, nl]) => ls.join("\n") + (nl && ls.length > 0 ? "\n" : ""));
/** a text and an edit of it: what render diffs (a file and the same file with a few lines changed) */
const pair = fc
  .tuple(text, fc.array(fc.tuple(fc.nat(40), fc.nat(3), fc.array(line, { maxLength: 3 })), { maxLength: 3 }))
  .map(([a, edits]) => {
    const ls = a.split("\n");
    for (const [at, del, ins] of edits) ls.splice(at % (ls.length + 1), del, ...ins);
    return [a, ls.join("\n")] as const;
  });

/** How many lines a patch takes out and puts in. */
function changed(patch: string): [number, number] {
  const body = patch.split("\n").slice(2);
  return [body.filter((l) => l.startsWith("-")).length, body.filter((l) => l.startsWith("+")).length];
}

/** a text and the same text with a few characters replaced or inserted: line breaks come and go */
const charEdit = fc
  .tuple(
    text,
    fc.array(fc.tuple(fc.nat(400), fc.constantFrom("\n", "x", "a", ""), fc.boolean()), { maxLength: 3 }),
  )
  .map(([a, edits]) => {
    let b = a;
    for (const [at, ch, insert] of edits) {
      const i = at % (b.length + 1);
      b = b.slice(0, i) + ch + b.slice(insert ? i : i + 1);
    }
    return [a, b] as const;
  });

describe("lineHunks (jsdiff's array diff over lines cut once)", () => {
  it("are jsdiff's structuredPatch hunks for the same texts, whatever the texts", () => {
    // texts with and without a last line break, "\r" lines, repeated lines, no lines at all
    fc.assert(
      fc.property(fc.oneof(pair, charEdit, fc.tuple(text, text)), ([a, b]) => {
        expect(lineHunks(a, b)).toEqual(
          structuredPatch("a", "b", a, b, undefined, undefined, { context: 3 }).hunks,
        );
      }),
      { numRuns: 4000 },
    );
  });

  it("cut lines as jsdiff's diffLines does: each with its break, CR LF kept whole", () => {
    expect(lineTokens("")).toEqual([]);
    expect(lineTokens("a")).toEqual(["a"]);
    expect(lineTokens("a\n\nb\r\nc\r")).toEqual(["a\n", "\n", "b\r\n", "c\r"]);
  });
});

describe("unifiedPatch", () => {
  it("applies, and is as small as jsdiff's patch of the whole texts", () => {
    fc.assert(
      fc.property(fc.oneof(pair, charEdit, fc.tuple(text, text)), ([a, b]) => {
        fc.pre(a !== b);
        const p = unifiedPatch("a/f", "b/f", a, b);
        expect(applyPatch(a, p)).toBe(b);
        expect(changed(p)).toEqual(changed(whole(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it("long common heads and tails (the runs compared thousands of characters at a time)", () => {
    const lines = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${tag} line ${i}\n`).join("");
    fc.assert(
      fc.property(fc.nat(1500), fc.nat(1500), fc.oneof(pair, charEdit), (h, t, [a, b]) => {
        fc.pre(a !== b);
        const [x, y] = [lines("head", h) + a + lines("tail", t), lines("head", h) + b + lines("tail", t)];
        const p = unifiedPatch("a/f", "b/f", x, y);
        expect(applyPatch(x, p)).toBe(y);
        expect(changed(p)).toEqual(changed(whole(x, y)));
      }),
      { numRuns: 150 },
    );
  });

  it("is jsdiff's patch of the whole texts when no line repeats", () => {
    const unique = fc
      .tuple(fc.uniqueArray(fc.nat(60), { maxLength: 40 }), fc.uniqueArray(fc.nat(60), { maxLength: 40 }))
      .map(
        ([x, y]) =>
          [`${x.map((n) => `l${n}`).join("\n")}\n`, `${y.map((n) => `l${n}`).join("\n")}\n`] as const,
      );
    const shared = fc
      .tuple(fc.uniqueArray(fc.nat(200), { minLength: 10, maxLength: 60 }), fc.nat(59), fc.nat(59))
      .map(([x, i, j]) => {
        const ls = x.map((n) => `l${n}`);
        const edited = [...ls];
        edited.splice(i % ls.length, 1, "new");
        edited.splice(j % edited.length, 1);
        return [`${ls.join("\n")}\n`, `${edited.join("\n")}\n`] as const;
      });
    // a character replaced or put in (a line break among them): lines may merge or split
    const sharedChars = fc
      .tuple(
        fc.uniqueArray(fc.nat(200), { minLength: 10, maxLength: 60 }),
        fc.nat(2000),
        fc.constantFrom("\n", "x", ""),
        fc.boolean(),
      )
      .map(([x, at, ch, insert]) => {
        const a = `${x.map((n) => `l${n}`).join("\n")}\n`;
        const i = at % a.length;
        return [a, a.slice(0, i) + ch + a.slice(insert ? i : i + 1)] as const;
      });
    fc.assert(
      fc.property(fc.oneof(unique, shared, sharedChars), ([a, b]) => {
        fc.pre(a !== b);
        const bLines = b.split("\n");
        fc.pre(new Set(bLines).size === bLines.length); // an edit may have made a line twice
        expect(unifiedPatch("a/f", "b/f", a, b)).toBe(whole(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it("patch(1) applies it to a long file with a change in the middle", () => {
    const head = Array.from({ length: 300 }, (_, i) => `line ${i}`);
    const a = `${head.join("\n")}\n`;
    const b = `${[...head.slice(0, 150), "changed", ...head.slice(151)].join("\n")}\n`;
    const p = unifiedPatch("a/f", "b/f", a, b);
    expect(p).toContain("@@ -148,7 +148,7 @@");
    const dir = mkdtempSync(join(tmpdir(), "pgrepl-patch-"));
    try {
      writeFileSync(join(dir, "f"), a);
      writeFileSync(join(dir, "f.patch"), p);
      const r = spawnSync("patch", ["-p1", "-i", "f.patch"], { cwd: dir, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, "f"), "utf8")).toBe(b);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
