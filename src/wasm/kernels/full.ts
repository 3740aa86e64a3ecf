// Full (fully connected) layer kernels as WebAssembly SIMD (f32x4). Each sample's input is
// the previous block flattened, K = C·H·W numbers; w is [O][K] (row o holds output o's
// weights); y and dy are [T][O]. Semantics are the JS target's (generated/*.ts) and the
// interpreter's (src/interp/ops/full.ts):
//   forward   y[t][o]   = Σ_i w[o][i]·x[t][i] (+ b[o])          writes y
//   backward  dx[t][i]  = Σ_o dy[t][o]·w[o][i]                   writes dx
//   grad      dw[o][i] += Σ_t dy[t][o]·x[t][i];  db[o] += Σ_t dy[t][o]   adds
//
// Schedules (register blocks of f32x4 accumulators, live across the whole reduction; all
// sizes and addresses literal, block loops at run time, the reduction loop unrolled ×U):
//   forward   TB samples × OB outputs of dot products over the contiguous i: per 4 inputs,
//             TB x vectors and OB w vectors feed TB·OB multiply-adds; horizontal sums at
//             the end. The last K mod 4 inputs are one vector loaded with its unused lanes
//             zero (in x and in w, so no garbage·0 NaN can enter).
//   backward TB samples × IV vectors of i, reduction over o: splat(dy[t][o]) × w[o][i..i+3];
//             dx stored once (no clearing pass). A partial last vector is computed whole
//             (lanes are independent, so over-read garbage stays in lanes never stored)
//             and stored lane by lane.
//   grad      OB outputs × IV vectors of i, reduction over t: splat(dy[t][o]) × x[t][i..i+3];
//             then dw += the block (load, add, store; partial vector lane by lane).
//             db: one vector of 4 outputs at a time summed over t, added into db.
//
// The blocking (TB, OB, IV, U per role) is the plan's: src/lower/wasm-full.ts chooses it, with
// the measurements behind the choice.
import type { FullLayer } from '../../model/checked.js';
import { size3 } from '../../model/checked.js';
import type { FullBlocking, WasmSchedule } from '../../lower/types.js';
import { Func } from '../asm.js';
import type { Addresses, WasmContext, WasmKernel, WasmOpEmitter, WasmRole } from './types.js';

export type { FullBlocking };

/** Emits `body` `count` times: inline when count ≤ 1, else as a loop with a countdown. */
function repeat(f: Func, label: string, count: number, body: () => void): void {
  if (count <= 0) return;
  if (count === 1) { body(); return; }
  const c = f.local(`${label}_n`, 'i32');
  f.i32(count).set(c);
  f.op('loop', label);
  body();
  f.get(c).i32(1).op('i32.sub').tee(c).op('br_if', label);
  f.end();
}

function bump(f: Func, p: string, bytes: number): void {
  if (bytes !== 0) f.get(p).i32(bytes).op('i32.add').set(p);
}

/** acc = a·b + acc (relaxed: one relaxed_madd; else mul then add). */
function madd(f: Func, acc: string, a: string, b: string, relaxed: boolean): void {
  if (relaxed) f.get(a).get(b).get(acc).op('f32x4.relaxed_madd').set(acc);
  else f.get(acc).get(a).get(b).op('f32x4.mul').op('f32x4.add').set(acc);
}

/** Pushes the vector of the first `n` (1..3) floats at ptr+off, other lanes zero. */
function loadPartial(f: Func, ptr: string, off: number, n: number): void {
  if (n === 1) f.get(ptr).op('v128.load32_zero', off);
  else if (n === 2) f.get(ptr).op('v128.load64_zero', off);
  else f.get(ptr).op('v128.load', off).f32(0).op('f32x4.replace_lane', 3);
}

/** Stores the first `n` (1..4) lanes of local `v` at ptr+off. */
function storeLanes(f: Func, ptr: string, off: number, v: string, n: number): void {
  if (n === 4) { f.get(ptr).get(v).op('v128.store', off); return; }
  if (n >= 2) f.get(ptr).get(v).op('v128.store64_lane', off, 0);
  if (n === 1) f.get(ptr).get(v).op('v128.store32_lane', off, 0);
  if (n === 3) f.get(ptr).get(v).op('v128.store32_lane', off + 8, 2);
}

const zero = (f: Func, l: string) => f.op('v128.const', 'i32x4', 0, 0, 0, 0).set(l);

interface Dims { T: number; K: number; O: number }

const dims = (layer: FullLayer, ctx: WasmContext): Dims => ({ T: ctx.batch, K: size3(layer.input), O: layer.output.c });

/** Runs of blocks: `count` blocks of `size`, then the remainder as one smaller block. */
function kinds(total: number, size: number): { size: number; count: number }[] {
  const out = [{ size, count: Math.floor(total / size) }];
  if (total % size) out.push({ size: total % size, count: 1 });
  return out.filter((k) => k.count > 0);
}

function forward(layer: FullLayer, name: string, at: Addresses, ctx: WasmContext, bl: FullBlocking['fwd']): WasmKernel {
  const { T, K, O } = dims(layer, ctx);
  const f = new Func(name);
  const Kb = 4 * K;
  const K4 = Math.floor(K / 4);
  const kr = K % 4;
  const xt = f.local('xt', 'i32'), yt = f.local('yt', 'i32'), wo = f.local('wo', 'i32'), yo = f.local('yo', 'i32');
  const pi = f.local('pi', 'i32'), pj = f.local('pj', 'i32');
  const bo = layer.bias ? f.local('bo', 'i32') : '';
  const acc = (j: number, q: number) => f.local(`a${j}_${q}`, 'v128');
  const xv = (j: number) => f.local(`x${j}`, 'v128');
  const wv = (q: number) => f.local(`w${q}`, 'v128');

  const block = (ts: number, os: number) => {
    for (let j = 0; j < ts; j++) for (let q = 0; q < os; q++) zero(f, acc(j, q));
    f.get(xt).set(pi).get(wo).set(pj);
    const step = (s: number, partial: number) => {
      for (let j = 0; j < ts; j++) {
        if (partial) loadPartial(f, pi, j * Kb + 16 * s, partial);
        else f.get(pi).op('v128.load', j * Kb + 16 * s);
        f.set(xv(j));
      }
      for (let q = 0; q < os; q++) {
        if (partial) loadPartial(f, pj, q * Kb + 16 * s, partial);
        else f.get(pj).op('v128.load', q * Kb + 16 * s);
        f.set(wv(q));
      }
      for (let j = 0; j < ts; j++) for (let q = 0; q < os; q++) madd(f, acc(j, q), xv(j), wv(q), ctx.relaxed);
    };
    const u = Math.max(1, Math.min(bl.u, K4));
    repeat(f, 'Li', Math.floor(K4 / u), () => {
      for (let s = 0; s < u; s++) step(s, 0);
      bump(f, pi, 16 * u); bump(f, pj, 16 * u);
    });
    const rest = K4 % u;
    for (let s = 0; s < rest; s++) step(s, 0);
    if (kr) step(rest, kr);
    for (let j = 0; j < ts; j++) for (let q = 0; q < os; q++) {
      const a = acc(j, q);
      f.get(yo);
      f.get(a).op('f32x4.extract_lane', 0).get(a).op('f32x4.extract_lane', 1).op('f32.add');
      f.get(a).op('f32x4.extract_lane', 2).get(a).op('f32x4.extract_lane', 3).op('f32.add');
      f.op('f32.add');
      if (layer.bias) f.get(bo).op('f32.load', 4 * q).op('f32.add');
      f.op('f32.store', j * 4 * O + 4 * q);
    }
  };

  f.i32(at.x).set(xt).i32(at.y).set(yt);
  for (const tk of kinds(T, bl.tb)) {
    repeat(f, `Lt${tk.size}`, tk.count, () => {
      f.i32(at.w).set(wo).get(yt).set(yo);
      if (layer.bias) f.i32(at.b).set(bo);
      for (const ok of kinds(O, bl.ob)) {
        repeat(f, `Lo${tk.size}_${ok.size}`, ok.count, () => {
          block(tk.size, ok.size);
          bump(f, wo, ok.size * Kb); bump(f, yo, 4 * ok.size);
          if (layer.bias) bump(f, bo, 4 * ok.size);
        });
      }
      bump(f, xt, tk.size * Kb); bump(f, yt, tk.size * 4 * O);
    });
  }
  return {
    role: 'forward', func: f,
    schedule: `${bl.tb} samples × ${bl.ob} outputs of f32x4 dot products over K=${K} (${K4} vectors${kr ? ` + ${kr} zero-padded` : ''}${bl.u > 1 ? `, ×${bl.u} unrolled` : ''}), horizontal sums${layer.bias ? ' + bias' : ''}`,
  };
}

function backward(layer: FullLayer, name: string, at: Addresses, ctx: WasmContext, bl: FullBlocking['bwd']): WasmKernel {
  const { T, K, O } = dims(layer, ctx);
  const f = new Func(name);
  const Kb = 4 * K, Ob = 4 * O;
  const K4 = Math.floor(K / 4);
  const kr = K % 4;
  const dt = f.local('dt', 'i32'), xt = f.local('xt', 'i32'), wi = f.local('wi', 'i32'), xi = f.local('xi', 'i32');
  const pd = f.local('pd', 'i32'), pw = f.local('pw', 'i32');
  const acc = (j: number, v: number) => f.local(`a${j}_${v}`, 'v128');
  const dv = (j: number) => f.local(`d${j}`, 'v128');
  const wv = (v: number) => f.local(`w${v}`, 'v128');

  const block = (ts: number, vs: number, partial: number) => {
    for (let j = 0; j < ts; j++) for (let v = 0; v < vs; v++) zero(f, acc(j, v));
    f.get(dt).set(pd).get(wi).set(pw);
    const step = (s: number) => {
      for (let v = 0; v < vs; v++) f.get(pw).op('v128.load', s * Kb + 16 * v).set(wv(v));
      for (let j = 0; j < ts; j++) f.get(pd).op('v128.load32_splat', j * Ob + 4 * s).set(dv(j));
      for (let j = 0; j < ts; j++) for (let v = 0; v < vs; v++) madd(f, acc(j, v), dv(j), wv(v), ctx.relaxed);
    };
    const u = Math.max(1, Math.min(bl.u, O));
    repeat(f, 'Lr', Math.floor(O / u), () => {
      for (let s = 0; s < u; s++) step(s);
      bump(f, pd, 4 * u); bump(f, pw, Kb * u);
    });
    for (let s = 0; s < O % u; s++) step(s);
    for (let j = 0; j < ts; j++) for (let v = 0; v < vs; v++) {
      storeLanes(f, xi, j * Kb + 16 * v, acc(j, v), partial && v === vs - 1 ? partial : 4);
    }
  };

  f.i32(at.dy).set(dt).i32(at.dx).set(xt);
  const iKinds = [{ size: bl.iv, count: Math.floor(K4 / bl.iv), partial: 0 }];
  if (K4 % bl.iv || kr) iKinds.push({ size: (K4 % bl.iv) + (kr ? 1 : 0), count: 1, partial: kr });
  for (const tk of kinds(T, bl.tb)) {
    repeat(f, `Lt${tk.size}`, tk.count, () => {
      f.i32(at.w).set(wi).get(xt).set(xi);
      for (const ik of iKinds.filter((k) => k.count > 0)) {
        repeat(f, `Lv${tk.size}_${ik.size}`, ik.count, () => {
          block(tk.size, ik.size, ik.partial);
          bump(f, wi, 16 * ik.size); bump(f, xi, 16 * ik.size);
        });
      }
      bump(f, dt, tk.size * Ob); bump(f, xt, tk.size * Kb);
    });
  }
  return {
    role: 'backward', func: f,
    schedule: `${bl.tb} samples × ${bl.iv} f32x4 vectors of dx over O=${O} outputs (splat dy × w rows${bl.u > 1 ? `, ×${bl.u} unrolled` : ''}), dx stored once${kr ? `; last vector stores ${kr} lanes` : ''}`,
  };
}

function grad(layer: FullLayer, name: string, at: Addresses, ctx: WasmContext, bl: FullBlocking['grad']): WasmKernel {
  const { T, K, O } = dims(layer, ctx);
  const f = new Func(name);
  const Kb = 4 * K, Ob = 4 * O;
  const K4 = Math.floor(K / 4);
  const kr = K % 4;
  const dyo = f.local('dyo', 'i32'), wo = f.local('wo', 'i32'), xi = f.local('xi', 'i32'), wi = f.local('wi', 'i32');
  const pd = f.local('pd', 'i32'), px = f.local('px', 'i32');
  const acc = (q: number, v: number) => f.local(`a${q}_${v}`, 'v128');
  const dv = (q: number) => f.local(`d${q}`, 'v128');
  const xv = (v: number) => f.local(`x${v}`, 'v128');
  const tmp = f.local('tmp', 'v128');

  const block = (os: number, vs: number, partial: number) => {
    for (let q = 0; q < os; q++) for (let v = 0; v < vs; v++) zero(f, acc(q, v));
    f.get(dyo).set(pd).get(xi).set(px);
    const step = (s: number) => {
      for (let v = 0; v < vs; v++) f.get(px).op('v128.load', s * Kb + 16 * v).set(xv(v));
      for (let q = 0; q < os; q++) f.get(pd).op('v128.load32_splat', s * Ob + 4 * q).set(dv(q));
      for (let q = 0; q < os; q++) for (let v = 0; v < vs; v++) madd(f, acc(q, v), dv(q), xv(v), ctx.relaxed);
    };
    const u = Math.max(1, Math.min(bl.u, T));
    repeat(f, 'Lr', Math.floor(T / u), () => {
      for (let s = 0; s < u; s++) step(s);
      bump(f, pd, Ob * u); bump(f, px, Kb * u);
    });
    for (let s = 0; s < T % u; s++) step(s);
    for (let q = 0; q < os; q++) for (let v = 0; v < vs; v++) {
      const off = q * Kb + 16 * v;
      const n = partial && v === vs - 1 ? partial : 4;
      if (n === 4) f.get(wi).get(wi).op('v128.load', off).get(acc(q, v)).op('f32x4.add').op('v128.store', off);
      else {
        f.get(wi).op('v128.load', off).get(acc(q, v)).op('f32x4.add').set(tmp);
        storeLanes(f, wi, off, tmp, n);
      }
    }
  };

  f.i32(at.dy).set(dyo).i32(at.dw).set(wo);
  const iKinds = [{ size: bl.iv, count: Math.floor(K4 / bl.iv), partial: 0 }];
  if (K4 % bl.iv || kr) iKinds.push({ size: (K4 % bl.iv) + (kr ? 1 : 0), count: 1, partial: kr });
  for (const ok of kinds(O, bl.ob)) {
    repeat(f, `Lo${ok.size}`, ok.count, () => {
      f.i32(at.x).set(xi).get(wo).set(wi);
      for (const ik of iKinds.filter((k) => k.count > 0)) {
        repeat(f, `Lv${ok.size}_${ik.size}`, ik.count, () => {
          block(ok.size, ik.size, ik.partial);
          bump(f, xi, 16 * ik.size); bump(f, wi, 16 * ik.size);
        });
      }
      bump(f, dyo, 4 * ok.size); bump(f, wo, ok.size * Kb);
    });
  }
  if (layer.bias) {
    // db[o..o+3] += Σ_t dy[t][o..o+3]: one vector of outputs at a time (over-read lanes unused).
    const s = f.local('s', 'v128');
    const po = f.local('po', 'i32');
    f.i32(0).set(po);
    const dbBlock = (n: number) => {
      zero(f, s);
      f.i32(at.dy).get(po).op('i32.add').set(pd);
      repeat(f, 'Lbt', T, () => {
        f.get(s).get(pd).op('v128.load', 0).op('f32x4.add').set(s);
        bump(f, pd, Ob);
      });
      f.get(po).op('v128.load', at.db).get(s).op('f32x4.add').set(tmp);
      if (n === 4) f.get(po).get(tmp).op('v128.store', at.db);
      else storeLanes(f, po, at.db, tmp, n);
      bump(f, po, 16);
    };
    repeat(f, 'Lbo', Math.floor(O / 4), () => dbBlock(4));
    if (O % 4) dbBlock(O % 4);
  }
  return {
    role: 'grad', func: f,
    schedule: `${bl.ob} outputs × ${bl.iv} f32x4 vectors of dw over T=${T} samples (splat dy × x rows${bl.u > 1 ? `, ×${bl.u} unrolled` : ''}), added into dw${kr ? `; last vector stores ${kr} lanes` : ''}${layer.bias ? '; db one vector of 4 outputs at a time' : ''}`,
  };
}

/** The kernel of one role with a given blocking (the plan's; the benchmark tries several). */
export function emitFull(layer: FullLayer, role: WasmRole, name: string, at: Addresses, ctx: WasmContext,
  blocking: FullBlocking): WasmKernel {
  switch (role) {
    case 'forward': return forward(layer, name, at, ctx, blocking.fwd);
    case 'backward': return backward(layer, name, at, ctx, blocking.bwd);
    case 'grad': return grad(layer, name, at, ctx, blocking.grad);
    default: throw new Error(`wasm full: no ${role} kernel`);
  }
}

/** The kernel of one role with the plan's schedule of it. */
function emitPlanned(layer: FullLayer, role: WasmRole, name: string, at: Addresses, ctx: WasmContext, s: WasmSchedule | null | undefined): WasmKernel {
  if (role === 'forward' && s?.kind === 'full-forward') return forward(layer, name, at, ctx, s);
  if (role === 'backward' && s?.kind === 'full-backward') return backward(layer, name, at, ctx, s);
  if (role === 'grad' && s?.kind === 'full-grad') return grad(layer, name, at, ctx, s);
  throw new Error(`wasm full ${layer.name} ${role}: the plan's schedule is ${s ? s.kind : 'missing'}`);
}

export const wasmFull: WasmOpEmitter<FullLayer> = {
  roles: ['forward', 'backward', 'grad'],
  emit: emitPlanned,
};
