import { admitsReplication, newestHba } from "../facts.js";
import type { Rule } from "../rule.js";

/** Narrowest prefix lint accepts on a replication record: IPv4 /16, IPv6 /48 (a site). */
const WIDEST = { 4: 16, 6: 48 } as const;

function maskBits(mask: readonly number[]): number {
  let n = 0;
  for (const b of mask) for (let v = b; v; v >>= 1) n += v & 1;
  return n;
}

/** A replication record open to every address, or to a network wider than /16 (IPv4) or /48 (IPv6). */
export const hbaReplicationWideAddress: Rule = {
  name: "hba-replication-wide-address",
  severity: "error",
  summary: "replication allowed from 0.0.0.0/0, ::/0, `all`, or a prefix wider than /16",
  reads: ["hba"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const line of newestHba(server)?.lines ?? []) {
        const a = line.address;
        if (a === null || !admitsReplication(line) || line.method === "reject") continue;
        let wide: string | undefined;
        if (a.kind === "all") wide = "every address";
        else if (a.kind === "ip") {
          const bits = maskBits(a.network.mask);
          const limit = WIDEST[a.network.family];
          if (bits < limit) {
            const size = a.network.family === 4 ? `${2 ** (32 - bits)} addresses` : `a /${bits} network`;
            wide = bits === 0 ? "every address" : size;
          }
        }
        if (wide === undefined) continue;
        const written =
          a.kind === "ip" && a.maskToken ? `${a.token.value} ${a.maskToken.value}` : a.token.value;
        if (line.method === "cert") {
          // No password here: the line trusts the client certificate (its CA, its CN or a
          // pg_ident map). What operators (CloudNativePG, Crunchy PGO) write on purpose.
          const map = line.options.find((o) => o.name === "map")?.value;
          const who =
            map !== undefined
              ? `a certificate whose CN the pg_ident map \`${map}\` maps to the user`
              : "a certificate whose CN is the user's name";
          ctx.report({
            at: a.token,
            message: `replication is allowed from \`${written}\` (${wide}) on a client certificate alone: anyone holding ${who}, signed by a CA in \`ssl_ca_file\`, can copy the whole database; note that this is sound only while that CA signs for this cluster alone, else list each standby's address`,
            server,
            severity: "info",
          });
          continue;
        }
        ctx.report({
          at: a.token,
          message: `replication is allowed from \`${written}\` (${wide}): whoever gets the password there can copy the whole database; list each standby's address (\`/32\`, \`/128\`) instead`,
          server,
        });
      }
    }
  },
};
