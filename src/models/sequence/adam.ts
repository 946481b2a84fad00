/**
 * Adam as torch.optim.Adam (weight decay as its L2 term: weightDecay * x added to the gradient; 0 by default) over explicit gradients, with its state in plain
 * arrays: the sequence trainer hands it gradients it has combined itself (the observed copies of a
 * coupled table get the summed gradient) and checkpoints it synchronously. `lr` is one rate for every
 * variable or one per variable (a per-table learning rate).
 *
 * The small variables (the head, the category and position tables) are updated as one flat tensor
 * (FlatLayout): ~13 element-wise kernels for all of them instead of ~13 each, whose launches cost
 * more than their arithmetic. A large table keeps its own update: joining it would copy it in and
 * out of the flat tensor every step (tfjs-backend-wasm's Slice copies its whole input). Each element
 * sees exactly the float32 operations of the update one variable at a time (a per-variable lr
 * becomes a flat vector of the same float32 scalars), so the weights come out bit for bit the same.
 */
import * as tf from '@tensorflow/tfjs';
import { FlatLayout } from '../multitask/flatLayout.ts';
import { ADAM } from '../optimizer.ts';

export interface AdamState {
  steps: number;
  m: Float32Array[];
  v: Float32Array[];
}

/** Variables up to this many values share the flat update (a kernel launch costs about as much as copying ~10^4 floats). */
const FLAT_UP_TO = 16384;

/** Some of the variables, updated together as one flat tensor (moments flat too; part() gives each member its shape back). */
interface Group {
  /** Indices into the optimiser's variables. */
  members: number[];
  layout: FlatLayout;
  m: tf.Variable;
  v: tf.Variable;
}

export class ExplicitAdam {
  private readonly groups: Group[];
  private t = 0;
  /** Each variable's learning rate (one lr for all by default; per-table lrs are an option). */
  private readonly lrs: number[];

  constructor(
    private readonly variables: tf.Variable[],
    lr: number | readonly number[],
    private readonly weightDecay = 0,
  ) {
    this.lrs = typeof lr === 'number' ? variables.map(() => lr) : [...lr];
    if (this.lrs.length !== variables.length) throw new RangeError(`${this.lrs.length} learning rates for ${variables.length} variables`);
    for (const x of this.lrs) if (!(x > 0)) throw new RangeError(`lr must be positive, got ${x}`);
    if (!(weightDecay >= 0)) throw new RangeError(`weightDecay must be >= 0, got ${weightDecay}`);
    const small = variables.flatMap((x, i) => (x.size <= FLAT_UP_TO ? [i] : []));
    const large = variables.flatMap((x, i) => (x.size > FLAT_UP_TO ? [[i]] : []));
    this.groups = [...(small.length > 0 ? [small] : []), ...large].map((members) => {
      const layout = new FlatLayout(members.map((i) => variables[i]));
      const zeros = () => tf.tidy(() => tf.variable(tf.zeros([layout.total]), false));
      return { members, layout, m: zeros(), v: zeros() };
    });
  }

  get steps(): number {
    return this.t;
  }

  /** One update; grads[i] belongs to variables[i]. */
  apply(grads: tf.Tensor[]): void {
    if (grads.length !== this.variables.length) throw new RangeError(`${grads.length} gradients for ${this.variables.length} variables`);
    this.t++;
    const c1 = 1 - ADAM.beta1 ** this.t;
    const c2 = 1 - ADAM.beta2 ** this.t;
    tf.tidy(() => {
      for (const group of this.groups) {
        const { members, layout } = group;
        const flat = layout.flatten(members.map((i) => grads[i]));
        const g = this.weightDecay > 0 ? tf.add(flat, tf.mul(layout.flatten(layout.variables), this.weightDecay)) : flat;
        const m = tf.add(tf.mul(group.m, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
        const v = tf.add(tf.mul(group.v, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
        group.m.assign(m);
        group.v.assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(c2)), ADAM.epsilon);
        const step = tf.mul(tf.div(m, denom), this.stepSizes(group, c1));
        layout.variables.forEach((x, k) => x.assign(tf.sub(x, layout.part(step, k))));
      }
    });
  }

  /** lr / c1 as the float32 scalar each variable's update used: one scalar, or a flat vector of them. */
  private stepSizes({ members, layout }: Group, c1: number): number | tf.Tensor1D {
    const lrs = members.map((i) => this.lrs[i]);
    if (lrs.every((lr) => lr === lrs[0])) return lrs[0] / c1;
    const sizes = new Float32Array(layout.total);
    lrs.forEach((lr, k) => sizes.fill(lr / c1, layout.offsets[k], layout.offsets[k] + layout.variables[k].size));
    return tf.tensor1d(sizes);
  }

  exportState(): AdamState {
    const m: Float32Array[] = [];
    const v: Float32Array[] = [];
    for (const { members, layout, m: gm, v: gv } of this.groups) {
      const ms = gm.dataSync() as Float32Array;
      const vs = gv.dataSync() as Float32Array;
      members.forEach((i, k) => {
        m[i] = layout.partOf(ms, k).slice();
        v[i] = layout.partOf(vs, k).slice();
      });
    }
    return { steps: this.t, m, v };
  }

  importState(s: AdamState): void {
    if (s.m.length !== this.variables.length || s.v.length !== this.variables.length)
      throw new RangeError(`the saved optimizer has ${s.m.length} variables, the model ${this.variables.length}`);
    s.m.forEach((x, i) => {
      const size = this.variables[i].size;
      if (x.length !== size || s.v[i].length !== size) throw new RangeError(`optimizer moment ${i} has ${x.length} values, the model ${size}`);
    });
    tf.tidy(() => {
      for (const { members, layout, m, v } of this.groups) {
        const join = (parts: Float32Array[]) => {
          const out = new Float32Array(layout.total);
          members.forEach((i, k) => out.set(parts[i], layout.offsets[k]));
          return tf.tensor1d(out);
        };
        m.assign(join(s.m));
        v.assign(join(s.v));
      }
    });
    this.t = s.steps;
  }

  dispose(): void {
    tf.dispose(this.groups.flatMap((g) => [g.m, g.v]));
  }
}
