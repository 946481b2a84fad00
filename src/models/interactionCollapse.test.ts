import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesByteSource } from '../data/byteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { readAll } from '../../test/support/testFixtures.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import { interactionCollapse } from './interactionCollapse.ts';

/** The studio's trained-model path (tfjs Grams) against the same numpy float64 matrices the upload path meets. */
const dir = new URL('../../test/interaction/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as {
  files: Record<string, { field_dims: number[]; ia: number[][]; rawIa: number[] }>;
};

describe('interactionCollapse (tfjs) on a Multi-Embedding DCNv2 checkpoint', () => {
  beforeAll(() => selectBackend('cpu'));

  it('matches numpy within 1e-4 (float32 projections, float64 spectra)', async () => {
    const name = 'dcnv2_step120.pt';
    const want = expected.files[name];
    const file = await openTableFile(bytesByteSource(new Uint8Array(readFileSync(new URL(name, dir))), name));
    const tensor = async (name: string) => {
      const shape = file.tensors.find((t) => t.name === name)!.shape as [number, number];
      return tf.tensor2d(Float32Array.from((await readAll(file, name)).values), shape);
    };
    const table = await tensor('embedding.embedding.weight');
    const w0 = await tensor('cn.W.0');
    const fields = want.field_dims.map((cardinality, i) => ({ name: `f${i}`, cardinality }));
    const got = await interactionCollapse(table, w0, fields);
    tf.dispose([table, w0]);
    got.ia.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want.ia[i][j]), `ia[${i}][${j}]`).toBeLessThan(1e-4)));
    got.rawIa.forEach((v, i) => expect(Math.abs(v - want.rawIa[i]), `rawIa[${i}]`).toBeLessThan(1e-4));
  });
});
