// The committed LeNet weights (examples/mnist/lenet.bin, trained with `cnnc train`) are
// still good: inference only, on the first 1,000 MNIST test digits.
// Measured when the weights were committed (`cnnc eval ... --limit 1000`): 99.0% (990 of
// 1,000; 99.02% on all 10,000). The threshold is the 98.5% the project promises (5 digits
// below the measured figure), so a kernel change that breaks inference fails here while the
// last bits of float32 rounding do not matter.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../src/emit/index.js';
import { loadModel } from '../src/frontend/index.js';
import { checkFit, loadSplit, resolveDataDir } from '../src/train/data.js';
import { evaluate } from '../src/train/evaluate.js';
import { importGeneratedSource } from '../src/engines/generated-module.js';

const THRESHOLD = 0.985;

describe('committed MNIST weights', () => {
  it(`classify at least ${100 * THRESHOLD}% of the first 1,000 test digits`, async () => {
    const net = loadModel('examples/lenet.cnn').networks[0]!;
    const test = loadSplit(resolveDataDir('mnist'), 't10k', 1000);
    checkFit(net, test);
    const mod = await importGeneratedSource(compileNetwork(net, { dtype: 'f32' }).js);
    const model = new mod.Model();
    model.loadBinary(readFileSync('examples/mnist/lenet.bin'));
    const result = (await evaluate(model, mod.meta, test))!;
    expect(result.count).toBe(1000);
    expect(result.accuracy).toBeGreaterThanOrEqual(THRESHOLD);
  });
});
