// The WebAssembly conv kernels (src/wasm/kernels/conv.ts) against the float64 interpreter,
// over many random layers: every role, mul+add and relaxed madd, odd widths, 1-wide maps,
// anchors outside the window. Output buffers start as NaN (a forgotten element fails),
// gradient buffers as 0.5 (the kernel must add); every byte outside the output buffer and
// the scratch must survive the call.
import v8 from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Func, Module } from '../src/wasm/asm.js';
import { convBackward, convBiasGrad, convForward, convGrad } from '../src/interp/ops/conv.js';
import { emitConv, wasmConv, type ConvEmitOptions } from '../src/wasm/kernels/conv.js';
import { planWasmConv } from '../src/lower/wasm-conv.js';
import type { ConvLayer } from '../src/model/checked.js';
import type { WasmRole } from '../src/wasm/kernels/types.js';
import { instantiate, layoutBuffers } from './helpers/wasm-kernel.js';
import { closeTo } from './helpers/compare.js';

function relaxedModule(): Uint8Array<ArrayBuffer> {
  const f = new Func('r', [], ['f32']);
  f.op('v128.const', 'f32x4', 1, 2, 3, 4).op('v128.const', 'f32x4', 1, 2, 3, 4).op('v128.const', 'f32x4', 1, 2, 3, 4)
    .op('f32x4.relaxed_madd').op('f32x4.extract_lane', 0);
  return new Module().add(f, 'r').toBytes();
}

/** Relaxed SIMD is behind a flag on Node 20: turn it on at run time when it is off. */
function relaxedAvailable(): boolean {
  if (WebAssembly.validate(relaxedModule())) return true;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(relaxedModule());
}
const RELAXED = relaxedAvailable();
if (!RELAXED) console.log('wasm-kernels-conv: relaxed SIMD unavailable here; the relaxed_madd variants are skipped');

function convLayer(Cl: number, Cr: number, H: number, W: number, M: number, N: number, m: number, n: number): ConvLayer {
  const size = Cr * Cl * M * N;
  return {
    op: 'conv', name: 'c', index: 0, input: { c: Cl, h: H, w: W }, output: { c: Cr, h: H, w: W },
    params: [{ key: 'w', shape: [Cr, Cl, M, N], size, learnable: true, init: 'he', fanIn: Cl * M * N }],
    macs: Cr * Cl * M * N * H * W, loc: { line: 1, column: 1, offset: 0, length: 1 },
    kernel: { rows: M, cols: N }, anchor: { row: m, col: n },
  };
}

const io: Record<'forward' | 'backward' | 'grad', [string, string, string]> = {
  forward: ['x', 'w', 'y'], backward: ['dy', 'w', 'dx'], grad: ['dy', 'x', 'dw'],
};

interface Case { layer: ConvLayer; T: number; role: 'forward' | 'backward' | 'grad'; relaxed: boolean; opt?: ConvEmitOptions }

/** Runs one kernel on the given inputs; returns the output and whether the rest of memory survived. */
function run(c: Case, a: Float32Array, b: Float32Array): { out: Float32Array; clobbered: string | null } {
  const { layer, T, role } = c;
  const x = T * layer.input.c * layer.input.h * layer.input.w;
  const y = T * layer.output.c * layer.output.h * layer.output.w;
  const w = layer.params[0].size;
  const sizes: Record<string, number> = role === 'forward' ? { x, w, y } : role === 'backward' ? { dy: y, w, dx: x } : { dy: y, x, dw: w };
  const ctx = { batch: T, relaxed: c.relaxed };
  const planned = planWasmConv(layer, role, T);
  const scratch = planned.scratchBytes;
  const bufs = layoutBuffers(sizes, scratch);
  const kernel = c.opt ? emitConv(layer, role, 'k', bufs.at, ctx, c.opt) : wasmConv.emit(layer, role, 'k', bufs.at, ctx, c.relaxed ? planned.relaxed : planned.plain);
  const inst = instantiate([{ func: kernel.func }], bufs);
  const mem = new Uint8Array(inst.memory.buffer);
  for (let i = 0; i < mem.length; i++) mem[i] = (i * 37 + 11) & 0xff; // guard pattern everywhere
  const [ia, ib, io_] = io[role];
  inst.f32(ia, a.length).set(a);
  inst.f32(ib, b.length).set(b);
  inst.f32(io_, sizes[io_]).fill(role === 'grad' ? 0.5 : NaN);
  const before = mem.slice();
  inst.exports.k();
  const outLo = bufs.at[io_], outHi = outLo + 4 * sizes[io_];
  const sLo = bufs.at.scratch ?? -1, sHi = sLo + scratch;
  let clobbered: string | null = null;
  for (let i = 0; i < mem.length; i++) {
    if ((i >= outLo && i < outHi) || (i >= sLo && i < sHi)) continue;
    if (mem[i] !== before[i]) { clobbered = `byte ${i} changed (output ${outLo}..${outHi}, scratch ${sLo}..${sHi})`; break; }
  }
  return { out: inst.f32(io_, sizes[io_]).slice(), clobbered };
}

function expected(c: Case, a: Float32Array, b: Float32Array): Float64Array {
  const A = Float64Array.from(a), B = Float64Array.from(b);
  if (c.role === 'forward') return convForward(c.layer, c.T, A, B);
  if (c.role === 'backward') return convBackward(c.layer, c.T, A, B);
  return convGrad(c.layer, c.T, A, B).map((v) => v + 0.5);
}

function inputs(c: Case, rnd: () => number): [Float32Array, Float32Array] {
  const { layer, T } = c;
  const x = T * layer.input.c * layer.input.h * layer.input.w;
  const y = T * layer.output.c * layer.output.h * layer.output.w;
  const w = layer.params[0].size;
  const fill = (n: number) => Float32Array.from({ length: n }, () => rnd() * 2 - 1);
  if (c.role === 'forward') return [fill(x), fill(w)];
  if (c.role === 'backward') return [fill(y), fill(w)];
  return [fill(y), fill(x)];
}

function check(c: Case, seed: number): string | null {
  let s = seed >>> 0;
  const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const [a, b] = inputs(c, rnd);
  const { out, clobbered } = run(c, a, b);
  if (clobbered) return clobbered;
  return closeTo(out, expected(c, a, b), 1e-3);
}

const layerArb = fc.record({
  Cl: fc.integer({ min: 1, max: 5 }), Cr: fc.integer({ min: 1, max: 5 }),
  H: fc.integer({ min: 1, max: 9 }), W: fc.integer({ min: 1, max: 9 }),
  M: fc.integer({ min: 1, max: 5 }), N: fc.integer({ min: 1, max: 5 }),
  dm: fc.integer({ min: -2, max: 7 }), dn: fc.integer({ min: -2, max: 7 }),
  T: fc.integer({ min: 1, max: 3 }), seed: fc.integer(),
}).map((r) => ({ ...r, m: Math.min(r.dm, r.M + 1), n: Math.min(r.dn, r.N + 1) }));

const variants = RELAXED ? [false, true] : [false];
const roles = ['forward', 'backward', 'grad'] as const;

describe('wasm conv kernels against the interpreter', () => {
  for (const role of roles) for (const relaxed of variants) {
    it(`${role}${relaxed ? ' (relaxed madd)' : ''}: random layers`, () => {
      fc.assert(fc.property(layerArb, (r) => {
        const c: Case = { layer: convLayer(r.Cl, r.Cr, r.H, r.W, r.M, r.N, r.m, r.n), T: r.T, role, relaxed };
        const err = check(c, r.seed);
        if (err) throw new Error(`${JSON.stringify(r)}: ${err}`);
      }), { numRuns: 150, seed: 42 + roles.indexOf(role) * 2 + (relaxed ? 1 : 0) });
    });
  }

  it('other blockings (rows per block, many channels, wide vectors, grad bands) agree too', () => {
    fc.assert(fc.property(layerArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }),
      (r, kb, ph, pv, band, tapLoop, kc, vLoop, cols, qUnroll) => {
        for (const role of roles) {
          const c: Case = { layer: convLayer(r.Cl, r.Cr, r.H, r.W, r.M, r.N, r.m, r.n), T: r.T, role, relaxed: false, opt: { blocking: { kb, ph, pv, tapLoop, qUnroll }, grad: { band, cols, kc, vLoop } } };
          const err = check(c, r.seed);
          if (err) throw new Error(`${role} kb=${kb} ph=${ph} pv=${pv} tapLoop=${tapLoop} qUnroll=${qUnroll} band=${band} kc=${kc} vLoop=${vLoop} cols=${cols} ${JSON.stringify(r)}: ${err}`);
        }
      }), { numRuns: 100, seed: 7 });
  });

  it('LeNet and VGG shapes (channel loop not unrolled, long rows)', () => {
    const shapes: [ConvLayer, number][] = [
      [convLayer(1, 6, 28, 28, 5, 5, 2, 2), 2],
      [convLayer(6, 16, 14, 14, 5, 6, 2, 1), 2],
      [convLayer(32, 8, 16, 16, 3, 3, 1, 1), 1],
      [convLayer(3, 8, 32, 32, 3, 3, 1, 1), 1],
    ];
    for (const [layer, T] of shapes) for (const role of roles) for (const relaxed of variants) {
      const err = check({ layer, T, role, relaxed }, 12345);
      expect(err, `${role} ${layer.input.c}->${layer.output.c} ${layer.input.h}x${layer.input.w}${relaxed ? ' relaxed' : ''}`).toBeNull();
    }
  });

  it('NaN and Infinity in the data propagate as in the interpreter', () => {
    const layer = convLayer(2, 3, 6, 7, 3, 4, 1, 2);
    const T = 2;
    for (const role of roles) for (const relaxed of variants) {
      const c: Case = { layer, T, role, relaxed };
      let s = 99;
      const rnd = () => { s = (s * 16807) % 2147483647; return s / 2147483647; };
      const [a, b] = inputs(c, rnd);
      // the data operand: x for forward and grad, dy for backward
      const data = role === 'grad' ? b : a;
      data[3] = Infinity; data[17] = -Infinity; data[40] = NaN; data[data.length - 1] = Infinity;
      const { out, clobbered } = run(c, a, b);
      expect(clobbered).toBeNull();
      const want = expected(c, a, b);
      for (let i = 0; i < want.length; i++) {
        const w = want[i], g = out[i];
        const ok = Number.isNaN(w) ? Number.isNaN(g) : Number.isFinite(w) ? Math.abs(g - w) <= 1e-3 * Math.max(1, Math.abs(w)) : g === w;
        if (!ok) throw new Error(`${role}${relaxed ? ' relaxed' : ''} [${i}]: ${g}, expected ${w}`);
      }
    }
  });

  it('declares its roles and a schedule per role', () => {
    expect(wasmConv.roles).toEqual(['forward', 'backward', 'grad']);
    const layer = convLayer(1, 6, 28, 28, 5, 5, 2, 2);
    for (const role of roles) {
      const ctx = { batch: 4, relaxed: false };
      const planned = planWasmConv(layer, role as WasmRole, ctx.batch);
      const bufs = layoutBuffers({ x: 4 * 784, w: 150, y: 4 * 6 * 784, dy: 4 * 6 * 784, dx: 4 * 784, dw: 150 }, planned.scratchBytes);
      const k = wasmConv.emit(layer, role, `c1_${role}`, bufs.at, ctx, planned.plain);
      expect(k.role).toBe(role);
      expect(k.schedule).toMatch(role);
    }
  });
});

/** The layer of convLayer with bias=true: param b (C_r) after w. */
function biasedLayer(Cl: number, Cr: number, H: number, W: number, M: number, N: number, m: number, n: number): ConvLayer {
  const l = convLayer(Cl, Cr, H, W, M, N, m, n);
  return { ...l, bias: true, params: [...l.params, { key: 'b', shape: [Cr], size: Cr, learnable: true, init: 'zeros', fanIn: 0 }] };
}

/**
 * A biased forward (x, w, b → y) or grad (dy, x → dw, db, both adding into 0.5) against the
 * interpreter; null when it agrees and nothing outside its outputs and scratch changed.
 */
function checkBiased(layer: ConvLayer, T: number, role: 'forward' | 'grad', relaxed: boolean, seed: number, opt?: ConvEmitOptions): string | null {
  let s = seed >>> 0;
  const rnd = () => { s = (s * 16807 + 12345) >>> 0; return s / 4294967296; };
  const fill = (n: number) => Float32Array.from({ length: n }, () => rnd() * 2 - 1);
  const nx = T * layer.input.c * layer.input.h * layer.input.w;
  const ny = T * layer.output.c * layer.output.h * layer.output.w;
  const nw = layer.params[0].size, nb = layer.output.c;
  const data: Record<string, Float32Array> = role === 'forward'
    ? { x: fill(nx), w: fill(nw), b: fill(nb), y: new Float32Array(ny).fill(NaN) }
    : { dy: fill(ny), x: fill(nx), dw: new Float32Array(nw).fill(0.5), db: new Float32Array(nb).fill(0.5) };
  const outs = role === 'forward' ? ['y'] : ['dw', 'db'];
  const planned = planWasmConv(layer, role, T);
  const bufs = layoutBuffers(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.length])), planned.scratchBytes);
  const ctx = { batch: T, relaxed };
  const kernel = opt ? emitConv(layer, role, 'k', bufs.at, ctx, opt) : wasmConv.emit(layer, role, 'k', bufs.at, ctx, relaxed ? planned.relaxed : planned.plain);
  const inst = instantiate([{ func: kernel.func }], bufs);
  const mem = new Uint8Array(inst.memory.buffer);
  for (let i = 0; i < mem.length; i++) mem[i] = (i * 37 + 11) & 0xff;
  for (const [k, v] of Object.entries(data)) inst.f32(k, v.length).set(v);
  const before = mem.slice();
  inst.exports.k();
  const spans = [...outs.map((k) => [bufs.at[k], bufs.at[k] + 4 * data[k].length]), [bufs.at.scratch ?? -1, (bufs.at.scratch ?? -1) + planned.scratchBytes]];
  for (let i = 0; i < mem.length; i++) {
    if (spans.some(([lo, hi]) => i >= lo && i < hi)) continue;
    if (mem[i] !== before[i]) return `byte ${i} changed outside the outputs and scratch`;
  }
  const f64 = (k: string) => Float64Array.from(data[k]);
  if (role === 'forward') return closeTo(inst.f32('y', ny).slice(), convForward(layer, T, f64('x'), f64('w'), f64('b')), 1e-3);
  return closeTo(inst.f32('dw', nw).slice(), convGrad(layer, T, f64('dy'), f64('x')).map((v) => v + 0.5), 1e-3)
    ?? closeTo(inst.f32('db', nb).slice(), convBiasGrad(layer, T, f64('dy')).map((v) => v + 0.5), 1e-3);
}

describe('wasm conv kernels with bias=true against the interpreter', () => {
  for (const role of ['forward', 'grad'] as const) for (const relaxed of variants) {
    it(`${role}${relaxed ? ' (relaxed madd)' : ''}: random layers (forward starts from b, grad also adds db)`, () => {
      fc.assert(fc.property(layerArb, (r) => {
        const err = checkBiased(biasedLayer(r.Cl, r.Cr, r.H, r.W, r.M, r.N, r.m, r.n), r.T, role, relaxed, r.seed);
        if (err) throw new Error(`${JSON.stringify(r)}: ${err}`);
      }), { numRuns: 100, seed: 314 + (role === 'grad' ? 2 : 0) + (relaxed ? 1 : 0) });
    });
  }

  it('other blockings agree too', () => {
    fc.assert(fc.property(layerArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.boolean(),
      (r, kb, ph, pv, tapLoop, kc, vLoop) => {
        const layer = biasedLayer(r.Cl, r.Cr, r.H, r.W, r.M, r.N, r.m, r.n);
        const opt: ConvEmitOptions = { blocking: { kb, ph, pv, tapLoop, qUnroll: 2 }, grad: { band: 2, cols: 3, kc, vLoop } };
        for (const role of ['forward', 'grad'] as const) {
          const err = checkBiased(layer, r.T, role, false, r.seed, opt);
          if (err) throw new Error(`${role} kb=${kb} ph=${ph} pv=${pv} tapLoop=${tapLoop} kc=${kc} vLoop=${vLoop} ${JSON.stringify(r)}: ${err}`);
        }
      }), { numRuns: 60, seed: 8 });
  });

  it('LeNet-sized maps (HW a multiple of 4 and not) and one sample', () => {
    for (const [layer, T] of [[biasedLayer(1, 6, 28, 28, 5, 5, 2, 2), 2], [biasedLayer(6, 16, 7, 7, 5, 6, 2, 1), 1]] as [ConvLayer, number][])
      for (const role of ['forward', 'grad'] as const) for (const relaxed of variants)
        expect(checkBiased(layer, T, role, relaxed, 777), `${role} ${layer.input.h}x${layer.input.w}${relaxed ? ' relaxed' : ''}`).toBeNull();
  });
});
