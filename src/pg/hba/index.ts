export {
  addressContains,
  cidrMask,
  formatAddress,
  type IpAddress,
  type IpNetwork,
  parseAddress,
  parseIPv4,
  parseIPv6,
  parseNumericHost,
  prefixOfMask,
} from "./address.js";
export { addressCovers, databasesCover, firstShadowing, shadows, typeCovers, usersCover } from "./match.js";
export { splitGucList } from "./options.js";
export { parseHba } from "./parse.js";
export {
  type HbaAddress,
  type HbaAuthMethod,
  type HbaBuild,
  type HbaConnType,
  type HbaInclude,
  type HbaLine,
  type HbaOption,
  type HbaProblem,
  type HbaProblemCode,
  type HbaResult,
  type HbaToken,
  LINUX_BUILD,
  type ParseHbaOptions,
} from "./types.js";
