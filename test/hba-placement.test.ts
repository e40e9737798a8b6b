/**
 * placeHbaBlock replaces an existing block without splitting the file into lines when it can
 * (one BEGIN line, an END line after it, newline-terminated file and block). Whatever the file,
 * that must give the same text as the line-by-line placement.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HBA_BEGIN, HBA_END, placeByLines, placeHbaBlock } from "../src/pg/hba-placement.js";

const line = fc.constantFrom(
  `${HBA_BEGIN}: replication access to \`a\``,
  `${HBA_BEGIN}`,
  `${HBA_END}`,
  ` ${HBA_BEGIN}`,
  `x${HBA_END}`,
  "host replication repl 10.0.0.2/32 scram-sha-256",
  "local all all peer",
  "# comment",
  "",
  "\r",
  `${HBA_END}\r`,
  "include hba.d/x.conf",
);

const text = fc
  .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([ls, eol, last]) => ls.join(eol) + (last && ls.length > 0 ? eol : ""));

describe("placeHbaBlock", () => {
  it("replacing in place gives the line-by-line result for any file and block", () => {
    fc.assert(
      fc.property(text, text, (file, block) => {
        expect(placeHbaBlock(file, block)).toBe(placeByLines(file, block));
      }),
      { numRuns: 5000 },
    );
  });

  it("a rendered file's block is replaced in place (an example)", () => {
    const file = `local all all peer\n${HBA_BEGIN}: x\nhost replication r 1.2.3.4/32 md5\n${HBA_END}\nhost all all 0.0.0.0/0 reject\n`;
    const block = `${HBA_BEGIN}: y\nhostssl replication r 5.6.7.8/32 scram-sha-256\n${HBA_END}\n`;
    expect(placeHbaBlock(file, block)).toBe(`local all all peer\n${block}host all all 0.0.0.0/0 reject\n`);
  });
});
