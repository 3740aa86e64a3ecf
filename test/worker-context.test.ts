// The emitted .js of every example imports nothing and needs no Node API: it runs in a bare
// V8 context (node:vm, which has only the ECMAScript built-ins: no require, process, Buffer,
// TextEncoder or console) and trains there (forward, backward, SGD step, weights binary).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import vm from 'node:vm';

// Both targets: generated/ (WebAssembly kernels inside the .js) and generated/js/.
const modules = ['generated', 'generated/js'].flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.js')).map((f) => `${d}/${f}`)).sort();

/** The module as a classic script whose completion value is its exports. */
function asScript(js: string): string {
  const names: string[] = [];
  const body = js.replace(/^export (async function|function|class|const) ([A-Za-z_$][\w$]*)/gm, (_m, kw: string, name: string) => {
    names.push(name);
    return `${kw} ${name}`;
  });
  expect(body).not.toMatch(/^\s*export\b/m);
  return `"use strict";\n(() => {\n${body}\nreturn { ${names.join(', ')} };\n})()`;
}

describe('generated modules in a worker-like context', () => {
  it('there are generated modules', () => expect(modules.length).toBeGreaterThan(0));
  for (const file of modules) {
    it(`${file}: no import or require, runs and trains in a bare context`, () => {
      const js = readFileSync(file, 'utf8');
      expect(js).not.toMatch(/^\s*import[\s{*'"]/m);
      expect(js).not.toMatch(/\bimport\s*\(/);
      expect(js).not.toMatch(/\brequire\s*\(/);
      const code = js.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(code).not.toMatch(/\b(process|Buffer|globalThis|window|self|require)\b/);
      const context = vm.createContext({});
      expect(vm.runInContext('typeof require + typeof process + typeof Buffer + typeof TextEncoder', context)).toBe('undefinedundefinedundefinedundefined');
      const mod = vm.runInContext(asScript(js), context) as {
        meta: { batch: number; input: number[]; output: number[]; endsWithSoftmax: boolean };
        createModel(o?: { seed?: number }): {
          forward(x: ArrayLike<number>): ArrayLike<number>; backward(z: ArrayLike<number>): number;
          backwardFrom(g: ArrayLike<number>): number; step(o: { lr: number; momentum?: number }): void;
          toBinary(): Uint8Array; loadBinary(b: Uint8Array): void;
        };
      };
      const { batch: T, input: [C, H, W], output: [K] } = mod.meta;
      const m = mod.createModel({ seed: 1 });
      let s = 1;
      const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
      const x = Array.from({ length: T * C * H * W }, rand);
      const z = new Array(T * K).fill(0);
      for (let t = 0; t < T; t++) z[t * K + (t % K)] = 1;
      // Big modules take one step (their first, unoptimised calls are slow); small ones train
      // for a few steps on one batch, which they learn by heart: the loss falls.
      const steps = T * C * H * W > 10_000 ? 1 : 3;
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) {
        const y = m.forward(x);
        expect(y.length).toBe(T * K);
        losses.push(mod.meta.endsWithSoftmax ? m.backward(z) : m.backwardFrom(z));
        m.step({ lr: 1e-3 / T, momentum: 0.5 });
      }
      for (const l of losses) expect(Number.isFinite(l)).toBe(true);
      if (steps > 1) expect(losses[steps - 1]).toBeLessThan(losses[0]);
      m.loadBinary(m.toBinary());
    }, 120_000);
  }
});
