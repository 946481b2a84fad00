import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { importFailure } from '../../../test/support/testFixtures.ts';
import { leadingBytes } from './magicBytes.ts';
import { npyHeaderEnd } from './npyHeader.ts';

const open = (bytes: number[] | string, name: string) => {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes);
  return openTableFile(bytesByteSource(data, name));
};

describe('a wrong signature is said readably', () => {
  it('leading bytes: hex and their printable text, no escape sequences', () => {
    expect(leadingBytes(new Uint8Array([0x50, 0x4b, 3, 4, 0x14, 0, 0x93, 0x4e, 0x55]))).toBe('50 4b 03 04 14 00 93 4e ("PK.....N")');
    expect(leadingBytes(new Uint8Array([]))).toBe('nothing (the file is empty)');
  });

  it('a .npy whose first byte is not 0x93', async () => {
    const e = await importFailure(open([0x94, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x76, 0, 0, 0], 'table.npy'));
    expect(e.code).toBe('bad-header');
    expect(e.message).toBe(
      'table.npy is not a .npy file: its magic bytes are 94 4e 55 4d 50 59 01 00 (".NUMPY.."), where a .npy file starts with 93 4e 55 4d 50 59 (the byte 0x93, then "NUMPY")',
    );
    expect(e.message).not.toMatch(/\\x/);
  });

  it('a .npz that is text', async () => {
    const e = await importFailure(open('hello, world\n', 'arrays.npz'));
    expect(e.message).toBe(
      'arrays.npz is not a .npz (zip) file: its magic bytes are 68 65 6c 6c 6f 2c 20 77 ("hello, w"), where a .npz (zip) file starts with 50 4b 03 04 ("PK")',
    );
  });

  it('the .npy header reader says the same when called on other bytes', () => {
    expect(() => npyHeaderEnd(new TextEncoder().encode('NUMPY-ish bytes'), 'x.npy')).toThrow(
      /^x\.npy is not a \.npy file: its magic bytes are 4e 55 4d 50 59 2d 69 73 \("NUMPY-is"\)/,
    );
  });
});
