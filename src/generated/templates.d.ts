// Types of templates.js (precompiled Handlebars templates; see scripts/gen-templates.mjs).
import type Handlebars from "handlebars";

type Spec = Parameters<typeof Handlebars.template>[0];
export declare const TEMPLATES: Record<string, Spec>;
export declare const PARTIALS: Record<string, Spec>;
