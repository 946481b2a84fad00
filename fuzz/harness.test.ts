import { inflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../src/data/importError.ts';
import { npyBytes } from '../test/support/testFixtures.ts';
import { crc32, utf8 } from './bytes.ts';
import { classifyError, failureKey } from './classify.ts';
import { generateInput } from './generate.ts';
import { analysisJsonProblems, ctrDatasetProblems, inventedToken } from './invariants.ts';
import { cutInsideLastLine, joinNpy, scanPickle, splitNpy } from './mutators.ts';
import { WorkerPool } from './pool.ts';
import { TARGETS, targetByName } from './targets.ts';
import type { FuzzInput } from './types.ts';
import { runInput } from './runInput.ts';
import { createRng } from '../src/data/ctr/prng.ts';
import { deflateBomb } from './zip.ts';

describe('classification', () => {
  it('tells a proper rejection from a crash, and a relabelled crash from a rejection', () => {
    expect(classifyError(new ImportError('truncated', 'a.npy is truncated', 'Re-export it')).kind).toBe('rejected');
    expect(classifyError(new TypeError('field.parse is not a function'))).toEqual({ kind: 'crash', detail: 'TypeError: field.parse is not a function' });
    expect(
      classifyError(new ImportError('read-failed', 'a.pt could not be read: x is not iterable', 'Check that the file is still there and readable')).kind,
    ).toBe('crash');
    expect(classifyError(new ImportError('bad-header', 'Maximum call stack size exceeded', 'Re-export it')).kind).toBe('crash');
    expect(classifyError(new ImportError('bad-header', 'bad', '')).kind).toBe('crash');
    expect(classifyError(new Error('nope'), () => true).kind).toBe('rejected');
  });

  it('keys failures by the frame that threw, a stack overflow by its file', () => {
    expect(failureKey('t', 'crash', 'RangeError: Maximum call stack size exceeded', 'src/a.ts:12 f')).toBe(
      failureKey('t', 'crash', 'RangeError: Maximum call stack size exceeded', 'src/a.ts:40 f'),
    );
    expect(failureKey('t', 'crash', 'TypeError: x', 'src/a.ts:12 f')).not.toBe(failureKey('t', 'crash', 'TypeError: x', 'src/a.ts:40 f'));
    expect(failureKey('t', 'silent', 'IA 0 is outside [1, 4] in "a.npy"')).toBe(failureKey('t', 'silent', 'IA 0 is outside [1, 9] in "b.npy"'));
    expect(failureKey('t', 'hang', 'x', undefined, ['bit-flip', 'pickle-dag'])).not.toBe(failureKey('t', 'hang', 'x', undefined, ['widen']));
  });
});

describe('invariants', () => {
  const field = {
    name: 'f',
    rows: 10,
    dim: 4,
    excluded_rows: 0,
    singular_values: [4, 2, 1, 1],
    normalized_spectrum: [1, 0.5, 0.25, 0.25],
    information_abundance: 2,
    effective_rank: 3.5,
  };

  it('accept a plausible result and name what is impossible', () => {
    expect(analysisJsonProblems({ fields: [field] })).toEqual([]);
    expect(analysisJsonProblems({ fields: [{ ...field, information_abundance: null }] })).toContain(
      'the result JSON has $.fields[0].information_abundance is null',
    );
    expect(analysisJsonProblems({ fields: [{ ...field, information_abundance: 5 }] })).toEqual(['fields[0]: information_abundance 5 is outside [1, 4]']);
    expect(analysisJsonProblems({ fields: [{ ...field, dim: 0.5 }] })[0]).toMatch(/dim 0.5 is not a positive integer/);
  });

  it('find indices outside the vocabulary and invented tokens', () => {
    const split = (indices: number[]) => ({ rows: indices.length, indices: Int32Array.from(indices), labels: new Float32Array(indices.length) });
    const ds = { name: 'd', origin: 'x', fields: [{ name: 'a', cardinality: 3 }], tasks: ['click'], train: split([0, 2]), valid: split([1]), test: split([]) };
    expect(ctrDatasetProblems(ds)).toEqual([]);
    expect(ctrDatasetProblems({ ...ds, test: split([3]) })).toEqual(['test row 0 field 0: index 3 outside its vocabulary of 3']);
    expect(inventedToken('NaN', '1\t2\t3')).toMatch(/"NaN", which the file does not contain/);
    expect(inventedToken('NaN', 'x\tNaN')).toBeUndefined();
  });
});

describe('mutations', () => {
  const target = targetByName('table:npy');
  const seeds = target.seeds();

  it('are deterministic per run seed and index', () => {
    const a = generateInput(target, seeds, 7, 123);
    expect(generateInput(target, seeds, 7, 123)).toEqual(a);
    const others = [124, 125, 126].map((i) => generateInput(target, seeds, 7, i).bytes);
    expect(others.some((b) => b.length !== a.bytes.length || b.some((x, i) => x !== a.bytes[i]))).toBe(true);
  });

  it('cut a text inside its last line, and rewrite an .npy header with valid lengths', () => {
    const text = utf8('1\t2\t3\n4\t5\t6\n7.5\t8\t9.25 \n');
    for (let s = 0; s < 20; s++) {
      // Always before the last separator, so the last line loses at least its last cell.
      const cut = new TextDecoder().decode(cutInsideLastLine(text, createRng(s))!);
      expect(cut.startsWith('1\t2\t3\n4\t5\t6\n7')).toBe(true);
      expect(cut.length).toBeLessThan('1\t2\t3\n4\t5\t6\n7.5\t8'.length + 1);
    }
    expect(cutInsideLastLine(utf8('a\nb\tc\n'), createRng(1))).toBeNull(); // one line before it: no evidence
    expect(cutInsideLastLine(utf8('a\nb\nlabel\n'), createRng(1))).toBeNull(); // one cell: a cut leaves a valid label
    expect(cutInsideLastLine(utf8('a\nb\nred fox\n'), createRng(1), '\t')).toBeNull(); // a space inside a one-column label
    const parts = splitNpy(npyBytes([1, 2, 3, 4], [2, 2]))!;
    const longer = joinNpy({ ...parts, header: parts.header.replace('}', "'x': '" + 'y'.repeat(100) + "', }") });
    expect(splitNpy(longer)!.header).toContain("'x'");
    expect(longer.length % 64).toBe(16); // header padded to 64, then 4 float32
  });

  it('scan pickle opcodes, and build deflate bombs that inflate as declared', () => {
    expect(scanPickle(Uint8Array.from([0x80, 2, 0x4b, 5, 0x2e]))?.map((o) => o.op)).toEqual(['\x80', 'K', '.']);
    for (const n of [0, 1, 258, 1000]) {
      const b = deflateBomb(Uint8Array.from([7, 200]), n);
      const raw = inflateSync(b.data);
      expect(raw.length).toBe(n + 2);
      expect(b.crc).toBe(crc32(raw));
    }
    expect(deflateBomb(new Uint8Array(0), 768 << 20).data.length).toBeLessThan(1 << 20);
  });
});

describe('targets', () => {
  it('accept every seed as it is', async () => {
    for (const target of TARGETS) {
      for (const [i, seed] of target.seeds().entries()) {
        const input: FuzzInput = {
          target: target.name,
          name: seed.name,
          bytes: seed.bytes,
          variant: target.variants[i % target.variants.length],
          mutations: ['seed'],
        };
        expect({ target: target.name, seed: seed.name, ...(await runInput(input, 10_000)) }).toMatchObject({ kind: 'ok' });
      }
    }
  });
});

describe('worker pool', () => {
  const input = (target: string, text: string): FuzzInput => ({ target, name: 'x', bytes: utf8(text), variant: 'default', mutations: [] });

  it('kills a worker that hangs or blows up its memory, and carries on with a fresh one', async () => {
    const pool = new WorkerPool(1, { timeMs: 3000, graceMs: 300, memoryMB: 100 });
    try {
      expect((await pool.run(input('calibration:spin', '10'))).kind).toBe('ok');
      const hang = await pool.run(input('calibration:spin', '60000'));
      expect(hang).toMatchObject({ kind: 'hang', detail: expect.stringMatching(/still running/) });
      expect(hang.ms).toBeLessThan(6000);
      expect((await pool.run(input('calibration:grow', '400'))).kind).toBe('memory');
      expect((await pool.run(input('url', '#theme=dark'))).kind).toBe('ok');
    } finally {
      pool.close();
    }
  });
});
