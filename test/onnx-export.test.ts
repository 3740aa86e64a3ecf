// `cnnc export` and exportOnnx: the exported file run in ONNX Runtime for Node agrees with the
// interpreter in inference mode (running statistics) on every example network and on random
// networks (anchors far outside the window, ceil and overlapping pools, both bn modes, biased
// and unbiased full, softmax), at batch 1 and batch > 1 from one file. ONNX Runtime is
// bench/peers' dependency (`ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix bench/peers`, as CI
// does); without it the ONNX Runtime tests are skipped and say so.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadModel } from '../src/frontend/index.js';
import { buildNetwork, pooledSize, type LayerSpec } from '../src/model/build.js';
import type { CheckedNetwork } from '../src/model/checked.js';
import { size3 } from '../src/model/checked.js';
import { initWeights, mulberry32 } from '../src/model/init.js';
import { emptyWeights, layerEntry, put, type Weights } from '../src/model/weights.js';
import { forwardNetwork } from '../src/interp/index.js';
import { exportOnnx } from '../src/index.js';
import { closeTo } from './helpers/compare.js';

const root = resolve(import.meta.dirname, '..');
const ortPath = join(root, 'bench/peers/node_modules/onnxruntime-node');
const haveOrt = existsSync(ortPath);
if (!haveOrt) console.warn(`test/onnx-export.test.ts: ${ortPath} is missing; the ONNX Runtime comparisons are skipped`);

interface OrtTensor { data: Float32Array; dims: readonly number[] }
interface OrtSession { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; release(): Promise<void> }
interface Ort {
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}
const ort = haveOrt ? (createRequire(join(root, 'bench/peers/package.json'))('onnxruntime-node') as Ort) : null;

/** Random weights: conv/full from the seeded He init, then every bn tensor and bias made non-trivial. */
function randomWeights(net: CheckedNetwork, seed: number): Weights {
  const next = mulberry32(seed);
  const w = initWeights(net, seed);
  const out = emptyWeights();
  for (const l of net.layers) {
    for (const p of l.params) {
      const a = Float64Array.from(w[l.name]?.[p.key] ?? new Float64Array(p.size));
      const fill = (f: () => number) => { for (let i = 0; i < a.length; i++) a[i] = f(); };
      if (p.key === 'gamma') fill(() => 0.5 + next());
      else if (p.key === 'beta' || p.key === 'b') fill(() => next() - 0.5);
      else if (p.key === 'runningMean') fill(() => 2 * next() - 1);
      else if (p.key === 'runningVar') fill(() => 0.05 + 2 * next());
      // float32 values, so both engines start from the same numbers
      put(layerEntry(out, l.name), p.key, a.map(Math.fround));
    }
  }
  return out;
}

/** The network's output for `T` samples in ONNX Runtime, with its dims. */
async function runOrt(bytes: Uint8Array, net: CheckedNetwork, T: number, input: Float64Array): Promise<OrtTensor> {
  const session = await ort!.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    const { c, h, w } = net.input;
    const out = await session.run({ input: new ort!.Tensor('float32', Float32Array.from(input), [T, c, h, w]) });
    return out.output;
  } finally {
    await session.release();
  }
}

/** Exports `net` once and checks ONNX Runtime against the interpreter (inference mode) at every batch size. */
async function agree(net: CheckedNetwork, seed: number, batches: number[], tol = 1e-4): Promise<void> {
  const weights = randomWeights(net, seed);
  const bytes = exportOnnx(net, weights);
  const next = mulberry32(seed + 1);
  const o = net.output;
  for (const T of batches) {
    const input = Float64Array.from({ length: T * size3(net.input) }, () => Math.fround(2 * next() - 1));
    const expected = forwardNetwork({ ...net, batch: T }, weights, input, { training: false }).activations.at(-1)!;
    const actual = await runOrt(bytes, net, T, input);
    expect(actual.dims).toEqual(o.h === 1 && o.w === 1 ? [T, o.c] : [T, o.c, o.h, o.w]);
    const problem = closeTo(actual.data, expected, tol, tol);
    if (problem) throw new Error(`${net.name} at batch ${T}: ${problem}\n${describeNet(net)}`);
  }
}

const describeNet = (net: CheckedNetwork) => JSON.stringify({ input: net.input, layers: net.layers.map((l) => ({ ...l, loc: undefined, params: undefined })) });

describe.skipIf(!haveOrt)('exported ONNX in ONNX Runtime = the interpreter in inference mode', () => {
  for (const file of ['lenet', 'exotic', 'vgg']) {
    it(`examples/${file}.cnn`, async () => {
      for (const net of loadModel(join(root, `examples/${file}.cnn`)).networks) await agree(net, 7, [1, 3]);
    }, 60_000);
  }
});
