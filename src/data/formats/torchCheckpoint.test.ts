import { readFileSync } from 'node:fs';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { importFailure, readAll } from '../testFixtures.ts';
import { unpickle } from './pickle.ts';

/** Written by scripts/torchFixtures.py with Debian's torch: the files and numpy's values for them. */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
type Expected = Record<string, { shape: number[]; dtype: string; values: number[]; recscope_ia?: number }>;
const expected = JSON.parse(readFileSync(new URL('./fixtures/expected.json', import.meta.url), 'utf8')) as { files: Record<string, Expected> };
const open = (name: string) => openTableFile(bytesByteSource(fixture(name), name));

describe('PyTorch checkpoints', () => {
  it('a state_dict: every tensor listed by its key, values exact, 2-D ones analysable', async () => {
    const table = await open('state_dict.pt');
    expect(table.format).toBe('torch');
    const want = expected.files['state_dict.pt'];
    expect(table.tensors.map((t) => t.name)).toEqual(Object.keys(want));
    for (const [name, w] of Object.entries(want)) {
      const info = table.tensors.find((t) => t.name === name)!;
      expect(info.shape, name).toEqual(w.shape);
      if (w.shape.length !== 2) {
        expect(info.analysable, name).toBe(false);
        continue;
      }
      expect(info).toMatchObject({ dtype: 'float32', analysable: true });
      expect((await readAll(table, name, { chunkRows: 7 })).values).toEqual(w.values.map(Math.fround));
    }
  });

  it('the analysis of its tables matches numpy (RecScope IA)', async () => {
    const table = await open('state_dict.pt');
    const want = expected.files['state_dict.pt'];
    const names = ['user_embedding.weight', 'item_embedding.weight'];
    const result = await analyzeTableFile(table, { tensors: names, mode: 'recscope' });
    result.fields.forEach((f, i) => expect(Math.abs(f.information_abundance - want[names[i]].recscope_ia!)).toBeLessThan(1e-6));
    // The planted rank-2 item table is the collapsed one.
    expect(result.fields[1].information_abundance).toBeLessThan(result.fields[0].information_abundance / 2);
  });

  it('a training checkpoint: the model and the optimiser state under their dotted paths', async () => {
    const table = await open('checkpoint.pt');
    const names = table.tensors.map((t) => t.name);
    for (const [name, w] of Object.entries(expected.files['checkpoint.pt'])) {
      expect(names).toContain(name);
      if (w.shape.length === 2) expect((await readAll(table, name)).values).toEqual(w.values.map(Math.fround));
    }
    expect(names).toContain('optimizer_state_dict.state.0.exp_avg');
  });

  it('a pickled module (torch.save(model)): its parameters found without running its class', async () => {
    const table = await open('module.pt');
    const want = expected.files['module.pt'];
    expect(table.tensors.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
    expect((await readAll(table, 'user_embedding.weight')).values).toEqual(want['user_embedding.weight'].values.map(Math.fround));
  });

  it('a TorchScript archive (torch.jit.save): its parameters, as in the state_dict', async () => {
    const table = await open('scripted.pt');
    const want = expected.files['scripted.pt'];
    expect(table.tensors.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
    expect((await readAll(table, 'item_embedding.weight')).values).toEqual(want['item_embedding.weight'].values.map(Math.fround));
  });

  it('views, half precision and integers: offsets into a shared storage, a transposed view named as such', async () => {
    const table = await open('views.pt');
    const want = expected.files['views.pt'];
    for (const name of ['rows', 'half', 'bf16', 'ids']) expect((await readAll(table, name)).values, name).toEqual(want[name].values);
    expect(table.tensors.find((t) => t.name === 'half')!.dtype).toBe('float16');
    const transposed = table.tensors.find((t) => t.name === 'transposed')!;
    expect(transposed).toMatchObject({ analysable: false, shape: [4, 10] });
    expect(transposed.reason).toMatch(/non-contiguous view \(stride \(1, 4\)\).*contiguous\(\)/);
  });

  it('a re-zipped checkpoint: a deflated data.pkl is inflated, a deflated storage is named', async () => {
    const members = unzipSync(fixture('state_dict.pt'));
    const rezip = (deflateStorage: boolean): Zippable =>
      Object.fromEntries(Object.entries(members).map(([name, bytes]) => [name, [bytes, { level: name.endsWith('data.pkl') || (deflateStorage && name.endsWith('/data/0')) ? 6 : 0 }]]));
    const want = expected.files['state_dict.pt'];
    const table = await openTableFile(bytesByteSource(zipSync(rezip(false)), 'rezipped.pt'));
    expect((await readAll(table, 'item_embedding.weight')).values).toEqual(want['item_embedding.weight'].values.map(Math.fround));
    const squeezed = await openTableFile(bytesByteSource(zipSync(rezip(true)), 'squeezed.pt'));
    const compressed = squeezed.tensors.filter((t) => t.reason?.includes('stored compressed'));
    expect(compressed).toHaveLength(1);
  });

  it('bad checkpoints name their problem', async () => {
    const legacy = new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0, 0]);
    const old = await importFailure(openTableFile(bytesByteSource(legacy, 'old.pt')));
    expect(old.message).toMatch(/before version 1\.6/);
    const bytes = fixture('state_dict.pt');
    const cut = await importFailure(openTableFile(bytesByteSource(bytes.subarray(0, bytes.length - 200), 'cut.pt')));
    expect(cut.code).toBe('truncated');
    expect(cut.message).toMatch(/^cut.pt/);
  });
});

describe('unpickle', () => {
  it('reads protocol 2 values without running anything; unknown globals stay opaque', () => {
    // pickle.dumps({'a': [1, -2, 3.5, True, None, 2**40], 'b': ('x', b'yz'), 'c': os.system}, protocol=2) with os.system swapped for a harmless name
    const bytes = Uint8Array.from([
      0x80, 0x02, 0x7d, 0x71, 0x00, 0x28, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x5d, 0x71, 0x02, 0x28, 0x4b, 0x01, 0x4a, 0xfe, 0xff, 0xff, 0xff,
      0x47, 0x40, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x88, 0x4e, 0x8a, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x65, 0x58, 0x01, 0x00, 0x00, 0x00, 0x62,
      0x71, 0x03, 0x58, 0x01, 0x00, 0x00, 0x00, 0x78, 0x43, 0x02, 0x79, 0x7a, 0x86, 0x71, 0x04, 0x58, 0x01, 0x00, 0x00, 0x00, 0x63, 0x63, 0x6f, 0x73, 0x0a,
      0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x0a, 0x29, 0x52, 0x75, 0x2e,
    ]);
    const value = unpickle(bytes, { persistentLoad: () => null }) as Map<string, unknown>;
    expect(value.get('a')).toEqual([1, -2, 3.5, true, null, 2 ** 40]);
    expect(value.get('b')).toEqual(['x', new Uint8Array([0x79, 0x7a])]);
    expect(value.get('c')).toEqual({ kind: 'object', type: 'os.system', args: [] });
  });

  it('rejects opcodes it does not read and a truncated stream', () => {
    expect(() => unpickle(Uint8Array.from([0x80, 0x02, 0x8f]), { persistentLoad: () => null })).toThrow(/opcode 0x8f/);
    expect(() => unpickle(Uint8Array.from([0x80, 0x02, 0x58, 0x05, 0x00]), { persistentLoad: () => null })).toThrow(/ends inside/);
  });
});
