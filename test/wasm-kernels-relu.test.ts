// The WebAssembly relu kernels (src/wasm/kernels/relu.ts) against the interpreter, for
// random block sizes (any remainder mod 4 and mod the unrolled loop), with NaN, ±Infinity,
// ±0 and tiny values in the inputs. ReLU is exact, so the comparison is bit for bit
// (Object.is), except NaN payloads. Output buffers start as NaN, guard bytes around every
// buffer must survive. The kernels use no relaxed instruction: both ctx.relaxed variants
// are run without a flag.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reluBackward, reluForward } from '../src/interp/ops/relu.js';
import type { ReluLayer } from '../src/model/checked.js';
import { buildNetwork } from '../src/model/build.js';
import { mulberry32 } from '../src/model/init.js';
import { wasmRelu } from '../src/wasm/kernels/relu.js';
import { instantiate, layoutBuffers } from './helpers/wasm-kernel.js';

function reluLayer(T: number, C: number, H: number, W: number): ReluLayer {
  const net = buildNetwork({ name: 'n', batch: T, input: [C, H, W], layers: [{ op: 'relu', name: 'r' }] });
  return net.layers[0] as ReluLayer;
}

const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38];

function values(n: number, seed: number, special: boolean): Float32Array {
  const rnd = mulberry32(seed);
  const a = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    const u = rnd();
    a[e] = special && u < 0.3 ? specials[Math.floor(rnd() * specials.length)] : (rnd() - 0.5) * 8;
  }
  return a;
}

/** Runs one role; returns the output and checks that only the output's bytes changed. */
function run(layer: ReluLayer, T: number, role: 'forward' | 'backward', relaxed: boolean, inputs: Record<string, Float32Array>, out: string, n: number): Float32Array {
  const buffers = layoutBuffers({ ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.length])), [out]: n });
  const k = wasmRelu.emit(layer, role, 'k', buffers.at, { batch: T, relaxed });
  const inst = instantiate([{ func: k.func }], buffers);
  const bytes = new Uint8Array(inst.memory.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) & 0xff;
  for (const [name, v] of Object.entries(inputs)) inst.f32(name, v.length).set(v);
  inst.f32(out, n).fill(NaN);
  const before = bytes.slice();
  inst.exports.k();
  const lo = buffers.at[out], hi = lo + 4 * n;
  for (let i = 0; i < bytes.length; i++) {
    if (i >= lo && i < hi) continue;
    if (bytes[i] !== before[i]) throw new Error(`byte ${i} outside ${out} [${lo}, ${hi}) changed`);
  }
  return inst.f32(out, n).slice();
}

function same(actual: Float32Array, expected: Float64Array): string | null {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = Math.fround(expected[i]);
    if (Number.isNaN(b) ? !Number.isNaN(a) : !Object.is(a, b)) return `[${i}]: ${a}, expected ${b}`;
  }
  return null;
}

const shape = fc.record({
  T: fc.integer({ min: 1, max: 5 }), C: fc.integer({ min: 1, max: 4 }),
  H: fc.integer({ min: 1, max: 9 }), W: fc.integer({ min: 1, max: 9 }),
  seed: fc.integer({ min: 0, max: 1e9 }), special: fc.boolean(), relaxed: fc.boolean(),
});

describe('wasm relu kernels', () => {
  it('forward: y = x > 0 ? x : 0 bit for bit, only y written', () => {
    fc.assert(fc.property(shape, ({ T, C, H, W, seed, special, relaxed }) => {
      const layer = reluLayer(T, C, H, W);
      const n = T * C * H * W;
      const x = values(n, seed, special);
      const y = run(layer, T, 'forward', relaxed, { x }, 'y', n);
      expect(same(y, reluForward(Float64Array.from(x)))).toBeNull();
    }), { numRuns: 150 });
  });

  it('backward: dx = x > 0 ? dy : 0 bit for bit, only dx written', () => {
    fc.assert(fc.property(shape, ({ T, C, H, W, seed, special, relaxed }) => {
      const layer = reluLayer(T, C, H, W);
      const n = T * C * H * W;
      const x = values(n, seed, special);
      const dy = values(n, seed + 1, special);
      const dx = run(layer, T, 'backward', relaxed, { x, dy }, 'dx', n);
      expect(same(dx, reluBackward(Float64Array.from(x), Float64Array.from(dy)))).toBeNull();
    }), { numRuns: 150 });
  });

  it('special values: NaN stays NaN (forward and backward); -0 and -Infinity give +0; +Infinity and dy NaN pass', () => {
    const x = Float32Array.from([NaN, -0, 0, -Infinity, Infinity, -1, 2, 1e-45, -1e-45, 5, 5, 5, 5]);
    const dy = Float32Array.from([1, 1, 1, 1, NaN, 1, -0, Infinity, 1, NaN, -Infinity, -0, 3]);
    const layer = reluLayer(1, 1, 1, x.length);
    expect(Array.from(run(layer, 1, 'forward', false, { x }, 'y', x.length)))
      .toEqual([NaN, 0, 0, 0, Infinity, 0, 2, 1e-45, 0, 5, 5, 5, 5].map(Math.fround));
    const dx = run(layer, 1, 'backward', false, { x, dy }, 'dx', x.length);
    expect(Object.is(dx[6], -0) && Object.is(dx[11], -0) && Object.is(dx[1], 0)).toBe(true);
    expect(Array.from(dx)).toEqual([NaN, 0, 0, 0, NaN, 0, -0, Infinity, 0, NaN, -Infinity, -0, 3]);
  });

  it('LeNet-sized block (many loop iterations) and the schedule text', () => {
    const layer = reluLayer(2, 6, 28, 28);
    const n = 2 * 6 * 28 * 28;
    const x = values(n, 7, true);
    expect(same(run(layer, 2, 'forward', false, { x }, 'y', n), reluForward(Float64Array.from(x)))).toBeNull();
    const k = wasmRelu.emit(layer, 'forward', 'k', { x: 64, y: 64 + 16 * 1000 }, { batch: 2, relaxed: false });
    expect(k.schedule).toMatch(/f32x4 over 9408 elements/);
  });

  it('emits no relaxed instruction, so ctx.relaxed needs no flag and changes nothing', () => {
    const layer = reluLayer(2, 3, 5, 7);
    const at = new Proxy({}, { get: () => 64 });
    for (const role of wasmRelu.roles) {
      const ops = (relaxed: boolean) => wasmRelu.emit(layer, role, 'k', at, { batch: 2, relaxed }).func.body.map((i) => `${i.op} ${i.args.join(' ')}`);
      expect(ops(true).some((o) => o.includes('relaxed'))).toBe(false);
      expect(ops(true)).toEqual(ops(false));
    }
  });
});
