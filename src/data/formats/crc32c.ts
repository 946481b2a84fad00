/** CRC-32C (Castagnoli), as LevelDB and TensorFlow checksum their blocks and tensors. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Running CRC state: start with CRC32C_INIT, feed bytes with crc32cUpdate, finish with crc32cFinish. */
export const CRC32C_INIT = 0xffffffff;

export function crc32cUpdate(state: number, bytes: Uint8Array): number {
  let c = state;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

export const crc32cFinish = (state: number) => (state ^ 0xffffffff) >>> 0;

export const crc32c = (bytes: Uint8Array) => crc32cFinish(crc32cUpdate(CRC32C_INIT, bytes));

/** LevelDB's masked form (crc32c::Mask): rotated right by 15 bits plus a constant, so a CRC of CRCs stays strong. */
export const maskCrc = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
