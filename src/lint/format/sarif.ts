/**
 * SARIF 2.1.0 (OASIS), as GitHub code scanning reads it: one run, the tool's rules with their
 * summary, page and default level, and one result per finding located by a path relative to
 * the working directory (`%SRCROOT%`, the repository root in CI). test/lint-formats.test.ts
 * validates the output against the published schema.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../../util/package-root.js";
import { VERSION } from "../../util/version.js";
import type { Finding, Severity } from "../model.js";
import { docsPath, type Rule } from "../rule.js";
import type { FormatContext } from "./context.js";
import { relativeToCwd } from "./github.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  info: "note",
};

/** The page's one-line description: the first paragraph after the title and the severity line. */
function pageParts(rule: Rule): { page: string | undefined; lead: string | undefined; uri: string } {
  const path = join(packageRoot(), docsPath(rule));
  let page: string | undefined;
  try {
    page = readFileSync(path, "utf8");
  } catch {
    page = undefined;
  }
  const paragraphs = (page ?? "").split(/\n\s*\n/).map((p) => p.trim());
  const lead = paragraphs.find((p) => p !== "" && !p.startsWith("#") && !p.startsWith("Severity:"));
  return { page, lead: lead?.replace(/\s*\n\s*/g, " "), uri: pathToFileURL(path).href };
}

/** A relative path as a URI reference (each segment percent-encoded), or a file: URI for one outside cwd. */
function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
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
  const driverRules = rules.map((r) => {
    const { page, lead, uri } = pageParts(r);
    const rule: Record<string, unknown> = {
      id: r.name,
      name: r.name,
      shortDescription: { text: r.summary },
      fullDescription: { text: lead ?? r.summary },
      defaultConfiguration: { level: LEVEL[r.severity] },
      helpUri: uri,
      properties: { tags: r.filesystem ? ["postgresql", "filesystem"] : ["postgresql"] },
    };
    if (page !== undefined) rule.help = { text: page, markdown: page };
    return rule;
  });
  const results = findings.map((f) => {
    const region: Record<string, number> = {};
    if (f.line !== null) region.startLine = f.line;
    if (f.line !== null && f.column !== null) region.startColumn = f.column;
    const physicalLocation: Record<string, unknown> = {
      artifactLocation: artifactUri(relativeToCwd(f.file, ctx.cwd)),
    };
    if (f.line !== null) physicalLocation.region = region;
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule),
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation }],
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
        rules: driverRules,
      },
    },
    results,
    columnKind: "unicodeCodePoints",
  };
  if (ctx.cwd !== undefined) {
    const base = pathToFileURL(ctx.cwd.endsWith("/") ? ctx.cwd : `${ctx.cwd}/`).href;
    run.originalUriBaseIds = { "%SRCROOT%": { uri: base } };
  }
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [run],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
