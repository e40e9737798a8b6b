import { formatAddress } from "../../pg/hba/index.js";
import { newestHba } from "../facts.js";
import type { Rule } from "../rule.js";

/** An address with bits set outside its mask: `192.168.1.5/24` admits the whole /24. */
export const hbaCidrHostBits: Rule = {
  name: "hba-cidr-host-bits",
  severity: "warning",
  summary: "an address with host bits set (`192.168.1.5/24`)",
  reads: ["hba"],
  scope: "server",
  check(ctx) {
    for (const server of ctx.servers) {
      for (const line of newestHba(server)?.lines ?? []) {
        const a = line.address;
        if (a?.kind !== "ip" || !a.network.hostBitsSet) continue;
        const n = a.network;
        const written = a.maskToken ? `${a.token.value} ${a.maskToken.value}` : a.token.value;
        const networkBytes = n.bytes.map((b, i) => b & (n.mask[i] ?? 0));
        const host = formatAddress(n.bytes);
        const full = n.family === 4 ? 32 : 128;
        const net =
          n.prefix !== null
            ? `${formatAddress(networkBytes)}/${n.prefix}`
            : `${formatAddress(networkBytes)} ${formatAddress(n.mask)}`;
        ctx.report({
          at: a.token,
          message: `\`${written}\` has host bits set: it admits all of \`${net}\`, not only \`${host}\`; write \`${host}/${full}\` for that host, or \`${net}\` for the whole network`,
          server,
        });
      }
    }
  },
};
