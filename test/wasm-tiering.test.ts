// V8's own tiering status of the WebAssembly kernels: V8 compiles a wasm function first with
// its baseline compiler (Liftoff) and tiers it up to TurboFan once it is hot. Training each
// example's wasm module (generated/, the default target) for a few batches in a child
// process must leave every conv and full kernel that does real work (at least 20,000
// multiply-adds a call: V8 tiers a function up by the work it has done, so a 10-output
// layer's few hundred multiply-adds may rightly stay in Liftoff), and the SGD step, compiled
// by TurboFan (V8's %IsTurboFanFunction, behind --allow-natives-syntax).
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
const start = performance.now();
for (let i = 0; i < 8 || (i < 400 && performance.now() - start < 3000); i++) { m.forward(x); mod.meta.endsWithSoftmax ? m.backward(z) : m.backwardFrom(z); m.step({ lr: 1e-5 }); }
const k = m.$k;
const names = JSON.parse(process.argv[2]);
console.log(JSON.stringify(Object.fromEntries(names.map((n) => [n, %IsTurboFanFunction(k[n]) ? 'turbofan' : %IsLiftoffFunction(k[n]) ? 'liftoff' : 'not compiled']))));
`;

interface LayerMeta { name: string; op: string; output: number[]; params: { key: string; shape: number[] }[] }

/** The kernels that carry the work: conv and full (every role) of ≥ 20,000 multiply-adds a call, and the SGD step. */
function hotKernels(js: string): string[] {
  const T = Number(js.match(/^\s+batch: (\d+),$/m)![1]);
  const layers = [...js.matchAll(/^\s+(\{ "name": .*\}),$/gm)].map((m) => JSON.parse(m[1]) as LayerMeta);
  const macs = (l: LayerMeta) => {
    const w = l.params.find((p) => p.key === 'w')!.shape.reduce((a, b) => a * b);
    return T * w * (l.op === 'conv' ? l.output[1] * l.output[2] : 1);
  };
  const hot = layers.filter((l) => (l.op === 'conv' || l.op === 'full') && macs(l) >= 20_000);
  return [...hot.flatMap((l) => ['forward', 'backward', 'grad'].map((r) => `${l.name}_${r}`)), '$step'];
}

const modules = readdirSync('generated').filter((f) => f.endsWith('.js')).sort();

describe('hot WebAssembly kernels of the examples are tiered up to TurboFan', () => {
  for (const file of modules) {
    it(`generated/${file}`, () => {
      const path = resolve('generated', file);
      const hot = hotKernels(readFileSync(path, 'utf8'));
      expect(hot.length).toBeGreaterThan(2);
      const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', driver, pathToFileURL(path).href, JSON.stringify(hot)], { encoding: 'utf8' });
      const status = JSON.parse(out.trim().split('\n').pop()!) as Record<string, string>;
      expect(Object.entries(status).filter(([, s]) => s !== 'turbofan'), 'kernels not tiered up').toEqual([]);
    }, 240_000);
  }
});
