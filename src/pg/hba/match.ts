import { addressContains } from "./address.js";
import type { HbaAddress, HbaConnType, HbaLine, HbaToken } from "./parse.js";

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
