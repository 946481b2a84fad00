/**
 * x W + b (x: batch x in, W: in x out, b: out) with a hand-written gradient: dy W^T and x^T dy by
 * engine/gemmKernel.ts, which on wasm at one thread reads W and x transposed in place (~1.2-1.4x
 * XNNPACK's matMul on DeepFM's products, the same bits). Elsewhere (and on a wasm pool of 2+
 * threads, where XNNPACK splits each product) the transposes are made first: tfjs-backend-wasm
 * 4.22 hands a matMul with transposeA or transposeB to a naive loop ~10x slower than its XNNPACK
 * path (1024x416x400: 450 ms vs 40 ms), and other backends keep the path they had.
 */
import * as tf from '@tensorflow/tfjs';
import { gemm, gemmReadsTransposes } from '../engine/gemmKernel.ts';
import { columnSums } from './columnSums.ts';

/** Transposes of layer inputs kept for the gradient being computed (withSharedInputTransposes). */
let sharedTransposes: Map<tf.Tensor, tf.Tensor2D> | null = null;

/**
 * Runs f (a gradient computation) with the affine layers that read the same input tensor sharing
 * one transpose of it in their weight gradients (where gemm makes transposes, and for sharedTranspose): MMoE's experts and gates all read the embedding
 * (4 experts and a gate: 5 transposes of 1024 x 80 per task pass, ~1 ms each on wasm, become 1).
 * The same values go into the same matMuls, so the gradients are unchanged. The kept transposes
 * are freed when f returns; what f returns must not be one of them (a matMul result never is).
 */
export function withSharedInputTransposes<R>(f: () => R): R {
  const outer = sharedTransposes;
  const mine = new Map<tf.Tensor, tf.Tensor2D>();
  sharedTransposes = mine;
  try {
    return f();
  } finally {
    sharedTransposes = outer;
    tf.dispose([...mine.values()]);
  }
}

function inputTranspose(input: tf.Tensor, saved: tf.Tensor2D): tf.Tensor2D {
  const memo = sharedTransposes;
  if (!memo) return tf.transpose(saved);
  let t = memo.get(input);
  if (!t) {
    t = tf.keep(tf.transpose(saved));
    memo.set(input, t);
  }
  return t;
}

/** x^T, shared with the affine weight gradients that read x inside withSharedInputTransposes (kept until it returns). */
export function sharedTranspose(x: tf.Tensor2D): tf.Tensor2D {
  return inputTranspose(x, x);
}

/** relu(x W + b); with no gradient being recorded, the ReLU applied as gemm stores each output (no Relu kernel). */
export function affineRelu(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.engine().isTapeOn() ? tf.relu(affine(x, w, b)) : gemm(x, w, { bias: b, relu: true });
}

export function affine(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  // With no gradient being recorded (a forward pass whose backward is written by hand, as the
  // multi-task trunk's), the product alone: customGrad's scope and saves cost ~10 us a call.
  if (!tf.engine().isTapeOn()) return gemm(x, w, { bias: b });
  const op = tf.customGrad((...inputs) => {
    const [xs, ws, bs] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const save = inputs[3] as tf.GradSaveFunc;
    save([xs, ws]);
    return {
      value: gemm(xs, ws, { bias: bs }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, wSaved] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        // x (the forward's input object) keys the shared transpose: the saved copy differs per layer.
        const dw = gemmReadsTransposes() ? gemm(xSaved, dy2, { transposeA: true }) : tf.matMul(inputTranspose(x, xSaved), dy2);
        return [gemm(dy2, wSaved, { transposeB: true }), dw, columnSums(dy2).reshape([-1])];
      },
    };
  });
  return op(x, w, b) as tf.Tensor2D;
}
