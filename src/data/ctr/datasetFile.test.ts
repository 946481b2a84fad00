import { Inflate } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { ImportError } from '../importError.ts';
import { crc32 } from './crc32.ts';
import type { CtrDataset } from './ctrDataset.ts';
import { decodeCtrDataset, decodeCtrDatasetAsync, encodeCtrDataset, MAX_CTR_BODY_BYTES } from './datasetFile.ts';
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
    // How the text was read (detection) belongs to the text file, not to the .rlctr written from it.
    const { detection, ...arrays } = ml;
    expect(detection?.label).toBe('rating >= 4');
    expect(back).toEqual(arrays);
    expect(back.test.trueProbabilities).toBeUndefined();
    const small = generateSyntheticCtr({ seed: 1, rows: 100, fields: 3, maxCardinality: 200 });
    expect(encodeCtrDataset(small).length).toBeLessThan(
      encodeCtrDataset({ ...small, fields: small.fields.map((f) => ({ ...f, cardinality: 70_000 })) }).length,
    );
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
    expect(failure(withHeader('[1, 2]')).message).toMatch(/header is not a JSON object/);
    expect(failure(withHeader(header.replace('"tasks":["click"]', '"tasks":[]'))).message).toMatch(/lists no tasks/);
    // Shrinking a vocabulary leaves stored indices out of range.
    const shrunk = header.replace(/"cardinality":(\d+)/, '"cardinality":2');
    expect(failure(withHeader(shrunk)).message).toMatch(/has index \d+ in field f1, whose vocabulary has 2 entries/);
    const fewerRows = header.replace(/"rows":(\d+)/, (_, n) => `"rows":${Number(n) + 1}`);
    expect(failure(withHeader(fewerRows)).code).toBe('shape-mismatch');
    // A value nested 100,000 deep is named by its kind: quoting it whole would overflow the stack.
    const deep = header.replace(/"offset":(\d+)/, `"offset":${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(failure(withHeader(deep)).message).toMatch(/starts at byte a list of 1, not a 4-byte aligned offset/);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit arbitrary parsed JSON
  type HeaderJson = Record<string, any>;

  /** The file with its header JSON edited (and the checksum re-stamped), the body kept. */
  function editHeader(bytes: Uint8Array, edit: (header: HeaderJson) => void, body?: Uint8Array): Uint8Array {
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)));
    edit(header);
    const h = new TextEncoder().encode(JSON.stringify(header));
    const packed = body ?? bytes.subarray(16 + headerLength);
    const out = new Uint8Array(16 + h.length + packed.length);
    out.set(bytes.subarray(0, 16));
    new DataView(out.buffer).setUint32(8, h.length, true);
    out.set(h, 16);
    out.set(packed, 16 + h.length);
    return restamp(out);
  }

  it('checks every header field with own-property lookups, integer offsets and no overlaps', () => {
    const bytes = encodeCtrDataset(synthetic);
    expect(decodeCtrDataset(editHeader(bytes, () => {}))).toEqual(synthetic);
    const cases: [string, (h: HeaderJson) => void, RegExp][] = [
      ['null array entry', (h) => h.splits.train.arrays.push(null), /train array 4 is null, not an object/],
      [
        'dtype inherited from Object.prototype',
        (h) => (h.splits.train.arrays[0].dtype = 'toString'),
        /train.indices has dtype "toString"; it must be u8 or u16 or i32/,
      ],
      ['labels stored as f32', (h) => (h.splits.valid.arrays[1].dtype = 'f32'), /valid.labels has dtype "f32"; it must be u8/],
      ['array named after a prototype member', (h) => (h.splits.test.arrays[2].name = 'constructor'), /named "constructor"/],
      ['fractional offset', (h) => (h.splits.train.arrays[1].offset += 0.5), /not a 4-byte aligned offset/],
      ['unaligned offset', (h) => (h.splits.train.arrays[1].offset += 1), /not a 4-byte aligned offset/],
      ['negative offset', (h) => (h.splits.train.arrays[0].offset = -4), /not a 4-byte aligned offset/],
      ['fractional length', (h) => (h.splits.train.arrays[1].length += 0.5), /train.labels has [\d.]+ values; 1\d+ rows need/],
      ['overlapping arrays', (h) => (h.splits.valid.arrays[0].offset = h.splits.train.arrays[1].offset), /overlaps/],
      ['array past the body', (h) => (h.splits.test.arrays[0].offset = h.bodyBytes), /past the \d+-byte body/],
      ['the same array twice', (h) => h.splits.test.arrays.push({ ...h.splits.test.arrays[1] }), /lists labels twice/],
      ['no labels', (h) => h.splits.test.arrays.splice(1, 1), /test split has no indices or labels/],
      ['split missing', (h) => delete h.splits.valid, /valid split is missing/],
      ['unknown split', (h) => (h.splits.__proto__x = {}), /splits has unknown entry "__proto__x"/],
      ['unknown header key', (h) => (h['constructor'] = 1), /header has unknown entry "constructor"/],
      ['fractional cardinality', (h) => (h.fields[0].cardinality = 2.5), /cardinality 2.5/],
      ['fractional rows', (h) => (h.splits.train.rows = 10.5), /train split has no row count/],
      ['odd bodyBytes', (h) => (h.bodyBytes += 2), /not a whole number of 4-byte words/],
      ['planted pair out of range', (h) => (h.plantedPairs = [[0, 99]]), /plantedPairs must be pairs/],
      ['planted pair reversed', (h) => (h.plantedPairs = [[1, 0]]), /plantedPairs must be pairs/],
    ];
    for (const [what, edit, message] of cases) {
      let error: ImportError | Error;
      try {
        error = failure(editHeader(bytes, edit));
      } catch (e) {
        error = e as Error;
      }
      expect(error.message, what).toMatch(message);
    }
  });

  it('decodes asynchronously to the same dataset, and a cancel stops it between slices', async () => {
    const bytes = encodeCtrDataset(synthetic);
    expect(await decodeCtrDatasetAsync(bytes)).toEqual(synthetic);
    const controller = new AbortController();
    const decoding = decodeCtrDatasetAsync(bytes, controller.signal);
    controller.abort();
    await expect(decoding).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a body larger than the cap before inflating anything', () => {
    const error = failure(editHeader(encodeCtrDataset(synthetic), (h) => (h.bodyBytes = MAX_CTR_BODY_BYTES + 4)));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/more than the 512 MiB this studio loads/);
  });

  it('stops inflating a deflate bomb as soon as it passes the declared body size', () => {
    const tiny = encodeCtrDataset(generateSyntheticCtr({ seed: 3, rows: 50, fields: 2, maxCardinality: 20 }));
    const bomb = zeroBomb(64 << 20); // 64 MiB of zeros in about 400 kB
    const push = vi.spyOn(Inflate.prototype, 'push');
    try {
      const error = failure(editHeader(tiny, () => {}, bomb));
      expect(error.code).toBe('shape-mismatch');
      expect(error.message).toMatch(/inflates to more than the \d+ bytes the header declares/);
      // One 16 kB slice of compressed input already passes the declared size.
      expect(push).toHaveBeenCalledTimes(1);
      expect(bomb.length).toBeGreaterThan(20 * 16_384);
    } finally {
      push.mockRestore();
    }
  });
});

/**
 * A raw DEFLATE stream that inflates to `bytes` zeros: one fixed-Huffman block holding a literal 0
 * and then copies of 258 bytes at distance 1 (13 bits each), about 1:1290 bits.
 */
function zeroBomb(bytes: number): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let used = 0;
  const bit = (b: number) => {
    acc |= b << used;
    if (++used === 8) {
      out.push(acc);
      acc = 0;
      used = 0;
    }
  };
  const huffman = (code: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bit((code >> i) & 1);
  };
  bit(1); // final block
  bit(1); // fixed Huffman codes (BTYPE 01, low bit first)
  bit(0);
  huffman(0b00110000, 8); // literal 0
  for (let copies = Math.floor((bytes - 1) / 258); copies > 0; copies--) {
    huffman(0b11000101, 8); // length 258
    huffman(0, 5); // distance 1
  }
  huffman(0, 7); // end of block
  if (used > 0) out.push(acc);
  return Uint8Array.from(out);
}
