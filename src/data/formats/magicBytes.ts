/** How many leading bytes an error about a file's signature shows. */
const SHOWN = 8;

/**
 * The first bytes of a file as a person reads them: hex, then the printable ASCII among them
 * ("PK.." for a zip), never escape sequences such as \x93.
 */
export function leadingBytes(bytes: Uint8Array, n = SHOWN): string {
  const shown = bytes.subarray(0, n);
  if (shown.length === 0) return 'nothing (the file is empty)';
  const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = Array.from(shown, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${hex} ("${text}")`;
}

/** The .npy signature as a person reads it. */
export const NPY_SIGNATURE = '93 4e 55 4d 50 59 (the byte 0x93, then "NUMPY")';
/** The zip signature (.npz, PyTorch .pt) as a person reads it. */
export const ZIP_SIGNATURE = '50 4b 03 04 ("PK")';

/** "not a .npy file: its magic bytes are ..., where a .npy file starts with ...". */
export function notSignature(kind: string, bytes: Uint8Array, signature: string): string {
  return `not a ${kind} file: its magic bytes are ${leadingBytes(bytes)}, where a ${kind} file starts with ${signature}`;
}
