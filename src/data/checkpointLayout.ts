import type { TensorInfo } from '../contracts/tables.ts';
import { SIZES_TENSOR_NAME } from './fieldSizesTensor.ts';

/**
 * What a model checkpoint's tensors are, read from their shapes as much as their names: which are
 * embedding tables, which are MLP / cross / attention weights or optimiser moments, whether several
 * embedding tables are the sets of a multi-embedding model, and how many concatenated fields the
 * model's own layers say a table holds.
 */

export type TensorRole = 'embedding' | 'linear' | 'cross' | 'attention' | 'optimizer' | 'other';

export const ROLE_LABELS: Record<TensorRole, string> = {
  embedding: 'embedding table',
  linear: 'MLP / linear weight',
  cross: 'cross-layer weight',
  attention: 'attention weight',
  optimizer: 'optimizer moment',
  other: '',
};

/** Several embedding tables of one model with the same rows and dim, named alike but for one index (Multi-Embedding's `embeddings.<m>`). */
export interface EmbeddingSets {
  /** The shared name with the index as `*`, e.g. `embeddings.*.embedding.weight`. */
  pattern: string;
  tensors: string[];
  /** One short label per tensor, e.g. `embeddings.0`. */
  labels: string[];
  rows: number;
  dim: number;
}

/** The model's own layers say its embedding rows are fed as `fields` fields of `dim` each. */
export interface FieldCountEvidence {
  fields: number;
  dim: number;
  /** The tensor that says so, with its shape: "cn.W.0 (60 x 60)". */
  evidence: string;
}

export interface CheckpointLayout {
  roles: Map<string, TensorRole>;
  /** Every analysable tensor is an optimiser moment or slot (an optimizer.state_dict() file). */
  optimizerState: boolean;
  /** The tables preselected for analysis. */
  preselected: string[];
  sets?: EmbeddingSets;
  /** Field count read from cross / first MLP layer shapes (or a field_dims/offsets tensor's length). */
  fieldCount?: FieldCountEvidence;
}

const OPTIMIZER_LEAF = /^(exp_avg|exp_avg_sq|max_exp_avg_sq|momentum_buffer|square_avg|acc_delta|state_sum)$/i;
const OPTIMIZER_PATH = /(^|[./])(optimizer(_state(_dict)?)?|optim|state\.\d+|adam(_\d+)?|adagrad(_\d+)?|rmsprop(_\d+)?|ftrl(_\d+)?|OPTIMIZER_SLOT)([./]|$)/i;
const EMBEDDING_WORD = /embed|^emb(s|_.*)?$|lookup|^wte$|^wpe$|^tables?$|vocab/i;
const LINEAR_WORD =
  /^(mlp|mlps|dnn|dense|dense_\d+|linear|fc\d*|ffn|fnn|dense_layer|deep|tower|out|output|head|predict|classifier|proj|gate|gating|expert\w*)$/i;
const CROSS_WORD = /^(cn|cns|cross\w*|cin|crossnet)$/i;
const ATTENTION_WORD = /attn|attention|^(query|key|value|q_proj|k_proj|v_proj|o_proj|w_?[qkvo])$/i;

function segments(name: string): string[] {
  return name.split(/[./]/).filter((s) => s !== '');
}

function roleOf(t: TensorInfo, byName: Map<string, TensorInfo>): TensorRole {
  const segs = segments(t.name);
  const leaf = segs[segs.length - 1] ?? '';
  if (OPTIMIZER_PATH.test(t.name) || OPTIMIZER_LEAF.test(leaf)) return 'optimizer';
  // After the last segment naming an embedding, a layer word means a layer inside an embedding module (MultiDNN's embeddings.<m>.mlp.0.weight).
  let lastEmbed = -1;
  segs.forEach((s, i) => {
    if (EMBEDDING_WORD.test(s)) lastEmbed = i;
  });
  const after = lastEmbed >= 0 ? segs.slice(lastEmbed + 1) : segs;
  // The innermost layer word names the layer (cns.0.1.mlp.0.weight is the MLP inside a cross block).
  for (const seg of [...after].reverse()) {
    if (ATTENTION_WORD.test(seg)) return 'attention';
    if (CROSS_WORD.test(seg)) return 'cross';
    if (LINEAR_WORD.test(seg)) return 'linear';
  }
  // nn.Linear keeps a bias of out-features beside its weight; nn.Embedding has none.
  if (t.shape.length === 2 && /weight$|kernel$/i.test(t.name)) {
    const bias = byName.get(t.name.replace(/(weight|kernel)$/i, 'bias'));
    if (bias && bias.shape.length === 1 && (bias.shape[0] === t.shape[0] || bias.shape[0] === t.shape[1])) return 'linear';
  }
  if (lastEmbed >= 0) return 'embedding';
  return 'other';
}

/** Groups embedding tables named alike but for one numeric segment, with equal rows and dim; the largest group wins. */
function findSets(tables: TensorInfo[]): EmbeddingSets | undefined {
  const groups = new Map<string, { tensors: TensorInfo[]; labels: string[] }>();
  for (const t of tables) {
    const parts = t.name.split('.');
    parts.forEach((p, i) => {
      if (!/^\d+$/.test(p)) return;
      const pattern = [...parts.slice(0, i), '*', ...parts.slice(i + 1)].join('.');
      const key = `${pattern}|${t.shape.join('x')}`;
      const g = groups.get(key) ?? { tensors: [], labels: [] };
      g.tensors.push(t);
      g.labels.push(parts.slice(0, i + 1).join('.'));
      groups.set(key, g);
    });
  }
  let best: EmbeddingSets | undefined;
  for (const [key, g] of groups) {
    if (g.tensors.length < 2 || (best && best.tensors.length >= g.tensors.length)) continue;
    best = { pattern: key.split('|')[0], tensors: g.tensors.map((t) => t.name), labels: g.labels, rows: g.tensors[0].shape[0], dim: g.tensors[0].shape[1] };
  }
  return best;
}

/** F from a cross weight (F*K x F*K), else the first MLP layer fed F*K inputs, else a 1-D field_dims/offsets tensor of length F. */
function findFieldCount(tensors: readonly TensorInfo[], roles: Map<string, TensorRole>, rows: number, dim: number): FieldCountEvidence | undefined {
  const fits = (n: number) => n % dim === 0 && n / dim >= 2 && n / dim <= rows;
  const say = (t: TensorInfo, fields: number) => ({ fields, dim, evidence: `${t.name} (${t.shape.join(' x ')})` });
  const model = tensors.filter((t) => t.shape.length === 2 && roles.get(t.name) !== 'optimizer');
  const cross = model.find((t) => roles.get(t.name) === 'cross' && t.shape[0] === t.shape[1] && fits(t.shape[0]));
  if (cross) return say(cross, cross.shape[0] / dim);
  const mlp = model.find((t) => roles.get(t.name) === 'linear');
  if (mlp) {
    // torch's nn.Linear stores out x in; Keras/TF kernels in x out.
    const inputs = /kernel$/i.test(mlp.name) ? mlp.shape[0] : mlp.shape[1];
    if (fits(inputs)) return say(mlp, inputs / dim);
  }
  const sizes = tensors.find((t) => t.shape.length === 1 && SIZES_TENSOR_NAME.test(t.name) && t.shape[0] >= 2 && t.shape[0] <= rows);
  if (sizes) return { fields: sizes.shape[0], dim, evidence: `${sizes.name} (${sizes.shape[0]} entries)` };
  return undefined;
}

export function readCheckpointLayout(tensors: readonly TensorInfo[]): CheckpointLayout {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const roles = new Map(tensors.map((t) => [t.name, roleOf(t, byName)]));
  const analysable = tensors.filter((t) => t.analysable);
  const optimizerState = analysable.length > 0 && analysable.every((t) => roles.get(t.name) === 'optimizer');
  const tables = analysable.filter((t) => roles.get(t.name) === 'embedding');
  const unnamed = analysable.filter((t) => roles.get(t.name) === 'other');
  const preselectedInfos = tables.length > 0 ? tables : unnamed;
  const sets = findSets(tables);
  const first = sets
    ? { rows: sets.rows, dim: sets.dim }
    : preselectedInfos.length === 1
      ? { rows: preselectedInfos[0].shape[0], dim: preselectedInfos[0].shape[1] }
      : undefined;
  const fieldCount = first ? findFieldCount(tensors, roles, first.rows, first.dim) : undefined;
  return {
    roles,
    optimizerState,
    preselected: sets ? sets.tensors : preselectedInfos.map((t) => t.name),
    ...(sets ? { sets } : {}),
    ...(fieldCount ? { fieldCount } : {}),
  };
}

/** The set labels of the chosen tensors when they are (in any order) two or more of the detected embedding sets, else undefined. */
export function chosenSetLabels(layout: CheckpointLayout, chosen: readonly string[]): string[] | undefined {
  const sets = layout.sets;
  if (!sets || chosen.length < 2) return undefined;
  const labels = chosen.map((name) => sets.labels[sets.tensors.indexOf(name)]);
  return labels.every((l) => l !== undefined) ? labels : undefined;
}

/** The card / CLI sentence for a table analysed without field sizes whose model says it concatenates fields. */
export function concatenationHint(e: FieldCountEvidence, rows: number, give = 'field_dims'): string {
  return `this table looks like ${e.fields} concatenated fields of dim ${e.dim} (${rows} rows; ${e.evidence} says so): give ${give} to split it`;
}

/** The sentence naming an optimiser-state file. */
export function optimizerStateNote(tensors: readonly TensorInfo[]): string {
  const leaves = [...new Set(tensors.filter((t) => t.analysable).map((t) => segments(t.name).at(-1) ?? t.name))].slice(0, 4);
  return `this file holds optimizer state (${leaves.join(', ')}), not model weights: its moments are not embedding tables, and their IA says nothing about collapse`;
}
