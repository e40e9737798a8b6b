// Kept in step with package.json by test/cli.test.ts (the value lives in src/util/package-info.ts).
export { VERSION } from "../util/package-info.js";
