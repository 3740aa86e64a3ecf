// Issue 12, item 5: layer names that are members of Object.prototype (`__proto__`,
// `constructor`, `toString`, `hasOwnProperty`, …) are valid .cnn names. Every command must
// treat them as names, never as the object's members: check, build, run with both engines
// (seeded, JSON and binary weights, a weights JSON without the weightless layers), train a
// step, eval, bench --quick. The expected numbers come from the same networks with plain
// names (a1 … a6), run the same way: renaming a layer must change nothing.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { loadModel } from '../src/frontend/index.js';
import { buildNetwork } from '../src/model/build.js';
import { initWeights } from '../src/model/init.js';
import { backwardNetwork, forwardNetwork, sgdStep } from '../src/interp/index.js';
import { readWeightsFile, weightsFromJson, writeWeightsFile } from '../src/weights/index.js';
import { u8Idx } from './helpers/idx-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-names-'));

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

/** Every own member of Object.prototype (12 in Node 20): each names a layer with weights in one network and one without in another. */
const names = Object.getOwnPropertyNames(Object.prototype).sort();
const ops = ['conv', 'bn', 'relu', 'pool', 'full', 'softmax'] as const;

function source(layerNames: string[], netName: string): string {
  const [c, n, r, p, f, s] = layerNames;
  return `network ${netName} {\n  input shape=1x4x4 batch=2\n  conv ${c} out=2 kernel=3x3\n  bn ${n}\n  relu ${r}\n  pool ${p} size=2x2\n  full ${f} out=3 bias=true\n  softmax ${s}\n}\n`;
}

// Network i: names[3i..3i+2] on conv, bn and full (with weights); names[3i+6..3i+8] (mod 12)
// on relu, pool and softmax (without). The first network is itself named `toString`.
const cases = [0, 1, 2, 3].map((i) => {
  const withWeights = [0, 1, 2].map((k) => names[(3 * i + k) % names.length]!);
  const without = [0, 1, 2].map((k) => names[(3 * i + 6 + k) % names.length]!);
  const layerNames = [withWeights[0]!, withWeights[1]!, without[0]!, without[1]!, withWeights[2]!, without[2]!];
  const netName = i === 0 ? 'toString' : `proto${i}`;
  const file = join(dir, `names${i}.cnn`);
  const plain = join(dir, `plain${i}.cnn`);
  writeFileSync(file, source(layerNames, netName));
  writeFileSync(plain, source(['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], netName));
  return { i, file, plain, netName, layerNames };
});

const X = join(dir, 'x.json');
const Z = join(dir, 'z.json');
writeFileSync(X, JSON.stringify(Array.from({ length: 32 }, (_, k) => Math.sin(k + 1))));
writeFileSync(Z, JSON.stringify([1, 0, 0, 0, 0, 1]));

// IDX data for train and eval: 4 images 1x4x4 (2 batches), labels 0..2.
const data = join(dir, 'data');
{
  const { mkdirSync } = await import('node:fs');
  mkdirSync(data);
  const pixels = Array.from({ length: 4 * 16 }, (_, k) => (k * 37) % 256);
  for (const split of ['train', 't10k']) {
    writeFileSync(join(data, `${split}-images-idx3-ubyte`), u8Idx([4, 4, 4], pixels));
    writeFileSync(join(data, `${split}-labels-idx1-ubyte`), u8Idx([4], [0, 1, 2, 1]));
  }
}

interface TraceJson { loss: number; layers: { name: string; output: number[]; grads: Record<string, number[]> }[]; inputSensitivity: number[] }
const readTrace = (path: string): TraceJson => JSON.parse(readFileSync(path, 'utf8')) as TraceJson;

afterAll(() => {
  // Nothing may have been set on Object.prototype along the way (sgdStep once set .w there).
  for (const key of ['w', 'b', 'gamma', 'beta', 'runningMean', 'runningVar']) expect(key in {}).toBe(false);
});

describe('layers named after Object.prototype members', () => {
  it('covers every member, each with and without weights', () => {
    expect(names).toContain('__proto__');
    expect(names).toContain('constructor');
    expect(names).toContain('toString');
    expect(names).toContain('hasOwnProperty');
    const weighted = cases.flatMap((c) => [c.layerNames[0], c.layerNames[1], c.layerNames[4]]);
    const plain = cases.flatMap((c) => [c.layerNames[2], c.layerNames[3], c.layerNames[5]]);
    expect(new Set(weighted)).toEqual(new Set(names));
    expect(new Set(plain)).toEqual(new Set(names));
  });

  it('the interpreter keeps them as own names: sgdStep with a fresh velocity leaves Object.prototype alone', () => {
    const net = buildNetwork({ name: 'n', batch: 1, input: [1, 1, 2], layers: [{ op: 'full', name: '__proto__', out: 2 }, { op: 'softmax', name: 'toString' }] });
    const w = initWeights(net, 1);
    expect(Object.keys(w)).toEqual(['__proto__']);
    const before = Array.from(w['__proto__']!.w!);
    const fwd = forwardNetwork(net, w, Float64Array.from([1, 2]), { training: true });
    const bwd = backwardNetwork(net, w, fwd, { labels: Float64Array.from([1, 0]) });
    const velocity = {};
    sgdStep(net, w, bwd.grads, { lr: 0.5, momentum: 0.9 }, velocity);
    expect(Object.keys(velocity)).toEqual(['__proto__']);
    expect('w' in {}).toBe(false);
    // p -= lr·g with a fresh velocity (v = g)
    const g = bwd.grads['__proto__']!.w!;
    expect(Array.from(w['__proto__']!.w!)).toEqual(before.map((p, k) => p - 0.5 * g[k]!));
  });

  it('a weights JSON without the weightless layers loads (no inherited toString is taken for an entry)', () => {
    const net = buildNetwork({ name: 'n', batch: 1, input: [1, 1, 2], layers: [{ op: 'full', name: 'constructor', out: 2 }, { op: 'relu', name: 'toString' }, { op: 'relu', name: 'valueOf' }] });
    const w = weightsFromJson(net, JSON.parse('{"constructor": {"w": [1, 2, 3, 4]}}'), 'W.json');
    expect(Object.keys(w)).toEqual(['constructor']);
    expect(Array.from(Object.values(w)[0]!.w!)).toEqual([1, 2, 3, 4]);
    expect(() => weightsFromJson(net, JSON.parse('{}'), 'W.json')).toThrow('W.json: layer constructor: missing (expected keys w)');
    // JSON.parse makes "__proto__" an own key: it is an unknown layer, not the object's prototype.
    expect(() => weightsFromJson(net, JSON.parse('{"constructor": {"w": [1, 2, 3, 4]}, "__proto__": {}}'), 'W.json')).toThrow(/unknown layer __proto__/);
  });

  for (const c of cases) {
    describe(`network ${c.netName}: ${c.layerNames.map((n, k) => `${ops[k]} ${n}`).join(', ')}`, () => {
      it('check and build', async () => {
        const r = await cnnc('check', c.file);
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        const out = join(dir, `gen${c.i}`);
        const b = await cnnc('build', c.file, '-o', out);
        expect(b.err).toBe('');
        expect(b.code).toBe(0);
        for (const ext of ['ts', 'js', 'd.ts', 'test.ts']) expect(existsSync(join(out, `${c.netName}.${ext}`))).toBe(true);
      });

      it('run, both engines, seeded and from JSON and binary weights: the numbers of the plainly named network', async () => {
        const expected = join(dir, `plain${c.i}.trace.json`);
        expect((await cnnc('run', c.plain, '--engine', 'interpreter', '--seed', '3', '--input', X, '--labels', Z, '--trace', expected)).code).toBe(0);
        const want = readTrace(expected);
        const net = loadModel(c.file).networks[0]!;
        const json = join(dir, `w${c.i}.json`);
        const bin = join(dir, `w${c.i}.bin`);
        writeWeightsFile(json, net, initWeights(net, 3));
        writeWeightsFile(bin, net, initWeights(net, 3));
        // Written and read back under the odd names.
        expect(Object.keys(JSON.parse(readFileSync(json, 'utf8')) as object)).toEqual([c.layerNames[0], c.layerNames[1], c.layerNames[4]]);
        expect(Object.keys(readWeightsFile(bin, net))).toEqual([c.layerNames[0], c.layerNames[1], c.layerNames[4]]);
        for (const engine of ['interpreter', 'generated'])
          for (const weights of [['--seed', '3'], ['--weights', json], ['--weights', bin]]) {
            const trace = join(dir, `t${c.i}-${engine}-${weights[1]!.replace(/\W/g, '')}.json`);
            const r = await cnnc('run', c.file, '--engine', engine, ...weights, '--input', X, '--labels', Z, '--trace', trace);
            expect(r.err, `${engine} ${weights.join(' ')}`).toBe('');
            expect(r.code).toBe(0);
            const got = readTrace(trace);
            expect(got.layers.map((l) => l.name)).toEqual(c.layerNames);
            // Binary weights are float32; the generated engine computes in float32.
            const exact = engine === 'interpreter' && weights[0] === '--seed';
            const tol = exact ? 1e-15 : 1e-4;
            expect(Math.abs(got.loss - want.loss)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want.loss)));
            const out = got.layers[5]!.output;
            want.layers[5]!.output.forEach((v, k) => expect(Math.abs(out[k]! - v)).toBeLessThanOrEqual(tol));
            expect(Object.keys(got.layers[0]!.grads)).toEqual(['w']);
          }
      });

      it('train one epoch of two steps (JSON and binary out), then eval', async () => {
        for (const ext of ['json', 'bin']) {
          const out = join(dir, `trained${c.i}.${ext}`);
          const r = await cnnc('train', c.file, '--data', data, '--epochs', '1', '--lr', '0.01', '--out', out);
          expect(r.err).not.toMatch(/internal error|    at /);
          expect(r.code).toBe(0);
          const w = readWeightsFile(out, loadModel(c.file).networks[0]!);
          expect(Object.keys(w)).toEqual([c.layerNames[0], c.layerNames[1], c.layerNames[4]]);
          const e = await cnnc('eval', c.file, '--weights', out, '--data', data, '--json');
          expect(e.err).toBe('');
          expect(e.code).toBe(0);
          expect((JSON.parse(e.out) as { count: number }).count).toBe(4);
        }
      });

      it('bench --quick', async () => {
        const r = await cnnc('bench', c.file, '--quick', '--max-time', '0.002', '--json');
        expect(r.err).not.toMatch(/internal error|    at /);
        expect(r.code).toBe(0);
        const report = JSON.parse(r.out) as { rows: { scope: string }[] };
        expect(report.rows.map((row) => row.scope)).toContain(c.layerNames[0]);
      });
    });
  }
});
