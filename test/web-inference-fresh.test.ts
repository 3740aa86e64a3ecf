// The browser demo (examples/web) ships one script: examples/web/lenet.js, the inference
// build of examples/lenet.cnn with the trained weights examples/mnist/lenet.bin built in,
// committed so that the folder can be served as it is. This fails when it is stale, i.e.
// when building it now gives different bytes (refresh: npm run regen, or
// `npx cnnc examples/lenet.cnn --inference --weights examples/mnist/lenet.bin -o DIR` and
// copy DIR/lenet.js).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../src/emit/index.js';
import { loadModel } from '../src/frontend/index.js';
import { readWeightsFile } from '../src/weights/index.js';

describe('examples/web/lenet.js is fresh', () => {
  it('is the inference build of examples/lenet.cnn with examples/mnist/lenet.bin', () => {
    const model = loadModel('examples/lenet.cnn');
    const weightsSource = 'examples/mnist/lenet.bin';
    const [c] = compileModel(model, { inference: true, weights: readWeightsFile(weightsSource, model.networks[0]), weightsSource });
    const same = readFileSync('examples/web/lenet.js', 'utf8') === c.js;
    expect(same, 'examples/web/lenet.js is stale: run npm run regen').toBe(true);
  }, 120_000);
});
