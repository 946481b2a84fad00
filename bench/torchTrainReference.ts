/** The PyTorch CPU reference the DeepFM training benchmarks compare against: runs bench/trainBench.py on one config. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface TorchTrainConfig {
  cardinalities: number[];
  dim: number;
  mlp: number[];
  dropout: number;
  batch: number;
  lr: number;
  weight_decay: number;
  warmup: number;
  steps: number;
  threads: number;
}

/** The DeepFM every training bench times (bench:train, bench:train-node, bench:floor), with Adam as the studio trains it. */
export const BENCH_DEEPFM = { fields: 26, dim: 16, mlp: [400, 400], dropout: 0.2, batch: 1024, lr: 1e-3, weightDecay: 1e-6 };

/** PyTorch samples/s on BENCH_DEEPFM with fields of `cardinality` values. */
export function torchDeepFmSamplesPerSecond(o: { cardinality: number; warmup: number; steps: number; threads: number }): {
  samplesPerS: number;
  threads: number;
} {
  const m = BENCH_DEEPFM;
  return torchTrainSamplesPerSecond({
    cardinalities: Array(m.fields).fill(o.cardinality),
    dim: m.dim,
    mlp: m.mlp,
    dropout: m.dropout,
    batch: m.batch,
    lr: m.lr,
    weight_decay: m.weightDecay,
    warmup: o.warmup,
    steps: o.steps,
    threads: o.threads,
  });
}

function torchTrainSamplesPerSecond(cfg: TorchTrainConfig): { samplesPerS: number; threads: number } {
  const script = fileURLToPath(new URL('./trainBench.py', import.meta.url));
  const out = JSON.parse(
    execFileSync('/usr/bin/python3', [script, JSON.stringify(cfg)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  );
  return { samplesPerS: out.samples_per_s, threads: out.threads };
}
