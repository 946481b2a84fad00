import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { bytesByteSource } from '../data/byteSource.ts';
import { decodeCtrDataset } from '../data/ctr/datasetFile.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { parseFieldDimsJSON } from '../state/fieldDims.ts';
import { encodeNpyFloat32, exportEmbeddingTables, safetensorsName } from './exportTables.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import { createTrainer } from './trainer.ts';
import { DEFAULT_TRAIN_CONFIG } from '../contracts/modelConfig.ts';

beforeAll(() => selectBackend('cpu'));

const data = decodeCtrDataset(new Uint8Array(readFileSync(new URL('../../public/datasets/synthetic-ctr-tiny.rlctr', import.meta.url))));

describe('encodeNpyFloat32', () => {
  it('writes a header padded to 64 bytes that openTableFile reads back, values intact', async () => {
    const values = Float32Array.from({ length: 15 }, (_, i) => i - 7.5);
    const bytes = encodeNpyFloat32(values, 5, 3);
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
    const file = await openTableFile(bytesByteSource(bytes, 't.npy'));
    expect(file.tensors[0].shape).toEqual([5, 3]);
    const read: number[] = [];
    for await (const block of file.readRows('t')) read.push(...block.data);
    expect(read).toEqual(Array.from(values));
  });
});

describe('exportEmbeddingTables round trip', () => {
  it("the exported .npy + field_dims and .safetensors analyse to the trainer's own spectrum", async () => {
    const trainer = createTrainer(
      data,
      { kind: 'dnn', embeddingDim: 6, embeddingSets: 2, mlp: [16], dropout: 0, crossLayers: 1, cinLayers: [], seed: 5 },
      { ...DEFAULT_TRAIN_CONFIG, batchSize: 256, earlyStopPatience: 0 },
    );
    try {
      await trainer.runSteps(8);
      const live = await trainer.spectrumSnapshot();
      const files = exportEmbeddingTables(await trainer.embeddingSnapshot(), data.fields, 'tiny');
      const byName = new Map(files.map((f) => [f.name, f.bytes]));
      const fieldDims = parseFieldDimsJSON(new TextDecoder().decode(byName.get('tiny_field_dims.json')));
      expect(fieldDims).toEqual(data.fields.map((f) => f.cardinality));

      for (const set of [0, 1]) {
        const npy = await openTableFile(bytesByteSource(byName.get(`tiny_set${set}.npy`)!, `tiny_set${set}.npy`));
        const fromNpy = await analyzeTableFile(npy, { tensors: [`tiny_set${set}`], field_dims: fieldDims, mode: 'recscope' });
        const st = await openTableFile(bytesByteSource(byName.get('tiny.safetensors')!, 'tiny.safetensors'));
        const names = data.fields.map((f) => safetensorsName(f.name, set, 2));
        const fromSt = await analyzeTableFile(st, { tensors: names, mode: 'recscope' });
        live[set].forEach((f, i) => {
          // Backend float32 Gram vs the exact float64 one: IA agrees to float32 rounding.
          expect(fromNpy.fields[i].information_abundance).toBeCloseTo(f.information_abundance, 3);
          expect(fromSt.fields[i].information_abundance).toBeCloseTo(f.information_abundance, 3);
          expect(fromSt.fields[i].rows).toBe(data.fields[i].cardinality);
        });
      }
    } finally {
      trainer.dispose();
    }
  }, 60_000);
});
