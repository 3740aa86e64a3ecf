// A real (tiny) training run: examples/lenet.cnn compiled by the module generator, trained
// on the first 480 MNIST digits for two epochs. The loss must fall and the test accuracy
// must be far above chance (10%); the exact figures depend on the kernels' rounding.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileNetwork } from '../src/emit/index.js';
import { loadModel } from '../src/frontend/index.js';
import { checkFit, loadSplit, resolveDataDir } from '../src/train/data.js';
import { train } from '../src/train/loop.js';
import { importGeneratedSource, type GeneratedModule } from '../src/engines/generated-module.js';
import { mismatch } from '../src/train/module.js';

let mod: GeneratedModule;
const net = loadModel('examples/lenet.cnn').networks[0]!;

beforeAll(async () => {
  mod = await importGeneratedSource(compileNetwork(net, { dtype: 'f32' }).js);
});

describe('training LeNet on a few hundred MNIST digits', () => {
  it('lowers the loss and learns', async () => {
    const dir = resolveDataDir('mnist');
    const data = { train: loadSplit(dir, 'train', 480), test: loadSplit(dir, 't10k', 160) };
    checkFit(net, data.train);
    const model = new mod.Model({ seed: 0 });
    const batchLosses: number[] = [];
    const out = await train(model, mod.meta, data, {
      epochs: 2, lr: 0.03 / 32, momentum: 0.9, seed: 0,
      onBatch: (p) => batchLosses.push(p.loss),
    });
    expect(out.epochs).toHaveLength(2);
    // Before any step the network guesses: the first batch's loss is near ln 10 ≈ 2.30.
    expect(batchLosses[0]).toBeGreaterThan(1.5);
    expect(out.epochs[1]!.trainLoss).toBeLessThan(out.epochs[0]!.trainLoss);
    expect(out.epochs[1]!.trainLoss).toBeLessThan(1.2);
    expect(out.epochs[1]!.testAccuracy).toBeGreaterThan(0.6);
  });

  it('matches the compiled module to its network', () => {
    expect(mismatch(net, mod)).toBeNull();
    const other = loadModel('examples/vgg.cnn').networks[0]!;
    expect(mismatch(other, mod)).toMatch(/^it is network lenet, not /);
  });
});
