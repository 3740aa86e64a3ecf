// V8's own verdict on the hot kernels of the LeNet and VGG examples: run in a child
// `node --allow-natives-syntax`, call every conv and pool kernel until its functions are
// optimised by TurboFan (or a time limit passes), and assert they all were. A function over
// V8's bytecode limit (61,440 bytes) is never optimised, so this catches a size budget
// that lets a function grow too large; a kernel that deoptimises for good fails it too.
//
// The kernels are emitted for a batch of 2 instead of the examples' 32: the batch is only
// the bound of the outermost loop, so the functions are the same size and shape, and the
// unoptimised first calls stay short.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitConvWith } from '../src/emit/kernels/conv.js';
import { emitPool } from '../src/emit/kernels/pool.js';
import type { KernelSource } from '../src/emit/kernels/types.js';
import type { ConvScheduleOptions } from '../src/lower/conv.js';
import { loadModel } from '../src/frontend/index.js';
import { size3 } from '../src/model/checked.js';
import { kernelModuleText, transpileKernels } from './support/load-kernels.js';

const BATCH = 2;
/** CPU-time limit for the warm-up in the child; the kernels usually tier up far sooner. */
const LIMIT_MS = 40_000;

interface Call { fn: string; args: { kind: 'F' | 'path'; length: number }[] }

function hotKernels(file: string, options: Partial<ConvScheduleOptions>): { sources: KernelSource[]; calls: Call[] } {
  const net = loadModel(file).networks[0];
  const sources: KernelSource[] = [];
  const calls: Call[] = [];
  const F = (n: number) => ({ kind: 'F' as const, length: BATCH * n });
  for (const layer of net.layers) {
    const nIn = size3(layer.input);
    const nOut = size3(layer.output);
    if (layer.op === 'conv') {
      const ks = emitConvWith(layer, { dtype: 'f32', batch: BATCH }, options);
      sources.push(...ks);
      const w = { kind: 'F' as const, length: layer.params[0].size };
      calls.push({ fn: `${layer.name}_forward`, args: [F(nIn), w, F(nOut)] });
      calls.push({ fn: `${layer.name}_backward`, args: [F(nOut), w, F(nIn)] });
      calls.push({ fn: `${layer.name}_grad`, args: [F(nOut), F(nIn), w] });
    } else if (layer.op === 'pool') {
      sources.push(...emitPool(layer, { dtype: 'f32', batch: BATCH }));
      const path = { kind: 'path' as const, length: BATCH * nOut };
      calls.push({ fn: `${layer.name}_forward`, args: [F(nIn), F(nOut)] });
      calls.push({ fn: `${layer.name}_path`, args: [F(nIn), F(nOut), path] });
      calls.push({ fn: `${layer.name}_backward`, args: [F(nOut), path, F(nIn)] });
    }
  }
  return { sources, calls };
}

/**
 * The child script: the kernels, then a driver that calls them round after round and
 * reports each function's optimisation status. The functions that do the work are the
 * helpers (`<layer>$<role><n>`, `<layer>$<role>Copy`) and the kernels with loops of their own (pool backward);
 * the exported conv/pool wrappers only call helpers once per batch.
 */
function driver(sources: KernelSource[], calls: Call[], limitMs: number): string {
  const js = transpileKernels(kernelModuleText(sources, 'f32'), 'esm');
  const helpers = [...js.matchAll(/^function (\w+\$\w+)\(/gm)].map((m) => m[1]);
  // Exported kernels that do work in loops of their own; the padded conv kernels' loop
  // over the samples only calls their helpers (watched above), once per sample.
  const exported = (s: KernelSource) => s.code.split('\n\n')[0];
  const looped = sources
    .filter((s) => /^\s*for \(/m.test(s.code.split('\n').slice(1, 4).join('\n')) && !/\w\$\w+\(/.test(exported(s)))
    .map((s) => s.name);
  const watched = [...helpers, ...looped];
  return `${js}
const probe = (a) => a + 1;
%PrepareFunctionForOptimization(probe); probe(1); probe(2); %OptimizeFunctionOnNextCall(probe); probe(3);
const TURBOFAN = 1 << 6; // kTurboFanned in V8's OptimizationStatus (checked on probe below)
const watched = { ${watched.map((n) => `${JSON.stringify(n)}: ${n}`).join(', ')} };
const calls = ${JSON.stringify(calls)};
const arrays = calls.map((c) => c.args.map((a) => a.kind === 'path' ? new Int32Array(a.length) : Float32Array.from({ length: a.length }, (_, i) => Math.sin(i))));
const kernels = { ${calls.map((c) => `${JSON.stringify(c.fn)}: ${c.fn}`).join(', ')} };
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const start = cpu();
const done = () => Object.values(watched).every((f) => (%GetOptimizationStatus(f) & TURBOFAN) !== 0);
let rounds = 0;
while (!done() && cpu() - start < ${limitMs}) {
  calls.forEach((c, k) => {
    // The path kernel must run before backward reads its path; both appear in that order.
    kernels[c.fn](...arrays[k]);
    if (c.fn.endsWith('_path')) {
      const b = calls.findIndex((d) => d.fn === c.fn.replace(/_path$/, '_backward'));
      if (b >= 0) arrays[b][1] = arrays[k][2];
    }
  });
  rounds++;
}
const status = Object.fromEntries(Object.entries(watched).map(([n, f]) => [n, %GetOptimizationStatus(f)]));
console.log(JSON.stringify({ probe: %GetOptimizationStatus(probe), rounds, ms: Math.round(cpu() - start), status }));
`;
}

function runChild(
  file: string, options: Partial<ConvScheduleOptions> = {}, limitMs = LIMIT_MS,
): { probe: number; rounds: number; ms: number; status: Record<string, number> } {
  const { sources, calls } = hotKernels(file, options);
  const dir = mkdtempSync(join(tmpdir(), 'cnnc-tiering-'));
  const script = join(dir, 'driver.mjs');
  writeFileSync(script, driver(sources, calls, limitMs));
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', script], { encoding: 'utf8', timeout: LIMIT_MS * 3 });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

describe('V8 optimises the hot kernels of the examples', () => {
  for (const example of ['lenet', 'vgg']) {
    it(`${example}: every conv and pool kernel function reaches TurboFan`, () => {
      const r = runChild(join('examples', `${example}.cnn`));
      if (process.env.CNNC_TIERING_DEBUG) console.log(example, r.rounds, r.ms);
      expect(r.probe & (1 << 6), 'the TurboFan status bit is where this test expects it').not.toBe(0);
      const slow = Object.entries(r.status).filter(([, s]) => (s & (1 << 6)) === 0);
      expect(slow, `not optimised after ${r.rounds} rounds, ${r.ms} ms`).toEqual([]);
      expect(Object.keys(r.status).length).toBeGreaterThan(5);
    }, 150_000);
  }

  it('and the test would notice: a schedule with a function over the bytecode limit is never optimised', () => {
    // Clipped-region schedule, budget lifted: LeNet c2's whole border (445 taps) becomes one function for 8 channels
    // at once, 3,560 unrolled statements, about three times V8's limit.
    const r = runChild(join('examples', 'lenet.cnn'), { padded: false, budget: 5000, maxLive: 1000, maxBlock: 8, maxBorderFunctions: 1, borderShare: 2 }, 3000);
    expect(r.status['c2$forward1'] & (1 << 6)).toBe(0);
    expect(r.status['c1$forward0'] & (1 << 6)).not.toBe(0);
  }, 150_000);
});
