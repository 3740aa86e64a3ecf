// `cnnc build MODEL.cnn --inference [--weights W] [--network NAME]`: the modules with only
// the inference path and the weights built in; the weights are read and checked as every
// command reads them (src/weights/), and a wrong file writes nothing (exit 1); options that
// need each other are usage errors (exit 2).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { loadModel } from '../src/frontend/index.js';
import { initWeights } from '../src/model/init.js';
import { encodeWeightsBinary, weightsToJson } from '../src/weights/index.js';
import { loadModule } from './helpers/load-module.js';

let dir: string;
let out: string[];
let err: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnnc-inference-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const MODEL = `network a {\n  input shape=1x3x3 batch=2\n  full f out=2 bias=true\n  bn n mode=channel\n  softmax\n}\nnetwork b {\n  input shape=2x1x1\n  relu r\n}\n`;

describe('cnnc build --inference', () => {
  it('builds LeNet with the trained weights: .ts, .js, .d.ts, the network\'s outputs from the weights file', async () => {
    const o = join(dir, 'o');
    expect(await main(['examples/lenet.cnn', '--inference', '--weights', 'examples/mnist/lenet.bin', '-o', o])).toBe(0);
    expect(readdirSync(o).sort()).toEqual(['lenet.d.ts', 'lenet.js', 'lenet.ts']);
    expect(out.join('')).toMatch(/^lenet: .*lenet\.\{ts,js,d\.ts\} \(js \d+ KB, 11 kernels, wasm f32\)$/m);
    const js = readFileSync(join(o, 'lenet.js'), 'utf8');
    expect(js).toContain('//   cnnc lenet.cnn --inference --weights lenet.bin');
    // The same numbers as the ordinary module with the file loaded (bit for bit: test/inference-build.test.ts).
    const net = loadModel('examples/lenet.cnn').networks[0];
    const ordinary = loadModule(readFileSync('generated/lenet.js', 'utf8')).createModel();
    ordinary.loadBinary(readFileSync('examples/mnist/lenet.bin'));
    const input = Float32Array.from({ length: net.batch * 784 }, (_, i) => ((i * 7919) % 256) / 255);
    const built = loadModule(js).createModel();
    expect(Array.from(built.forward(input))).toEqual(Array.from(ordinary.forward(input, { training: false })));
  }, 120_000);

  it('--emit wat: the kernels as text, the weights summarised as data segments', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    const o = join(dir, 'o');
    expect(await main([join(dir, 'm.cnn'), '--inference', '--emit', 'wat', '-o', o])).toBe(0);
    const wat = readFileSync(join(o, 'a.wat'), 'utf8');
    expect(wat).toMatch(/;; \(data \(i32\.const \d+\) \.\.\.\): 72 bytes, f\.w$/m);
    expect(wat).toContain('(export "f_forward")');
    expect(wat).toContain('(export "n_infer")');
    expect(wat).not.toMatch(/\$step|\$zero_grads|_backward|_grad|_loss/);
  }, 60_000);

  it('takes a weights JSON, --target js, --module cjs; --network picks the network the weights are for', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    const net = loadModel(join(dir, 'm.cnn')).networks[0];
    writeFileSync(join(dir, 'a.json'), JSON.stringify(weightsToJson(net, initWeights(net, 5))));
    const o = join(dir, 'o');
    expect(await main([join(dir, 'm.cnn'), '--inference', '--weights', join(dir, 'a.json'), '--network', 'a', '--target', 'js', '--module', 'cjs', '-o', o])).toBe(0);
    expect(readdirSync(o).sort()).toEqual(['a.cjs', 'a.d.cts', 'a.ts']);
    expect(readFileSync(join(o, 'a.cjs'), 'utf8')).toContain('exports.createModel = createModel;');
    // Without --network the weights are for the first network.
    expect(await main([join(dir, 'm.cnn'), '--inference', '--weights', join(dir, 'a.json'), '-o', join(dir, 'p')])).toBe(0);
    expect(readdirSync(join(dir, 'p')).sort()).toEqual(['a.d.ts', 'a.js', 'a.ts']);
  }, 60_000);

  it('without --weights: every network, with the seeded initial weights (a note says so)', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    const o = join(dir, 'o');
    expect(await main([join(dir, 'm.cnn'), '--inference', '-o', o])).toBe(0);
    expect(readdirSync(o).sort()).toEqual(['a.d.ts', 'a.js', 'a.ts', 'b.d.ts', 'b.js', 'b.ts']);
    expect(err.join('')).toContain('--inference without --weights: the modules get the seeded initial weights (seed 0)');
    const net = loadModel(join(dir, 'm.cnn')).networks[0];
    const model = loadModule(readFileSync(join(o, 'a.js'), 'utf8')).createModel();
    expect(Array.from(model.param('f', 'w'))).toEqual(Array.from(Float32Array.from(initWeights(net, 0).f.w)));
  }, 60_000);

  it('weights that do not fit the network: exit 1 with the reason, nothing written', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    const model = loadModel(join(dir, 'm.cnn'));
    const a = model.networks[0];
    const o = join(dir, 'o');
    // LeNet's weights for network a.
    expect(await main([join(dir, 'm.cnn'), '--inference', '--weights', 'examples/mnist/lenet.bin', '-o', o])).toBe(1);
    expect(err.join('')).toContain('examples/mnist/lenet.bin: weights of network "lenet", expected "a"');
    // A tensor of the wrong length.
    const w = weightsToJson(a, initWeights(a, 1)) as Record<string, Record<string, number[]>>;
    w.f.w = w.f.w.slice(1);
    writeFileSync(join(dir, 'short.json'), JSON.stringify(w));
    err = [];
    expect(await main([join(dir, 'm.cnn'), '--inference', '--weights', join(dir, 'short.json'), '-o', o])).toBe(1);
    expect(err.join('')).toMatch(/short\.json.*f.*w.*(17|18)/);
    // A file that is not there; a binary file cut short.
    err = [];
    expect(await main([join(dir, 'm.cnn'), '--inference', '--weights', join(dir, 'none.bin'), '-o', o])).toBe(1);
    expect(err.join('')).toMatch(/none\.bin/);
    writeFileSync(join(dir, 'cut.bin'), encodeWeightsBinary(a, initWeights(a, 1)).subarray(0, 40));
    err = [];
    expect(await main([join(dir, 'm.cnn'), '--inference', '--weights', join(dir, 'cut.bin'), '-o', o])).toBe(1);
    expect(err.join('')).toMatch(/cut\.bin/);
    expect(err.join('')).not.toMatch(/\n\s+at /); // no stack
    expect(existsSync(o)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['cut.bin', 'm.cnn', 'short.json']);
  }, 60_000);

  it('prints none of bn\'s training-only warnings (W001, W002), which an ordinary build prints', async () => {
    const file = join(dir, 'w.cnn');
    // Per-position bn at batch 1 (W001: trained, it outputs β) after a biased conv (W002: the
    // batch mean removes the bias): in inference mode bn uses its running statistics instead.
    writeFileSync(file, 'network w {\n  input shape=1x4x4 batch=1\n  conv c out=2 kernel=3x3 bias=true\n  bn n\n  full f out=3\n}\n');
    expect(await main([file, '-o', join(dir, 'plain')])).toBe(0);
    expect(err.join('')).toMatch(/w\.cnn:4:3: warning: bn n: per-position normalisation with batch=1 .*\[W001\]$/m);
    expect(err.join('')).toMatch(/w\.cnn:3:32: warning: conv c: bias=true has no effect: .*\[W002\]$/m);
    err.length = 0;
    expect(await main([file, '--inference', '-o', join(dir, 'inf')])).toBe(0);
    expect(err.join('')).toBe('cnnc: note: --inference without --weights: the modules get the seeded initial weights (seed 0)\n');
  }, 60_000);

  it('usage errors (exit 2): --weights or --network without --inference, --network without --weights', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    const o = join(dir, 'o');
    expect(await main([join(dir, 'm.cnn'), '--weights', 'examples/mnist/lenet.bin', '-o', o])).toBe(2);
    expect(err.join('')).toContain('--weights needs --inference');
    expect(await main([join(dir, 'm.cnn'), '--inference', '--network', 'a', '-o', o])).toBe(2);
    expect(err.join('')).toContain('--network needs --inference --weights');
    expect(await main([join(dir, 'm.cnn'), '--inference', '--weights', 'x.json', '--network', 'zz', '-o', o])).toBe(1);
    expect(err.join('')).toContain('no network zz (the file has a, b)');
    expect(existsSync(o)).toBe(false);
  }, 60_000);

  it('--dump plan prints the inference plan (weights included) and writes nothing', async () => {
    expect(await main(['examples/lenet.cnn', '--inference', '--weights', 'examples/mnist/lenet.bin', '--dump', 'plan', '-o', join(dir, 'o')])).toBe(0);
    const [plan] = JSON.parse(out.join('')) as { inference: boolean; kernels: { role: string }[]; weights: { file: string } }[];
    expect(plan.inference).toBe(true);
    expect(plan.weights.file).toBe('lenet.bin');
    expect(new Set(plan.kernels.map((k) => k.role))).toEqual(new Set(['forward', 'infer']));
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});
