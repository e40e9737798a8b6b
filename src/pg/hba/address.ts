/**
 * Numeric addresses as the server reads them in pg_hba.conf: getaddrinfo(AI_NUMERICHOST),
 * which on glibc means inet_aton for IPv4 (so `127.1`, `0x7f.0.0.1` and the octal `010.0.0.1`
 * are addresses, and `192.168.1.08` is not: it becomes a host name) and inet_pton for IPv6;
 * CIDR suffixes as pg_sockaddr_cidr_mask (strtol, base 10, 0..32 or 0..128).
 */

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes */
  bytes: number[];
}

export interface IpNetwork extends IpAddress {
  /** the mask, 4 or 16 bytes */
  mask: number[];
  /** the prefix length, or null for a mask that is not contiguous (`255.0.255.0`) */
  prefix: number | null;
  /** true when the address has bits set outside the mask (`192.168.1.5/24`) */
  hostBitsSet: boolean;
}

/** Byte k (0: the lowest) of a number of up to 32 bits. */
const byteOf = (val: number, k: number): number => Math.floor(val / 256 ** k) % 256;

/** inet_aton (glibc's exact variant): 1–4 parts, each decimal, 0x-hex or 0-octal. */
export function parseIPv4(s: string): IpAddress | null {
  // the dotted parts before the last (at most 3), without an array: this runs for every address
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let count = 0;
  let i = 0;
  for (;;) {
    let base = 10;
    let digit = false;
    let val = 0;
    if (s[i] === "0") {
      i++;
      if (s[i] === "x" || s[i] === "X") {
        base = 16;
        i++;
      } else {
        base = 8;
        digit = true;
      }
    }
    for (;;) {
      const c = s[i];
      if (c === undefined) break;
      if (c >= "0" && c <= "9") {
        if (base === 8 && (c === "8" || c === "9")) return null;
        val = val * base + (c.charCodeAt(0) - 48);
      } else if (base === 16 && /[a-fA-F]/.test(c)) {
        val = val * 16 + (c.toLowerCase().charCodeAt(0) - 87);
      } else break;
      if (val > 0xffffffff) return null;
      digit = true;
      i++;
    }
    if (!digit) return null;
    if (s[i] === ".") {
      if (count > 2 || val > 0xff) return null;
      if (count === 0) p0 = val;
      else if (count === 1) p1 = val;
      else p2 = val;
      count++;
      i++;
      continue;
    }
    if (i !== s.length) return null;
    // the last part fills the bytes the others left: a.b.c.d, a.b.(16 bits), a.(24 bits), (32 bits)
    const max = [0xffffffff, 0xffffff, 0xffff, 0xff][count] as number;
    if (val > max) return null;
    // an array literal has exactly 4 elements (lint holds one per pg_hba.conf address)
    if (count === 3) return { family: 4, bytes: [p0, p1, p2, val] };
    if (count === 2) return { family: 4, bytes: [p0, p1, byteOf(val, 1), byteOf(val, 0)] };
    if (count === 1) return { family: 4, bytes: [p0, byteOf(val, 2), byteOf(val, 1), byteOf(val, 0)] };
    return { family: 4, bytes: [byteOf(val, 3), byteOf(val, 2), byteOf(val, 1), byteOf(val, 0)] };
  }
}

/** inet_pton(AF_INET6), with an optional `%scope` as getaddrinfo allows. */
export function parseIPv6(input: string): IpAddress | null {
  const s = input.replace(/%[^%]+$/, "");
  if (s.length === 0 || !/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const dbl = s.indexOf("::");
  if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === "") return [];
    const groups = part.split(":");
    const out: number[] = [];
    for (let g = 0; g < groups.length; g++) {
      const grp = groups[g] as string;
      if (grp.includes(".")) {
        if (g !== groups.length - 1) return null;
        const v4 = parseStrictDottedQuad(grp);
        if (!v4) return null;
        out.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(grp)) return null;
      out.push(Number.parseInt(grp, 16));
    }
    return out;
  };
  let words: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return null;
    if (tail.length > 0 && s.slice(0, dbl).includes(".")) return null;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s);
    if (all?.length !== 8) return null;
    words = all;
  }
  return { family: 6, bytes: words.flatMap((w) => [w >> 8, w & 0xff]) };
}

/** inet_pton(AF_INET): exactly four decimal parts 0–255, no leading zeros. */
function parseStrictDottedQuad(s: string): [number, number, number, number] | null {
  const p = s.split(".");
  if (p.length !== 4) return null;
  const n = p.map((x) => (/^(0|[1-9][0-9]{0,2})$/.test(x) ? Number(x) : 256));
  if (n.some((x) => x > 255)) return null;
  return n as [number, number, number, number];
}

/** getaddrinfo(AI_NUMERICHOST): IPv4 (inet_aton) or IPv6, else null (the server then takes it for a host name). */
export function parseNumericHost(s: string): IpAddress | null {
  return parseIPv4(s) ?? (s.includes(":") ? parseIPv6(s) : null);
}

/** pg_sockaddr_cidr_mask: strtol base 10 (leading blanks and a sign allowed), the whole string. */
export function cidrMask(bitsText: string, family: 4 | 6): number[] | null {
  const total = family === 4 ? 32 : 128;
  let i = 0;
  while (i < bitsText.length && " \t\n\v\f\r".includes(bitsText[i] as string)) i++;
  const negative = bitsText[i] === "-";
  if (negative || bitsText[i] === "+") i++;
  if (i === bitsText.length) return null;
  let bits = 0;
  for (; i < bitsText.length; i++) {
    const c = bitsText.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    // past the longest prefix: stop counting (strtol would go on to LONG_MAX; either is out of range)
    if (bits <= total) bits = bits * 10 + c;
  }
  if (bits > total || (negative && bits !== 0)) return null; // "-0" is 0 to strtol, hence valid
  return maskFromPrefix(bits, family);
}

/** The masks made so far, by family and prefix length: a pg_hba.conf has few distinct ones. */
const MASKS = { 4: new Map<number, number[]>(), 6: new Map<number, number[]>() };

/**
 * The mask of a prefix of `bits` bits, 4 or 16 bytes. One frozen array per family and length,
 * shared by every network that has it (nothing changes a mask).
 */
export function maskFromPrefix(bits: number, family: 4 | 6): number[] {
  let mask = MASKS[family].get(bits);
  if (mask === undefined) {
    mask = Object.freeze(
      Array.from({ length: family === 4 ? 4 : 16 }, (_, i) => {
        const b = Math.max(0, Math.min(8, bits - i * 8));
        return (0xff << (8 - b)) & 0xff;
      }),
    ) as number[];
    MASKS[family].set(bits, mask);
  }
  return mask;
}

/** The prefix length of a contiguous mask, else null. */
export function prefixOfMask(mask: number[]): number | null {
  let bits = 0;
  let ended = false;
  for (let i = 0; i < mask.length; i++) {
    const b = mask[i] as number;
    for (let k = 7; k >= 0; k--) {
      const set = (b >> k) & 1;
      if (set && ended) return null;
      if (set) bits++;
      else ended = true;
    }
  }
  return bits;
}

export function makeNetwork(addr: IpAddress, mask: number[]): IpNetwork {
  let hostBitsSet = false;
  for (let i = 0; i < addr.bytes.length; i++)
    if (((addr.bytes[i] as number) & ~(mask[i] ?? 0) & 0xff) !== 0) hostBitsSet = true;
  return { family: addr.family, bytes: addr.bytes, mask, prefix: prefixOfMask(mask), hostBitsSet };
}

/**
 * An address as written in pg_hba.conf: `a.b.c.d/nn`, `x::y/nn`, or a bare address (a single
 * host, /32 or /128) optionally with a separate mask (`10.0.0.0 255.0.0.0`). Null when it is
 * not numeric (the server takes it as a host name) or the mask is invalid.
 */
export function parseAddress(text: string, separateMask?: string): IpNetwork | null {
  const slash = text.indexOf("/");
  const host = slash >= 0 ? text.slice(0, slash) : text;
  const addr = parseNumericHost(host);
  if (!addr) return null;
  let mask: number[] | null;
  if (slash >= 0) mask = cidrMask(text.slice(slash + 1), addr.family);
  else if (separateMask !== undefined) {
    const m = parseNumericHost(separateMask);
    mask = m && m.family === addr.family ? m.bytes : null;
  } else mask = maskFromPrefix(addr.family === 4 ? 32 : 128, addr.family);
  return mask ? makeNetwork(addr, mask) : null;
}

/** True when every address network b admits is admitted by network a (same family only, as the server matches). */
export function addressContains(a: IpNetwork, b: IpNetwork): boolean {
  if (a.family !== b.family) return false;
  for (let i = 0; i < a.mask.length; i++) {
    const am = a.mask[i] as number;
    const bm = b.mask[i] as number;
    if ((am & bm) !== am) return false; // a constrains a bit b leaves free
    if (((a.bytes[i] as number) & am) !== ((b.bytes[i] as number) & am)) return false;
  }
  return true;
}

/** The address as the server prints it (inet_ntop): dotted quad, or RFC 5952-style IPv6 as glibc writes it. */
export function formatAddress(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join(".");
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += bytes.slice(12).join(".");
      break;
    }
    out += (words[i] as number).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ":";
  return out;
}
