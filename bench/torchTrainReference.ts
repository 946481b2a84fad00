/** The PyTorch CPU reference both training benchmarks compare against: runs bench/trainBench.py on one config. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TorchTrainConfig {
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

export function torchTrainSamplesPerSecond(cfg: TorchTrainConfig): { samplesPerS: number; threads: number } {
  const script = fileURLToPath(new URL('./trainBench.py', import.meta.url));
  const out = JSON.parse(
    execFileSync('/usr/bin/python3', [script, JSON.stringify(cfg)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  );
  return { samplesPerS: out.samples_per_s, threads: out.threads };
}
