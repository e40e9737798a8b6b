/**
 * The package's identity, as package.json says it (test/package.test.ts keeps the two in step):
 * `--version`, and the public addresses SARIF gives GitHub (the tool's page, each rule's page at
 * the released tag).
 */
export const VERSION = "0.1.0";
/** package.json `homepage` without its `#readme`; `repository` as a web address */
export const REPOSITORY_URL = "https://github.com/pgrepl-gen/pgrepl-gen";

/** The public page of a file of the repository at this version's release tag (`vX.Y.Z`). */
export function releasedFileUrl(path: string): string {
  return `${REPOSITORY_URL}/blob/v${VERSION}/${path}`;
}
