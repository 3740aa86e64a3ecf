// Issue 12, items 1, 3, 4, 12, 13 and 14: bad numbers and hostile data files.
//  1  training notices divergence (stops, says where, keeps the last good weights, never
//     writes a non-finite number); eval/run refuse non-finite weights in any format; f32
//     IDX images holding NaN/Inf are refused with the index
//  3  one check of weight values for every format (NaN/Inf in .bin, negative running variance)
//  4  numbers finite in float64 but not in float32 are refused, with the index, by both engines
// 12  error messages stay short whatever the file claims
// 13  the out-of-range label error names the labels file that exists
// 14  a gzip bomb stops inflating past the size its IDX header announces
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { UserError } from '../src/errors.js';
import { loadModel } from '../src/frontend/index.js';
import { buildNetwork } from '../src/model/build.js';
import { initWeights } from '../src/model/init.js';
import { train } from '../src/train/loop.js';
import type { ModuleMeta } from '../src/train/model.js';
import type { Split } from '../src/train/data.js';
import { parseIdx } from '../src/train/idx.js';
import { decodeWeightsBinary, encodeWeightsBinary, readWeightsFile, weightsFromJson, writeWeightsFile } from '../src/weights/index.js';
import { idxBytes, u8Idx } from './helpers/idx-bytes.js';
import { LinearModel } from './helpers/linear-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'cnnc-numbers-'));

async function cnnc(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

const noStack = (err: string): void => {
  expect(err).not.toMatch(/internal error|\n\s+at /);
};

/** Big-endian f32 / f64 IDX bytes. */
function floatIdx(type: 0x0d | 0x0e, dims: number[], values: number[]): Uint8Array {
  const size = type === 0x0d ? 4 : 8;
  const body = new Uint8Array(values.length * size);
  const view = new DataView(body.buffer);
  values.forEach((v, i) => (type === 0x0d ? view.setFloat32(i * size, v, false) : view.setFloat64(i * size, v, false)));
  return idxBytes(type, dims, Array.from(body));
}

/** A data directory with both splits: `images` (IDX bytes) and labels. */
function dataDir(name: string, images: Uint8Array, labels: number[], t10k?: { images: Uint8Array; labels: Uint8Array }): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const split of ['train', 't10k']) {
    writeFileSync(join(dir, `${split}-images-idx3-ubyte`), split === 't10k' && t10k ? t10k.images : images);
    writeFileSync(join(dir, `${split}-labels-idx1-ubyte`), split === 't10k' && t10k ? t10k.labels : u8Idx([labels.length], labels));
  }
  return dir;
}

// A small classifier on 1x6x6 images, batch 4, 3 classes.
const model = join(tmp, 'small.cnn');
writeFileSync(
  model,
  'network small {\n  input shape=1x6x6 batch=4\n  conv c1 out=3 kernel=3x3\n  bn n1\n  relu\n  full f1 out=8 bias=true\n  relu\n  full f2 out=3\n  softmax\n}\n',
);
const small = loadModel(model).networks[0]!;
const images = Array.from({ length: 16 * 36 }, (_, k) => (k * 53) % 256);
const labels = Array.from({ length: 16 }, (_, k) => k % 3);
const good = dataDir('good', u8Idx([16, 6, 6], images), labels);
// Without relu nothing bounds the growth: a huge learning rate overflows float32 in a few steps.
const linear = join(tmp, 'linear.cnn');
writeFileSync(linear, 'network small {\n  input shape=1x6x6 batch=4\n  conv c1 out=3 kernel=3x3\n  full f1 out=8 bias=true\n  full f2 out=3\n  softmax\n}\n');
const linearNet = loadModel(linear).networks[0]!;

/** The byte offset of the float32 values in a weights binary of `net`. */
function valuesOffset(net: { name: string; layers: { params: unknown[] }[] }): number {
  const tensors = net.layers.reduce((a, l) => a + l.params.length, 0);
  return 12 + Math.ceil(new TextEncoder().encode(net.name).length / 4) * 4 + 4 + 4 * tensors;
}

/** The binary weights of `small` (seed 1) with float32 value number `index` set to `value`. */
function patchedBin(name: string, index: number, value: number): string {
  const bytes = encodeWeightsBinary(small, initWeights(small, 1));
  new DataView(bytes.buffer).setFloat32(valuesOffset(small) + 4 * index, value, true);
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const X = join(tmp, 'x.json');
const Z = join(tmp, 'z.json');
writeFileSync(X, JSON.stringify(Array.from({ length: 4 * 36 }, (_, k) => Math.cos(k))));
writeFileSync(Z, JSON.stringify([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]));

/** Every number of a weights file of `net`, read without any check. */
function rawNumbers(path: string, net: typeof small): number[] {
  if (path.endsWith('.json')) return Object.values(JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown[]>>).flatMap((l) => Object.values(l).flat()) as number[];
  const b = readFileSync(path);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let o = valuesOffset(net); o < b.length; o += 4) out.push(view.getFloat32(o, true));
  return out;
}

describe('item 1: training notices divergence', () => {
  // The stand-in model of the loop tests, made to break at a chosen step.
  const meta: ModuleMeta = {
    name: 'lin', batch: 2, input: [1, 1, 3], output: [3, 1, 1], dtype: 'f64', endsWithSoftmax: true,
    layers: [{ name: 'f', op: 'full', input: [1, 1, 3], output: [3, 1, 1], params: [{ key: 'w', shape: [3, 3], learnable: true }] }],
  };
  const split: Split = {
    file: 'x', labelsFile: 'z', count: 8, shape: { c: 1, h: 1, w: 3 }, scale: 1 / 255, classes: 3,
    pixels: Uint8Array.from({ length: 24 }, (_, k) => (k * 41) % 256), labels: Int32Array.from({ length: 8 }, (_, k) => k % 3),
  };
  class Breaking extends LinearModel {
    steps = 0;
    backwards = 0;
    /** The weights after each successful step, copied here. */
    after: number[][] = [];
    constructor(readonly breakStep: number, readonly how: 'weights' | 'loss') {
      super(meta, 1);
    }
    override backward(z: ArrayLike<number>): number {
      const loss = super.backward(z);
      return ++this.backwards === this.breakStep && this.how === 'loss' ? Infinity : loss;
    }
    override step(o: { lr: number; momentum?: number }): void {
      super.step(o);
      if (++this.steps === this.breakStep && this.how === 'weights') this.w[4] = NaN;
      else this.after.push(Array.from(this.w));
    }
  }

  it('a NaN weight after step 3: the loop stops there, names the tensor and element, and puts back the weights of step 2', async () => {
    const m = new Breaking(3, 'weights');
    const out = await train(m, meta, { train: split, test: split }, { epochs: 2, lr: 0.1, momentum: 0.5, seed: 1 });
    expect(out.diverged).toMatchObject({ step: 3, epoch: 1, batch: 3, batches: 4, what: 'weights', layer: 'f', key: 'w', index: 4, count: 1 });
    expect(out.diverged!.value).toBeNaN();
    expect(out.batches).toBe(2);
    expect(out.epochs).toEqual([]);
    expect(Array.from(m.w)).toEqual(m.after[1]);
  });

  it('an infinite loss at step 2: stopped before the step, the weights of step 1 kept', async () => {
    const m = new Breaking(2, 'loss');
    const out = await train(m, meta, { train: split, test: split }, { epochs: 1, lr: 0.1, momentum: 0, seed: 1 });
    expect(out.diverged).toMatchObject({ step: 2, what: 'loss', loss: Infinity, layer: null });
    expect(m.steps).toBe(1);
    expect(Array.from(m.w)).toEqual(m.after[0]);
  });

  it('a test output that overflows after epoch 1: stopped there as diverged, the finite weights kept', async () => {
    class Overflowing extends Breaking {
      override forward(x: ArrayLike<number>, o?: { training?: boolean }): Float64Array {
        const y = super.forward(x, o);
        if (o?.training === false) y[4] = Infinity; // sample 1, element 1
        return y;
      }
    }
    const m = new Overflowing(0, 'weights');
    const out = await train(m, meta, { train: split, test: split }, { epochs: 3, lr: 0.1, momentum: 0, seed: 1 });
    expect(out.diverged).toMatchObject({ step: 4, epoch: 1, what: 'evaluation', index: 1, key: '1', value: Infinity });
    expect(out.epochs).toEqual([]);
    expect(Array.from(m.w)).toEqual(m.after[3]);
  });

  for (const ext of ['bin', 'json']) {
    it(`cnnc train --lr 1e6 stops with exit 1, says where and why, and saves the last good weights (.${ext})`, async () => {
      const out = join(tmp, `diverged.${ext}`);
      const r = await cnnc('train', linear, '--data', good, '--epochs', '3', '--lr', '1e6', '--out', out);
      noStack(r.err);
      expect(r.code).toBe(1);
      const m = /training diverged at step (\d+) \(epoch \d, batch \d of 4\): /.exec(r.err);
      expect(m).not.toBeNull();
      expect(r.err).toMatch(/(the loss is (NaN|-?Infinity); layer (c1|f1|f2) is the first whose output is not finite: element \d+ is|after the SGD step, layer (c1|f1|f2), key \w+: element \d+ is)/);
      expect(r.err).toContain('The learning rate (1000000) is probably too large: try a smaller one, e.g. --lr 100000.');
      expect(r.err).toContain(`The last good weights (before step ${m![1]}) are in ${out}.`);
      // What was saved is finite, and loads.
      const numbers = rawNumbers(out, linearNet);
      expect(numbers.length).toBe(linearNet.layers.reduce((a, l) => a + l.params.reduce((b, p) => b + p.size, 0), 0));
      expect(numbers.every(Number.isFinite)).toBe(true);
      expect(() => readWeightsFile(out, linearNet)).not.toThrow();
      // eval loads them; whether their answers overflow is another matter, said as such.
      const e = await cnnc('eval', linear, '--weights', out, '--data', good, '--json');
      noStack(e.err);
      if (e.code !== 0) expect(e.err).toMatch(/the computation overflowed; the weights or the images are too large\n$/);
    });
  }

  it('eval and run refuse binary weights holding NaN or Infinity, naming the layer, key and element', async () => {
    const nan = patchedBin('nan.bin', 5, NaN); // c1.w has 27 numbers: element 5
    const e = await cnnc('eval', model, '--weights', nan, '--data', good);
    noStack(e.err);
    expect(e.code).toBe(1);
    expect(e.err).toBe(`${nan}: layer c1, key w: element 5 of 27 is NaN\n`);
    const inf = patchedBin('inf.bin', 27 + 108 * 3 + 1, -Infinity); // after c1.w (27) and n1's gamma, beta, runningMean (3·6·6 = 108 each): runningVar[1]
    for (const engine of ['interpreter', 'generated']) {
      const r = await cnnc('run', model, '--engine', engine, '--weights', inf, '--input', X, '--labels', Z);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`${inf}: layer n1, key runningVar: element 1 of 108 is -Infinity\n`);
    }
    const t = await cnnc('train', model, '--weights', inf, '--data', good, '--epochs', '1', '--out', join(tmp, 'never.bin'));
    expect(t.code).toBe(1);
    expect(existsSync(join(tmp, 'never.bin'))).toBe(false);
  });

  it('f32 IDX images holding NaN or Infinity are refused with the image and element', async () => {
    const values = Array.from({ length: 16 * 36 }, (_, k) => k / 1000);
    values[36 + 5] = NaN;
    values[100] = Infinity;
    const dir = dataDir('nan-images', floatIdx(0x0d, [16, 6, 6], values), labels);
    for (const args of [['train', model, '--data', dir, '--epochs', '1', '--out', join(tmp, 'nan-images.bin')], ['eval', model, '--weights', patchedBin('ok.bin', 0, 0.5), '--data', dir]]) {
      const r = await cnnc(...args);
      noStack(r.err);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `${join(dir, args[0] === 'train' ? 'train-images-idx3-ubyte' : 't10k-images-idx3-ubyte')}: image 1, element 5 (number 41 of the file) is NaN (2 such numbers in the file); images must hold finite numbers\n`,
      );
    }
    expect(existsSync(join(tmp, 'nan-images.bin'))).toBe(false);
  });
});

describe('item 3: one check of weight values for every format', () => {
  const net = buildNetwork({ name: 'bnnet', batch: 2, input: [2, 1, 1], layers: [{ op: 'bn', name: 'n', mode: 'channel' }] });
  const json = { n: { gamma: [1, 1], beta: [0, 0], runningMean: [0, 0], runningVar: [1, -0.5] } };

  it('a negative running variance: the same words for JSON and binary', () => {
    expect(() => weightsFromJson(net, json, 'W.json')).toThrow(new UserError('W.json: layer n, key runningVar: element 1 of 2 is -0.5; a variance cannot be negative'));
    const w = initWeights(net, 1);
    const bytes = encodeWeightsBinary(net, w);
    new DataView(bytes.buffer).setFloat32(bytes.length - 4, -0.5, true);
    expect(() => decodeWeightsBinary(net, bytes, 'W.bin')).toThrow(new UserError('W.bin: layer n, key runningVar: element 1 of 2 is -0.5; a variance cannot be negative'));
  });

  it('NaN or an infinity in a binary file is refused as in JSON (1e999 parses as Infinity)', () => {
    const w = initWeights(net, 1);
    const bytes = encodeWeightsBinary(net, w);
    new DataView(bytes.buffer).setFloat32(bytes.length - 16, NaN, true); // gamma[0]… : values are gamma, beta, runningMean, runningVar (2 each)
    expect(() => decodeWeightsBinary(net, bytes, 'W.bin')).toThrow('W.bin: layer n, key runningMean: element 0 of 2 is NaN');
    const inf = JSON.parse('{"n": {"gamma": [1, 1], "beta": [0, 0], "runningMean": [1e999, 0]}}') as unknown;
    expect(() => weightsFromJson(net, inf, 'W.json')).toThrow('W.json: layer n, key runningMean: element 0 of 2 is Infinity');
  });

  it('run refuses a negative running variance in a weights JSON (it made an all-NaN bn layer, exit 0)', async () => {
    const bn = join(tmp, 'bn.cnn');
    writeFileSync(bn, 'network bnnet {\n  input shape=2x1x1 batch=2\n  bn n mode=channel\n}\n');
    const w = join(tmp, 'bn.json');
    writeFileSync(w, JSON.stringify(json));
    const g = join(tmp, 'g.json');
    writeFileSync(g, '[1, 1, 1, 1]');
    const x = join(tmp, 'bnx.json');
    writeFileSync(x, '[1, 2, 3, 4]');
    const r = await cnnc('run', bn, '--engine', 'interpreter', '--mode', 'infer', '--weights', w, '--input', x, '--out-sens', g);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${w}: layer n, key runningVar: element 1 of 2 is -0.5; a variance cannot be negative\n`);
  });

  it('weights that fail the check are never written', () => {
    const w = initWeights(small, 1);
    w.f2!.w![7] = NaN;
    for (const ext of ['bin', 'json']) {
      const path = join(tmp, `refused.${ext}`);
      expect(() => writeWeightsFile(path, small, w)).toThrow('weights not written: layer f2, key w: element 7 of 24 is NaN');
      expect(existsSync(path)).toBe(false);
    }
  });
});

describe('item 4: numbers beyond float32 are refused by both engines, with the index', () => {
  it('an input of 1e39 (finite in float64, Infinity in float32): the same refusal from both engines', async () => {
    const x = JSON.parse(readFileSync(X, 'utf8')) as number[];
    x[17] = -1e39;
    const big = join(tmp, 'big-x.json');
    writeFileSync(big, JSON.stringify(x));
    const errors = [];
    for (const engine of ['interpreter', 'generated']) {
      const r = await cnnc('run', model, '--engine', engine, '--seed', '1', '--input', big, '--labels', Z);
      expect(r.code).toBe(1);
      errors.push(r.err);
    }
    expect(errors[0]).toBe(`${big}: element 17 is -1e+39, beyond the float32 range (|x| ≤ 3.4028234663852886e+38)\n`);
    expect(errors[1]).toBe(errors[0]);
  });

  it('the largest float32 itself is accepted; a weight of 1e300 is refused', () => {
    const w = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(initWeights(small, 1)).map(([l, t]) => [l, Object.fromEntries(Object.entries(t).map(([k, a]) => [k, Array.from(a)]))])))) as Record<string, Record<string, number[]>>;
    w.f1!.b![2] = 3.4028234663852886e38;
    expect(() => weightsFromJson(small, w, 'W.json')).not.toThrow();
    w.f1!.b![2] = 1e300;
    expect(() => weightsFromJson(small, w, 'W.json')).toThrow('W.json: layer f1, key b: element 2 of 8 is 1e+300, beyond the float32 range (|x| ≤ 3.4028234663852886e+38)');
  });

  it('f64 IDX images beyond float32 are refused', async () => {
    const values = Array.from({ length: 16 * 36 }, () => 0.25);
    values[3 * 36] = 5e38;
    const dir = dataDir('big-images', floatIdx(0x0e, [16, 6, 6], values), labels);
    const r = await cnnc('eval', model, '--weights', patchedBin('ok2.bin', 0, 0.5), '--data', dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${join(dir, 't10k-images-idx3-ubyte')}: image 3, element 0 (number 108 of the file) is 5e+38, beyond the float32 range (|x| ≤ 3.4028234663852886e+38); images must hold finite numbers\n`);
  });

  it('a computation that overflows float32 on the way is an error, never a trace with null', async () => {
    const x = Array.from({ length: 4 * 36 }, () => 3e38);
    const huge = join(tmp, 'huge-x.json');
    writeFileSync(huge, JSON.stringify(x));
    const trace = join(tmp, 'overflow-trace.json');
    const r = await cnnc('run', model, '--engine', 'generated', '--seed', '1', '--input', huge, '--labels', Z, '--trace', trace);
    noStack(r.err);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^network small, engine generated \((wasm |js )?f32\): layer c1 \(conv\): output element \d+ is -?Infinity: the computation overflowed; scale the inputs or the weights down \(nothing was written\)\n$/);
    expect(existsSync(trace)).toBe(false);
  });
});

describe('item 4: … and an evaluation that overflows says so instead of printing a NaN loss', () => {
  it('eval with every c1 weight at 3e38 (storable, but the sums overflow float32)', async () => {
    const w = initWeights(linearNet, 1);
    w.c1!.w!.fill(3e38);
    const path = join(tmp, 'overflowing.bin');
    writeWeightsFile(path, linearNet, w);
    const r = await cnnc('eval', linear, '--weights', path, '--data', good);
    noStack(r.err);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^${join(good, 't10k-images-idx3-ubyte')}: image 0: output element 0 of the network is NaN: the computation overflowed; the weights or the images are too large\n$`));
  });
});

describe('item 12: error messages stay short', () => {
  it('a binary header claiming a 4 GiB name, in a 1 MB file', () => {
    const bytes = new Uint8Array(1 << 20).fill(0x41);
    bytes.set([0x43, 0x4e, 0x4e, 0x57, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    let message = '';
    try {
      decodeWeightsBinary(small, bytes, 'W.bin');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`W.bin: network name length 4294967295 runs past the end of the file (${1 << 20} bytes)`);
    // A name that fits but is long is quoted in part.
    const view = new DataView(bytes.buffer);
    view.setUint32(8, (1 << 20) - 100, true);
    try {
      decodeWeightsBinary(small, bytes, 'W.bin');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`W.bin: weights of network "${'A'.repeat(80)}"… (${(1 << 20) - 100} characters), expected "small"`);
  });

  it('a weights JSON with a huge key and thousands of unknown layers', () => {
    const value: Record<string, unknown> = { [`x${'y'.repeat(1e6)}`]: {} };
    for (let i = 0; i < 5000; i++) value[`u${i}`] = {};
    let message = '';
    try {
      weightsFromJson(small, value, 'W.json');
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe(`W.json: unknown layer "x${'y'.repeat(79)}"… (1000001 characters) (network small has c1, n1, f1, f2)`);
    expect(lines[20]).toBe('… and 4985 more problems');
    expect(lines.slice(0, 20).every((l) => l.startsWith('W.json: '))).toBe(true);
    expect(message.length).toBeLessThan(3000);
  });
});

describe('item 13: the out-of-range label error names the labels file that exists', () => {
  it('labels up to 5 for a network of 3 outputs', async () => {
    const dir = dataDir('wide-labels', u8Idx([16, 6, 6], images), labels.map((z, k) => (k === 7 ? 5 : z)));
    const r = await cnnc('train', model, '--data', dir, '--epochs', '1', '--out', join(tmp, 'wide.bin'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`network small has 3 outputs but ${join(dir, 'train-labels-idx1-ubyte')} has labels up to 5; the last full layer needs out=6 or more\n`);
    expect(existsSync(join(dir, 'train-labels-idx1-ubyte'))).toBe(true);
  });
});

describe('item 14: a gzip bomb stops inflating at the size its header announces', () => {
  // A 12-byte IDX file (3 u8 elements) followed by 64 MB of zeros, compressed to ~64 KB.
  const bomb = gzipSync(Buffer.concat([Buffer.from(u8Idx([3], [1, 2, 3])), Buffer.alloc(64 << 20)]), { level: 9 });

  it('parseIdx refuses it without inflating it all', () => {
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => parseIdx(bomb, 'bomb.gz')).toThrow(
      new UserError('bomb.gz: the gzip data inflates to more than the 11 bytes its IDX header announces (dimensions 3 of u8); stopped there'),
    );
    // A good file still inflates, and a gzip member cut short is still broken gzip data.
    expect(Array.from(parseIdx(gzipSync(u8Idx([3], [1, 2, 3])), 'ok.gz').data)).toEqual([1, 2, 3]);
    expect(() => parseIdx(bomb.subarray(0, 40), 'cut.gz')).toThrow(/cut\.gz: (broken gzip data|truncated IDX file)/);
  });

  it('cnnc eval on a data directory holding one', async () => {
    const dir = join(tmp, 'bomb');
    mkdirSync(dir);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(Buffer.concat([Buffer.from(u8Idx([4, 6, 6], images.slice(0, 144))), Buffer.alloc(32 << 20)])));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), u8Idx([4], [0, 1, 2, 0]));
    const r = await cnnc('eval', model, '--weights', patchedBin('ok3.bin', 0, 0.5), '--data', dir);
    noStack(r.err);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${join(dir, 't10k-images-idx3-ubyte.gz')}: the gzip data inflates to more than the 160 bytes its IDX header announces (dimensions 4x6x6 of u8); stopped there\n`);
    expect(readdirSync(dir).sort()).toEqual(['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte']);
  });
});
