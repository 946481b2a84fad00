import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import {
  readAll,
  recordingByteSource,
  safetensorsBytes,
  safetensorsFromHeader,
  sampleValues,
  type SafetensorsCode,
  importFailure,
} from '../../../test/support/testFixtures.ts';

const open = (bytes: Uint8Array, name = 'model.safetensors') => openTableFile(bytesByteSource(bytes, name));
describe('.safetensors', () => {
  const cases: [SafetensorsCode, string, number[], 'f32' | 'f64'][] = [
    ['F16', 'float16', [1.5, -2, 2 ** -24, 65504], 'f32'],
    ['BF16', 'bfloat16', [1.5, -10, 2 ** 100, -(2 ** -100)], 'f32'],
    ['F32', 'float32', [0.1, -3.25, 1e30, 7], 'f32'],
    ['F64', 'float64', [0.1, -1e-300, Math.E, 2 ** 60], 'f64'],
    ['I8', 'int8', [-128, 127, 0, 3], 'f32'],
    ['I16', 'int16', [-32768, 32767, 0, 3], 'f32'],
    ['I32', 'int32', [-(2 ** 31), 2 ** 31 - 1, 16777217, 3], 'f64'],
    ['I64', 'int64', [-(2 ** 53) + 1, 2 ** 53 - 1, 0, 3], 'f64'],
    ['U8', 'uint8', [0, 255, 17, 3], 'f32'],
  ];
  for (const [code, dtype, values, kind] of cases) {
    it(`reads ${code}`, async () => {
      const table = await open(safetensorsBytes([{ name: 'emb', dtype: code, shape: [2, 2], values }]));
      expect(table.tensors).toEqual([{ name: 'emb', shape: [2, 2], dtype, analysable: true }]);
      const { values: read, blocks } = await readAll(table, 'emb');
      expect(blocks[0].data).toBeInstanceOf(kind === 'f32' ? Float32Array : Float64Array);
      expect(read).toEqual(values.map((v) => (kind === 'f32' ? Math.fround(v) : v)));
    });
  }

  it('lists every tensor in header order, skipping __metadata__; only 2-D ones are analysable', async () => {
    const user = sampleValues(12);
    const table = await open(
      safetensorsBytes(
        [
          { name: 'model.user_emb.weight', dtype: 'F32', shape: [4, 3], values: user },
          { name: 'model.bias', dtype: 'F32', shape: [3], values: [1, 2, 3] },
          { name: 'model.step', dtype: 'I64', shape: [], values: [7] },
        ],
        { format: 'pt' },
      ),
    );
    expect(table.tensors.map((t) => [t.name, t.analysable, t.reason])).toEqual([
      ['model.user_emb.weight', true, undefined],
      ['model.bias', false, '1-D array of shape (3,): an embedding table is 2-D (rows x dim)'],
      ['model.step', false, '0-D array (a scalar): an embedding table is 2-D (rows x dim)'],
    ]);
    expect((await readAll(table, 'model.user_emb.weight')).values).toEqual(user.map(Math.fround));
    expect((await importFailure(readAll(table, 'model.bias'))).code).toBe('not-2d');
  });

  it('lists a tensor of an unknown dtype as not analysable', async () => {
    const header = JSON.stringify({ q: { dtype: 'F8_E4M3', shape: [2, 2], data_offsets: [0, 4] } });
    const table = await open(safetensorsFromHeader(header, new Uint8Array(4)));
    expect(table.tensors[0]).toMatchObject({ analysable: false, reason: 'F8_E4M3 values cannot be analysed: only real numbers can' });
  });

  it('streams rows with ranged reads in blocks', async () => {
    const values = sampleValues(50 * 6);
    const bytes = safetensorsBytes([{ name: 't', dtype: 'F32', shape: [50, 6], values }]);
    const src = recordingByteSource(bytes, 't.safetensors');
    const table = await openTableFile(src);
    src.reads.length = 0;
    const { values: read, blocks } = await readAll(table, 't', { chunkRows: 16 });
    expect(read).toEqual(values.map(Math.fround));
    expect(blocks.map((b) => b.rows)).toEqual([16, 16, 16, 2]);
    expect(blocks.at(-1)!.bytesDone).toBe(50 * 6 * 4);
    expect(src.reads.every((r) => r.length <= 16 * 6 * 4)).toBe(true);
  });

  it('rejects data_offsets that disagree with shape x itemsize', async () => {
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } });
    const error = await importFailure(open(safetensorsFromHeader(header, new Uint8Array(24))));
    expect(error).toMatchObject({
      code: 'shape-mismatch',
      message: 'tensor w in model.safetensors: shape (2, 3) of F32 needs 24 bytes but its data_offsets span 20',
    });
  });

  it.each([
    ['overlapping', { a: [0, 8], b: [4, 12] }, 12, "tensor b's data_offsets [4, 12] overlap another tensor's bytes"],
    ['aliased', { a: [0, 8], b: [0, 8] }, 8, "tensor b's data_offsets [0, 8] overlap"],
    ['a hole between', { a: [0, 8], b: [12, 20] }, 20, 'bytes 8..12 of the data belong to no tensor'],
    ['trailing', { a: [0, 8] }, 16, 'its last 8 bytes belong to no tensor'],
  ])('refuses %s data_offsets: the tensors must tile the data buffer exactly', async (_, offsets, dataBytes, message) => {
    const header = Object.fromEntries(Object.entries(offsets).map(([name, span]) => [name, { dtype: 'F32', shape: [1, 2], data_offsets: span }]));
    const error = await importFailure(open(safetensorsFromHeader(JSON.stringify(header), new Uint8Array(dataBytes))));
    expect(error).toMatchObject({ code: 'bad-header' });
    expect(error.message).toContain(message);
  });

  it('lists a dtype named like an Object.prototype member as unsupported, not as a lookup that found something', async () => {
    const header = JSON.stringify({ w: { dtype: 'constructor', shape: [1, 2], data_offsets: [0, 8] } });
    const table = await open(safetensorsFromHeader(header, new Uint8Array(8)));
    expect(table.tensors[0]).toMatchObject({ analysable: false, reason: expect.stringContaining('constructor values cannot be analysed') });
  });

  it('reads tensors stored out of header order, and refuses a header claimed beyond the format limit before reading it', async () => {
    const header = JSON.stringify({ b: { dtype: 'F32', shape: [1, 2], data_offsets: [8, 16] }, a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } });
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    expect((await readAll(await open(safetensorsFromHeader(header, data)), 'b')).values).toEqual([3, 4]);
    const huge = safetensorsFromHeader('{}', new Uint8Array(0));
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    const error = await importFailure(open(huge));
    expect(error).toMatchObject({ code: 'bad-header' });
    expect(error.message).toContain('the format allows at most 100000000');
  });

  it('reports a header length beyond the file, or data past its end, as truncated', async () => {
    const bytes = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [4, 4], values: sampleValues(16) }]);
    const error = await importFailure(open(bytes.subarray(0, 40)));
    expect(error).toMatchObject({ code: 'truncated' });
    expect(error.message).toMatch(/^model\.safetensors is truncated: its header claims \d+ bytes but only 32 follow/);
    const cut = await importFailure(open(bytes.subarray(0, bytes.length - 8)));
    expect(cut).toMatchObject({ code: 'truncated' });
    expect(cut.message).toContain('tensor w ends at byte');
  });

  it('rejects a header that is not JSON, or whose entries lack fields', async () => {
    expect((await importFailure(open(safetensorsFromHeader('{"w": {', new Uint8Array(0))))).code).toBe('bad-header');
    const noOffsets = JSON.stringify({ w: { dtype: 'F32', shape: [1, 1] } });
    expect(await importFailure(open(safetensorsFromHeader(noOffsets, new Uint8Array(4))))).toMatchObject({
      code: 'bad-header',
      message: 'model.safetensors has a malformed safetensors header: w has no valid data_offsets',
    });
  });

  it('rejects an absurd shape as a bad header', async () => {
    const header = JSON.stringify({ w: { dtype: 'F64', shape: [2 ** 30, 2 ** 30], data_offsets: [0, 8] } });
    expect((await importFailure(open(safetensorsFromHeader(header, new Uint8Array(8))))).code).toBe('bad-header');
  });
});
