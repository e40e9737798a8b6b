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
export {
  AUTO_CONF_FILENAME,
  type ConfFileRead,
  type ConfProblem,
  type ConfProblemCode,
  type ConfSetting,
  type ConfTree,
  confKey,
  type IncludeDirective,
  LATEST_MAJOR,
  type ParseConfOptions,
  parseConfigTree,
  parseConfText,
  type SourceRef,
  type ValueColumns,
  valueColumnAt,
  valueColumnOf,
} from "./parse.js";
export { type DecodedValue, decodeQuoted } from "./value.js";
