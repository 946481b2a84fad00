import { describe, expect, it } from 'vitest';
import { ImportError } from '../importError.ts';
import { crc32 } from './crc32.ts';
import type { CtrDataset } from './ctrDataset.ts';
import { decodeCtrDataset, encodeCtrDataset } from './datasetFile.ts';
import { parseMovieLensText } from './movielens.ts';
import { generateMovieLensSample } from './sampleFiles.ts';
import { generateSyntheticCtr } from './syntheticCtr.ts';

function failure(bytes: Uint8Array): ImportError {
  try {
    decodeCtrDataset(bytes);
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

/** Re-stamps the checksum so a deliberate edit reaches the later checks. */
function restamp(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(12, crc32(bytes.subarray(16)), true);
  return bytes;
}

describe('CTR dataset file', () => {
  const synthetic = generateSyntheticCtr({ seed: 9, rows: 2000, fields: 5, maxCardinality: 70_000 });

  it('round-trips a synthetic dataset exactly (i32 indices, probabilities, groups, planted pairs)', () => {
    const bytes = encodeCtrDataset(synthetic);
    expect(decodeCtrDataset(bytes)).toEqual(synthetic);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips a parsed dataset without probabilities, and narrow indices', () => {
    const ml: CtrDataset = parseMovieLensText(generateMovieLensSample(400, 3).ratingsCsv, 'movielens-csv');
    const back = decodeCtrDataset(encodeCtrDataset(ml));
    expect(back).toEqual(ml);
    expect(back.test.trueProbabilities).toBeUndefined();
    const small = generateSyntheticCtr({ seed: 1, rows: 100, fields: 3, maxCardinality: 200 });
    expect(encodeCtrDataset(small).length).toBeLessThan(encodeCtrDataset({ ...small, fields: small.fields.map((f) => ({ ...f, cardinality: 70_000 })) }).length);
  });

  it('rejects other files, other versions and damaged files with clear errors', () => {
    const bytes = encodeCtrDataset(synthetic);
    expect(failure(bytes.subarray(0, 10)).code).toBe('truncated');
    expect(failure(new TextEncoder().encode('PK\u0003\u0004 not a dataset at all')).message).toMatch(/does not start with "RLCT"/);
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(failure(v2).message).toMatch(/version 2; this studio reads version 1/);
    expect(failure(bytes.subarray(0, bytes.length - 5)).message).toMatch(/checksum/);
    const flipped = bytes.slice();
    flipped[bytes.length - 100] ^= 0xff;
    expect(failure(flipped).message).toMatch(/checksum/);
    const hugeHeader = bytes.slice();
    new DataView(hugeHeader.buffer).setUint32(8, 1e9, true);
    expect(failure(hugeHeader).code).toBe('truncated');
  });

  it('validates the header and the values even when the checksum matches', () => {
    const bytes = encodeCtrDataset(synthetic);
    const headerLength = new DataView(bytes.buffer).getUint32(8, true);
    const header = new TextDecoder().decode(bytes.subarray(16, 16 + headerLength));
    const withHeader = (text: string): Uint8Array => {
      const h = new TextEncoder().encode(text);
      const out = new Uint8Array(16 + h.length + bytes.length - 16 - headerLength);
      out.set(bytes.subarray(0, 16));
      new DataView(out.buffer).setUint32(8, h.length, true);
      out.set(h, 16);
      out.set(bytes.subarray(16 + headerLength), 16 + h.length);
      return restamp(out);
    };
    expect(failure(withHeader('{not json')).message).toMatch(/header is not JSON/);
    expect(failure(withHeader(header.replace('"tasks":["click"]', '"tasks":[]'))).message).toMatch(/lacks name, fields, tasks/);
    // Shrinking a vocabulary leaves stored indices out of range.
    const shrunk = header.replace(/"cardinality":(\d+)/, '"cardinality":2');
    expect(failure(withHeader(shrunk)).message).toMatch(/has index \d+ in field f1, whose vocabulary has 2 entries/);
    const fewerRows = header.replace(/"rows":(\d+)/, (_, n) => `"rows":${Number(n) + 1}`);
    expect(failure(withHeader(fewerRows)).code).toBe('shape-mismatch');
  });
});
