// `cnnc export` and exportOnnx: the exported file run in ONNX Runtime for Node agrees with the
// interpreter in inference mode (running statistics) on every example network and on random
// networks (anchors far outside the window, ceil and overlapping pools, both bn modes, biased
// and unbiased full, softmax), at batch 1 and batch > 1 from one file. ONNX Runtime is
// bench/peers' dependency (`ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix bench/peers`, as CI
// does); without it the ONNX Runtime tests are skipped and say so.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadModel } from '../src/frontend/index.js';
import { buildNetwork } from '../src/model/build.js';
import type { CheckedNetwork } from '../src/model/checked.js';
import { size3 } from '../src/model/checked.js';
import { initWeights, mulberry32 } from '../src/model/init.js';
import { emptyWeights, layerEntry, put, type Weights } from '../src/model/weights.js';
import { forwardNetwork } from '../src/interp/index.js';
import { convPads, cropThenPad, poolPads } from '../src/onnx/layout.js';
import { exportOnnx } from '../src/index.js';
import { cli } from './helpers/cli-frontend-capture.js';
import { writeWeightsFile } from '../src/weights/index.js';
import { closeTo } from './helpers/compare.js';
import { recipeArb, recipeNetwork } from './helpers/property-network.js';

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
  await agreeBytes(exportOnnx(net, weights), net, weights, batches, tol, seed + 1);
}

/** ONNX Runtime on `bytes` against the interpreter with `weights`, on random inputs of each batch size. */
async function agreeBytes(bytes: Uint8Array, net: CheckedNetwork, weights: Weights, batches: number[], tol = 1e-4, seed = 1): Promise<void> {
  const next = mulberry32(seed);
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

// ---- random networks ----

const drawn = fc.record({
  input: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 })),
  layers: fc.array(recipeArb({ kernelMax: 5, eps: [1e-5, 1e-3, 0.5], momentum: [0.1, 0.05] }), { minLength: 1, maxLength: 6 }),
  softmax: fc.boolean(),
  batch: fc.integer({ min: 2, max: 5 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

type Drawn = typeof drawn extends fc.Arbitrary<infer T> ? T : never;

/**
 * Anchors spread over every value the checker accepts for the map (-(H-1) .. H+M-2: some
 * window must touch the map, E031), so many lie far outside the window.
 */
const toNetwork = (r: Drawn): CheckedNetwork => recipeNetwork(r, (raw, k, size) => -(size - 1) + (raw % (2 * size + k - 2)));

describe.skipIf(!haveOrt)('random networks: ONNX Runtime = the interpreter', () => {
  it('at batch 1 and batch 2-5 from one file', async () => {
    const seen = new Map<string, number>();
    const saw = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
    await fc.assert(fc.asyncProperty(drawn, async (r) => {
      const net = toNetwork(r);
      for (const l of net.layers) {
        if (l.op === 'conv') {
          const { crop } = cropThenPad(convPads(l));
          if (crop.top || crop.bottom || crop.left || crop.right) saw('conv anchor outside the window (crop)');
          if (l.params.length > 1) saw('conv bias');
        }
        if (l.op === 'pool' && l.round === 'ceil') {
          const { bottom, right } = poolPads(l);
          saw(bottom || right ? 'ceil pool with clipped pools' : 'ceil pool without padding');
        }
        if (l.op === 'pool' && (l.stride.rows < l.size.rows || l.stride.cols < l.size.cols)) saw('overlapping pool');
        if (l.op === 'bn') saw(`bn ${l.mode}`);
        if (l.op === 'full') saw(`full bias=${l.params.length > 1}`);
        const before = net.layers[l.index - 1];
        const needs4d = l.op === 'conv' || l.op === 'pool' || (l.op === 'bn' && l.mode === 'channel' && l.input.h * l.input.w > 1);
        if (needs4d && before?.op === 'full') saw('4-d layer after a full');
        if (needs4d && before?.op === 'bn' && before.mode === 'position' && l.input.h * l.input.w > 1) saw('4-d layer after a position bn');
      }
      await agree(net, r.seed, [1, r.batch], 1e-3);
    }), { numRuns: 200 });
    // The draw reaches every case the writer handles differently.
    for (const what of ['conv anchor outside the window (crop)', 'conv bias', 'ceil pool with clipped pools', 'overlapping pool',
      'bn position', 'bn channel', 'full bias=true', 'full bias=false', '4-d layer after a full', '4-d layer after a position bn']) {
      expect(seen.get(what) ?? 0, what).toBeGreaterThanOrEqual(5);
    }
  }, 120_000);
});

describe.skipIf(!haveOrt)('hand-made cases', () => {
  it('a layer named output (not last), a network ending in a per-position bn, a pool whose last row of pools is dropped', async () => {
    const net = buildNetwork({
      name: 'edge', batch: 2, input: [2, 5, 6], layers: [
        { op: 'conv', name: 'output', out: 2, kernel: [2, 2], anchor: [-4, 6], bias: true },
        // 5 rows, 1-row pools every 3: ceil gives ⌈4/3⌉+1 = 3, but the third would start at
        // row 6, off the map, so 2 remain, as floor gives (no padding).
        { op: 'pool', name: 'p', size: [1, 2], stride: [3, 3], round: 'ceil' },
        { op: 'full', name: 'f', out: 12 },
        { op: 'bn', name: 'n', mode: 'channel' },
        { op: 'bn', name: 'q', mode: 'position' },
      ],
    });
    expect(net.layers[1].output).toMatchObject({ h: 2, w: 2 });
    await agree(net, 3, [1, 2, 7]);
  });

  it('a network whose output is not C×1×1 gives [N, C, H, W]', async () => {
    const net = buildNetwork({ name: 'maps', batch: 1, input: [1, 7, 7], layers: [{ op: 'bn', name: 'n', mode: 'position' }, { op: 'relu' }] });
    await agree(net, 4, [1, 3]);
  });
});

// ---- the command ----

/** The command in process (test/helpers/cli-frontend-capture.ts), as { code, out, err }. */
async function cnnc(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await cli(...args);
  process.exitCode = undefined;
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('cnnc export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnnc-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const exotic = loadModel(join(root, 'examples/exotic.cnn')).networks[0];
  const weights = randomWeights(exotic, 11);
  const wJson = join(dir, 'exotic.json');
  const wBin = join(dir, 'exotic.bin');
  writeWeightsFile(wJson, exotic, weights);
  writeWeightsFile(wBin, exotic, weights);
  const noStack = (err: string) => {
    expect(err).not.toMatch(/internal error|\n\s+at /);
  };

  it('writes the model from .json and .bin weights alike, and says what it wrote', async () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    const r = await cnnc('export', 'examples/exotic.cnn', '--weights', wJson, '-o', a);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const bytes = readFileSync(a);
    expect(r.out).toBe(`${a}: network exotic, ONNX opset 13, input "input" [N,2,15,14] → output "output" [N,5], ${bytes.length.toLocaleString('en-US')} bytes\n`);
    expect((await cnnc('export', 'examples/exotic.cnn', '--weights', wBin, '--output', b)).code).toBe(0);
    expect(readFileSync(b).equals(bytes)).toBe(true);
    expect(Buffer.from(exportOnnx(exotic, weights)).equals(bytes)).toBe(true);
    if (haveOrt) await agreeBytes(new Uint8Array(bytes), exotic, weights, [1, 4]);
  });

  it('prints none of bn\'s training-only warnings (W001, W002): ONNX runs bn with its running statistics', async () => {
    const file = join(dir, 'w.cnn');
    writeFileSync(file, 'network w {\n  input shape=1x4x4 batch=1\n  conv c out=2 kernel=3x3 bias=true\n  bn n\n  full f out=3\n}\n');
    const w = join(dir, 'w.json');
    writeWeightsFile(w, loadModel(file).networks[0], randomWeights(loadModel(file).networks[0], 3));
    expect((await cnnc('build', file, '--dump', 'plan')).err).toMatch(/\[W002\][^]*\[W001\]/);
    const r = await cnnc('export', file, '--weights', w, '-o', join(dir, 'w.onnx'));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });

  it('--network picks a network of a multi-network file', async () => {
    const file = join(dir, 'two.cnn');
    writeFileSync(file, 'network one {\n  input shape=1x4x4 batch=2\n  relu\n}\nnetwork two {\n  input shape=1x4x4 batch=2\n  conv c out=2 kernel=3x3 bias=true\n  pool p size=3x3 stride=2 round=ceil\n}\n');
    const two = loadModel(file).networks[1];
    const w = join(dir, 'two.json');
    const tw = randomWeights(two, 5);
    writeWeightsFile(w, two, tw);
    const out = join(dir, 'two.onnx');
    const r = await cnnc('export', file, '--weights', w, '-o', out, '--network', 'two');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('network two');
    expect(r.out).toContain('output "output" [N,2,2,2]');
    if (haveOrt) await agreeBytes(new Uint8Array(readFileSync(out)), two, tw, [1, 2]);
    const bad = await cnnc('export', file, '--weights', w, '-o', join(dir, 'three.onnx'), '--network', 'three');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(`${file}: no network three (the file has one, two)\n`);
    expect(existsSync(join(dir, 'three.onnx'))).toBe(false);
  });

  it('a wrong command line is exit 2 and writes nothing', async () => {
    const out = join(dir, 'usage.onnx');
    const noWeights = await cnnc('export', 'examples/exotic.cnn', '-o', out);
    expect(noWeights.code).toBe(2);
    expect(noWeights.err).toMatch(/--weights/);
    const noOut = await cnnc('export', 'examples/exotic.cnn', '--weights', wJson);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/--output/);
    const overModel = await cnnc('export', 'examples/exotic.cnn', '--weights', wJson, '-o', 'examples/exotic.cnn');
    expect(overModel.code).toBe(2);
    expect(overModel.err).toBe('cnnc export: -o examples/exotic.cnn is the model file; name a new .onnx file\n');
    const overWeights = await cnnc('export', 'examples/exotic.cnn', '--weights', wJson, '-o', wJson);
    expect(overWeights.code).toBe(2);
    expect(readFileSync(wJson, 'utf8')).toMatch(/^\{/);
    expect(existsSync(out)).toBe(false);
  });

  it('missing or mismatched weights, a wrong model, an unwritable output: exit 1, a clear message, the old file untouched', async () => {
    const out = join(dir, 'keep.onnx');
    writeFileSync(out, 'old');
    const cases: [string[], RegExp][] = [
      [['--weights', join(dir, 'nothere.json')], /nothere\.json/],
      // LeNet's weights for exotic: the message names a layer of exotic and what is missing or wrong.
      [['--weights', (() => { const p = join(dir, 'lenet.json'); const l = loadModel(join(root, 'examples/lenet.cnn')).networks[0]; writeWeightsFile(p, l, initWeights(l, 1)); return p; })()], /lenet\.json.*(near|perpos|layer)/s],
      [['--weights', (() => {
        const p = join(dir, 'short.json');
        const j = JSON.parse(readFileSync(wJson, 'utf8')) as Record<string, Record<string, number[]>>;
        j.perpos.runningVar.pop();
        writeFileSync(p, JSON.stringify(j));
        return p;
      })()], /short\.json.*perpos.*runningVar/s],
    ];
    for (const [args, message] of cases) {
      const r = await cnnc('export', 'examples/exotic.cnn', ...args, '-o', out);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(message);
      noStack(r.err);
      expect(readFileSync(out, 'utf8')).toBe('old');
    }
    const badModel = join(dir, 'bad.cnn');
    writeFileSync(badModel, 'network bad {\n  input shape=1x4x4 batch=1\n  conv c out=2 kernal=3x3\n}\n');
    const r = await cnnc('export', badModel, '--weights', wJson, '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/E011/);
    expect(readFileSync(out, 'utf8')).toBe('old');

    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const unwritable = await cnnc('export', 'examples/exotic.cnn', '--weights', wJson, '-o', join(blocker, 'm.onnx'));
    expect(unwritable.code).toBe(1);
    expect(unwritable.err).toMatch(/^cannot write .*a-file/);
    noStack(unwritable.err);
    const folder = await cnnc('export', 'examples/exotic.cnn', '--weights', wJson, '-o', dir);
    expect(folder.code).toBe(1);
    expect(folder.err).toMatch(/it is a folder/);
  });
});
