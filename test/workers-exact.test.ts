// Data-parallel training (src/train/parallel.ts) computes the update one worker computes:
// after k steps, N ∈ {1, 2, 3} workers hold the same weights (and bn running statistics) as
// the ordinary module trained on the same mini-batches, within float rounding, on networks
// with each bn mode, overlapping and ceil pools, and batches that N does not divide.
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource } from '../src/frontend/index.js';
import { compileAndImport } from '../src/engines/generated-module.js';
import { ParallelModel, shardSizes } from '../src/train/parallel.js';
import type { CheckedNetwork } from '../src/model/checked.js';
import { mulberry32 } from '../src/model/init.js';

const net = (source: string): CheckedNetwork => {
  const r = checkSource(source, 't.cnn');
  if (!r.model) throw new Error(r.formatted);
  return r.model.networks[0]!;
};

const NETS: Record<string, string> = {
  // bn in position mode after a conv, overlapping pool (3x3 stride 2), batch 5.
  position: `network pos { input shape=2x7x6 batch=5
    conv c1 out=3 kernel=3x3
    bn n1 mode=position
    relu
    pool p1 size=3x3 stride=2 round=ceil
    full f1 out=4
    softmax }`,
  // bn in channel mode twice, anchor outside the window, batch 7.
  channel: `network chan { input shape=1x6x6 batch=7
    conv c1 out=4 kernel=2x3 anchor=(-1,3)
    bn n1 mode=channel
    relu
    pool p1 size=2x2 stride=1
    bn n2 mode=channel
    full f1 out=3
    softmax }`,
};

interface Batch { input: Float32Array | Float64Array; labels: Float64Array }

function batches(n: CheckedNetwork, count: number, f64: boolean): Batch[] {
  const next = mulberry32(7);
  const per = n.input.c * n.input.h * n.input.w;
  const K = n.output.c * n.output.h * n.output.w;
  return Array.from({ length: count }, () => {
    const input = f64 ? new Float64Array(n.batch * per) : new Float32Array(n.batch * per);
    for (let i = 0; i < input.length; i++) input[i] = 2 * next() - 1;
    const labels = new Float64Array(n.batch * K);
    for (let t = 0; t < n.batch; t++) labels[t * K + Math.floor(next() * K)] = 1;
    return { input, labels };
  });
}

const open: ParallelModel[] = [];
afterAll(async () => { await Promise.all(open.map((m) => m.close())); });

describe('shard sizes', () => {
  it('splits T into N near-equal consecutive shards, at most T', () => {
    expect(shardSizes(32, 2)).toEqual([16, 16]);
    expect(shardSizes(7, 3)).toEqual([3, 2, 2]);
    expect(shardSizes(2, 5)).toEqual([1, 1]);
  });
});

const cases = [
  ...Object.keys(NETS).flatMap((name) => [1, 2, 3].map((workers) => ({ name, workers, target: 'wasm' as const, dtype: 'f32' as const }))),
  ...Object.keys(NETS).flatMap((name) => [2, 3].map((workers) => ({ name, workers, target: 'js' as const, dtype: 'f32' as const }))),
  { name: 'channel', workers: 3, target: 'js' as const, dtype: 'f64' as const },
];

describe.each(cases)('$name, $workers workers, $target $dtype', ({ name, workers, target, dtype }) => {
  it('gives the weights of one worker after 4 steps', async () => {
    const n = net(NETS[name]!);
    const f64 = dtype === 'f64';
    const mod = await compileAndImport(n, { dtype, target });
    const one = new mod.Model({ seed: 3 });
    const many = await ParallelModel.create(n, { workers, dtype, target, seed: 3 });
    open.push(many);
    // Its meta and seeded weights come from a shard build: the ordinary module's, whole batch included.
    expect(many.meta).toEqual(mod.meta);
    expect(many.toBinary()).toEqual(one.toBinary());
    const data = batches(n, 4, f64);
    const tol = f64 ? 1e-10 : 2e-4;
    for (const [k, b] of data.entries()) {
      const y1 = Array.from(one.forward(b.input, { training: true }));
      const l1 = one.backward(b.labels);
      one.step({ lr: 0.05, momentum: 0.9 });
      // Steps 1 and 3 as three calls, 2 and 4 as one trainStep (what the training loop uses).
      let yN: number[], lN: number;
      if (k % 2 === 0) {
        yN = Array.from(await many.forward(b.input, { training: true }));
        lN = await many.backward(b.labels);
        await many.step({ lr: 0.05, momentum: 0.9 });
      } else {
        const r = await many.trainStep(b.input, b.labels, { lr: 0.05, momentum: 0.9 });
        yN = Array.from(r.y);
        lN = r.loss;
      }
      expect(Math.abs(lN - l1)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(l1)));
      yN.forEach((v, i) => expect(Math.abs(v - y1[i]!)).toBeLessThanOrEqual(tol));
    }
    for (const l of mod.meta.layers) {
      for (const p of l.params) {
        const a = one.param(l.name, p.key);
        const b = many.param(l.name, p.key);
        const scale = Math.max(1, ...Array.from(a, Math.abs));
        for (let i = 0; i < a.length; i++) expect(Math.abs(b[i]! - a[i]!), `${l.name}.${p.key}[${i}]`).toBeLessThanOrEqual(tol * scale);
      }
    }
    // Inference mode (running statistics) on a fresh batch: the same outputs.
    const [probe] = batches(n, 1, f64).map((b) => ({ ...b, input: b.input.map((v) => v * 0.5) }));
    const y1 = Array.from(one.forward(probe!.input, { training: false }));
    const yN = Array.from(await many.forward(probe!.input, { training: false }));
    yN.forEach((v, i) => expect(Math.abs(v - y1[i]!)).toBeLessThanOrEqual(tol));
  }, 60_000);
});

describe('the workers and the process', () => {
  it('a program that never calls close() still ends (idle workers are not kept alive)', async () => {
    const { execFileSync } = await import('node:child_process');
    const program = [
      "import { loadModel, ParallelModel } from './dist/src/index.js';",
      "const net = loadModel('examples/lenet.cnn').networks[0];",
      "const m = await ParallelModel.create(net, { workers: 2, dtype: 'f32', target: 'wasm' });",
      'const y = await m.forward(new Float32Array(32 * 784), { training: false });',
      "console.log('outputs', y.length);",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 });
    expect(out.trim()).toBe('outputs 320');
  }, 90_000);
});

describe('the check after every step, done by the shards', () => {
  // bn n1's statistics sit early in the weights and n3's last, so with 2 workers a bad number
  // in each lies in a different shard's share. A NaN running variance leaves a training pass
  // finite (it normalises with the batch's statistics) and stays NaN through the update.
  const source = `network chk { input shape=1x4x4 batch=6
    conv c1 out=2 kernel=3x3
    bn n1 mode=channel
    relu
    full f1 out=3
    bn n3 mode=channel
    softmax }`;
  for (const dtype of ['f32', 'f64'] as const) {
    it(`trainStep reports a weight or statistic that is not storable after the step, in any shard's share (${dtype})`, async () => {
      const n = net(source);
      const many = await ParallelModel.create(n, { workers: 2, dtype, target: 'js', seed: 1 });
      open.push(many);
      const [b] = batches(n, 1, dtype === 'f64');
      const fresh = many.toJSON();
      const ok = await many.trainStep(b!.input, b!.labels, { lr: 0.05, momentum: 0.9 });
      expect(ok.storable).toBe(true);
      for (const layer of ['n1', 'n3']) {
        many.loadJSON(fresh);
        many.param(layer, 'runningVar')[1] = NaN;
        const r = await many.trainStep(b!.input, b!.labels, { lr: 0.05, momentum: 0.9 });
        expect(Number.isFinite(r.loss), layer).toBe(true);
        expect(r.storable, layer).toBe(false);
      }
      // Finite but beyond float32: only a float64 build can hold it, and it is not storable.
      if (dtype === 'f64') {
        many.loadJSON(fresh);
        many.param('n3', 'runningMean')[0] = 1e300;
        expect((await many.trainStep(b!.input, b!.labels, { lr: 0.05, momentum: 0.9 })).storable).toBe(false);
      }
    }, 60_000);
  }

  it('the training loop stops where one worker stops, with the same message data, and restores the weights', async () => {
    const { train } = await import('../src/train/loop.js');
    const n = net(source);
    const count = 12;
    const next = mulberry32(5);
    const split = {
      file: 'x', labelsFile: 'z', count, shape: { c: 1, h: 4, w: 4 }, scale: 1 / 255, classes: 3,
      pixels: Uint8Array.from({ length: count * 16 }, () => Math.floor(next() * 256)),
      labels: Int32Array.from({ length: count }, (_, k) => k % 3),
    };
    const outcomes = [];
    for (const workers of [1, 2]) {
      const mod = await compileAndImport(n, { dtype: 'f32', target: 'js' });
      const model = workers === 1 ? new mod.Model({ seed: 1 }) : await ParallelModel.create(n, { workers, dtype: 'f32', target: 'js', seed: 1 });
      if (model instanceof ParallelModel) open.push(model);
      model.param('n3', 'runningVar')[2] = Infinity;
      const before = JSON.stringify(model.toJSON());
      const out = await train(model, mod.meta, { train: split, test: split }, { epochs: 1, lr: 0.05, momentum: 0.9, seed: 2 });
      expect(JSON.stringify(model.toJSON()), `${workers} worker(s): restored`).toBe(before);
      outcomes.push(out.diverged);
    }
    expect(outcomes[0]).toMatchObject({ what: 'weights', step: 1, layer: 'n3', key: 'runningVar', index: 2, count: 1 });
    expect(outcomes[1]).toEqual(outcomes[0]);
  }, 60_000);
});
