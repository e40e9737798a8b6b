/**
 * The YAML parser, for loading on demand: `await import("../util/yaml.js")`. A dynamic import of
 * "yaml" itself (a CommonJS package) reaches the bundle without its named exports; importing them
 * statically here lets esbuild and Node agree.
 */
export { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
