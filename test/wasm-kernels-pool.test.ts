// The WebAssembly max-pool kernels (src/wasm/kernels/pool.ts) against the interpreter, for
// random pools of any size and stride (overlapping, gapped, 1-wide maps), floor and ceil
// (clipped windows), with many ties (also -0 before +0), NaN and ±Infinity in the inputs.
// Forward and path are exact (y bit for bit but NaN payloads, path equal); backward sums
// in float32, compared with the generated tests' tolerance. Outputs start as NaN (path as
// -7), and guard bytes around every buffer must survive. The kernels use no relaxed
// instruction: both ctx.relaxed variants run without a flag.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poolBackward, poolForward } from '../src/interp/ops/pool.js';
import type { PoolLayer } from '../src/model/checked.js';
import { buildNetwork, pooledSize } from '../src/model/build.js';
import { mulberry32 } from '../src/model/init.js';
import { wasmPool } from '../src/wasm/kernels/pool.js';
import { closeTo } from './helpers/compare.js';
import { instantiate, layoutBuffers } from './helpers/wasm-kernel.js';

interface Case { T: number; C: number; H: number; W: number; ph: number; pw: number; sh: number; sw: number; round: 'floor' | 'ceil'; seed: number; special: boolean; relaxed: boolean }

function poolLayer(c: Case): PoolLayer {
  const net = buildNetwork({
    name: 'n', batch: c.T, input: [c.C, c.H, c.W],
    layers: [{ op: 'pool', name: 'p', size: [c.ph, c.pw], stride: [c.sh, c.sw], round: c.round }],
  });
  return net.layers[0] as PoolLayer;
}

/** Few distinct values so ties are common (±0 among them); NaN and ±Infinity when asked. */
function input(n: number, seed: number, special: boolean): Float32Array {
  const rnd = mulberry32(seed);
  const a = new Float32Array(n);
  const sp = [NaN, -Infinity, Infinity, -0, 0];
  for (let e = 0; e < n; e++) {
    const u = rnd();
    a[e] = special && u < 0.15 ? sp[Math.floor(rnd() * sp.length)] : u < 0.3 ? -Infinity : Math.floor(rnd() * 5) - 2 + (u < 0.6 ? 0 : 0.25);
  }
  return a;
}

type Role = 'forward' | 'path' | 'backward';

/** Runs one role with the given inputs; checks that only the outputs' bytes changed. */
function run(layer: PoolLayer, c: Case, role: Role, inputs: { f32?: Record<string, Float32Array>; i32?: Record<string, Int32Array> }, outs: Record<string, number>) {
  const sizes: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...inputs.f32, ...inputs.i32 })) sizes[k] = v.length;
  Object.assign(sizes, outs);
  const buffers = layoutBuffers(sizes);
  const k = wasmPool.emit(layer, role, 'k', buffers.at, { batch: c.T, relaxed: c.relaxed });
  const inst = instantiate([{ func: k.func }], buffers);
  const bytes = new Uint8Array(inst.memory.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 53 + 5) & 0xff;
  for (const [name, v] of Object.entries(inputs.f32 ?? {})) inst.f32(name, v.length).set(v);
  for (const [name, v] of Object.entries(inputs.i32 ?? {})) inst.i32(name, v.length).set(v);
  for (const [name, n] of Object.entries(outs)) {
    if (name === 'path') inst.i32(name, n).fill(-7);
    else inst.f32(name, n).fill(NaN);
  }
  const before = bytes.slice();
  inst.exports.k();
  const ranges = Object.entries(outs).map(([name, n]) => [buffers.at[name], buffers.at[name] + 4 * n]);
  const mayChange = new Uint8Array(bytes.length);
  for (const [lo, hi] of ranges) mayChange.fill(1, lo, hi);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== before[i] && !mayChange[i]) throw new Error(`${role}: byte ${i} outside the outputs changed`);
  }
  return { f32: (name: string) => inst.f32(name, outs[name]).slice(), i32: (name: string) => inst.i32(name, outs[name]).slice() };
}

function same(actual: Float32Array, expected: Float64Array): string | null {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = Math.fround(expected[i]);
    if (Number.isNaN(b) ? !Number.isNaN(a) : !Object.is(a, b)) return `[${i}]: ${a}, expected ${b}`;
  }
  return null;
}

function check(c: Case): void {
  const layer = poolLayer(c);
  const x = input(c.T * c.C * c.H * c.W, c.seed, c.special);
  const want = poolForward(layer, c.T, Float64Array.from(x));
  const n = want.y.length;
  const fwd = run(layer, c, 'forward', { f32: { x } }, { y: n });
  expect(same(fwd.f32('y'), want.y)).toBeNull();
  const p = run(layer, c, 'path', { f32: { x } }, { y: n, path: n });
  expect(same(p.f32('y'), want.y)).toBeNull();
  expect(Array.from(p.i32('path'))).toEqual(Array.from(want.path));
  // Backward: dy finite (the interpreter's float64 sums against float32 ones).
  const rnd = mulberry32(c.seed + 1);
  const dy = Float32Array.from({ length: n }, () => rnd() * 2 - 1);
  const dxWant = poolBackward(layer, c.T, Float64Array.from(dy), want.path);
  const b = run(layer, c, 'backward', { f32: { dy }, i32: { path: want.path } }, { dx: dxWant.length });
  expect(closeTo(b.f32('dx'), dxWant, 1e-3)).toBeNull();
}

const cases = fc.record({
  T: fc.integer({ min: 1, max: 5 }), C: fc.integer({ min: 1, max: 3 }),
  H: fc.integer({ min: 1, max: 11 }), W: fc.integer({ min: 1, max: 11 }),
  ph: fc.integer({ min: 1, max: 4 }), pw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 4 }), sw: fc.integer({ min: 1, max: 4 }),
  round: fc.constantFrom<'floor' | 'ceil'>('floor', 'ceil'),
  seed: fc.integer({ min: 0, max: 1e9 }), special: fc.boolean(), relaxed: fc.boolean(),
}).filter((c) => pooledSize(c.H, c.ph, c.sh, c.round) !== null && pooledSize(c.W, c.pw, c.sw, c.round) !== null);

describe('wasm pool kernels', () => {
  it('forward, path and backward agree with the interpreter on random pools', () => {
    fc.assert(fc.property(cases, check), { numRuns: 200 });
  });

  it('LeNet p1 (2x2 stride 2) and the exotic 3x3 stride 2 ceil pool', () => {
    check({ T: 2, C: 6, H: 28, W: 28, ph: 2, pw: 2, sh: 2, sw: 2, round: 'floor', seed: 1, special: true, relaxed: false });
    check({ T: 3, C: 4, H: 15, W: 14, ph: 3, pw: 3, sh: 2, sw: 2, round: 'ceil', seed: 2, special: true, relaxed: true });
    const layer = poolLayer({ T: 3, C: 4, H: 15, W: 14, ph: 3, pw: 3, sh: 2, sw: 2, round: 'ceil', seed: 0, special: false, relaxed: false });
    const k = wasmPool.emit(layer, 'path', 'k', { x: 64, y: 4096, path: 8192 }, { batch: 3, relaxed: false });
    expect(k.schedule).toMatch(/rows 0\.\.6: 3 tap\(s\); cols 0\.\.5: 3 tap\(s\), 6\.\.6: 2 tap\(s\)/);
  });

  it('ties go to the first maximum (-0 before +0 stays -0), the first NaN wins the path', () => {
    const c: Case = { T: 1, C: 1, H: 1, W: 8, ph: 1, pw: 4, sh: 1, sw: 4, round: 'floor', seed: 0, special: false, relaxed: false };
    const layer = poolLayer(c);
    const x = Float32Array.from([-0, 0, -1, 0, 3, NaN, 3, NaN]);
    const p = run(layer, c, 'path', { f32: { x } }, { y: 2, path: 2 });
    const y = p.f32('y');
    expect(Object.is(y[0], -0)).toBe(true);
    expect(Number.isNaN(y[1])).toBe(true);
    expect(Array.from(p.i32('path'))).toEqual([0, 5]);
    const f = run(layer, c, 'forward', { f32: { x } }, { y: 2 }).f32('y');
    expect(Object.is(f[0], -0) && Number.isNaN(f[1])).toBe(true);
  });

  it('backward clears dx and accumulates overlapping pools; NaN and Infinity in dy propagate', () => {
    const c: Case = { T: 1, C: 1, H: 1, W: 5, ph: 1, pw: 3, sh: 1, sw: 1, round: 'floor', seed: 0, special: false, relaxed: false };
    const layer = poolLayer(c);
    const dy = Float32Array.from([1, 2, 4]);
    const path = Int32Array.from([2, 2, 4]);
    expect(Array.from(run(layer, c, 'backward', { f32: { dy }, i32: { path } }, { dx: 5 }).f32('dx'))).toEqual([0, 0, 3, 0, 4]);
    const dy2 = Float32Array.from([NaN, Infinity, -Infinity]);
    expect(Array.from(run(layer, c, 'backward', { f32: { dy: dy2 }, i32: { path: Int32Array.from([0, 1, 1]) } }, { dx: 5 }).f32('dx'))).toEqual([NaN, NaN, 0, 0, 0]);
  });

  it('emits no relaxed instruction, so ctx.relaxed needs no flag and changes nothing', () => {
    const layer = poolLayer({ T: 2, C: 3, H: 9, W: 9, ph: 3, pw: 3, sh: 2, sw: 2, round: 'ceil', seed: 0, special: false, relaxed: false });
    const at = new Proxy({}, { get: () => 64 });
    for (const role of wasmPool.roles) {
      const ops = (relaxed: boolean) => wasmPool.emit(layer, role, 'k', at, { batch: 2, relaxed }).func.body.map((i) => `${i.op} ${i.args.join(' ')}`);
      expect(ops(true).some((o) => o.includes('relaxed'))).toBe(false);
      expect(ops(true)).toEqual(ops(false));
    }
  });
});
