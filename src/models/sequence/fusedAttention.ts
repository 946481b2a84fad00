/**
 * Target attention as one differentiable op over typed arrays, for the backends whose tensors
 * JavaScript reads cheaply (cpu, wasm). It computes what sequenceModel.ts's tensor path computes
 * from the table lookups to the head's input: the attention logits of each kept behaviour
 * ((q . k_j) / sqrt(2 a) + (pos_0 . pos_p) / sqrt(a), TIN: position embeddings added to both
 * sides), padding masked, the weights (softmax, or 'sum': sigmoid / n), the pooled representation
 * and [target, pooled, target * pooled] (TIN: [target + pos_0, pooled * (target + pos_0)]); its
 * gradient scatters straight into dense per-table gradients.
 *
 * Why: on tfjs-backend-wasm 4.22 this part of a TWIN step was ~300 kernel launches of tiny
 * tensors (lookups, row blocks, batched dots, softmax, their gradients, and a copy of every tensor
 * saved for the backward pass), each costing more in engine bookkeeping than its arithmetic
 * (batch 256 x top-k 20 x 2 a multiply-adds). One pass per row over the arrays does the same work.
 * Sums run in float64, so values can differ from the float32 tensor path in the last bits.
 *
 * Where WebAssembly SIMD runs (and not TIN; widths multiples of 4) the loops run on
 * attentionKernelWasm.ts with the same values bit for bit (softmax and sigmoid stay here: wasm has
 * no exp); elsewhere the JS loops below.
 */
import * as tf from '@tensorflow/tfjs';
import type { SequencePooling } from '../../contracts/sequence.ts';
import { filledTensors, valuesInPlace } from '../../engine/tensorView.ts';
import { wasmAttentionKernel, type AttentionKernel, type AttentionMemory } from './attentionKernelWasm.ts';

export interface AttentionTables {
  itemAttention: tf.Tensor;
  categoryAttention: tf.Tensor;
  /** Rows 0..historyLength (row 0 = the target's position), width a. */
  position: tf.Tensor;
  itemRepresentation: tf.Tensor;
  categoryRepresentation: tf.Tensor;
}

/** A batch's ids: histories rows x historyLength, row-major, left-padded with 0. */
export interface AttentionIds {
  targetItems: Int32Array;
  targetCategories: Int32Array;
  histItems: Int32Array;
  histCategories: Int32Array;
  /** The search stage's columns (rows x k); null: every history column. */
  picked: Int32Array | null;
  /** k when picked, else historyLength. */
  columns: number;
}

export interface AttentionForm {
  historyLength: number;
  /** TIN: position embeddings added to target and behaviours, features [target, pooled * target]. */
  tin: boolean;
  pooling: SequencePooling;
}

const MASKED = -1e9;

/** The tables' values as forward and backward read them. */
interface TableArrays {
  itemA: Float32Array;
  catA: Float32Array;
  pos: Float32Array;
  itemR: Float32Array;
  catR: Float32Array;
  /** Attention and representation dims. */
  a: number;
  d: number;
}

/** What the forward keeps for the backward: per kept column, per row. */
interface Saved {
  /** rows x n: the history column of each kept column. */
  column: Int32Array;
  /** rows x n: the weight before masking (softmax probability, or sigmoid / n). */
  prob: Float64Array;
  /** rows x n: the weight (0 on padding). */
  weight: Float64Array;
  /** rows x 2 d: the target's representation (TIN: + pos_0). */
  target: Float64Array;
  /** rows x 2 d: the pooled representation. */
  pooled: Float64Array;
}

const outside = (what: string, id: number, n: number) => new RangeError(`${what} id ${id} is outside the table's 0..${n - 1}`);

function checkRange(values: Int32Array, n: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const id = values[i];
    if (!(id >= 0 && id < n)) throw outside(what, id, n);
  }
}

/**
 * The ids forward and backward read: targets, kept columns, and the behaviours in those columns;
 * `into` (the kernel's memory) gets each kept column's item, category and position on the way.
 */
function checkIds(ids: AttentionIds, t: TableArrays, L: number, into?: AttentionMemory): void {
  const itemRows = Math.min(t.itemA.length / t.a, t.itemR.length / t.d);
  const categoryRows = Math.min(t.catA.length / t.a, t.catR.length / t.d);
  const { histItems, histCategories, picked, columns: n } = ids;
  checkRange(ids.targetItems, itemRows, 'item');
  checkRange(ids.targetCategories, categoryRows, 'category');
  if (picked) checkRange(picked, L, 'history column');
  const rows = ids.targetItems.length;
  const items = into?.columnItems;
  const categories = into?.columnCategories;
  const positions = into?.columnPositions;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < n; c++) {
      const col = picked ? picked[r * n + c] : c;
      const hi = histItems[r * L + col];
      const hc = histCategories[r * L + col];
      if (!(hi >= 0 && hi < itemRows)) throw outside('item', hi, itemRows);
      if (!(hc >= 0 && hc < categoryRows)) throw outside('category', hc, categoryRows);
      if (items && categories && positions) {
        items[r * n + c] = hi;
        categories[r * n + c] = hc;
        positions[r * n + c] = L - col;
      }
    }
}

/** Fills `saved` and returns the features (rows x width). */
function attend(t: TableArrays, ids: AttentionIds, form: AttentionForm, saved: Saved, width: number): Float32Array {
  const { itemA, catA, pos, itemR, catR, a, d } = t;
  const { targetItems, targetCategories, histItems, histCategories, picked } = ids;
  const { column, prob, weight, target, pooled } = saved;
  const rows = targetItems.length;
  const L = form.historyLength;
  const n = ids.columns;
  const tin = form.tin;
  const sum = form.pooling === 'sum';
  const contentScale = 1 / Math.sqrt(2 * a);
  const features = new Float32Array(rows * width);
  const qI = new Float64Array(a);
  const qC = new Float64Array(a);
  const logit = new Float64Array(n);
  const byPosition = positionScores(pos, a, L, tin);
  for (let r = 0; r < rows; r++) {
    const ti = targetItems[r];
    const tc = targetCategories[r];
    for (let e = 0; e < a; e++) {
      qI[e] = itemA[ti * a + e] + (tin ? pos[e] : 0);
      qC[e] = catA[tc * a + e] + (tin ? pos[e] : 0);
    }
    const at = r * n;
    let max = -Infinity;
    for (let c = 0; c < n; c++) {
      const col = picked ? picked[at + c] : c;
      column[at + c] = col;
      const hi = histItems[r * L + col];
      const hc = histCategories[r * L + col];
      const p = L - col;
      let dot = 0;
      if (tin) {
        for (let e = 0; e < a; e++) dot += qI[e] * (itemA[hi * a + e] + pos[p * a + e]) + qC[e] * (catA[hc * a + e] + pos[p * a + e]);
      } else {
        for (let e = 0; e < a; e++) dot += qI[e] * itemA[hi * a + e] + qC[e] * catA[hc * a + e];
      }
      const l = dot * contentScale + byPosition[p] + (hi === 0 ? MASKED : 0);
      logit[c] = l;
      if (l > max) max = l;
    }
    if (sum) {
      for (let c = 0; c < n; c++) prob[at + c] = 1 / (1 + Math.exp(-logit[c])) / n;
    } else {
      let total = 0;
      for (let c = 0; c < n; c++) {
        const e = Math.exp(logit[c] - max);
        prob[at + c] = e;
        total += e;
      }
      for (let c = 0; c < n; c++) prob[at + c] /= total;
    }
    const tt = r * 2 * d;
    for (let e = 0; e < d; e++) {
      target[tt + e] = itemR[ti * d + e] + (tin ? pos[e] : 0);
      target[tt + d + e] = catR[tc * d + e] + (tin ? pos[e] : 0);
      pooled[tt + e] = 0;
      pooled[tt + d + e] = 0;
    }
    for (let c = 0; c < n; c++) {
      const col = column[at + c];
      const hi = histItems[r * L + col];
      const w = hi === 0 ? 0 : prob[at + c];
      weight[at + c] = w;
      if (w === 0) continue;
      const hc = histCategories[r * L + col];
      const p = L - col;
      if (tin) {
        for (let e = 0; e < d; e++) {
          pooled[tt + e] += w * (itemR[hi * d + e] + pos[p * a + e]);
          pooled[tt + d + e] += w * (catR[hc * d + e] + pos[p * a + e]);
        }
      } else {
        for (let e = 0; e < d; e++) {
          pooled[tt + e] += w * itemR[hi * d + e];
          pooled[tt + d + e] += w * catR[hc * d + e];
        }
      }
    }
    const f = r * width;
    for (let e = 0; e < 2 * d; e++) {
      const x = target[tt + e];
      const y = pooled[tt + e];
      features[f + e] = x;
      if (tin) features[f + 2 * d + e] = y * x;
      else {
        features[f + 2 * d + e] = y;
        features[f + 4 * d + e] = x * y;
      }
    }
  }
  return features;
}

/** (pos_0 . pos_p) / sqrt(a) for p = 0..L (zeros for TIN, whose positions enter the embeddings). */
function positionScores(pos: Float32Array, a: number, L: number, tin: boolean): Float64Array {
  const out = new Float64Array(L + 1);
  if (tin) return out;
  const scale = 1 / Math.sqrt(a);
  for (let p = 0; p <= L; p++) {
    let s = 0;
    for (let e = 0; e < a; e++) s += pos[e] * pos[p * a + e];
    out[p] = s * scale;
  }
  return out;
}

/** Gradients of the five tables (in AttentionTables' order) from the features' gradient dF, added into `out` (zeros). */
function attendGradient(t: TableArrays, ids: AttentionIds, form: AttentionForm, saved: Saved, dF: Float32Array, width: number, out: Float32Array[]): void {
  const { itemA, catA, pos, itemR, catR, a, d } = t;
  const { targetItems, targetCategories, histItems, histCategories } = ids;
  const { column, prob, weight, target, pooled } = saved;
  const rows = targetItems.length;
  const L = form.historyLength;
  const n = ids.columns;
  const tin = form.tin;
  const sum = form.pooling === 'sum';
  const contentScale = 1 / Math.sqrt(2 * a);
  const positionScale = 1 / Math.sqrt(a);
  const [gItemA, gCatA, gPos, gItemR, gCatR] = out;
  const dT = new Float64Array(2 * d);
  const dP = new Float64Array(2 * d);
  const qI = new Float64Array(a);
  const qC = new Float64Array(a);
  const dQI = new Float64Array(a);
  const dQC = new Float64Array(a);
  const dW = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const ti = targetItems[r];
    const tc = targetCategories[r];
    const tt = r * 2 * d;
    const f = r * width;
    for (let e = 0; e < 2 * d; e++) {
      if (tin) {
        dT[e] = dF[f + e] + dF[f + 2 * d + e] * pooled[tt + e];
        dP[e] = dF[f + 2 * d + e] * target[tt + e];
      } else {
        dT[e] = dF[f + e] + dF[f + 4 * d + e] * pooled[tt + e];
        dP[e] = dF[f + 2 * d + e] + dF[f + 4 * d + e] * target[tt + e];
      }
    }
    const at = r * n;
    // Pooling: dw_c = dP . v_c, dv_c = w_c dP.
    let weighted = 0;
    for (let c = 0; c < n; c++) {
      const col = column[at + c];
      const hi = histItems[r * L + col];
      if (hi === 0) {
        dW[c] = 0;
        continue;
      }
      const hc = histCategories[r * L + col];
      const p = L - col;
      const w = weight[at + c];
      let g = 0;
      for (let e = 0; e < d; e++) {
        g += dP[e] * itemR[hi * d + e] + dP[d + e] * catR[hc * d + e];
        gItemR[hi * d + e] += w * dP[e];
        gCatR[hc * d + e] += w * dP[d + e];
      }
      if (tin) {
        for (let e = 0; e < d; e++) {
          g += (dP[e] + dP[d + e]) * pos[p * a + e];
          gPos[p * a + e] += w * (dP[e] + dP[d + e]);
        }
      }
      dW[c] = g;
      weighted += prob[at + c] * g;
    }
    // Weights to logits: softmax (masked columns pass no gradient), or sigmoid / n.
    for (let e = 0; e < a; e++) {
      qI[e] = itemA[ti * a + e] + (tin ? pos[e] : 0);
      qC[e] = catA[tc * a + e] + (tin ? pos[e] : 0);
      dQI[e] = 0;
      dQC[e] = 0;
    }
    for (let c = 0; c < n; c++) {
      const s = prob[at + c];
      const dl = sum ? dW[c] * s * (1 - s * n) : s * (dW[c] - weighted);
      if (dl === 0) continue;
      const col = column[at + c];
      const hi = histItems[r * L + col];
      const hc = histCategories[r * L + col];
      const p = L - col;
      const g = dl * contentScale;
      for (let e = 0; e < a; e++) {
        dQI[e] += g * itemA[hi * a + e];
        dQC[e] += g * catA[hc * a + e];
        gItemA[hi * a + e] += g * qI[e];
        gCatA[hc * a + e] += g * qC[e];
      }
      if (tin) {
        for (let e = 0; e < a; e++) {
          dQI[e] += g * pos[p * a + e];
          dQC[e] += g * pos[p * a + e];
          gPos[p * a + e] += g * (qI[e] + qC[e]);
        }
      } else {
        const gp = dl * positionScale;
        for (let e = 0; e < a; e++) {
          gPos[p * a + e] += gp * pos[e];
          gPos[e] += gp * pos[p * a + e];
        }
      }
    }
    for (let e = 0; e < a; e++) {
      gItemA[ti * a + e] += dQI[e];
      gCatA[tc * a + e] += dQC[e];
      if (tin) gPos[e] += dQI[e] + dQC[e];
    }
    for (let e = 0; e < d; e++) {
      gItemR[ti * d + e] += dT[e];
      gCatR[tc * d + e] += dT[d + e];
      if (tin) gPos[e] += dT[e] + dT[d + e];
    }
  }
}

/**
 * attend's forward pass with its loops on the WebAssembly SIMD kernel (attentionKernelWasm.ts; not
 * TIN): the same values bit for bit. The kernel's memory keeps what the backward pass reads; the
 * features returned are a view of it.
 */
function kernelAttend(k: AttentionKernel, holder: object, t: TableArrays, ids: AttentionIds, form: AttentionForm): Float32Array {
  const { a, d } = t;
  const rows = ids.targetItems.length;
  const L = form.historyLength;
  const n = ids.columns;
  const m = k.layout(holder, rows, n, a, d, [t.itemA, t.catA, t.pos, t.itemR, t.catR]);
  checkIds(ids, t, L, m);
  m.targetItems.set(ids.targetItems);
  m.targetCategories.set(ids.targetCategories);
  m.byPosition.set(positionScores(t.pos, a, L, false));
  k.logits(1 / Math.sqrt(2 * a));
  const { logits, rowMax, prob, weight, columnItems } = m;
  const sum = form.pooling === 'sum';
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    if (sum) {
      for (let c = 0; c < n; c++) prob[at + c] = 1 / (1 + Math.exp(-logits[at + c])) / n;
    } else {
      const max = rowMax[r];
      let total = 0;
      for (let c = 0; c < n; c++) {
        const e = Math.exp(logits[at + c] - max);
        prob[at + c] = e;
        total += e;
      }
      for (let c = 0; c < n; c++) prob[at + c] /= total;
    }
    for (let c = 0; c < n; c++) weight[at + c] = columnItems[at + c] === 0 ? 0 : prob[at + c];
  }
  k.pool();
  return m.features;
}

/**
 * A tensor of the kernel's `values`, copied: tfjs-backend-wasm copies an array into its heap, the
 * cpu backend keeps the array it is given (which the kernel's next call would overwrite).
 */
function kernelTensor(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), shape);
}

/** attendGradient on the kernel, from kernelAttend's memory `m`: the five tables' gradients into m.grads. */
function kernelAttendGradient(k: AttentionKernel, m: AttentionMemory, form: AttentionForm, dF: Float32Array): void {
  const { rows, n, a, columnItems, prob, dWeight, dLogit } = m;
  m.dFeatures.set(dF);
  k.headGrad();
  for (const g of m.grads) g.fill(0);
  k.poolGrad();
  const sum = form.pooling === 'sum';
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    let weighted = 0;
    for (let c = 0; c < n; c++) if (columnItems[at + c] !== 0) weighted += prob[at + c] * dWeight[at + c];
    for (let c = 0; c < n; c++) {
      const s = prob[at + c];
      dLogit[at + c] = sum ? dWeight[at + c] * s * (1 - s * n) : s * (dWeight[at + c] - weighted);
    }
  }
  k.attnGrad(1 / Math.sqrt(2 * a), 1 / Math.sqrt(a));
}

/** The head's input (rows x 6 dim, TIN rows x 4 dim) for `ids` from `tables`. */
export function fusedAttentionFeatures(tables: AttentionTables, ids: AttentionIds, form: AttentionForm): tf.Tensor2D {
  const rows = ids.targetItems.length;
  const L = form.historyLength;
  const n = ids.columns;
  const a = tables.position.shape[1] as number;
  const d = tables.itemRepresentation.shape[1] as number;
  if (tables.itemAttention.shape[1] !== a || tables.categoryAttention.shape[1] !== a || tables.categoryRepresentation.shape[1] !== d)
    throw new RangeError('the attention tables must share the position width, the representation tables their own');
  if (form.tin && a !== d) throw new RangeError(`TIN adds positions to the representation: attention dim ${a} must equal dim ${d}`);
  if (tables.position.shape[0] !== L + 1) throw new RangeError(`the position table has ${tables.position.shape[0]} rows, expected ${L + 1}`);
  if (ids.histItems.length !== rows * L || ids.histCategories.length !== rows * L) throw new RangeError(`histories must be ${rows} x ${L}`);
  if (ids.picked ? ids.picked.length !== rows * n : n !== L) throw new RangeError(`the kept columns must be ${rows} x ${n}`);
  const width = form.tin ? 4 * d : 6 * d;
  const roles = [tables.itemAttention, tables.categoryAttention, tables.position, tables.itemRepresentation, tables.categoryRepresentation];
  // A coupled table serves two roles: it goes in once, read once, and gets its two roles' gradients
  // summed here (float32 addition, as the tape would sum two gradients of one input).
  const inputs = [...new Set(roles)];
  const slot = roles.map((x) => inputs.indexOf(x));
  /** The roles' gradients, one per input: a coupled table's two summed. */
  const sumRoles = (byRole: tf.Tensor[]): tf.Tensor[] => {
    const grads: tf.Tensor[] = [];
    byRole.forEach((g, role) => {
      const into = grads[slot[role]];
      grads[slot[role]] = into ? tf.add(into, g) : g;
    });
    return grads;
  };
  // The tables' values in place (engine/tensorView.ts): read before any tensor is made, and again in
  // the backward pass (the tables do not change in between, but a wasm heap view may have moved).
  const tableArrays = (): TableArrays => {
    const values = inputs.map((x) => valuesInPlace(x));
    const [itemA, catA, pos, itemR, catR] = slot.map((i) => values[i]);
    return { itemA, catA, pos, itemR, catR, a, d };
  };
  // The kernel's loops where there is one (not TIN; widths a multiple of 4), else the JS loops.
  const kernel = !form.tin && a % 4 === 0 && d % 4 === 0 ? wasmAttentionKernel() : null;
  const op = tf.customGrad(() => {
    const t = tableArrays();
    if (kernel) {
      const holder = {};
      const features = kernelAttend(kernel, holder, t, ids, form);
      const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
        // Another forward pass may have laid out the kernel's memory since: this one's again.
        if (!kernel.layoutOf(holder)) kernelAttend(kernel, holder, tableArrays(), ids, form);
        const m = kernel.layoutOf(holder)!;
        kernelAttendGradient(kernel, m, form, valuesInPlace(dy));
        return inputs.map((x, i) => {
          const [role, other] = roles.flatMap((_, r) => (slot[r] === i ? [r] : []));
          if (other !== undefined) kernel.addGradient(role, other);
          return kernelTensor(m.grads[role], x.shape);
        });
      };
      return { value: kernelTensor(features, [rows, width]), gradFunc };
    }
    const saved: Saved = {
      column: new Int32Array(rows * n),
      prob: new Float64Array(rows * n),
      weight: new Float64Array(rows * n),
      target: new Float64Array(rows * 2 * d),
      pooled: new Float64Array(rows * 2 * d),
    };
    checkIds(ids, t, L);
    const features = attend(t, ids, form, saved, width);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] =>
      // Written in place into new tensors (no copy into the backend); the views are taken after.
      sumRoles(
        filledTensors(
          roles.map((x) => x.shape),
          (out) => attendGradient(tableArrays(), ids, form, saved, valuesInPlace(dy), width, out),
        ),
      );
    return { value: tf.tensor2d(features, [rows, width]), gradFunc };
  });
  return op(...inputs) as tf.Tensor2D;
}
