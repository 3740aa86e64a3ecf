// The WebAssembly full-layer kernels (src/wasm/kernels/full.ts) against the interpreter
// (float64), for random layers: K = C·H·W any remainder mod 4 (also K < 4), outputs and
// batch not multiples of the register blocks, with and without bias, every blocking the
// benchmark tries, relaxed madd on and off. Written outputs start as NaN, accumulated ones
// (dw, db) as 0.5; no byte outside the outputs may change. NaN and ±Infinity in the inputs
// must come out where IEEE arithmetic (the interpreter) puts them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullBackward, fullForward, fullGrad } from '../src/interp/ops/full.js';
import type { FullLayer } from '../src/model/checked.js';
import { buildNetwork } from '../src/model/build.js';
import { emitFull, type FullBlocking } from '../src/wasm/kernels/full.js';
import { defaultFullBlocking } from '../src/lower/wasm-full.js';
import { agree, f64, randomValues, relaxedVariants, runKernel, watRoundTrip } from './helpers/wasm-fc-check.js';
import { instantiate, layoutBuffers } from './helpers/wasm-kernel.js';

function fullLayer(T: number, C: number, H: number, W: number, O: number, bias: boolean): FullLayer {
  const net = buildNetwork({ name: 'n', batch: T, input: [C, H, W], layers: [{ op: 'full', name: 'f', out: O, bias }] });
  return net.layers[0] as FullLayer;
}

const blockings: FullBlocking[] = [
  defaultFullBlocking,
  { fwd: { tb: 1, ob: 1, u: 1 }, bwd: { tb: 1, iv: 1, u: 1 }, grad: { ob: 1, iv: 1, u: 1 } },
  { fwd: { tb: 3, ob: 2, u: 3 }, bwd: { tb: 2, iv: 4, u: 3 }, grad: { ob: 3, iv: 2, u: 2 } },
  { fwd: { tb: 2, ob: 5, u: 2 }, bwd: { tb: 5, iv: 2, u: 2 }, grad: { ob: 2, iv: 5, u: 4 } },
  { fwd: { tb: 4, ob: 3, u: 1 }, bwd: { tb: 4, iv: 3, u: 1 }, grad: { ob: 4, iv: 3, u: 1 } },
];

interface Case { T: number; C: number; H: number; W: number; O: number; bias: boolean; b: number; seed: number }

const cases = fc.record({
  T: fc.integer({ min: 1, max: 5 }),
  C: fc.integer({ min: 1, max: 6 }),
  H: fc.integer({ min: 1, max: 4 }),
  W: fc.integer({ min: 1, max: 5 }),
  O: fc.integer({ min: 1, max: 11 }),
  bias: fc.boolean(),
  b: fc.integer({ min: 0, max: blockings.length - 1 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

function check(c: Case, relaxed: boolean, poison?: (x: Float32Array, w: Float32Array, dy: Float32Array) => void): void {
  const { T, O } = c;
  const layer = fullLayer(T, c.C, c.H, c.W, O, c.bias);
  const K = c.C * c.H * c.W;
  const ctx = { batch: T, relaxed };
  const bl = blockings[c.b];
  const x = randomValues(T * K, c.seed), w = randomValues(O * K, c.seed + 1), b = randomValues(O, c.seed + 2);
  const dy = randomValues(T * O, c.seed + 3);
  poison?.(x, w, dy);
  const where = `${JSON.stringify(c)} relaxed=${relaxed}`;

  const fwdIn: Record<string, Float32Array> = c.bias ? { x, w, b } : { x, w };
  const fwd = runKernel((at) => emitFull(layer, 'forward', 'k', at, ctx, bl), fwdIn, { y: { n: T * O, init: NaN } });
  const y = fullForward(layer, T, f64(x), f64(w), c.bias ? f64(b) : undefined);
  expect(agree(fwd.outputs.y, y), `forward ${where}`).toBeNull();

  const bwd = runKernel((at) => emitFull(layer, 'backward', 'k', at, ctx, bl), { dy, w }, { dx: { n: T * K, init: NaN } });
  expect(agree(bwd.outputs.dx, fullBackward(layer, T, f64(dy), f64(w))), `backward ${where}`).toBeNull();

  const gOut: Record<string, { n: number; init: number }> = { dw: { n: O * K, init: 0.5 } };
  if (c.bias) gOut.db = { n: O, init: 0.5 };
  const g = runKernel((at) => emitFull(layer, 'grad', 'k', at, ctx, bl), { dy, x }, gOut);
  const eg = fullGrad(layer, T, f64(dy), f64(x));
  expect(agree(g.outputs.dw, eg.w.map((v) => v + 0.5)), `grad dw ${where}`).toBeNull();
  if (c.bias) expect(agree(g.outputs.db, eg.b!.map((v) => v + 0.5)), `grad db ${where}`).toBeNull();
}

describe('wasm full kernels', () => {
  for (const relaxed of relaxedVariants('wasm full')) {
    it(`agree with the interpreter on random layers (relaxed=${relaxed})`, () => {
      fc.assert(fc.property(cases, (c) => check(c, relaxed)), { numRuns: 150 });
    });

    it(`propagate NaN and ±Infinity as IEEE arithmetic does (relaxed=${relaxed})`, () => {
      fc.assert(fc.property(cases, fc.integer({ min: 0, max: 1 << 30 }), (c, r) => {
        check(c, relaxed, (x, w, dy) => {
          const specials = [NaN, Infinity, -Infinity];
          const put = (a: Float32Array, k: number) => { a[(r + k * 7919) % a.length] = specials[(r + k) % 3]; };
          put(x, 0); put(w, 1); put(dy, 2);
          if (r % 2) put(x, 3);
        });
      }), { numRuns: 60 });
    });

    it(`computes the LeNet shapes (784→120, 120→84, 84→10 at batch 32) (relaxed=${relaxed})`, () => {
      for (const [C, H, W, O] of [[16, 7, 7, 120], [120, 1, 1, 84], [84, 1, 1, 10]]) {
        check({ T: 32, C, H, W, O, bias: O === 84, b: 0, seed: C * 1000 + O }, relaxed);
      }
    });
  }
});

describe('wasm full kernels as text', () => {
  it('print WAT that wabt assembles to the same bytes (every role, bias, partial vectors, both madd forms)', async () => {
    const layer = fullLayer(5, 3, 1, 5, 7, true);
    const at = { x: 64, w: 1024, b: 2048, y: 3072, dy: 4096, dx: 5120, dw: 6144, db: 7168 };
    const funcs = [false, true].flatMap((relaxed) => (['forward', 'backward', 'grad'] as const).map((role) =>
      emitFull(layer, role, `${role}_${relaxed}`, at, { batch: 5, relaxed }, blockings[2]).func));
    expect(await watRoundTrip(funcs)).toBeNull();
  });
});

describe('wasm full kernels and the over-read allowance', () => {
  // Each buffer in turn ends exactly 16 bytes before the end of memory (the rest laid out
  // as usual): a load further past its end traps.
  it('read no more than 16 bytes past any buffer', () => {
    const roles = {
      forward: { x: 'TK', w: 'OK', b: 'O', y: 'TO' },
      backward: { dy: 'TO', w: 'OK', dx: 'TK' },
      grad: { dy: 'TO', x: 'TK', dw: 'OK', db: 'O' },
    } as const;
    for (const [T, K, O] of [[3, 7, 5], [2, 1, 3], [5, 10, 6], [1, 3, 9], [4, 13, 4]]) {
      const layer = fullLayer(T, K, 1, 1, O, true);
      const n = { TK: T * K, OK: O * K, O, TO: T * O };
      for (const [role, params] of Object.entries(roles)) {
        for (const last of Object.keys(params)) {
          for (const bl of blockings) {
            const sizes = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, n[v]]));
            const { [last]: lastN, ...rest } = sizes;
            const buffers = layoutBuffers(rest);
            const pages = Math.ceil((buffers.bytes + 4 * lastN + 32) / 65536);
            buffers.at[last] = pages * 65536 - 16 - 4 * lastN; // exactly 16 bytes after it (alignment aside: no kernel relies on it)
            buffers.bytes = pages * 65536;
            const k = emitFull(layer, role as 'forward', 'k', buffers.at, { batch: T, relaxed: false }, bl);
            const inst = instantiate([{ func: k.func }], buffers);
            expect(() => inst.exports.k(), `${role} with ${last} last, T=${T} K=${K} O=${O}`).not.toThrow();
          }
        }
      }
    }
  });
});
