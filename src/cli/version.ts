// The version lives on the lowest floor (src/util), where render and lint can read it too.
export { VERSION } from "../util/version.js";
