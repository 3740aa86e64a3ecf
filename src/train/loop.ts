// The training loop: epochs of shuffled mini-batches of the network's batch size T, an SGD
// step after each, and an evaluation on the test set in inference mode after each epoch.
//
// The loss of the generated module is a sum over the batch and so are its gradients; `lr`
// is therefore per-sum (an lr of η/T behaves like η on the batch mean). The samples left
// over after the last whole batch of an epoch (N mod T) are not used in that epoch; the
// next shuffle mixes them back in. Progress is reported as means per sample.
//
// The loop yields to the event loop after every batch, so a SIGINT handler (or any other
// code aborting `signal`) runs; the loop then stops after the current batch.
import { argmax } from './confusion.js';
import { copySample, type Split } from './data.js';
import { evaluate, type Evaluation } from './evaluate.js';
import type { ModuleMeta, TrainableModel } from './model.js';
import { Shuffler } from './shuffle.js';

export interface TrainOptions {
  epochs: number;
  lr: number;
  momentum: number;
  /** Multiplies lr after every epoch (1: constant). */
  lrDecay?: number;
  /** Seed of the shuffling stream. */
  seed: number;
  signal?: AbortSignal;
  onBatch?: (progress: BatchProgress) => void;
  /** Called after each epoch's evaluation; may save files (awaited). */
  onEpoch?: (result: EpochResult, evaluation: Evaluation) => void | Promise<void>;
}

export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch, from 1. */
  batch: number;
  batches: number;
  /** Mean loss and accuracy per sample over this epoch's batches so far. */
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Wall time of the epoch's training batches (evaluation excluded). */
  seconds: number;
  imagesPerSecond: number;
  lr: number;
}

export interface TrainOutcome {
  epochs: EpochResult[];
  /** True when `signal` stopped the run before the last epoch ended. */
  stopped: boolean;
  /** Batches trained in all, including those of an interrupted epoch. */
  batches: number;
}

export async function train(
  model: TrainableModel,
  meta: ModuleMeta,
  data: { train: Split; test: Split },
  options: TrainOptions,
): Promise<TrainOutcome> {
  const T = meta.batch;
  const [C, H, W] = meta.input;
  const per = C * H * W;
  const K = meta.output[0] * meta.output[1] * meta.output[2];
  const { train: set } = data;
  const batches = Math.floor(set.count / T);
  if (batches === 0) throw new RangeError(`training needs at least one batch of ${T} images, got ${set.count}`);
  const input = meta.dtype === 'f64' ? new Float64Array(T * per) : new Float32Array(T * per);
  const labels = new Float64Array(T * K);
  const shuffler = new Shuffler(set.count, options.seed);
  const results: EpochResult[] = [];
  let lr = options.lr;
  let total = 0;
  const stopNow = (): boolean => options.signal?.aborted === true;

  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = shuffler.shuffle();
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      labels.fill(0);
      for (let t = 0; t < T; t++) {
        const i = order[b * T + t]!;
        copySample(set, i, input, t * per);
        labels[t * K + set.labels[i]!] = 1;
      }
      const y = model.forward(input, { training: true });
      for (let t = 0; t < T; t++) if (argmax(y, t * K, K) === set.labels[order[b * T + t]!]) correct++;
      lossSum += model.backward(labels);
      model.step({ lr, momentum: options.momentum });
      total++;
      const seen = (b + 1) * T;
      options.onBatch?.({
        epoch, epochs: options.epochs, batch: b + 1, batches,
        loss: lossSum / seen, accuracy: correct / seen,
        imagesPerSecond: seen / ((performance.now() - started) / 1000),
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stopNow()) return { epochs: results, stopped: true, batches: total };
    }
    const seconds = (performance.now() - started) / 1000;
    const evaluation = await evaluate(model, meta, data.test, { signal: options.signal });
    if (!evaluation) return { epochs: results, stopped: true, batches: total };
    const result: EpochResult = {
      epoch,
      trainLoss: lossSum / (batches * T),
      trainAccuracy: correct / (batches * T),
      testLoss: evaluation.loss,
      testAccuracy: evaluation.accuracy,
      seconds,
      imagesPerSecond: (batches * T) / seconds,
      lr,
    };
    results.push(result);
    await options.onEpoch?.(result, evaluation);
    lr *= options.lrDecay ?? 1;
    if (stopNow() && epoch < options.epochs) return { epochs: results, stopped: true, batches: total };
  }
  return { epochs: results, stopped: false, batches: total };
}
