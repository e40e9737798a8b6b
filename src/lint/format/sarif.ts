/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning reads it: one run; the tool with its public page
 * (`informationUri`) and its rules, each with an id (the rule's public name), a PascalCase `name`
 * as SARIF §3.49.7 asks (distinct from the id), its summary, default level, full page in `help`
 * and the page's public address at the released tag (`helpUri`; never a path into the local
 * installation, which means nothing to a reader of the alert). Each result is located by a path
 * relative to the repository root (`%SRCROOT%`: the git top level holding the directory lint ran
 * from, else that directory), whichever subdirectory lint ran in, since GitHub resolves paths
 * against the checkout's root; `invocations[0].workingDirectory` says where it ran. Files outside
 * the root are absolute `file:` URIs. `partialFingerprints` identify a finding across runs (rule,
 * file, message, and which of its equals it is, not its line), so an unchanged finding that moved
 * is the same alert. test/lint-formats.test.ts validates the output against the published schema;
 * test/sarif-repo.test.ts runs lint from a subdirectory of a real git repository.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { REPOSITORY_URL, releasedFileUrl, VERSION } from "../../util/package-info.js";
import { packageRoot } from "../../util/package-root.js";
import type { Finding, Severity } from "../model.js";
import { docsPath, type Rule } from "../rule.js";
import type { FormatContext } from "./context.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** The key of our fingerprint in partialFingerprints (versioned: a new scheme gets a new key). */
export const FINGERPRINT_KEY = "pgreplGenFindingHash/v1";

/** The page and its one-line description: the first paragraph after the title and the severity line. */
function pageParts(rule: Rule): { page: string | undefined; lead: string | undefined } {
  let page: string | undefined;
  try {
    page = readFileSync(join(packageRoot(), docsPath(rule)), "utf8");
  } catch {
    page = undefined;
  }
  const paragraphs = (page ?? "").split(/\n\s*\n/).map((p) => p.trim());
  const lead = paragraphs.find((p) => p !== "" && !p.startsWith("#") && !p.startsWith("Severity:"));
  return { page, lead: lead?.replace(/\s*\n\s*/g, " ") };
}

/** `hba-cidr-host-bits` -> `HbaCidrHostBits` */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

/** A path under the root as a URI reference (each segment percent-encoded), else a file: URI. */
function artifactUri(abs: string, root: string): { uri: string; uriBaseId?: string } {
  const rel = relative(root, abs);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

function dirUri(dir: string): string {
  return pathToFileURL(dir.endsWith("/") ? dir : `${dir}/`).href;
}

export function formatSarif(findings: readonly Finding[], ctx: FormatContext): string {
  const rules = [...ctx.rules];
  for (const f of findings) {
    if (!rules.some((r) => r.name === f.rule)) {
      // a finding of a rule the context does not describe (tests): describe it minimally
      rules.push({
        name: f.rule,
        severity: f.severity,
        summary: f.rule,
        reads: [],
        scope: "workspace",
        check: () => {},
      });
    }
  }
  const index = new Map(rules.map((r, i) => [r.name, i]));
  const documented = new Set(ctx.rules.map((r) => r.name));
  const driverRules = rules.map((r) => {
    const { page, lead } = pageParts(r);
    const rule: Record<string, unknown> = {
      id: r.name,
      name: pascalCase(r.name),
      shortDescription: { text: r.summary },
      fullDescription: { text: lead ?? r.summary },
      defaultConfiguration: { level: LEVEL[r.severity] },
      properties: { tags: r.filesystem ? ["postgresql", "filesystem"] : ["postgresql"] },
    };
    // only a rule of the registry has a page in the repository
    if (documented.has(r.name) && page !== undefined) rule.helpUri = releasedFileUrl(docsPath(r));
    if (page !== undefined) rule.help = { text: page, markdown: page };
    return rule;
  });
  const cwd = ctx.cwd ?? "/";
  const root = ctx.root ?? cwd;
  const seen = new Map<string, number>();
  const results = findings.map((f) => {
    const region: Record<string, number> = {};
    if (f.line !== null) region.startLine = f.line;
    if (f.line !== null && f.column !== null) region.startColumn = f.column;
    const artifactLocation = artifactUri(resolve(cwd, f.file), root);
    const physicalLocation: Record<string, unknown> = { artifactLocation };
    if (f.line !== null) physicalLocation.region = region;
    // line numbers a message mentions ("set again at line 7") move with the file: not part of it
    const key = [f.rule, artifactLocation.uri, f.message.replace(/\bline \d+/g, "line N")].join("\u0000");
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 32);
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation }],
      partialFingerprints: { [FINGERPRINT_KEY]: `${hash}:${nth}` },
    };
    if (f.node !== undefined) result.properties = { node: f.node };
    return result;
  });
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: "pgrepl-gen",
        version: VERSION,
        semanticVersion: VERSION,
        informationUri: REPOSITORY_URL,
        rules: driverRules,
      },
    },
    invocations: [{ executionSuccessful: true, workingDirectory: { uri: dirUri(cwd) } }],
    originalUriBaseIds: { "%SRCROOT%": { uri: dirUri(root) } },
    results,
    columnKind: "unicodeCodePoints",
  };
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [run],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
