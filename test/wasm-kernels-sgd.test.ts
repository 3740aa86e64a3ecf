// The WebAssembly SGD step and gradient clearing (src/wasm/kernels/sgd.ts): the step against
// the JS target's $sgd (generated/lenet.ts: float64 arithmetic, float32 storage) on several
// tensors of random sizes (any remainder mod 4, one element, many), relaxed on and off; the
// results must agree within float32 rounding, g must stay as it was, and no byte outside
// p and v may change. The clearing must zero exactly its regions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitSgd, emitZero } from '../src/wasm/kernels/sgd.js';
import { instantiate, layoutBuffers } from './helpers/wasm-kernel.js';
import { randomValues, relaxedVariants, watRoundTrip } from './helpers/wasm-fc-check.js';

/** The JS target's step (generated/lenet.ts $sgd). */
function jsSgd(p: Float32Array, g: Float32Array, v: Float32Array, lr: number, momentum: number): void {
  for (let i = 0; i < p.length; i++) {
    v[i] = momentum * v[i] + g[i];
    p[i] -= lr * v[i];
  }
}

const EPS = 2 ** -24;

function fill(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
}

describe('wasm SGD step', () => {
  for (const relaxed of relaxedVariants('wasm sgd')) {
    it(`matches the JS $sgd within float32 rounding (relaxed=${relaxed})`, () => {
      fc.assert(fc.property(
        fc.array(fc.integer({ min: 1, max: 37 }), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
        fc.constantFrom(0, 0.5, 0.9, 0.99),
        fc.integer({ min: 1, max: 1 << 30 }),
        (sizes, lr, momentum, seed) => {
          const names: Record<string, number> = {};
          sizes.forEach((n, k) => { names[`p${k}`] = n; names[`g${k}`] = n; names[`v${k}`] = n; });
          const buffers = layoutBuffers(names);
          const tensors = sizes.map((n, k) => ({ p: buffers.at[`p${k}`], g: buffers.at[`g${k}`], v: buffers.at[`v${k}`], n }));
          const inst = instantiate([{ func: emitSgd('step', tensors, { batch: 1, relaxed }) }], buffers);
          const bytes = new Uint8Array(inst.memory.buffer);
          fill(bytes);
          const init = sizes.map((n, k) => ({
            p: randomValues(n, seed + 3 * k, 1), g: randomValues(n, seed + 3 * k + 1, 3), v: randomValues(n, seed + 3 * k + 2, 2),
          }));
          init.forEach((t, k) => { inst.f32(`p${k}`, t.p.length).set(t.p); inst.f32(`g${k}`, t.g.length).set(t.g); inst.f32(`v${k}`, t.v.length).set(t.v); });
          const before = bytes.slice();
          inst.exports.step(lr, momentum);
          const out = new Set<number>();
          sizes.forEach((n, k) => {
            for (const key of ['p', 'v']) for (let b = 0; b < 4 * n; b++) out.add(buffers.at[`${key}${k}`] + b);
          });
          for (let b = 0; b < bytes.length; b++) if (bytes[b] !== before[b] && !out.has(b)) throw new Error(`byte ${b} changed`);
          init.forEach((t, k) => {
            const p = t.p.slice(), v = t.v.slice();
            jsSgd(p, t.g, v, lr, momentum);
            const wp = inst.f32(`p${k}`, p.length), wv = inst.f32(`v${k}`, v.length);
            for (let e = 0; e < p.length; e++) {
              const vBound = 3 * EPS * (Math.abs(momentum * t.v[e]) + Math.abs(t.g[e]));
              expect(Math.abs(wv[e] - v[e]), `v[${e}] of tensor ${k}`).toBeLessThanOrEqual(vBound);
              const pBound = 3 * EPS * (Math.abs(t.p[e]) + Math.abs(lr * v[e])) + lr * vBound;
              expect(Math.abs(wp[e] - p[e]), `p[${e}] of tensor ${k}`).toBeLessThanOrEqual(pBound);
            }
          });
        }), { numRuns: 200 });
    });
  }

  it('propagates NaN and Infinity in gradients as the JS step does', () => {
    const buffers = layoutBuffers({ p: 6, g: 6, v: 6 });
    const inst = instantiate([{ func: emitSgd('step', [{ p: buffers.at.p, g: buffers.at.g, v: buffers.at.v, n: 6 }], { batch: 1, relaxed: false }) }], buffers);
    const g = new Float32Array([NaN, Infinity, -Infinity, 1, NaN, Infinity]);
    inst.f32('p', 6).set([1, 1, 1, Infinity, 1, 1]);
    inst.f32('g', 6).set(g);
    inst.f32('v', 6).fill(0);
    inst.exports.step(0.1, 0.9);
    const p = new Float32Array([1, 1, 1, Infinity, 1, 1]), v = new Float32Array(6);
    jsSgd(p, g, v, 0.1, 0.9);
    expect(Array.from(inst.f32('v', 6))).toEqual(Array.from(v));
    expect(Array.from(inst.f32('p', 6))).toEqual(Array.from(p));
  });
});

describe('wasm gradient clearing', () => {
  it('zeroes exactly its regions', () => {
    const buffers = layoutBuffers({ a: 5, b: 1, c: 40 });
    const regions = [{ at: buffers.at.a, bytes: 20 }, { at: buffers.at.c, bytes: 160 }, { at: buffers.at.b, bytes: 0 }];
    const inst = instantiate([{ func: emitZero('zero', regions) }], buffers);
    const bytes = new Uint8Array(inst.memory.buffer);
    fill(bytes);
    const before = bytes.slice();
    inst.exports.zero();
    let bad = '';
    for (let i = 0; i < bytes.length; i++) {
      const inside = regions.some((r) => i >= r.at && i < r.at + r.bytes);
      if (bytes[i] !== (inside ? 0 : before[i])) bad ||= `byte ${i} is ${bytes[i]}`;
    }
    expect(bad).toBe('');
  });
});

describe('wasm SGD and clearing as text', () => {
  it('print WAT that wabt assembles to the same bytes', async () => {
    const tensors = [{ p: 64, g: 128, v: 192, n: 13 }, { p: 256, g: 272, v: 288, n: 4 }, { p: 320, g: 336, v: 352, n: 3 }];
    expect(await watRoundTrip([
      emitSgd('sgd', tensors, { batch: 1, relaxed: false }), emitSgd('sgd_relaxed', tensors, { batch: 1, relaxed: true }),
      emitZero('zero', [{ at: 64, bytes: 52 }, { at: 256, bytes: 16 }]),
    ])).toBeNull();
  });
});
