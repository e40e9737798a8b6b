import { isIP } from "node:net";

/** An IPv4/IPv6 literal or a DNS name (RFC 1123 labels). */
export function isValidHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  if (value.length > 253) return false;
  return /^(?=.*[A-Za-z-])[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
    value,
  );
}

export function ipFamily(value: string): 0 | 4 | 6 {
  return isIP(value) as 0 | 4 | 6;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
