/** Byte helpers of the mutators: latin1 views (every byte kept, invalid UTF-8 included) and concatenation. */

// The project's own: the same concatenation the test fixtures use, the CRC-32 the .rlctr format uses.
export { concatBytes as concat } from '../test/support/testFixtures.ts';
export { crc32 } from '../src/data/ctr/crc32.ts';

/** Bytes as a string of code points 0..255, so text edits keep every other byte exactly. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
