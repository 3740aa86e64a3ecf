// Evaluation in inference mode (bn uses its running statistics), one mini-batch of the
// network's size T at a time. The last batch is padded with blank images; their outputs
// are ignored. In inference mode every sample is computed on its own, so the padding
// cannot change the real samples' answers.
import { argmax, Confusion } from './confusion.js';
import { copySample, type Split } from './data.js';
import type { ModuleMeta, TrainableModel } from './model.js';

export interface Evaluation {
  confusion: Confusion;
  /** Mean cross-entropy −log p(true class) per sample. */
  loss: number;
  accuracy: number;
  count: number;
  /**
   * Set when the network's output for a test image was not finite (the computation
   * overflowed): the evaluation stopped there and its figures are not to be used.
   */
  nonFinite?: { image: number; element: number; value: number };
}

/** The user's message for an evaluation stopped by a non-finite output. */
export function nonFiniteMessage(split: Pick<Split, 'file'>, n: NonNullable<Evaluation['nonFinite']>): string {
  return (
    `${split.file}: image ${n.image}: output element ${n.element} of the network is ${n.value}: ` +
    'the computation overflowed; the weights or the images are too large'
  );
}

/** Smallest probability used in the loss, so one confident mistake does not make it infinite. */
const P_MIN = 1e-30;

export async function evaluate(
  model: TrainableModel,
  meta: ModuleMeta,
  split: Split,
  options: { signal?: AbortSignal } = {},
): Promise<Evaluation | null> {
  const T = meta.batch;
  const [C, H, W] = meta.input;
  const per = C * H * W;
  const K = meta.output[0] * meta.output[1] * meta.output[2];
  const input = meta.dtype === 'f64' ? new Float64Array(T * per) : new Float32Array(T * per);
  const confusion = new Confusion(K);
  let lossSum = 0;
  for (let start = 0; start < split.count; start += T) {
    const n = Math.min(T, split.count - start);
    for (let t = 0; t < n; t++) copySample(split, start + t, input, t * per);
    if (n < T) input.fill(0, n * per);
    const y = await model.forward(input, { training: false });
    // Finite weights and images can still overflow on the way (float32 ends at 3.4e38): an
    // answer computed from Infinity or NaN is no answer, and its loss would print as NaN.
    for (let i = 0; i < n * K; i++) {
      if (!Number.isFinite(y[i]!)) {
        const nonFinite = { image: start + Math.floor(i / K), element: i % K, value: y[i]! };
        return { confusion, loss: NaN, accuracy: confusion.accuracy, count: start, nonFinite };
      }
    }
    for (let t = 0; t < n; t++) {
      const z = split.labels[start + t]!;
      confusion.add(z, argmax(y, t * K, K));
      lossSum -= Math.log(Math.max(y[t * K + z]!, P_MIN));
    }
    if (options.signal) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal.aborted) return null;
    }
  }
  return { confusion, loss: split.count ? lossSum / split.count : 0, accuracy: confusion.accuracy, count: split.count };
}
