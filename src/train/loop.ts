// The training loop: epochs of shuffled mini-batches of the network's batch size T, an SGD
// step after each, and an evaluation on the test set in inference mode after each epoch.
//
// The loss of the generated module is a sum over the batch and so are its gradients; `lr`
// is therefore per-sum (an lr of η/T behaves like η on the batch mean). The samples left
// over after the last whole batch of an epoch (N mod T) are not used in that epoch; the
// next shuffle mixes them back in. Progress is reported as means per sample.
//
// The loop yields to the event loop every few milliseconds (YIELD_MS), so a SIGINT handler
// (or any other code aborting `signal`) runs; the loop then stops after the current batch.
//
// Divergence: after every batch the loss must be finite and, after the SGD step, every
// parameter and state tensor must hold numbers finite within float32 (src/weights/values.ts,
// the rule every weights file obeys). Otherwise the loop puts back the weights from before
// that batch (kept in a copy taken before each forward pass, which also moves bn's running
// statistics) and returns where it diverged: the step, and the first layer, key and element.
import { allStorable, badNumber, firstBadNumber } from '../weights/values.js';
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
  /** Batches trained in all, including those of an interrupted epoch (not the diverging one). */
  batches: number;
  /** Set when training diverged; the model then holds the weights from before that step. */
  diverged?: Divergence;
}

/** Where training diverged: the step, and the first number that was not finite within float32. */
export interface Divergence {
  /** Batches from the start of training, from 1 (the step that diverged). */
  step: number;
  epoch: number;
  /** The batch within the epoch, from 1, of `batches`. */
  batch: number;
  batches: number;
  /**
   * `loss`: the batch's loss was not finite (`layer`: the first layer whose output was not);
   * `weights`: a number after the SGD step; `evaluation`: the network's output for test
   * image `index` after the epoch (element `key`), the weights being finite.
   */
  what: 'loss' | 'weights' | 'evaluation';
  loss: number;
  /** The first layer (in network order) holding a bad number, its tensor key (`weights`), the element and its value. */
  layer: string | null;
  key: string | null;
  index: number;
  value: number;
  /** How many numbers of that tensor were bad. */
  count: number;
}

/** The user's message for a divergence, with the learning rate to try instead. */
export function divergenceMessage(d: Divergence, lr: number): string {
  const at = `training diverged at step ${d.step} (epoch ${d.epoch}, batch ${d.batch} of ${d.batches})`;
  const element = `element ${d.index} is ${badNumber(d.value)}${d.count > 1 ? ` (and ${d.count - 1} more)` : ''}`;
  const where =
    d.what === 'weights'
      ? `after the SGD step, layer ${d.layer}, key ${d.key}: ${element}`
      : d.what === 'evaluation'
        ? `testing after the epoch, the network's output element ${d.key} for test image ${d.index} is ${d.value}`
        : `the loss is ${d.loss}${d.layer === null ? '' : `; layer ${d.layer} is the first whose output is not finite: ${element}`}`;
  return `${at}: ${where}. The learning rate (${lr}) is probably too large: try a smaller one, e.g. --lr ${Number((lr / 10).toPrecision(3))}.`;
}

/** The longest the loop runs batches without letting the event loop turn, in ms. */
const YIELD_MS = 10;

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
  // Every parameter and state tensor, and a copy of each taken before every batch.
  const tensors = (meta.layers ?? []).flatMap((l) => l.params.map((p) => ({ layer: l.name, key: p.key })));
  const live = () => tensors.map((t) => model.param(t.layer, t.key));
  // Views taken once for reading (a ParallelModel counts every param() call as a possible
  // write, which makes its workers reload the weights); restore() asks again, as it writes.
  const views = live();
  const saved = views.map((a) => a.slice());
  const keep = (): void => views.forEach((a, i) => saved[i]!.set(a));
  const restore = (): void => live().forEach((a, i) => a.set(saved[i]!));

  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const order = shuffler.shuffle();
    const started = performance.now();
    let yielded = started;
    let lossSum = 0;
    let correct = 0;
    for (let b = 0; b < batches; b++) {
      labels.fill(0);
      for (let t = 0; t < T; t++) {
        const i = order[b * T + t]!;
        copySample(set, i, input, t * per);
        labels[t * K + set.labels[i]!] = 1;
      }
      keep();
      // forward, backward and, if the loss is finite, the SGD step (one round trip for a ParallelModel).
      let y: ArrayLike<number>, loss: number, storable: boolean | undefined;
      if (model.trainStep) {
        ({ y, loss, storable } = await model.trainStep(input, labels, { lr, momentum: options.momentum }));
      } else {
        y = await model.forward(input, { training: true });
        loss = await model.backward(labels);
        if (Number.isFinite(loss)) await model.step({ lr, momentum: options.momentum });
      }
      const step = { step: total + 1, epoch, batch: b + 1, batches, loss };
      if (!Number.isFinite(loss)) {
        let layer: { name: string; bad: ReturnType<typeof firstBadNumber> } | undefined;
        for (const l of meta.layers ?? []) {
          const bad = firstBadNumber(await model.activation(l.name));
          if (bad) { layer = { name: l.name, bad }; break; }
        }
        restore();
        const diverged: Divergence = layer?.bad
          ? { ...step, what: 'loss', layer: layer.name, key: null, ...layer.bad }
          : { ...step, what: 'loss', layer: null, key: null, index: -1, value: loss, count: 0 };
        return { epochs: results, stopped: false, batches: total, diverged };
      }
      const broken = (storable ?? views.every(allStorable)) ? undefined : views.map((a, i) => ({ ...tensors[i]!, bad: firstBadNumber(a) })).find((t) => t.bad);
      if (broken?.bad) {
        restore();
        return { epochs: results, stopped: false, batches: total, diverged: { ...step, what: 'weights', layer: broken.layer, key: broken.key, ...broken.bad } };
      }
      for (let t = 0; t < T; t++) if (argmax(y, t * K, K) === set.labels[order[b * T + t]!]) correct++;
      lossSum += loss;
      total++;
      const seen = (b + 1) * T;
      options.onBatch?.({
        epoch, epochs: options.epochs, batch: b + 1, batches,
        loss: lossSum / seen, accuracy: correct / seen,
        imagesPerSecond: seen / ((performance.now() - started) / 1000),
      });
      // Let the event loop run (Ctrl-C, progress) at least every YIELD_MS, not after every
      // batch: a turn costs tens of microseconds, which several workers would wait out.
      if (performance.now() - yielded >= YIELD_MS || b === batches - 1) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yielded = performance.now();
      }
      if (stopNow()) return { epochs: results, stopped: true, batches: total };
    }
    const seconds = (performance.now() - started) / 1000;
    const evaluation = await evaluate(model, meta, data.test, { signal: options.signal });
    if (!evaluation) return { epochs: results, stopped: true, batches: total };
    if (evaluation.nonFinite) {
      const { image, element, value } = evaluation.nonFinite;
      const diverged: Divergence = {
        step: total, epoch, batch: batches, batches, what: 'evaluation', loss: NaN,
        layer: null, key: String(element), index: image, value, count: 1,
      };
      return { epochs: results, stopped: false, batches: total, diverged };
    }
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
