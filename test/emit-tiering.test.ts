// V8's own tiering status for the kernels of this emitter (bn, relu, full): training each
// example's generated module for a few batches in a child `node --trace-opt` must get every
// one of them optimised by TurboFan (V8 never optimises a function over 61,440 bytes of
// bytecode). Conv and pool kernels have their own, finer test (v8-tiering.test.ts). Small
// networks train for more batches, so that every kernel has done real work.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const driver = `
const mod = await import(process.argv[1]);
const m = mod.createModel({ seed: 1 });
const { batch: T, input: [C, H, W], output: [K] } = mod.meta;
const x = Float32Array.from({ length: T * C * H * W }, (_, i) => Math.sin(i));
const z = new Float32Array(T * K);
for (let t = 0; t < T; t++) z[t * K + (t % K)] = 1;
// At least 6 batches; small networks keep going (up to 300 batches or 3 s) until their
// kernels have done enough work to be hot.
const start = performance.now();
for (let i = 0; i < 6 || (i < 300 && performance.now() - start < 3000); i++) { m.forward(x); mod.meta.endsWithSoftmax ? m.backward(z) : m.backwardFrom(z); m.step({ lr: 1e-5 }); }
`;

const HOT = /^([A-Za-z_][A-Za-z0-9_]*)_(forward|backward|grad)$/;
const MINE = new Set(['bn', 'relu', 'full']);

function hotFunctions(js: string): string[] {
  const meta = JSON.parse(js.match(/^export const meta = (\{[\s\S]*?\n\});$/m)![1].replace(/^\s+(\w+):/gm, '"$1":').replace(/,(\s*[\]}])/g, '$1')) as { layers: { name: string; op: string }[] };
  const ops = new Map(meta.layers.map((l) => [l.name, l.op]));
  return [...js.matchAll(/^export function ([A-Za-z_][\w]*)\(/gm)].map((m) => m[1])
    .filter((name) => MINE.has(ops.get(name.match(HOT)?.[1] ?? '') ?? ''));
}

// vgg.js is left out to keep CI short: its bn/relu/full kernels are the same loops as
// lenet's with other literal bounds, and its conv/pool kernels are in v8-tiering.test.ts.
// The JS target's modules (generated/js/); the WebAssembly target's kernels are not JavaScript.
const modules = readdirSync('generated/js').filter((f) => f.endsWith('.js') && f !== 'vgg.js').sort();

describe('hot kernels of the examples are optimised by V8', () => {
  for (const file of modules) {
    it(`generated/js/${file}`, () => {
      const path = resolve('generated/js', file);
      const hot = hotFunctions(readFileSync(path, 'utf8'));
      expect(hot.length).toBeGreaterThan(3);
      const log = execFileSync(process.execPath, ['--trace-opt', '--input-type=module', '-e', driver, pathToFileURL(path).href], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const optimised = new Set([...log.matchAll(/^\[completed optimizing \S+ <JSFunction ([^ >]+)/gm)].map((m) => m[1]));
      expect(hot.filter((name) => !optimised.has(name)), 'kernels never optimised').toEqual([]);
    }, 240_000);
  }
});
