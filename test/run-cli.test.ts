// `cnnc run --engine interpreter` end to end, in-process through main(): printed loss and
// classes, the trace file, weights files of both forms, and every command-line mistake.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { loadModel } from '../src/frontend/index.js';
import { initWeights } from '../src/model/init.js';
import { forwardNetwork, softmaxCrossEntropy } from '../src/interp/index.js';
import { writeWeightsFile } from '../src/weights/index.js';
import { validateTrace } from './fixtures/trace-format.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-run-'));
const X = 'examples/data/exotic-input.json';
const Z = 'examples/data/exotic-labels.json';
const exotic = loadModel('examples/exotic.cnn').networks[0];

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
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

/** The loss of the exotic example computed here from the interpreter's forward pass. */
function expectedLoss(weights = initWeights(exotic, 1)): number {
  const x = Float64Array.from(JSON.parse(readFileSync(X, 'utf8')) as number[]);
  const z = Float64Array.from(JSON.parse(readFileSync(Z, 'utf8')) as number[]);
  const a = forwardNetwork(exotic, weights, x, { training: true }).activations;
  return softmaxCrossEntropy(4, 5, a[a.length - 2], z).loss;
}

describe('cnnc run --engine interpreter', () => {
  it('prints the loss and the predicted classes, writes a valid trace', async () => {
    const trace = join(dir, 'out.json');
    const r = await cnnc('run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '1', '--input', X, '--labels', Z, '--trace', trace);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const t = JSON.parse(readFileSync(trace, 'utf8'));
    expect(validateTrace(t, exotic, 'interpreter', true)).toEqual([]);
    expect(t.loss).toBeCloseTo(expectedLoss(), 12);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('network exotic: engine interpreter, mode train, batch 4');
    expect(lines[1]).toBe(`loss: ${t.loss}`);
    // predicted = argmax of each sample's softmax row in the trace
    const y: number[] = t.layers[10].output;
    const argmax = [0, 1, 2, 3].map((s) => y.slice(s * 5, s * 5 + 5).reduce((b, v, k, row) => (v > row[b] ? k : b), 0));
    expect(lines[2]).toBe(`predicted: ${argmax.join(' ')}`);
    expect(lines[3]).toBe(`trace: ${trace}`);
  });

  it('weights from JSON give the same loss as the seed; binary the float32-rounded one', async () => {
    const w = initWeights(exotic, 1);
    writeWeightsFile(join(dir, 'w.json'), exotic, w);
    writeWeightsFile(join(dir, 'w.bin'), exotic, w);
    const json = await cnnc('run', 'examples/exotic.cnn', '--engine', 'interpreter', '--weights', join(dir, 'w.json'), '--input', X, '--labels', Z);
    expect(json.code).toBe(0);
    expect(json.out).toContain(`loss: ${expectedLoss()}\n`);
    const bin = await cnnc('run', 'examples/exotic.cnn', '--engine', 'interpreter', '--weights', join(dir, 'w.bin'), '--input', X, '--labels', Z);
    expect(bin.code).toBe(0);
    const rounded = Object.fromEntries(Object.entries(w).map(([l, t]) => [l, Object.fromEntries(Object.entries(t).map(([k, a]) => [k, a.map(Math.fround)]))]));
    expect(bin.out).toContain(`loss: ${expectedLoss(rounded)}\n`);
  });

  it('without labels: loss none, trace with nulls; --mode infer', async () => {
    const trace = join(dir, 'nolabels.json');
    const r = await cnnc('run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '3', '--input', X, '--mode', 'infer', '--trace', trace);
    expect(r.code).toBe(0);
    expect(r.out).toContain('mode infer');
    expect(r.out).toContain('loss: none');
    expect(validateTrace(JSON.parse(readFileSync(trace, 'utf8')), exotic, 'interpreter', false)).toEqual([]);
  });

  it('--out-sens on a network without softmax; --network picks it from a multi-network file', async () => {
    const model = join(dir, 'two.cnn');
    writeFileSync(model, 'network a {\n  input shape=1x2x2 batch=1\n  full out=2\n  softmax\n}\nnetwork b {\n  input shape=1x2x2 batch=2\n  conv c out=1 kernel=1x1\n}\n');
    writeFileSync(join(dir, 'x.json'), '[1,2,3,4,5,6,7,8]');
    writeFileSync(join(dir, 'g.json'), '[1,0,0,0,0,0,0,2]');
    writeWeightsFile(join(dir, 'b.json'), loadModel(model).networks[1], { c: { w: Float64Array.from([3]) } });
    const trace = join(dir, 'b-trace.json');
    const r = await cnnc('run', model, '--network', 'b', '--engine', 'interpreter', '--weights', join(dir, 'b.json'), '--input', join(dir, 'x.json'), '--out-sens', join(dir, 'g.json'), '--trace', trace);
    expect(r.err).toBe('');
    // y = 3x; J = Σ G·y = 1·3 + 2·24 = 51; ∂J/∂w = Σ G·x = 1 + 16 = 17; ∂J/∂x = 3G
    expect(r.out).toContain('loss: 51\n');
    const t = JSON.parse(readFileSync(trace, 'utf8'));
    expect(t.layers[0].grads.w).toEqual([17]);
    expect(t.inputSensitivity).toEqual([3, 0, 0, 0, 0, 0, 0, 6]);
    expect(t.layers[0].sensitivity).toEqual([1, 0, 0, 0, 0, 0, 0, 2]);
  });

  describe('mistakes', () => {
    const base = ['run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '1', '--input', X];
    const cases: { what: string; args: string[]; code: number; err: RegExp }[] = [
      { what: 'no engine', args: ['run', 'examples/exotic.cnn', '--seed', '1', '--input', X], code: 2, err: /--engine is required/ },
      { what: 'unknown engine', args: [...base, '--engine', 'gpu'], code: 2, err: /unknown engine "gpu"/ },
      { what: 'both weights and seed', args: [...base, '--weights', 'w.json'], code: 2, err: /exactly one of --weights W.json and --seed N/ },
      { what: 'a bad seed', args: ['run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '-4', '--input', X], code: 2, err: /--seed must be an integer/ },
      { what: 'no input', args: ['run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '1'], code: 2, err: /--input X.json is required/ },
      { what: 'labels and out-sens', args: [...base, '--labels', Z, '--out-sens', Z], code: 2, err: /--labels or --out-sens, not both/ },
      { what: 'a bad mode', args: [...base, '--mode', 'eval'], code: 2, err: /--mode must be train or infer/ },
      { what: 'out-sens on a softmax network', args: [...base, '--out-sens', Z], code: 2, err: /ends in softmax; give --labels/ },
      { what: 'an unknown network', args: [...base, '--network', 'nope'], code: 1, err: /no network named nope \(the file has exotic\)/ },
      { what: 'a missing input file', args: ['run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '1', '--input', 'nope.json'], code: 1, err: /cannot read nope\.json: no such file/ },
      { what: 'an input of the wrong length', args: ['run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '1', '--input', Z], code: 1, err: /expected 1680 numbers \(T·C·H·W = 4·2·15·14\), got 20/ },
    ];
    for (const c of cases)
      it(c.what, async () => {
        const trace = join(dir, `mistake-${c.what.replace(/\W/g, '_')}.json`);
        const r = await cnnc(...c.args, '--trace', trace);
        expect(r.code).toBe(c.code);
        expect(r.err).toMatch(c.err);
        expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
        expect(existsSync(trace)).toBe(false);
      });

    it('labels whose row does not sum to 1 name the row', async () => {
      const z = JSON.parse(readFileSync(Z, 'utf8')) as number[];
      z[12] += 0.01; // row 2
      writeFileSync(join(dir, 'z-bad.json'), JSON.stringify(z));
      const r = await cnnc(...base, '--labels', join(dir, 'z-bad.json'));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/z-bad\.json: row 2 \(sample 2\) sums to 1\.01/);
    });

    it('weights of the wrong length name layer, key and lengths', async () => {
      const w = JSON.parse(JSON.stringify({ near: { w: [1, 2] } }));
      writeFileSync(join(dir, 'w-bad.json'), JSON.stringify(w));
      const r = await cnnc('run', 'examples/exotic.cnn', '--engine', 'interpreter', '--weights', join(dir, 'w-bad.json'), '--input', X);
      expect(r.code).toBe(1);
      expect(r.err).toContain('w-bad.json: layer near, key w: expected 48 numbers, got 2');
      expect(r.err).toContain('w-bad.json: layer perpos: missing (expected keys gamma, beta, runningMean, runningVar)');
    });
  });
});
