/**
 * The plan and the summary of the embedding-scaling experiment of Guo et al. (ICML 2024): grow
 * the embedding size by 1x..10x either by widening one table (single embedding, dim = base x size)
 * or by adding tables (multi-embedding, size sets of the base dim), then compare test AUC and
 * information abundance. Plain data and arithmetic, no tfjs, so the page's first chunk can use it;
 * the training itself is in scalingExperiment.ts.
 */
import type { FieldResult } from '../contracts/tables.ts';
import type { ModelConfig, TrainConfig } from '../contracts/modelConfig.ts';

export type ScalingVariant = 'single' | 'multi';

export const SCALING_SIZES: readonly number[] = [1, 2, 3, 4, 10];

export interface ScalingPlan {
  sizes: readonly number[];
  variants: readonly ScalingVariant[];
  seeds: readonly number[];
  /** embeddingDim is the base dim; embeddingSets is ignored (the variant decides it). */
  model: ModelConfig;
  train: TrainConfig;
}

export interface ScalingRunSpec {
  variant: ScalingVariant;
  size: number;
  seed: number;
  model: ModelConfig;
  train: TrainConfig;
}

export interface ScalingPoint {
  variant: ScalingVariant;
  size: number;
  seed: number;
  parameters: number;
  testAuc: number;
  testLogloss: number;
  bestValidAuc: number;
  steps: number;
  /** Mean over fields of the IA of each field's embedding, all sets side by side (dim = base x size). */
  meanIa: number;
  /** meanIa / (base dim x size). */
  meanIaRatio: number;
}

/** Size 1 is the same model for both variants, so it is planned (and trained) once, as 'single'. */
export function scalingRuns(plan: ScalingPlan): ScalingRunSpec[] {
  const runs: ScalingRunSpec[] = [];
  for (const variant of plan.variants) {
    for (const size of plan.sizes) {
      if (variant === 'multi' && size === 1 && plan.variants.includes('single')) continue;
      for (const seed of plan.seeds) {
        const model: ModelConfig = {
          ...plan.model,
          seed,
          embeddingDim: variant === 'single' ? plan.model.embeddingDim * size : plan.model.embeddingDim,
          embeddingSets: variant === 'single' ? 1 : size,
        };
        runs.push({ variant, size, seed, model, train: { ...plan.train, seed } });
      }
    }
  }
  return runs;
}

/** Mean IA over fields, and that mean divided by the dim. */
export function meanIa(fields: readonly FieldResult[]): { meanIa: number; meanIaRatio: number } {
  if (fields.length === 0) return { meanIa: NaN, meanIaRatio: NaN };
  const ia = fields.reduce((a, f) => a + f.information_abundance, 0) / fields.length;
  return { meanIa: ia, meanIaRatio: ia / fields[0].dim };
}

export interface ScalingSummaryRow {
  variant: ScalingVariant;
  size: number;
  seeds: number;
  parameters: number;
  testAuc: number;
  testAucStd: number;
  meanIa: number;
  meanIaStd: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

/** Per variant and size, the mean and sample standard deviation over seeds; size 1 counts for both variants. */
export function summarizeScaling(points: readonly ScalingPoint[]): ScalingSummaryRow[] {
  const variants = [...new Set(points.map((p) => p.variant))];
  const rows: ScalingSummaryRow[] = [];
  for (const variant of variants) {
    const sizes = [...new Set(points.filter((p) => p.variant === variant || p.size === 1).map((p) => p.size))].sort((a, b) => a - b);
    for (const size of sizes) {
      const own = points.filter((p) => p.size === size && p.variant === variant);
      const group = own.length > 0 ? own : points.filter((p) => p.size === size);
      rows.push({
        variant,
        size,
        seeds: group.length,
        parameters: mean(group.map((p) => p.parameters)),
        testAuc: mean(group.map((p) => p.testAuc)),
        testAucStd: std(group.map((p) => p.testAuc)),
        meanIa: mean(group.map((p) => p.meanIa)),
        meanIaStd: std(group.map((p) => p.meanIa)),
      });
    }
  }
  return rows;
}
