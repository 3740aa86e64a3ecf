// `cnnc MODEL.cnn` is the default command and the same as `cnnc build`; exit statuses of
// docs/formats.md (0 ok, 1 wrong model, 2 wrong command line).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';

let dir: string;
let out: string[];
let err: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnnc-build-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const MODEL = `network a {\n  input shape=1x3x3 batch=2\n  full f out=2\n  softmax\n}\nnetwork b {\n  input shape=2x1x1\n  relu r\n}\n`;

describe('cnnc MODEL.cnn', () => {
  it('writes the four files of every network, as the default command and as build', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    expect(await main([join(dir, 'm.cnn'), '-o', join(dir, 'one')])).toBe(0);
    expect(readdirSync(join(dir, 'one')).sort()).toEqual(['a.d.ts', 'a.js', 'a.test.ts', 'a.ts', 'b.d.ts', 'b.js', 'b.test.ts', 'b.ts']);
    expect(out.join('')).toMatch(/^a: .*a\.\{ts,js,d\.ts,test\.ts\}/m);
    expect(await main(['build', join(dir, 'm.cnn'), '-o', join(dir, 'two'), '--dtype', 'f64'])).toBe(0);
    expect(readFileSync(join(dir, 'two', 'b.js'), 'utf8')).toContain('const F = Float64Array;');
    expect(readFileSync(join(dir, 'one', 'b.js'), 'utf8')).toContain('const F = Float32Array;');
  }, 60_000);

  it('a wrong model exits 1 with the diagnostics, a wrong option exits 2, and nothing is written', async () => {
    writeFileSync(join(dir, 'bad.cnn'), MODEL.replace('out=2', 'out=2x2'));
    expect(await main([join(dir, 'bad.cnn'), '-o', join(dir, 'x')])).toBe(1);
    expect(err.join('')).toMatch(/bad\.cnn:3:\d+: error:/);
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    expect(await main([join(dir, 'm.cnn'), '-o', join(dir, 'x'), '--dtype', 'f16'])).toBe(2);
    expect(await main([join(dir, 'm.cnn'), '-o', join(dir, 'x'), '--conv-schedule', 'tiled'])).toBe(2);
    expect(err.join('')).toMatch(/--conv-schedule must be padded or split, got "tiled"/);
    expect(readdirSync(dir).sort()).toEqual(['bad.cnn', 'm.cnn']);
  }, 60_000);

  it('prints the model\'s warnings and still builds', async () => {
    // bn in position mode at batch 1 normalises every value to beta (docs/language.md, W001)
    writeFileSync(join(dir, 'w.cnn'), 'network w {\n  input shape=1x2x2\n  bn n\n  full f out=2\n  softmax\n}\n');
    expect(await main([join(dir, 'w.cnn'), '-o', join(dir, 'out')])).toBe(0);
    expect(err.join('')).toMatch(/w\.cnn:3:3: warning: bn n: .*\[W001\]/);
    expect(readdirSync(join(dir, 'out'))).toContain('w.js');
  }, 60_000);

  it('--dump-plan prints the module plans and writes nothing', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    expect(await main([join(dir, 'm.cnn'), '-o', join(dir, 'x'), '--dump-plan'])).toBe(0);
    const plans = JSON.parse(out.join('')) as { network: string; layers: { name: string; activation: number }[]; kernels: { name: string }[] }[];
    expect(plans.map((p) => p.network)).toEqual(['a', 'b']);
    // a: full f (T=2, 2 outputs) → 4 numbers; softmax the same.
    expect(plans[0].layers.map((l) => [l.name, l.activation])).toEqual([['f', 4], ['softmax1', 4]]);
    expect(plans[1].kernels.map((k) => k.name)).toEqual(['r_forward', 'r_backward']);
    expect(readdirSync(dir)).toEqual(['m.cnn']);
  }, 60_000);
});
