import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { shellQuote, sqlIdent, sqlLiteral } from "../pg/quote.js";
import { packageRoot } from "../util/package-root.js";

/**
 * Templates are the only place output text is laid out. They are not HTML: no escaping. Values that
 * reach a shell line go through `q` (shell quoting), SQL through sqlIdent/sqlLiteral.
 */
let hb: typeof Handlebars | undefined;
const cache = new Map<string, Handlebars.TemplateDelegate>();

function engine(): typeof Handlebars {
  if (hb) return hb;
  hb = Handlebars.create();
  hb.registerHelper("q", (v: unknown) => shellQuote(String(v)));
  hb.registerHelper("sqlIdent", (v: unknown) => sqlIdent(String(v)));
  hb.registerHelper("sqlLiteral", (v: unknown) => sqlLiteral(String(v)));
  const partials = join(packageRoot(), "templates", "partials");
  for (const f of readdirSync(partials)) {
    if (f.endsWith(".hbs")) hb.registerPartial(f.slice(0, -4), readFileSync(join(partials, f), "utf8"));
  }
  return hb;
}

export function renderTemplate(name: string, data: object): string {
  let t = cache.get(name);
  if (!t) {
    const src = readFileSync(join(packageRoot(), "templates", `${name}.hbs`), "utf8");
    t = engine().compile(src, { noEscape: true });
    cache.set(name, t);
  }
  return t(data, {
    partials: { service: engine().partials[`service-${(data as { layoutName?: string }).layoutName}`] },
  });
}

/** A partial on its own (the runbook's awk programs, which tests run against the TypeScript twins). */
export function renderPartial(name: string): string {
  const p = engine().partials[name];
  if (p === undefined) throw new Error(`no partial ${name}`);
  return typeof p === "string"
    ? engine().compile(p, { noEscape: true })({})
    : (p as Handlebars.TemplateDelegate)({});
}
