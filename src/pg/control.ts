/**
 * The facts lint reads from global/pg_control: whether data checksums are on, and the database
 * system identifier (which ties a standby to its upstream). The file is
 * the server's ControlFileData struct (src/include/catalog/pg_control.h), binary, in the
 * byte order and alignment of the machine that wrote it, and its layout differs between
 * majors. Rather than a table of offsets per major and platform, the end of the struct is found
 * by its CRC-32C (the last field, over every byte before it); data_checksum_version sits at a
 * fixed distance before it: then the 32-byte mock authentication nonce (12–17), or a bool and
 * the nonce plus padding (18: default_char_signedness).
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

function crc32c(bytes: Uint8Array, length: number): number {
  let crc = 0xffffffff;
  for (let i = 0; i < length; i++)
    crc = (CRC_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * true/false when pg_control says whether data checksums are on; undefined when the bytes are
 * not a pg_control lint understands (another byte order, a damaged file, an unknown major).
 */
export function dataChecksumsOn(bytes: Uint8Array, major: number): boolean | undefined {
  if (major < 12 || major > 18) return undefined;
  const found = controlEnd(bytes);
  if (!found) return undefined;
  const back = major >= 18 ? 40 : 36;
  const v = found.view.getUint32(found.end - back, found.le);
  return v === 0 ? false : v === 1 ? true : undefined;
}

/** The offset of the CRC that ends ControlFileData, and the byte order it checks out in. */
function controlEnd(bytes: Uint8Array): { view: DataView; end: number; le: boolean } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const le of [true, false]) {
    // sizeof(ControlFileData) is a few hundred bytes; the CRC is 4-byte aligned
    for (let end = 128; end + 4 <= Math.min(bytes.length, 1024); end += 4) {
      if (view.getUint32(end, le) === crc32c(bytes, end)) return { view, end, le };
    }
  }
  return undefined;
}

/**
 * The database system identifier (pg_controldata's "Database system identifier"), in decimal:
 * the struct's first field, a uint64, the same in every major. A standby made by pg_basebackup
 * (or a copy of a data directory) has its upstream's. undefined when the bytes are no pg_control.
 */
export function systemIdentifier(bytes: Uint8Array): string | undefined {
  const found = controlEnd(bytes);
  if (!found) return undefined;
  return found.view.getBigUint64(0, found.le).toString();
}
