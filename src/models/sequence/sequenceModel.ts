/**
 * The behaviour-sequence models of SCIENCE.md section 4 over left-padded batches (sequenceBatch.ts):
 * DIN (target attention over the whole history), TWIN (a search stage keeps the top-k behaviours by
 * the attention score, then target attention over those k), DARE (the same two stages on separate
 * attention tables, whose dim can be smaller; a representation table feeds the pooled vector) and
 * TIN (position embeddings added to behaviour and target before attention; the pooled output sums
 * behaviour * target). Padding (id 0) is masked out of attention.
 *
 * Attention is a scaled dot product, as DARE's TWIN and DARE: score_j = (q . k_j) / sqrt(2 a) +
 * (pos_0 . pos_p) / sqrt(a) over [item, category] embeddings of width a and the position table
 * (row 0 = the target, row p = target-relative position p); TIN scores (e_t + pos_0) . (e_j + pos_p)
 * / sqrt(2 d). The head is an MLP over [target, pooled, target * pooled] (TIN: [target + pos_0, pooled]).
 *
 * Every table is looked up once per role (attention, representation) with the target and the
 * behaviours together, so a coupled table gets exactly two gradient contributions. With
 * `observeGradients` a coupled model keeps two identical copies of its item and category tables, one
 * per role: the trainer reads each role's gradient and gives both copies their sum, which is the
 * coupled model's gradient bit for bit (two float32 addends sum the same in either order).
 */
import * as tf from '@tensorflow/tfjs';
import type { SequenceModelKind, SequencePooling } from '../../contracts/sequence.ts';
import { valuesInPlace } from '../../engine/tensorView.ts';
import { embeddingLookup } from '../embeddingLookup.ts';
import { dense, type Layer } from '../layers.ts';
import { Params } from '../params.ts';
import type { SequenceBatch } from './sequenceBatch.ts';
import { arraysAreCheap } from './arrayBackends.ts';
import { rowDot, weightedSum } from './attentionProducts.ts';
import { fusedAttentionFeatures } from './fusedAttention.ts';
import { rowBlock } from './rowBlock.ts';
import { searchTopK } from './searchStage.ts';

export interface SequenceModelConfig {
  kind: SequenceModelKind;
  /** Representation dim of the item and category embeddings. */
  dim: number;
  /** DARE's attention-table dim; the other models attend with `dim`. */
  attentionDim: number;
  /** TWIN's and DARE's search stage keeps this many behaviours. */
  topK: number;
  historyLength: number;
  itemVocabulary: number;
  categoryVocabulary: number;
  /** Hidden widths of the MLP head. */
  hidden: readonly number[];
  seed: number;
  /** Softmax-normalised weights (default) or DIN's unnormalised sigmoid weights over the column count. */
  pooling?: SequencePooling;
  /** Coupled models (DIN, TWIN, TIN): an attention copy and a representation copy of the shared tables. */
  observeGradients?: boolean;
  /** Run target attention as tensor ops on every backend (default: on arrays on cpu and wasm, fusedAttention.ts). */
  tensorAttention?: boolean;
}

export const DEFAULT_SEQUENCE_HIDDEN: readonly number[] = [64, 32];

export type EmbeddingRole = 'attention' | 'representation';

/** A table the two roles share, split in two copies while its gradients are observed. */
export interface CoupledTable {
  name: 'item' | 'category';
  attention: tf.Variable;
  representation: tf.Variable;
}

/** Batch arrays as int32 tensors. */
export interface SequenceInputs {
  targetItems: tf.Tensor1D;
  targetCategories: tf.Tensor1D;
  /** batch x historyLength. */
  histItems: tf.Tensor2D;
  histCategories: tf.Tensor2D;
  /** The arrays the tensors were made from: the array path (fusedAttention.ts) reads these, not the tensors. */
  batch: SequenceBatch;
}

export interface SequenceModel {
  readonly config: SequenceModelConfig;
  /** Whether a search stage runs (TWIN, DARE with topK < historyLength). */
  readonly searches: boolean;
  /** Everything the optimiser updates (both copies of an observed table). */
  readonly variables: tf.Variable[];
  /** Parameters of the model itself (an observed table counts once). */
  readonly parameterCount: number;
  /** Observed coupled tables; empty unless `observeGradients` on a coupled model. */
  readonly coupled: CoupledTable[];
  /** The tables each role reads (the same variable for both roles of a coupled, unobserved model). */
  table(name: 'item' | 'category', role: EmbeddingRole): tf.Variable;
  /** Rows 0..historyLength, row 0 = the target's position. */
  readonly positionTable: tf.Variable;
  inputs(batch: SequenceBatch): SequenceInputs;
  /** Masked attention logits over the whole history (batch x historyLength; padding at -1e9). The search stage's scores. */
  historyScores(x: SequenceInputs): tf.Tensor2D;
  /** The search stage: the history columns it keeps (batch x topK, int32); null for a model without one. */
  search(x: SequenceInputs): tf.Tensor2D | null;
  /**
   * The same search stage on the batch's arrays (searchStage.ts: one fused pass, reads the
   * attention tables back): rows x topK columns, best first; null for a model without one.
   */
  searchBatch(batch: SequenceBatch): Int32Array | null;
  /** Logits (batch). `picked`: the search stage's columns (null: the whole history). */
  forward(x: SequenceInputs, picked: tf.Tensor2D | null): tf.Tensor1D;
  dispose(): void;
}

const MASKED = -1e9;

function checkConfig(c: SequenceModelConfig): void {
  for (const [name, v] of [
    ['dim', c.dim],
    ['attentionDim', c.attentionDim],
    ['topK', c.topK],
    ['historyLength', c.historyLength],
    ['itemVocabulary', c.itemVocabulary],
    ['categoryVocabulary', c.categoryVocabulary],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  for (const w of c.hidden) if (!Number.isInteger(w) || w < 1) throw new RangeError(`hidden widths must be positive integers, got ${w}`);
  // Both paths pool by softmax unless told 'sum': anything else would train softmax under another name.
  if (c.pooling !== undefined && c.pooling !== 'softmax' && c.pooling !== 'sum')
    throw new RangeError(`pooling must be 'softmax' or 'sum', got ${String(c.pooling)}`);
  if (c.kind !== 'dare' && c.attentionDim !== c.dim)
    throw new RangeError(`only DARE attends with its own dim: ${c.kind} has attentionDim ${c.attentionDim}, dim ${c.dim}`);
}

export function isCoupled(kind: SequenceModelKind): boolean {
  return kind !== 'dare';
}

export function createSequenceModel(config: SequenceModelConfig): SequenceModel {
  checkConfig(config);
  const { kind, dim, historyLength: L, itemVocabulary, categoryVocabulary } = config;
  const observe = (config.observeGradients ?? false) && isCoupled(kind);
  const p = new Params(config.seed);
  const tin = kind === 'tin';
  const a = kind === 'dare' ? config.attentionDim : dim;

  // Representation tables, then (DARE) attention tables, then positions, then the head: one PRNG order.
  const itemRepr = p.xavier([itemVocabulary, dim], itemVocabulary, dim);
  const categoryRepr = p.xavier([categoryVocabulary, dim], categoryVocabulary, dim);
  const extra: tf.Variable[] = [];
  const copyOf = (v: tf.Variable): tf.Variable => {
    const c = tf.tidy(() => tf.variable(tf.tensor(v.dataSync(), v.shape), true));
    extra.push(c);
    return c;
  };
  let itemAttn = itemRepr;
  let categoryAttn = categoryRepr;
  const coupled: CoupledTable[] = [];
  if (kind === 'dare') {
    itemAttn = p.xavier([itemVocabulary, a], itemVocabulary, a);
    categoryAttn = p.xavier([categoryVocabulary, a], categoryVocabulary, a);
  } else if (observe) {
    itemAttn = copyOf(itemRepr);
    categoryAttn = copyOf(categoryRepr);
    coupled.push({ name: 'item', attention: itemAttn, representation: itemRepr }, { name: 'category', attention: categoryAttn, representation: categoryRepr });
  }
  const position = p.xavier([L + 1, a], L + 1, a);
  const pooledDim = 2 * dim;
  const headIn = tin ? 2 * dim + pooledDim : 2 * dim + 2 * pooledDim;
  const layers: Layer[] = [];
  let width = headIn;
  for (const w of config.hidden) {
    layers.push(dense(p, width, w));
    width = w;
  }
  const out = dense(p, width, 1);
  const parameterCount = p.count();
  const variables = [...p.trainable, ...extra];

  const searches = (kind === 'twin' || kind === 'dare') && config.topK < L;
  // Target-relative positions of the columns: L, L-1, ..., 1.
  const columnPositions = tf.tensor1d(
    Array.from({ length: L }, (_, j) => L - j),
    'int32',
  );

  /**
   * One lookup of [target ids (batch), behaviour ids (batch x n, row-major)] in `table`: the target
   * rows (batch x 1 x K) and the behaviour rows (batch x n x K) are two contiguous blocks of it,
   * cut without tfjs-backend-wasm's Slice (rowBlock.ts).
   */
  const lookupPair = (table: tf.Tensor, target: tf.Tensor1D, hist: tf.Tensor2D): [tf.Tensor3D, tf.Tensor3D] => {
    const [B, n] = hist.shape;
    const K = table.shape[1] as number;
    const rows = embeddingLookup(table, tf.concat([target, hist.reshape([-1])])) as tf.Tensor2D;
    return [rowBlock(rows, 0, B).reshape([B, 1, K]), rowBlock(rows, B, B * n).reshape([B, n, K])];
  };

  interface Columns {
    items: tf.Tensor2D;
    categories: tf.Tensor2D;
    /** Target-relative positions of the behaviours: 1 x n when every row has the same (the whole history), batch x n otherwise. */
    positions: tf.Tensor2D;
  }
  const columns = (x: SequenceInputs, picked: tf.Tensor2D | null): Columns => {
    if (!picked) return { items: x.histItems, categories: x.histCategories, positions: columnPositions.expandDims(0) };
    const B = x.histItems.shape[0];
    const k = picked.shape[1];
    const base = tf.mul(tf.range(0, B, 1, 'int32'), tf.scalar(L, 'int32')).expandDims(1);
    const flat = tf.add(picked, base).reshape([-1]);
    const take = (t: tf.Tensor2D) => tf.gather(t.reshape([-1]), flat).reshape([B, k]) as tf.Tensor2D;
    return { items: take(x.histItems), categories: take(x.histCategories), positions: tf.sub(tf.scalar(L, 'int32'), picked) };
  };

  interface FieldPair {
    /** batch x 1 x K. */
    target: tf.Tensor3D;
    /** batch x n x K. */
    behaviours: tf.Tensor3D;
  }
  /**
   * Item and category embeddings of target and behaviours from `role`'s tables, one lookup per
   * table (TIN: the position embedding added to both, the target at position 0).
   */
  const embed = (x: SequenceInputs, c: Columns, role: EmbeddingRole): FieldPair[] => {
    let fields = [
      lookupPair(role === 'attention' ? itemAttn : itemRepr, x.targetItems, c.items),
      lookupPair(role === 'attention' ? categoryAttn : categoryRepr, x.targetCategories, c.categories),
    ];
    if (tin) {
      const target = tf.slice(position, [0, 0], [1, a]).reshape([1, 1, a]);
      const behaviours = embeddingLookup(position, c.positions) as tf.Tensor3D;
      fields = fields.map(([t, b]) => [tf.add<tf.Tensor3D>(t, target), tf.add<tf.Tensor3D>(b, behaviours)]);
    }
    return fields.map(([target, behaviours]) => ({ target, behaviours }));
  };

  /** Attention logits (batch x n), padding not yet masked. */
  const attentionLogits = (x: SequenceInputs, c: Columns): tf.Tensor2D => {
    const [item, cat] = embed(x, c, 'attention');
    const content = tf.div<tf.Tensor2D>(tf.add(rowDot(item.target, item.behaviours), rowDot(cat.target, cat.behaviours)), Math.sqrt(2 * item.target.shape[2]));
    if (tin) return content;
    // (pos_0 . pos_p) / sqrt(a) for every p at once, then looked up per behaviour.
    const p0 = tf.slice(position, [0, 0], [1, a]);
    const byPosition = tf.div(tf.sum(tf.mul(position, p0), 1, true), Math.sqrt(a)) as tf.Tensor2D;
    const positional = embeddingLookup(byPosition, c.positions).squeeze([2]) as tf.Tensor2D;
    return tf.add<tf.Tensor2D>(content, positional);
  };

  const masked = (logits: tf.Tensor2D, items: tf.Tensor2D): { logits: tf.Tensor2D; mask: tf.Tensor2D } => {
    const mask = tf.cast(tf.notEqual(items, 0), 'float32') as tf.Tensor2D;
    return { logits: tf.add<tf.Tensor2D>(logits, tf.mul(tf.sub(1, mask), MASKED)), mask };
  };

  /** The head's input by tensor ops: lookups, attention, pooling ([target, pooled, target * pooled]; TIN [target, pooled * target]). */
  const tensorFeatures = (x: SequenceInputs, picked: tf.Tensor2D | null): tf.Tensor2D => {
    const c = columns(x, picked);
    const { logits, mask } = masked(attentionLogits(x, c), c.items);
    // batch x 1 x n: pooled = weights @ behaviours per field (attentionProducts.ts).
    const n = logits.shape[1];
    const raw = config.pooling === 'sum' ? tf.div(tf.sigmoid(logits), n) : tf.softmax(logits);
    const weights = tf.mul(raw, mask).expandDims(1) as tf.Tensor3D;
    const fields = embed(x, c, 'representation');
    const target = tf.concat(
      fields.map((f) => tf.squeeze(f.target, [1]) as tf.Tensor2D),
      1,
    );
    const pool = (f: FieldPair) => weightedSum(weights, f.behaviours);
    let features: tf.Tensor2D;
    if (tin) {
      // Target-aware representation: sum_j w_j (e_j + pos_j) * (e_t + pos_0) = (sum_j w_j (e_j + pos_j)) * (e_t + pos_0).
      const pooled = tf.concat(
        fields.map((f) => tf.squeeze(tf.mul(pool(f), f.target), [1]) as tf.Tensor2D),
        1,
      );
      features = tf.concat([target, pooled], 1);
    } else {
      const pooled = tf.concat(
        fields.map((f) => tf.squeeze(pool(f), [1]) as tf.Tensor2D),
        1,
      );
      features = tf.concat([target, pooled, tf.mul<tf.Tensor2D>(target, pooled)], 1);
    }
    return features;
  };

  /** The same input by fusedAttention.ts's one pass over the batch's arrays. */
  const arrayFeatures = (x: SequenceInputs, picked: tf.Tensor2D | null): tf.Tensor2D =>
    fusedAttentionFeatures(
      { itemAttention: itemAttn, categoryAttention: categoryAttn, position, itemRepresentation: itemRepr, categoryRepresentation: categoryRepr },
      {
        targetItems: x.batch.targetItems,
        targetCategories: x.batch.targetCategories,
        histItems: x.batch.histItems,
        histCategories: x.batch.histCategories,
        picked: picked ? (picked.dataSync() as Int32Array) : null,
        columns: picked ? picked.shape[1] : L,
      },
      { historyLength: L, tin, pooling: config.pooling ?? 'softmax' },
    );

  const model: SequenceModel = {
    config,
    searches,
    variables,
    parameterCount,
    coupled,
    positionTable: position,
    table: (name, role) => (name === 'item' ? (role === 'attention' ? itemAttn : itemRepr) : role === 'attention' ? categoryAttn : categoryRepr),
    inputs(batch) {
      const tensors = tf.tidy(() => ({
        targetItems: tf.tensor1d(batch.targetItems, 'int32'),
        targetCategories: tf.tensor1d(batch.targetCategories, 'int32'),
        histItems: tf.tensor2d(batch.histItems, [batch.rows, L], 'int32'),
        histCategories: tf.tensor2d(batch.histCategories, [batch.rows, L], 'int32'),
      }));
      return { ...tensors, batch };
    },
    historyScores(x) {
      return tf.tidy(() => {
        const c = columns(x, null);
        return masked(attentionLogits(x, c), c.items).logits;
      });
    },
    search(x) {
      if (!searches) return null;
      return tf.tidy(() => tf.topk(model.historyScores(x), config.topK, true).indices as tf.Tensor2D);
    },
    searchBatch(batch) {
      if (!searches) return null;
      // In place (tensorView.ts): the search reads them before any tensor is made.
      const tables = { item: valuesInPlace(itemAttn), category: valuesInPlace(categoryAttn), position: valuesInPlace(position), dim: a };
      return searchTopK(batch, tables, config.topK);
    },
    forward(x, picked) {
      return tf.tidy(() => {
        const features = !(config.tensorAttention ?? false) && arraysAreCheap() ? arrayFeatures(x, picked) : tensorFeatures(x, picked);
        let h = features;
        for (const layer of layers) h = tf.relu(layer(h, true));
        return out(h, true).reshape([-1]) as tf.Tensor1D;
      });
    },
    dispose() {
      p.dispose();
      tf.dispose(extra);
      columnPositions.dispose();
    },
  };
  return model;
}
