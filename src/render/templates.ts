import Handlebars from "handlebars/runtime";
import { PARTIALS, TEMPLATES } from "../generated/templates.js";
import { shellQuote, sqlIdent, sqlLiteral } from "../pg/quote.js";

/**
 * Templates are the only place output text is laid out. They are not HTML: no escaping. Values that
 * reach a shell line go through `q` (shell quoting), SQL through sqlIdent/sqlLiteral.
 *
 * templates/*.hbs are precompiled (scripts/gen-templates.mjs → src/generated/templates.js, kept current
 * by test/templates.test.ts): render loads only the Handlebars runtime and compiles nothing.
 */
let hb: typeof Handlebars | undefined;
const cache = new Map<string, Handlebars.TemplateDelegate>();

function engine(): typeof Handlebars {
  if (hb) return hb;
  hb = Handlebars.create();
  hb.registerHelper("q", (v: unknown) => shellQuote(String(v)));
  hb.registerHelper("sqlIdent", (v: unknown) => sqlIdent(String(v)));
  hb.registerHelper("sqlLiteral", (v: unknown) => sqlLiteral(String(v)));
  for (const [name, spec] of Object.entries(PARTIALS)) hb.registerPartial(name, hb.template(spec));
  return hb;
}

export function renderTemplate(name: string, data: object): string {
  let t = cache.get(name);
  if (!t) {
    const spec = Object.hasOwn(TEMPLATES, name) ? TEMPLATES[name] : undefined;
    if (spec === undefined) throw new Error(`no template ${name}`);
    t = engine().template(spec);
    cache.set(name, t);
  }
  return t(data, {
    partials: { service: engine().partials[`service-${(data as { layoutName?: string }).layoutName}`] },
  });
}

/**
 * A partial on its own: the runbook's awk programs (which tests run against the TypeScript twins),
 * and pieces rendered once and used many times (a pg_hba.conf entry that every node's block lists).
 */
export function renderPartial(name: string, data: object = {}): string {
  const p = engine().partials[name] as Handlebars.TemplateDelegate | undefined;
  if (p === undefined) throw new Error(`no partial ${name}`);
  return p(data);
}
