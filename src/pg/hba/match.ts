import { addressContains, maskFromPrefix } from "./address.js";
import type { HbaAddress, HbaConnType, HbaLine, HbaToken } from "./types.js";

/**
 * Whether record `a` matches every connection record `b` would match, so that with `a`
 * earlier in the file `b` can never be used (first match wins; the method and options play
 * no part in matching). Conservative: true only when it is certain, so host names against
 * addresses, `samenet`, regular expressions and `@file`s left unexpanded compare only with
 * themselves.
 */
export function shadows(a: HbaLine, b: HbaLine): boolean {
  return (
    typeCovers(a.type, b.type) &&
    addressCovers(a.address, b.address) &&
    databasesCover(a.databases, b.databases) &&
    usersCover(a.users, b.users)
  );
}

/** Connections each type admits: local; TCP with SSL; TCP with GSS encryption; TCP plain. */
const ADMITS: Record<HbaConnType, ReadonlyArray<"local" | "ssl" | "gss" | "plain">> = {
  local: ["local"],
  host: ["ssl", "gss", "plain"],
  hostssl: ["ssl"],
  hostnossl: ["gss", "plain"],
  hostgssenc: ["gss"],
  hostnogssenc: ["ssl", "plain"],
};

export function typeCovers(a: HbaConnType, b: HbaConnType): boolean {
  return ADMITS[b].every((k) => ADMITS[a].includes(k));
}

export function addressCovers(a: HbaAddress | null, b: HbaAddress | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === "all") return true;
  if (b.kind === "all") return false;
  if (a.kind === "samenet") return b.kind === "samenet" || b.kind === "samehost";
  if (a.kind === "samehost") return b.kind === "samehost";
  if (a.kind === "hostname") {
    if (b.kind !== "hostname") return false;
    const an = a.name.toLowerCase();
    const bn = b.name.toLowerCase();
    if (an === bn) return true;
    // `.example.com` matches every name ending in it
    return an.startsWith(".") && bn.endsWith(an);
  }
  if (a.kind !== "ip" || b.kind !== "ip") return false;
  return addressContains(a.network, b.network);
}

const keyword = (t: HbaToken, k: string): boolean => !t.quoted && t.value === k;

function isSpecial(t: HbaToken, field: "db" | "user"): boolean {
  if (t.quoted) return false;
  const kw = field === "db" ? ["all", "sameuser", "samerole", "samegroup", "replication"] : ["all"];
  return (
    kw.includes(t.value) ||
    t.value.startsWith("/") ||
    t.value.startsWith("@") ||
    (field === "user" && t.value.startsWith("+"))
  );
}

/** `all` admits every database except physical replication, which only `replication` admits. */
export function databasesCover(a: HbaToken[], b: HbaToken[]): boolean {
  const aAll = a.some((t) => keyword(t, "all"));
  return b.every((bt) => {
    if (keyword(bt, "replication")) return a.some((t) => keyword(t, "replication"));
    if (aAll) return true;
    return (
      a.some((at) => at.value === bt.value && at.quoted === bt.quoted) ||
      (!isSpecial(bt, "db") && a.some((at) => !isSpecial(at, "db") && at.value === bt.value))
    );
  });
}

export function usersCover(a: HbaToken[], b: HbaToken[]): boolean {
  if (a.some((t) => keyword(t, "all"))) return true;
  return b.every(
    (bt) =>
      a.some((at) => at.value === bt.value && at.quoted === bt.quoted) ||
      (!isSpecial(bt, "user") && a.some((at) => !isSpecial(at, "user") && at.value === bt.value)),
  );
}

/**
 * For each record, the first earlier record that shadows it (see shadows), or undefined: the
 * answer of trying every earlier record in turn, found without trying them all. Earlier records
 * are kept in buckets by what their address can cover (an IPv4/IPv6 network is filed under its
 * prefix length and masked address, so a record only meets the networks that contain its own);
 * within a bucket they stay in file order, and the first shadowing one over all buckets wins.
 * Linear for the files people write; records that share one address are still compared with
 * each other.
 */
export function firstShadowing(lines: readonly HbaLine[]): Array<HbaLine | undefined> {
  const local: number[] = []; // no address: local records
  const all: number[] = []; // `all`: covers every address
  const named: number[] = []; // samenet, samehost, host names: cover only those
  const oddMask: number[] = []; // networks with a mask that is not a prefix
  const anyIp: number[] = []; // every network (for a record whose own mask is not a prefix)
  // one per family and prefix length: its records by masked address (byPrefix finds it)
  const buckets: Array<{ family: number; prefix: number; at: Map<number | string, number[]> }> = [];
  const byPrefix = new Map<number, (typeof buckets)[number]>();
  const out: Array<HbaLine | undefined> = [];
  for (let i = 0; i < lines.length; i++) {
    const b = lines[i] as HbaLine;
    let best = i;
    const addr = b.address;
    if (addr === null) best = firstIn(local, lines, b, best);
    else {
      best = firstIn(all, lines, b, best);
      if (addr.kind === "samenet" || addr.kind === "samehost" || addr.kind === "hostname")
        best = firstIn(named, lines, b, best);
      else if (addr.kind === "ip") {
        const n = addr.network;
        if (n.prefix === null) best = firstIn(anyIp, lines, b, best);
        else {
          best = firstIn(oddMask, lines, b, best);
          for (let k = 0; k < buckets.length; k++) {
            const { family, prefix, at } = buckets[k] as (typeof buckets)[number];
            if (family === n.family && prefix <= n.prefix)
              best = firstIn(at.get(maskedKey(n.bytes, prefix)), lines, b, best);
          }
        }
      }
    }
    out.push(best < i ? lines[best] : undefined);
    // file this record for the ones after it
    if (addr === null) local.push(i);
    else if (addr.kind === "all") all.push(i);
    else if (addr.kind === "ip") {
      anyIp.push(i);
      const n = addr.network;
      if (n.prefix === null) oddMask.push(i);
      else {
        const key = n.family * 1000 + n.prefix;
        let bucket = byPrefix.get(key);
        if (!bucket) {
          bucket = { family: n.family, prefix: n.prefix, at: new Map() };
          byPrefix.set(key, bucket);
          buckets.push(bucket);
        }
        const k = maskedKey(n.bytes, n.prefix);
        const list = bucket.at.get(k);
        if (list) list.push(i);
        else bucket.at.set(k, [i]);
      }
    } else named.push(i);
  }
  return out;
}

/** The first record of a bucket (in file order) before `best` that shadows b, else best. */
function firstIn(
  bucket: readonly number[] | undefined,
  lines: readonly HbaLine[],
  b: HbaLine,
  best: number,
): number {
  if (bucket === undefined) return best;
  for (let k = 0; k < bucket.length; k++) {
    const j = bucket[k] as number;
    if (j >= best) return best;
    if (shadows(lines[j] as HbaLine, b)) return j;
  }
  return best;
}

/**
 * The address bytes under a prefix of `prefix` bits, as a map key: a number for IPv4 (no string
 * to build for every record and bucket), a string for IPv6.
 */
function maskedKey(bytes: readonly number[], prefix: number): number | string {
  const mask = maskFromPrefix(prefix, bytes.length === 4 ? 4 : 6);
  if (bytes.length === 4) {
    let key = 0;
    for (let i = 0; i < 4; i++) key = key * 256 + ((bytes[i] as number) & (mask[i] as number));
    return key;
  }
  let key = "";
  for (let i = 0; i < bytes.length; i++) key += `${(bytes[i] as number) & (mask[i] as number)}.`;
  return key;
}
