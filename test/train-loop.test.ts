// The training loop and the evaluation, driven with a softmax-regression stand-in that
// follows the generated module's conventions (test/helpers/linear-model.ts).
import { describe, expect, it } from 'vitest';
import type { Split } from '../src/train/data.js';
import { evaluate } from '../src/train/evaluate.js';
import { train } from '../src/train/loop.js';
import type { ModuleMeta } from '../src/train/model.js';
import { Shuffler } from '../src/train/shuffle.js';
import { linearModule } from './helpers/linear-model.js';

const meta: ModuleMeta = {
  name: 'lin', batch: 4, input: [1, 1, 3], output: [3, 1, 1], dtype: 'f64', endsWithSoftmax: true,
  layers: [{ name: 'f', op: 'full', input: [1, 1, 3], output: [3, 1, 1], params: [{ key: 'w', shape: [3, 3], learnable: true }] }],
};

/** Class k lights up pixel k (value 200 of 255) over a little background noise. */
function split(count: number, offset = 0): Split {
  const pixels = new Uint8Array(count * 3);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = (i * 7 + offset) % 3;
    labels[i] = k;
    for (let d = 0; d < 3; d++) pixels[i * 3 + d] = d === k ? 200 : (i * 13 + d * 5) % 40;
  }
  return { file: 'synthetic', labelsFile: 'synthetic labels', count, shape: { c: 1, h: 1, w: 3 }, pixels, scale: 1 / 255, labels, classes: 3 };
}

describe('training loop', () => {
  it('lowers the loss and learns a separable problem', async () => {
    const mod = linearModule(meta);
    const model = new mod.Model({ seed: 1 });
    const out = await train(model, meta, { train: split(42), test: split(10, 1) }, { epochs: 5, lr: 0.5, momentum: 0.5, seed: 3 });
    expect(out.stopped).toBe(false);
    expect(out.epochs).toHaveLength(5);
    // 42 images make 10 whole batches of 4 per epoch; the 2 left over wait for the next shuffle.
    expect(out.batches).toBe(50);
    // Starting from near-zero weights the first batch's loss is about ln 3 ≈ 1.0986 per sample.
    expect(out.epochs[4]!.trainLoss).toBeLessThan(out.epochs[0]!.trainLoss);
    expect(out.epochs[4]!.testAccuracy).toBe(1);
    // Every training forward pass is in training mode, every evaluation pass in inference mode.
    const calls = (model as unknown as { calls: { training: boolean }[] }).calls;
    expect(calls.filter((c) => c.training)).toHaveLength(50);
    expect(calls.filter((c) => !c.training)).toHaveLength(5 * 3); // 10 test images → 3 batches of 4
  });

  it('is deterministic for a seed and shuffles differently for another', async () => {
    const run = async (seed: number) => {
      const mod = linearModule(meta);
      const model = new mod.Model({ seed: 1 });
      await train(model, meta, { train: split(42), test: split(8) }, { epochs: 2, lr: 0.5, momentum: 0.9, seed });
      return Array.from(model.toJSON().f!.w!);
    };
    expect(await run(7)).toEqual(await run(7));
    expect(await run(7)).not.toEqual(await run(8));
  });

  it('stops after the current batch when aborted, with the finished epochs', async () => {
    const mod = linearModule(meta);
    const model = new mod.Model();
    const abort = new AbortController();
    const seen: number[] = [];
    const out = await train(model, meta, { train: split(40), test: split(8) }, {
      epochs: 3, lr: 0.1, momentum: 0, seed: 0, signal: abort.signal,
      onBatch: (p) => {
        seen.push(p.epoch * 100 + p.batch);
        if (p.epoch === 2 && p.batch === 3) abort.abort();
      },
    });
    expect(out.stopped).toBe(true);
    expect(out.batches).toBe(13); // 10 batches of epoch 1, 3 of epoch 2
    expect(out.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(seen[seen.length - 1]).toBe(203);
  });

  it('reports running means per sample', async () => {
    const mod = linearModule(meta);
    const model = new mod.Model();
    const firstLosses: number[] = [];
    await train(model, meta, { train: split(8), test: split(4) }, {
      epochs: 1, lr: 0, momentum: 0, seed: 0,
      onBatch: (p) => firstLosses.push(p.loss),
    });
    // lr 0 keeps the initial weights, 0.01·sin(i) ≈ 0: every probability is close to 1/3,
    // so the loss per sample is close to ln 3 whatever the batch.
    for (const l of firstLosses) expect(l).toBeCloseTo(Math.log(3), 1);
  });
});

describe('evaluation', () => {
  it('pads the last batch and ignores the padded outputs', async () => {
    const mod = linearModule(meta);
    const model = new mod.Model({ seed: 2 });
    const test = split(5);
    const result = (await evaluate(model, meta, test))!;
    expect(result.count).toBe(5);
    expect(result.confusion.count).toBe(5);
    const calls = (model as unknown as { calls: { input: number[] }[] }).calls;
    expect(calls).toHaveLength(2);
    // Second batch: sample 4 then three blank (zero) images.
    expect(calls[1]!.input.slice(3)).toEqual(new Array(9).fill(0));
    expect(calls[1]!.input[0]).toBeCloseTo(test.pixels[12]! / 255, 12);
    // Each sample evaluated alone in the first slot of a batch gives the same confusion matrix.
    const expected = new Array(9).fill(0);
    for (let i = 0; i < 5; i++) {
      const x = new Float64Array(12);
      for (let d = 0; d < 3; d++) x[d] = test.pixels[i * 3 + d]! / 255;
      const y = await model.forward(x, { training: false });
      const predicted = [0, 1, 2].reduce((a, b) => (y[b]! > y[a]! ? b : a), 0);
      expected[test.labels[i]! * 3 + predicted] += 1;
    }
    expect(Array.from(result.confusion.counts)).toEqual(expected);
  });
});

describe('shuffling', () => {
  it('permutes every index exactly once, differently each epoch', () => {
    const s = new Shuffler(50, 9);
    const a = Array.from(s.shuffle());
    const b = Array.from(s.shuffle());
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(b);
    expect(Array.from(new Shuffler(50, 9).shuffle())).toEqual(a);
  });
});

describe('divergence after a step, float32 weights', () => {
  // A stand-in whose third SGD step leaves a NaN (then, in another run, -Infinity) at
  // element 5 of a float32 weight tensor: the loop's fast float32 screen must catch it,
  // say where, and put back the weights from before that step.
  for (const bad of [Number.NaN, -Infinity]) {
    it(`finds ${bad} at its index and restores the weights before the step`, async () => {
      const w = new Float32Array(9).fill(0.25);
      let steps = 0;
      const model = {
        forward: () => new Float64Array(12).fill(1 / 3),
        backward: () => 4 * Math.log(3),
        step: () => { steps++; w.fill(0.25 + steps); if (steps === 3) w[5] = bad; },
        activation: () => new Float64Array(12),
        param: () => w,
        toJSON: () => ({}), loadJSON: () => undefined, toBinary: () => new Uint8Array(), loadBinary: () => undefined,
      };
      const out = await train(model, meta, { train: split(42), test: split(4) }, { epochs: 1, lr: 0.1, momentum: 0, seed: 1 });
      expect(out.diverged).toMatchObject({ what: 'weights', step: 3, layer: 'f', key: 'w', index: 5, count: 1 });
      expect(Object.is(out.diverged!.value, bad)).toBe(true);
      expect(Array.from(w)).toEqual(new Array(9).fill(2.25));
    });
  }
});
