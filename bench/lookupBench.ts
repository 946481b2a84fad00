/**
 * Cost of one embedding-lookup gradient (1024 x 26 lookups, dim 16) against vocabulary size:
 * the scatter-add gradient of embeddingLookup vs tfjs's stock gather gradient.
 *
 *   npm run bench:lookup
 */
import * as tf from '@tensorflow/tfjs';
import { embeddingLookup } from '../src/models/embeddingLookup.ts';
import { selectBackend } from '../test/support/testBackend.ts';

const LOOKUPS = 1024 * 26;
const DIM = 16;

function msPerGradient(vocab: number, lookup: (t: tf.Tensor, r: tf.Tensor) => tf.Tensor, reps: number): number {
  const table = tf.randomUniform([vocab, DIM]);
  const rows = tf.randomUniform([LOOKUPS], 0, vocab, 'int32');
  const grad = tf.grad((t: tf.Tensor) => tf.sum(lookup(t, rows)));
  const once = () => tf.tidy(() => grad(table).dataSync());
  once();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) once();
  tf.dispose([table, rows]);
  return (performance.now() - t0) / reps;
}

async function main(): Promise<void> {
  console.log(`| backend | vocab rows | scatter-add ms | stock gather-gradient ms |`);
  console.log(`|---|---|---|---|`);
  for (const backend of ['cpu', 'wasm'] as const) {
    await selectBackend(backend);
    for (const vocab of [1e2, 1e3, 1e4, 1e5, 1e6]) {
      const ours = msPerGradient(vocab, embeddingLookup, 5);
      // The stock gradient is O(vocab x lookups x dim) on cpu and absent on wasm.
      const stock =
        backend === 'cpu' && vocab <= 1e3
          ? msPerGradient(vocab, (t, r) => tf.gather(t, r), 1).toFixed(1)
          : backend === 'wasm'
            ? 'not registered'
            : 'skipped (too slow)';
      console.log(`| ${backend} | ${vocab} | ${ours.toFixed(1)} | ${stock} |`);
    }
  }
}

void main();
