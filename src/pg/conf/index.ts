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
  absoluteConfigLocation,
  byteCompare,
  CONF_FILE_MAX_DEPTH,
  type ConfFileRead,
  type ConfProblem,
  type ConfProblemCode,
  type ConfSetting,
  type ConfTree,
  confKey,
  type IncludeDirective,
  joinPath,
  LATEST_MAJOR,
  MAX_FILE_READS,
  MAX_TEXT_READ,
  type ParseConfOptions,
  parseConfigTree,
  parseConfText,
  type SourceRef,
  valueColumnAt,
} from "./parse.js";
export { type DecodedValue, decodeQuoted } from "./value.js";
