export {
  type ConfFs,
  type FileType,
  type FsError,
  isFsError,
  MAX_CONFIG_BYTES,
  memoryConfFs,
  nodeConfFs,
} from "./fs.js";
export { isLetter, Scanner, type Token, type TokenKind } from "./lexer.js";
export { AUTO_CONF_FILENAME, confKey, LATEST_MAJOR } from "./parse.js";
export { parseConfigTree, parseConfText } from "./tree.js";
export {
  type ConfFileRead,
  type ConfProblem,
  type ConfProblemCode,
  type ConfSetting,
  type ConfTree,
  type IncludeDirective,
  type ParseConfOptions,
  type SourceRef,
  type ValueColumns,
  valueColumnAt,
  valueColumnOf,
} from "./types.js";
export { type DecodedValue, decodeQuoted } from "./value.js";
