import { readFileSync } from 'node:fs';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { isAbortError } from '../abort.ts';
import { importFailure, readAll } from '../../../test/support/testFixtures.ts';
import { checkpointBytes, float32Storage, PickleWriter } from '../../../test/support/pickleFixtures.ts';
import { MAX_PICKLE_BYTES, MAX_TENSORS } from './torchCheckpoint.ts';

/** Written by scripts/torchFixtures.py with Debian's torch: the files and numpy's values for them. */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/torch/${name}`, import.meta.url)));
type Expected = Record<string, { shape: number[]; dtype: string; values: number[]; recscope_ia?: number }>;
const expected = JSON.parse(readFileSync(new URL('../../../test/torch/expected.json', import.meta.url), 'utf8')) as { files: Record<string, Expected> };
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
      Object.fromEntries(
        Object.entries(members).map(([name, bytes]) => [
          name,
          [bytes, { level: name.endsWith('data.pkl') || (deflateStorage && name.endsWith('/data/0')) ? 6 : 0 }],
        ]),
      );
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
    expect(old.message).toMatch(/^old\.pt has a checkpoint RecLens cannot read: the pickle/);
    const bytes = fixture('state_dict.pt');
    const cut = await importFailure(openTableFile(bytesByteSource(bytes.subarray(0, bytes.length - 200), 'cut.pt')));
    expect(cut.code).toBe('truncated');
    expect(cut.message).toMatch(/^cut.pt/);
  });
});

describe('hostile or damaged checkpoints', () => {
  const storage = { '0': float32Storage([1, 2, 3, 4, 5, 6]) };
  const w23 = { key: '0', numel: 6, shape: [2, 3] };
  /** {key: value, ...} as torch.save writes a dict: EMPTY_DICT, MARK, pairs, SETITEMS. */
  const dict = (w: PickleWriter, pairs: (w: PickleWriter) => void) => {
    w.raw(0x7d).mark();
    pairs(w);
    return w.raw(0x75);
  };
  const openBytes = (pickle: PickleWriter, name: string, storages: Record<string, Uint8Array> = storage) =>
    openTableFile(bytesByteSource(checkpointBytes(pickle.bytes(), storages), name));

  it('a pickle nested 100,000 deep is refused by its nesting limit, not a stack overflow', async () => {
    const error = await importFailure(
      openBytes(
        dict(new PickleWriter(), (w) => {
          w.str('w').tensor(w23);
          for (let i = 0; i < 100_000; i++) w.raw(0x85); // TUPLE1
        }),
        'deep.pt',
      ),
    );
    expect(error.code).toBe('bad-header');
    expect(error.message).toMatch(/^deep\.pt nests containers more than 1000 levels deep/);
  });

  it('subtrees shared 60 levels deep (DUP/TUPLE2) are walked once: without tensors they cost nothing, with one they stop at the name limit', async () => {
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const empty = await openBytes(
      dict(new PickleWriter(), (w) => {
        w.str('shared').raw(0x29); // EMPTY_TUPLE
        for (let i = 0; i < 60; i++) w.raw(0x32, 0x86); // DUP, TUPLE2
        w.str('w').tensor(w23);
      }),
      'dag.pt',
    );
    expect(empty.tensors.map((t) => t.name)).toEqual(['w']);
    const multiplied = await importFailure(
      openBytes(
        dict(new PickleWriter(), (w) => {
          w.str('w').tensor(w23);
          for (let i = 0; i < 60; i++) w.raw(0x32, 0x86);
        }),
        'dag.pt',
      ),
    );
    expect(multiplied).toMatchObject({
      code: 'too-large',
      message: expect.stringContaining(`holds more than ${MAX_TENSORS} tensors (counting every path to a shared one)`),
    });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(process.memoryUsage().heapUsed - heap0).toBeLessThan(100 * 2 ** 20);
  });

  it('a state dict saved under two keys, and tied weights, keep every name', async () => {
    // {'model': sd, 'ema': sd} with sd = {'w': tensor, 'tied': the same tensor}: BINPUT/BINGET share sd.
    const table = await openBytes(
      dict(new PickleWriter(), (w) => {
        w.str('model');
        dict(w, (inner) => inner.str('w').tensor(w23).raw(0x71, 200).str('tied').raw(0x68, 200));
        w.raw(0x71, 201).str('ema').raw(0x68, 201);
      }),
      'twice.pt',
    );
    expect(table.tensors.map((t) => t.name)).toEqual(['model.w', 'model.tied', 'ema.w', 'ema.tied']);
    expect((await readAll(table, 'ema.tied')).values).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a list that holds itself is walked once', async () => {
    // L = []; L.append(L); L.append(tensor): EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, tensor, APPEND
    const table = await openBytes(new PickleWriter().raw(0x5d, 0x71, 0, 0x68, 0, 0x61).tensor(w23).raw(0x61), 'cycle.pt');
    expect(table.tensors.map((t) => t.name)).toEqual(['1']);
  });

  it('a shared 40-level tuple as a dict key is named shallowly, never stringified whole', async () => {
    const table = await openBytes(
      dict(new PickleWriter(), (w) => {
        w.int(1);
        for (let i = 0; i < 40; i++) w.raw(0x32, 0x86);
        w.tensor(w23);
      }),
      'key.pt',
    );
    expect(table.tensors.map((t) => t.name)).toEqual(['(…, …)']);
  });

  it('invalid UTF-8 in a string is a bad header naming its byte', async () => {
    const error = await importFailure(
      openBytes(
        dict(new PickleWriter(), (w) => w.utf8Bytes(Uint8Array.from([0x77, 0xff])).tensor(w23)),
        'utf8.pt',
      ),
    );
    expect(error.code).toBe('bad-header');
    expect(error.message).toBe('utf8.pt has a checkpoint RecLens cannot read: the string at byte 9 of the pickle is not valid UTF-8');
  });

  it('a storage type that is no torch storage (torch 2 UntypedStorage, a hostile name) marks only its own tensor', async () => {
    for (const [module, name] of [
      ['torch', 'constructor'],
      ['torch', '__proto__'],
      ['os', 'FloatStorage'],
      ['torch.storage', 'UntypedStorage'],
    ]) {
      const table = await openBytes(
        dict(new PickleWriter(), (w) =>
          w
            .str('odd')
            .tensor({ ...w23, storageModule: module, storageType: name })
            .str('w')
            .tensor(w23),
        ),
        'odd.pt',
      );
      expect(
        table.tensors.map((t) => [t.name, t.analysable]),
        name,
      ).toEqual([
        ['odd', false],
        ['w', true],
      ]);
      expect(table.tensors[0].reason).toContain(`values of storage type ${module}.${name} cannot be analysed`);
      expect((await importFailure(readAll(table, 'odd'))).code).toBe('unsupported-dtype');
    }
    const table = await openBytes(
      dict(new PickleWriter(), (w) =>
        w
          .str('c')
          .tensor({ ...w23, storageType: 'ComplexFloatStorage' })
          .str('w')
          .tensor(w23),
      ),
      'mixed.pt',
    );
    expect(table.tensors.map((t) => [t.name, t.analysable])).toEqual([
      ['c', false],
      ['w', true],
    ]);
    expect(table.tensors[0].reason).toMatch(/ComplexFloat values cannot be analysed/);
  });

  it('an offset, shape or stride that leaves the storage is a bad header naming the tensor', async () => {
    const cases: [Partial<typeof w23> & { offset?: number; stride?: number[] }, RegExp][] = [
      [{ shape: [1, 3], offset: -2 }, /tensor w in bad\.pt has a corrupt header: storage offset -2 is negative/],
      [{ shape: [1, 3], offset: 4 }, /reach element 7 of a storage that holds 6/],
      [{ shape: [3, 3] }, /shape \(3, 3\) and stride \(3, 1\) reach element 9 of a storage that holds 6/],
      [{ shape: [2, 3], stride: [4, 1] }, /reach element 7 of a storage that holds 6/],
      [{ shape: [2, 3], stride: [3, -1] }, /stride \(3, -1\) is negative/],
      [{ shape: [2, 3], stride: [3] }, /differ in length/],
    ];
    for (const [change, message] of cases) {
      const error = await importFailure(
        openBytes(
          dict(new PickleWriter(), (w) => w.str('w').tensor({ ...w23, ...change })),
          'bad.pt',
        ),
      );
      expect(error.code, String(message)).toBe('bad-header');
      expect(error.message).toMatch(message);
    }
    // The storage as its persistent id declares it, but its member holds only 4 of the 6 values.
    const short = await openBytes(
      dict(new PickleWriter(), (w) => w.str('w').tensor(w23)),
      'short.pt',
      { '0': float32Storage([1, 2, 3, 4]) },
    );
    expect(short.tensors[0]).toMatchObject({ analysable: false, reason: 'needs 24 bytes of its storage, which holds 16' });
  });

  it('more tensors than RecLens lists, or a name longer than its limit, is too large', async () => {
    const many = new PickleWriter().raw(0x5d).tensor(w23).raw(0x71, 1, 0x61).mark(); // list, tensor, BINPUT 1, APPEND, MARK
    for (let i = 0; i < MAX_TENSORS; i++) many.raw(0x68, 1); // BINGET 1
    const crowded = await importFailure(openBytes(many.raw(0x65), 'many.pt'));
    expect(crowded).toMatchObject({
      code: 'too-large',
      message: `many.pt holds more than ${MAX_TENSORS} tensors (counting every path to a shared one), more than RecLens lists`,
    });

    const longName = new PickleWriter();
    for (let level = 0; level < 6; level++) longName.raw(0x7d).str('k'.repeat(300));
    longName.tensor(w23);
    for (let level = 0; level < 6; level++) longName.raw(0x73); // SETITEM
    const named = await importFailure(openBytes(longName, 'long.pt'));
    expect(named.code).toBe('too-large');
    expect(named.message).toMatch(/a path longer than 1000 characters/);
  });

  it('a data.pkl over the size limit is refused before it is read; one that inflates past its declared size is damaged', async () => {
    const bytes = checkpointBytes(dict(new PickleWriter(), (w) => w.str('w').tensor(w23)).bytes(), storage, { deflatePickle: true });
    const declared = (size: number) => {
      const copy = bytes.slice();
      const view = new DataView(copy.buffer);
      const central = copy.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50); // data.pkl's entry comes first
      view.setUint32(central + 24, size, true); // uncompressed size
      return bytesByteSource(copy, 'sized.pt');
    };
    const big = await importFailure(openTableFile(declared(MAX_PICKLE_BYTES + 1)));
    expect(big).toMatchObject({
      code: 'too-large',
      message: `archive/data.pkl in sized.pt is ${MAX_PICKLE_BYTES + 1} bytes, over RecLens's limit of ${MAX_PICKLE_BYTES} bytes for a checkpoint's pickle`,
    });
    const lying = await importFailure(openTableFile(declared(10)));
    expect(lying).toMatchObject({ code: 'bad-header', message: 'archive/data.pkl in sized.pt inflates to more than the 10 bytes its zip entry declares' });
  });

  it('Cancel stops a long unpickling: openTableFile rejects with an AbortError', async () => {
    // 3M (None, POP) pairs ahead of a valid pickle (its PROTO opcode is allowed mid-stream).
    const pad = new Uint8Array(6_000_000).map((_, i) => (i % 2 === 0 ? 0x4e : 0x30));
    const pickle = dict(new PickleWriter(), (d) => d.str('w').tensor(w23)).bytes();
    const joined = new Uint8Array(pad.length + pickle.length);
    joined.set(pad);
    joined.set(pickle, pad.length);
    const bytes = checkpointBytes(joined, storage);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const error = await openTableFile(bytesByteSource(bytes, 'slow.pt'), { signal: controller.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAbortError(error)).toBe(true);
    expect((await openTableFile(bytesByteSource(bytes, 'slow.pt'))).tensors.map((t) => t.name)).toEqual(['w']);
  });
});
