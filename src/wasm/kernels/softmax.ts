// Softmax (with cross-entropy) kernels as WebAssembly. Each sample is a row of K channels
// (the input is K×1×1); the semantics, and the arithmetic, are the JS target's
// (generated/*.ts softmax*_forward / _loss / _backward), which works in float64 (JS numbers)
// and rounds to float32 only on store:
//   forward  y = exp(x − max) / Σ exp(x − max)                      writes y
//   loss     lse = max + log Σ exp(x − max); dx = y − z;
//            J = Σ_t Σ_{k: z≠0} −z·(x − lse)  (a sum over the batch, not a mean)
//                                                                    writes dx, returns J (f64)
//   backward dot = Σ_k dy·y; dx = y·(dy − dot)                      writes dx
// The rows are short (10 in LeNet) and the work tiny beside the conv and full layers, so
// the kernels are scalar float64, the same operations in the same order as the JS kernels:
// outputs agree with the JS target to the last float32 bit except in rare double-rounding
// ties. WebAssembly has no exp or log: `<name>$exp` and `<name>$log` are float64 helpers
// in the module (range reduction + polynomial, within about 1 ulp of float64, so far below
// float32 rounding), see emitExp and emitLog.
import type { SoftmaxLayer } from '../../model/checked.js';
import { Func } from '../asm.js';
import type { Addresses, WasmContext, WasmKernel, WasmOpEmitter, WasmRole } from './types.js';

const LOG2E = 1.4426950408889634;
// ln 2 split (fdlibm): LN2_HI has 32 significant bits, so n·LN2_HI is exact for |n| < 2^21.
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;

/** Pushes 2^k (k in [-1022, 1023], an i32 on the stack) as an f64, by building its bits. */
function pow2(f: Func): void {
  f.i32(1023).op('i32.add').op('i64.extend_i32_s').i32(52).op('i64.extend_i32_s').op('i64.shl').op('f64.reinterpret_i64');
}

/**
 * exp(x) for an f64 x, as an f64 within about 1 ulp: NaN → NaN, x > ln(max double) → +∞,
 * x < −746 (also −∞) → 0. x = n·ln2 + r with n = round(x·log2 e), |r| ≤ ln2/2 (Cody–Waite,
 * two-part ln 2); exp(r) by its Taylor polynomial to degree 13 (truncation < 5e-18
 * relative) in Horner form; then × 2^⌊n/2⌋ × 2^(n−⌊n/2⌋), two normal powers, so results
 * that are subnormal in float64 are rounded once.
 */
export function emitExp(name: string): Func {
  const f = new Func(name, [['x', 'f64']], ['f64']);
  const n = f.local('n', 'f64'), r = f.local('r', 'f64'), p = f.local('p', 'f64');
  const ni = f.local('ni', 'i32'), n1 = f.local('n1', 'i32');
  f.get('x').get('x').op('f64.ne').op('if').get('x').op('return').end();
  f.get('x').op('f64.const', 709.782712893384).op('f64.gt').op('if').op('f64.const', Infinity).op('return').end();
  f.get('x').op('f64.const', -746).op('f64.lt').op('if').op('f64.const', 0).op('return').end();
  f.get('x').op('f64.const', LOG2E).op('f64.mul').op('f64.nearest').set(n);
  f.get('x').get(n).op('f64.const', LN2_HI).op('f64.mul').op('f64.sub')
    .get(n).op('f64.const', LN2_LO).op('f64.mul').op('f64.sub').set(r);
  f.op('f64.const', 1 / factorial(13)).set(p);
  for (let k = 12; k >= 0; k--) f.get(p).get(r).op('f64.mul').op('f64.const', k === 0 ? 1 : 1 / factorial(k)).op('f64.add').set(p);
  f.get(n).op('i32.trunc_f64_s').tee(ni).i32(1).op('i32.shr_s').set(n1);
  f.get(p).get(n1);
  pow2(f);
  f.op('f64.mul').get(ni).get(n1).op('i32.sub');
  pow2(f);
  f.op('f64.mul');
  return f;
}

function factorial(k: number): number {
  let v = 1;
  for (let i = 2; i <= k; i++) v *= i;
  return v;
}

/**
 * log(x) for an f64 x, within about 1 ulp: NaN → NaN, x < 0 → NaN, ±0 → −∞, +∞ → +∞.
 * x = m·2^e with m in [√½, √2) (subnormals scaled by 2^54 first; m by rewriting the
 * exponent bits); log m = 2·atanh f, f = (m−1)/(m+1), |f| ≤ 0.1716, as the odd series
 * 2f(1 + f²/3 + … + f²⁰/21) (truncation < 1e-18 relative); then e·LN2_HI + (log m + e·LN2_LO).
 */
export function emitLog(name: string): Func {
  const f = new Func(name, [['x', 'f64']], ['f64']);
  const k = f.local('k', 'i32'), e = f.local('e', 'i32'), bits = f.local('bits', 'i64');
  const m = f.local('m', 'f64'), fr = f.local('f', 'f64'), s = f.local('s', 'f64'), q = f.local('q', 'f64');
  const f2 = f.local('f2', 'f64'), de = f.local('de', 'f64');
  f.get('x').get('x').op('f64.ne').op('if').get('x').op('return').end();
  f.get('x').op('f64.const', 0).op('f64.lt').op('if').op('f64.const', NaN).op('return').end();
  f.get('x').op('f64.const', 0).op('f64.eq').op('if').op('f64.const', -Infinity).op('return').end();
  f.get('x').op('f64.const', Infinity).op('f64.eq').op('if').get('x').op('return').end();
  f.i32(0).set(k);
  f.get('x').op('f64.const', 2.2250738585072014e-308).op('f64.lt').op('if')
    .get('x').op('f64.const', 2 ** 54).op('f64.mul').set('x').i32(-54).set(k).end();
  f.get('x').op('i64.reinterpret_f64').tee(bits).i32(52).op('i64.extend_i32_s').op('i64.shr_u').op('i32.wrap_i64')
    .i32(1023).op('i32.sub').set(e);
  f.get(bits).get(e).op('i64.extend_i32_s').i32(52).op('i64.extend_i32_s').op('i64.shl').op('i64.sub')
    .op('f64.reinterpret_i64').set(m);
  f.get(m).op('f64.const', Math.SQRT2).op('f64.gt').op('if')
    .get(m).op('f64.const', 0.5).op('f64.mul').set(m).get(e).i32(1).op('i32.add').set(e).end();
  f.get(e).get(k).op('i32.add').set(e);
  f.get(m).op('f64.const', 1).op('f64.sub').get(m).op('f64.const', 1).op('f64.add').op('f64.div').set(fr);
  f.get(fr).get(fr).op('f64.mul').set(s);
  f.op('f64.const', 1 / 21).set(q);
  for (let j = 9; j >= 1; j--) f.get(q).get(s).op('f64.mul').op('f64.const', 1 / (2 * j + 1)).op('f64.add').set(q);
  f.get(fr).get(fr).op('f64.add').set(f2);
  f.get(e).op('f64.convert_i32_s').set(de);
  // e·LN2_HI + ((2f + 2f·s·q) + e·LN2_LO)
  f.get(de).op('f64.const', LN2_HI).op('f64.mul')
    .get(f2).get(f2).get(s).op('f64.mul').get(q).op('f64.mul').op('f64.add')
    .get(de).op('f64.const', LN2_LO).op('f64.mul').op('f64.add')
    .op('f64.add');
  return f;
}

/** Row loop: `r` runs over the byte offsets of the T rows (0, 4K, 8K, …). */
function rows(f: Func, T: number, K: number, body: () => void): void {
  const r = f.local('r', 'i32');
  f.i32(0).set(r);
  f.op('loop', 'Lrow');
  body();
  f.get(r).i32(4 * K).op('i32.add').tee(r).i32(4 * K * T).op('i32.lt_u').op('br_if', 'Lrow');
  f.end();
}

/** Loop over a row's elements: `p` runs over byte offsets r + 4k for k in [from, K). */
function elements(f: Func, label: string, K: number, from: number, body: (p: string) => void): void {
  if (from >= K) return;
  const p = f.local('p', 'i32'), end = f.local('pend', 'i32');
  f.get('r').i32(4 * from).op('i32.add').set(p);
  f.get('r').i32(4 * K).op('i32.add').set(end);
  f.op('loop', label);
  body(p);
  f.get(p).i32(4).op('i32.add').tee(p).get(end).op('i32.lt_u').op('br_if', label);
  f.end();
}

const loadF64 = (f: Func, p: string, at: number) => f.get(p).op('f32.load', at).op('f64.promote_f32');

/** m = the row's maximum as JS finds it (first element, then any greater one), s = Σ exp(x − m). */
function maxAndSum(f: Func, K: number, ax: number, exp: string): void {
  const m = f.local('m', 'f64'), s = f.local('s', 'f64'), v = f.local('v', 'f64');
  f.get('r').op('f32.load', ax).op('f64.promote_f32').set(m);
  elements(f, 'Lmax', K, 1, (p) => {
    loadF64(f, p, ax).set(v);
    f.get(v).get(m).get(v).get(m).op('f64.gt').op('select').set(m);
  });
  f.op('f64.const', 0).set(s);
  elements(f, 'Lsum', K, 0, (p) => {
    f.get(s);
    loadF64(f, p, ax).get(m).op('f64.sub').op('call', exp);
    f.op('f64.add').set(s);
  });
}

function forward(K: number, T: number, name: string, at: Addresses): WasmKernel {
  const f = new Func(name);
  const exp = `${name}$exp`;
  rows(f, T, K, () => {
    maxAndSum(f, K, at.x, exp);
    elements(f, 'Ly', K, 0, (p) => {
      f.get(p);
      loadF64(f, p, at.x).get('m').op('f64.sub').op('call', exp).get('s').op('f64.div');
      f.op('f32.demote_f64').op('f32.store', at.y);
    });
  });
  return { role: 'forward', func: f, helpers: [emitExp(exp)], schedule: `${T} rows of ${K}: max, exp-sum, scale (scalar float64 as the JS kernel)` };
}

function loss(K: number, T: number, name: string, at: Addresses): WasmKernel {
  const f = new Func(name, [], ['f64']);
  const exp = `${name}$exp`, log = `${name}$log`;
  const J = f.local('J', 'f64'), lse = f.local('lse', 'f64'), zk = f.local('zk', 'f64');
  f.op('f64.const', 0).set(J);
  rows(f, T, K, () => {
    maxAndSum(f, K, at.x, exp);
    f.get('m').get('s').op('call', log).op('f64.add').set(lse);
    elements(f, 'Ldx', K, 0, (p) => {
      loadF64(f, p, at.z).set(zk);
      f.get(p);
      loadF64(f, p, at.y).get(zk).op('f64.sub').op('f32.demote_f64').op('f32.store', at.dx);
      f.get(zk).op('f64.const', 0).op('f64.ne').op('if');
      f.get(J).get(zk);
      loadF64(f, p, at.x).get(lse).op('f64.sub').op('f64.mul').op('f64.sub').set(J);
      f.end();
    });
  });
  f.get(J);
  return {
    role: 'loss', func: f, helpers: [emitExp(exp), emitLog(log)],
    schedule: `${T} rows of ${K}: log-sum-exp, dx = y − z, J = −Σ z·(x − lse) summed over the batch (scalar float64 as the JS kernel)`,
  };
}

function backward(K: number, T: number, name: string, at: Addresses): WasmKernel {
  const f = new Func(name);
  const dot = f.local('dot', 'f64');
  rows(f, T, K, () => {
    f.op('f64.const', 0).set(dot);
    elements(f, 'Ldot', K, 0, (p) => {
      f.get(dot);
      loadF64(f, p, at.dy);
      loadF64(f, p, at.y).op('f64.mul').op('f64.add').set(dot);
    });
    elements(f, 'Ldx', K, 0, (p) => {
      f.get(p);
      loadF64(f, p, at.y);
      loadF64(f, p, at.dy).get(dot).op('f64.sub').op('f64.mul').op('f32.demote_f64').op('f32.store', at.dx);
    });
  });
  return { role: 'backward', func: f, schedule: `${T} rows of ${K}: dot, then y·(dy − dot) (scalar float64 as the JS kernel)` };
}

export const wasmSoftmax: WasmOpEmitter<SoftmaxLayer> = {
  roles: ['forward', 'loss', 'backward'],
  emit(layer: SoftmaxLayer, role: WasmRole, name: string, at: Addresses, ctx: WasmContext): WasmKernel {
    const K = layer.input.c * layer.input.h * layer.input.w;
    switch (role) {
      case 'forward': return forward(K, ctx.batch, name, at);
      case 'loss': return loss(K, ctx.batch, name, at);
      case 'backward': return backward(K, ctx.batch, name, at);
      default: throw new Error(`wasm softmax: no ${role} kernel`);
    }
  },
};
