// Batch normalisation as WebAssembly: forward (training: batch statistics, caches xhat and
// invStd, running statistics updated), infer (running statistics, same caches) and
// backward (dgamma, dbeta ADDED; dx written; `training` (i32 parameter) chooses the full
// gradient or the one with μ, σ² constants). The arithmetic is the JS kernels', in float64
// with float32 loads and stores (f64x2.promote_low_f32x4 / f32x4.demote_f64x2_zero):
//   mean = Σx / L, var = Σ(x - mean)² / L (biased), inv = 1 / sqrt(var + ε),
//   xhat = (x - mean)·inv, y = γ·xhat + β,
//   running = (1 - momentum)·running + momentum·batch (biased var, as the interpreter);
//   backward: sg = Σdy, sgx = Σdy·xhat, dγ += sgx, dβ += sg,
//   training dx = (γ·inv / L)·(L·dy - sg - xhat·sgx), else dx = (γ·inv)·dy.
// Schedules:
//   position mode (a line is the T values of one position (k,i,j); positions contiguous):
//     f64x2 across 2 positions, POS_BLOCK positions (independent add chains) per block, the
//     batch loop unrolled (T ≤ T_UNROLL; else a loop) as literal memarg offsets: every line
//     sums in the JS kernel's order, so results are the JS kernel's bit for bit. The last
//     P mod POS_BLOCK positions are one straight-line block (a lone position in lane 0 of
//     a 32-bit load, stored by lane).
//   channel mode (a line is T runs of H·W contiguous values): per channel, loops over the
//     batch and over each run, 4 values per step in two f64x2 accumulators (summed at the
//     end: the order differs from the JS kernel's, not the precision), a 1–3 value tail.
// Measured (bench/kernels/wasm-misc.mjs, LeNet n2 position mode over 32x16x14x14, CPU ms
// per call, median of 5 rounds on the shared 2-core machine, load ~8): forward JS 0.41-0.43,
// wasm 0.10-0.12; infer 0.20-0.21 -> 0.055-0.063; backward (training) 0.31-0.33 ->
// 0.083-0.086; backward (inference) 0.25-0.27 -> 0.063-0.073. POS_BLOCK 4 measured the
// same as 8, 16 slower (0.17 forward: too many live v128 locals). Channel mode on n2's
// shape (no JS counterpart in LeNet): forward 0.085, infer 0.042, backward 0.072. The bench
// also checks that position mode writes exactly the JS kernels' bits (0 elements differ).
import type { BnLayer } from '../../model/checked.js';
import { Func } from '../asm.js';
import type { Addresses, WasmContext, WasmKernel, WasmOpEmitter, WasmRole } from './types.js';

/** Positions per block in position mode (f64x2 pairs: POS_BLOCK / 2 independent chains). */
const POS_BLOCK = 8;
/** Largest batch whose loop is unrolled in position mode. */
const T_UNROLL = 32;

type Width = 1 | 2;

/** `body` n times: straight-line once, else a count-down loop on `counter`. */
function counted(f: Func, counter: string, label: string, n: number, body: () => void): void {
  if (n <= 0) return;
  if (n === 1) { body(); return; }
  f.i32(n).set(counter);
  f.op('loop', label);
  body();
  f.get(counter).i32(1).op('i32.sub').tee(counter).op('br_if', label);
  f.end();
}

function bump(f: Func, l: string, step: number): void {
  if (step !== 0) f.get(l).i32(step).op('i32.add').set(l);
}

/** Pushes `width` float32 values at addr + off as float64 lanes (lane 1 = 0 for width 1). */
function ld(f: Func, addr: string, off: number, width: Width): void {
  f.get(addr).op(width === 2 ? 'v128.load64_zero' : 'v128.load32_zero', off).op('f64x2.promote_low_f32x4');
}

/** Stores the float64 lanes `value` pushes as `width` float32 values at addr + off. */
function st(f: Func, addr: string, off: number, width: Width, value: () => void): void {
  f.get(addr);
  value();
  f.op('f32x4.demote_f64x2_zero').op(width === 2 ? 'v128.store64_lane' : 'v128.store32_lane', off, 0);
}

const zero = (f: Func) => f.op('v128.const', 'i32x4', 0, 0, 0, 0);

interface Consts { T: string; eps: string; one: string; keep: string; mom: string }

/** Splatted float64 constants in locals (set once at the top). */
function consts(f: Func, layer: BnLayer, L: number): Consts {
  const c = (name: string, v: number) => { f.op('f64.const', v).op('f64x2.splat').set(f.local(name, 'v128')); return name; };
  return { T: c('cL', L), eps: c('cEps', layer.eps), one: c('cOne', 1), keep: c('cKeep', 1 - layer.momentum), mom: c('cMom', layer.momentum) };
}

// ---------------------------------------------------------------- position mode

/** `sync`: a shard build (the sums are exchanged between kernels; Consts.T is the whole mini-batch's line length). */
interface PosGeom { T: number; P: number; at: Addresses; sync: boolean }

/** body(addr, off) for every sample t: addr + off addresses sample t of the block. */
function overT(f: Func, g: PosGeom, body: (addr: string, off: number) => void): void {
  if (g.T <= T_UNROLL) {
    for (let t = 0; t < g.T; t++) body('p', t * g.P * 4);
    return;
  }
  const q = f.local('q', 'i32');
  f.get('p').set(q);
  counted(f, f.local('nt', 'i32'), 'samples', g.T, () => { body(q, 0); bump(f, q, g.P * 4); });
}

/**
 * One block of positions starting at byte offset `p`: pairs of the given widths. Shard
 * builds (`g.sync`) run the ordinary kernel's stages, stopped where a line's sum is
 * complete (stats, spread, backsums store it to `sums`, float64 per position: byte offset
 * 2·p, the second half 8·P further) or resumed from the exchanged sums (spread, forward,
 * backward load them).
 */
function posBlock(f: Func, role: WasmRole, g: PosGeom, k: Consts, ws: Width[]): void {
  const { at, P } = g;
  const m = ws.map((_, s) => f.local(`m${s}`, 'v128'));
  const v = ws.map((_, s) => f.local(`v${s}`, 'v128'));
  const inv = ws.map((_, s) => f.local(`i${s}`, 'v128'));
  const ga = ws.map((_, s) => f.local(`g${s}`, 'v128'));
  const be = ws.map((_, s) => f.local(`b${s}`, 'v128'));
  const h = f.local('h', 'v128');
  const invFrom = (s: number, variance: () => void) => {
    f.get(k.one); variance(); f.get(k.eps).op('f64x2.add').op('f64x2.sqrt').op('f64x2.div').set(inv[s]);
    if ('invStd' in at) st(f, 'p', at.invStd + 8 * s, ws[s], () => f.get(inv[s])); // none in inference plans
  };
  const normalise = () => {
    ws.forEach((w, s) => { ld(f, 'p', at.gamma + 8 * s, w); f.set(ga[s]); ld(f, 'p', at.beta + 8 * s, w); f.set(be[s]); });
    overT(f, g, (a, off) => ws.forEach((w, s) => {
      ld(f, a, at.x + off + 8 * s, w); f.get(m[s]).op('f64x2.sub').get(inv[s]).op('f64x2.mul').set(h);
      if ('xhat' in at) st(f, a, at.xhat + off + 8 * s, w, () => f.get(h)); // none in inference plans
      st(f, a, at.y + off + 8 * s, w, () => f.get(ga[s]).get(h).op('f64x2.mul').get(be[s]).op('f64x2.add'));
    }));
  };
  const zeroAll = (xs: string[]) => xs.forEach((x) => { zero(f); f.set(x); });
  /** m += x over the batch. */
  const sumX = () => overT(f, g, (a, off) => ws.forEach((w, s) => { f.get(m[s]); ld(f, a, at.x + off + 8 * s, w); f.op('f64x2.add').set(m[s]); }));
  /** v += (x − m)² over the batch. */
  const sumSquares = () => overT(f, g, (a, off) => ws.forEach((w, s) => {
    ld(f, a, at.x + off + 8 * s, w); f.get(m[s]).op('f64x2.sub').tee(h).get(h).op('f64x2.mul').get(v[s]).op('f64x2.add').set(v[s]);
  }));
  const running = () => ws.forEach((w, s) => {
    st(f, 'p', at.runningMean + 8 * s, w, () => { f.get(k.keep); ld(f, 'p', at.runningMean + 8 * s, w); f.op('f64x2.mul').get(k.mom).get(m[s]).op('f64x2.mul').op('f64x2.add'); });
    st(f, 'p', at.runningVar + 8 * s, w, () => { f.get(k.keep); ld(f, 'p', at.runningVar + 8 * s, w); f.op('f64x2.mul').get(k.mom).get(v[s]).op('f64x2.mul').op('f64x2.add'); });
  });
  /** m := Σ dy, v := Σ dy·x̂ (both zeroed first); dγ += v, dβ += m, then `after(s, w)`. */
  const backSums = (after: (s: number, w: Width) => void = () => undefined) => {
    ws.forEach((_, s) => { zero(f); f.set(m[s]); zero(f); f.set(v[s]); });
    overT(f, g, (a, off) => ws.forEach((w, s) => {
      ld(f, a, at.dy + off + 8 * s, w); f.tee(h).get(m[s]).op('f64x2.add').set(m[s]);
      f.get(h); ld(f, a, at.xhat + off + 8 * s, w); f.op('f64x2.mul').get(v[s]).op('f64x2.add').set(v[s]);
    }));
    ws.forEach((w, s) => {
      st(f, 'p', at.dgamma + 8 * s, w, () => { ld(f, 'p', at.dgamma + 8 * s, w); f.get(v[s]).op('f64x2.add'); });
      st(f, 'p', at.dbeta + 8 * s, w, () => { ld(f, 'p', at.dbeta + 8 * s, w); f.get(m[s]).op('f64x2.add'); });
      after(s, w);
    });
  };
  /** dx from m = Σ dy and v = Σ dy·x̂ (training; `sums(s, w)` first sets them) or with μ, σ² constants. */
  const dx = (sums: (s: number, w: Width) => void = () => undefined) => {
    f.get('training').op('if');
    ws.forEach((w, s) => { sums(s, w); ld(f, 'p', at.gamma + 8 * s, w); ld(f, 'p', at.invStd + 8 * s, w); f.op('f64x2.mul').get(k.T).op('f64x2.div').set(inv[s]); });
    overT(f, g, (a, off) => ws.forEach((w, s) => st(f, a, at.dx + off + 8 * s, w, () => {
      f.get(inv[s]).get(k.T); ld(f, a, at.dy + off + 8 * s, w); f.op('f64x2.mul').get(m[s]).op('f64x2.sub');
      ld(f, a, at.xhat + off + 8 * s, w); f.get(v[s]).op('f64x2.mul').op('f64x2.sub').op('f64x2.mul');
    })));
    f.op('else');
    ws.forEach((w, s) => { ld(f, 'p', at.gamma + 8 * s, w); ld(f, 'p', at.invStd + 8 * s, w); f.op('f64x2.mul').set(inv[s]); });
    overT(f, g, (a, off) => ws.forEach((w, s) => st(f, a, at.dx + off + 8 * s, w, () => {
      f.get(inv[s]); ld(f, a, at.dy + off + 8 * s, w); f.op('f64x2.mul');
    })));
    f.end();
  };

  if (!g.sync) {
    if (role === 'forward') {
      ws.forEach((_, s) => { zero(f); f.set(m[s]); zero(f); f.set(v[s]); });
      sumX();
      ws.forEach((_, s) => f.get(m[s]).get(k.T).op('f64x2.div').set(m[s]));
      sumSquares();
      ws.forEach((_, s) => { f.get(v[s]).get(k.T).op('f64x2.div').set(v[s]); invFrom(s, () => f.get(v[s])); });
      normalise();
      running();
    } else if (role === 'infer') {
      ws.forEach((w, s) => { ld(f, 'p', at.runningMean + 8 * s, w); f.set(m[s]); invFrom(s, () => ld(f, 'p', at.runningVar + 8 * s, w)); });
      normalise();
    } else {
      backSums();
      dx();
    }
    return;
  }

  const q2 = f.local('q2', 'i32');
  f.get('p').i32(1).op('i32.shl').set(q2);
  const sumAt = (half: 0 | 1, s: number) => at.sums + half * 8 * P + 16 * s;
  const loadSum = (half: 0 | 1, s: number, w: Width) => f.get(q2).op(w === 2 ? 'v128.load' : 'v128.load64_zero', sumAt(half, s));
  const storeSum = (half: 0 | 1, s: number, w: Width, acc: string) => {
    f.get(q2).get(acc);
    if (w === 2) f.op('v128.store', sumAt(half, s)); else f.op('v128.store64_lane', sumAt(half, s), 0);
  };
  /** m (or v) := the exchanged sum of the given half divided by the line length. */
  const loadMean = (half: 0 | 1, into: string[]) => ws.forEach((w, s) => { loadSum(half, s, w); f.get(k.T).op('f64x2.div').set(into[s]); });
  if (role === 'stats') {
    zeroAll(m);
    sumX();
    ws.forEach((w, s) => storeSum(0, s, w, m[s]));
  } else if (role === 'spread') {
    loadMean(0, m);
    zeroAll(v);
    sumSquares();
    ws.forEach((w, s) => storeSum(1, s, w, v[s]));
  } else if (role === 'forward') {
    loadMean(0, m);
    loadMean(1, v);
    ws.forEach((_, s) => invFrom(s, () => f.get(v[s])));
    normalise();
    running();
  } else if (role === 'backsums') {
    backSums((s, w) => { storeSum(0, s, w, m[s]); storeSum(1, s, w, v[s]); });
  } else if (role === 'backward') {
    dx((s, w) => { loadSum(0, s, w); f.set(m[s]); loadSum(1, s, w); f.set(v[s]); });
  } else {
    throw new Error(`bn: no ${role} kernel in a shard build's position mode`);
  }
}

function emitPosition(f: Func, layer: BnLayer, role: WasmRole, T: number, at: Addresses, of?: number): string {
  const P = layer.input.c * layer.input.h * layer.input.w;
  // Shard builds divide by the whole mini-batch's line length (`of` samples); infer needs none.
  const sync = of !== undefined && role !== 'infer';
  const k = consts(f, layer, sync ? of : T);
  const g: PosGeom = { T, P, at, sync };
  const p = f.local('p', 'i32');
  const blocks = Math.floor(P / POS_BLOCK);
  const full: Width[] = Array(POS_BLOCK / 2).fill(2);
  f.i32(0).set(p);
  counted(f, f.local('np', 'i32'), 'blocks', blocks, () => { posBlock(f, role, g, k, full); bump(f, p, POS_BLOCK * 4); });
  const rest = P - blocks * POS_BLOCK;
  if (rest > 0) {
    f.i32(blocks * POS_BLOCK * 4).set(p);
    const ws: Width[] = Array(Math.floor(rest / 2)).fill(2);
    if (rest % 2) ws.push(1);
    posBlock(f, role, g, k, ws);
  }
  return `position mode: ${P} lines of ${T} values${sync ? ` (shard of ${of}: sums exchanged)` : ''}; f64x2 across positions, ${POS_BLOCK} per block (${blocks} block(s)` +
    `${rest ? ` + ${rest} straight-line` : ''}), batch loop ${T <= T_UNROLL ? 'unrolled' : 'a loop'}; float64 arithmetic as the JS kernel`;
}

// ---------------------------------------------------------------- channel mode

/** For every run value: body(addr, off, width, accumulator index 0|1), 4 values per step. */
function sweep(f: Func, from: string, n: number, body: (addr: string, off: number, w: Width, acc: 0 | 1) => void): void {
  const r = f.local('r', 'i32');
  f.get(from).set(r);
  const steps = Math.floor(n / 4);
  counted(f, f.local('nr', 'i32'), 'run', steps, () => { body(r, 0, 2, 0); body(r, 8, 2, 1); bump(f, r, 16); });
  const rem = n % 4;
  if (rem >= 2) body(r, 0, 2, 0);
  if (rem === 3) body(r, 8, 1, 1);
  if (rem === 1) body(r, 0, 1, 0);
}

/** Every run of the channel at byte offset kp: T runs of HW values, C·HW apart. */
function overRuns(f: Func, T: number, C: number, HW: number, body: (addr: string, off: number, w: Width, acc: 0 | 1) => void): void {
  const q = f.local('q', 'i32');
  f.get('kp').set(q);
  counted(f, f.local('nt', 'i32'), 'samples', T, () => { sweep(f, q, HW, body); bump(f, q, C * HW * 4); });
}

/** Scalar sum of the lanes of two f64x2 accumulators. */
function hsum(f: Func, a: string, b: string): void {
  f.get(a).op('f64x2.extract_lane', 0).get(a).op('f64x2.extract_lane', 1).op('f64.add');
  f.get(b).op('f64x2.extract_lane', 0).get(b).op('f64x2.extract_lane', 1).op('f64.add').op('f64.add');
}

function emitChannel(f: Func, layer: BnLayer, role: WasmRole, T: number, at: Addresses, of?: number): string {
  // Shard builds divide by the whole mini-batch's line length (`of` samples); infer needs none.
  const sync = of !== undefined && role !== 'infer';
  const C = layer.input.c, HW = layer.input.h * layer.input.w, L = (sync ? of : T) * HW;
  f.op('f64.const', L).op('f64x2.splat').set(f.local('cL', 'v128'));
  const k = { T: 'cL' };
  const kp = f.local('kp', 'i32'), kg = f.local('kg', 'i32');
  const a0 = f.local('a0', 'v128'), a1 = f.local('a1', 'v128'), b0 = f.local('b0', 'v128'), b1 = f.local('b1', 'v128');
  const acc = [a0, a1], acc2 = [b0, b1];
  const M = f.local('M', 'v128'), I = f.local('I', 'v128'), G = f.local('G', 'v128'), B = f.local('B', 'v128'), h = f.local('h', 'v128');
  const mean = f.local('mean', 'f64'), vr = f.local('var', 'f64'), inv = f.local('inv', 'f64');
  const s32 = (off: number, value: () => void) => { f.get(kg); value(); f.op('f32.demote_f64').op('f32.store', off); };
  const l32 = (off: number) => f.get(kg).op('f32.load', off).op('f64.promote_f32');
  const normalise = () => {
    f.get(mean).op('f64x2.splat').set(M).get(inv).op('f64x2.splat').set(I);
    l32(at.gamma); f.op('f64x2.splat').set(G); l32(at.beta); f.op('f64x2.splat').set(B);
    overRuns(f, T, C, HW, (a, off, w) => {
      ld(f, a, at.x + off, w); f.get(M).op('f64x2.sub').get(I).op('f64x2.mul').set(h);
      if ('xhat' in at) st(f, a, at.xhat + off, w, () => f.get(h)); // none in inference plans
      st(f, a, at.y + off, w, () => f.get(G).get(h).op('f64x2.mul').get(B).op('f64x2.add'));
    });
  };
  const invFrom = () => {
    f.op('f64.const', 1).get(vr).op('f64.const', layer.eps).op('f64.add').op('f64.sqrt').op('f64.div').set(inv);
    if ('invStd' in at) s32(at.invStd, () => f.get(inv)); // none in inference plans
  };
  /** Zeroes the two accumulators, runs `body` over the channel, leaves their lane sum on the stack. */
  const accumulate = (body: (a: string, off: number, w: Width, i: 0 | 1) => void) => {
    zero(f); f.set(a0); zero(f); f.set(a1);
    overRuns(f, T, C, HW, body);
    hsum(f, a0, a1);
  };
  const sumX = (a: string, off: number, w: Width, i: 0 | 1) => { f.get(acc[i]); ld(f, a, at.x + off, w); f.op('f64x2.add').set(acc[i]); };
  /** acc += (x − M)². */
  const sumSquares = (a: string, off: number, w: Width, i: 0 | 1) => {
    ld(f, a, at.x + off, w); f.get(M).op('f64x2.sub');
    if (w === 1) f.op('f64.const', 0).op('f64x2.replace_lane', 1); // lane 1 holds no value
    f.tee(h).get(h).op('f64x2.mul').get(acc[i]).op('f64x2.add').set(acc[i]);
  };
  const running = () => {
    s32(at.runningMean, () => { f.op('f64.const', 1 - layer.momentum); l32(at.runningMean); f.op('f64.mul').op('f64.const', layer.momentum).get(mean).op('f64.mul').op('f64.add'); });
    s32(at.runningVar, () => { f.op('f64.const', 1 - layer.momentum); l32(at.runningVar); f.op('f64.mul').op('f64.const', layer.momentum).get(vr).op('f64.mul').op('f64.add'); });
  };
  /** mean := Σ dy, var := Σ dy·x̂ (scalars, a: Σ dy, b: Σ dy·x̂); dγ += var, dβ += mean. */
  const backSums = () => {
    zero(f); f.set(a0); zero(f); f.set(a1); zero(f); f.set(b0); zero(f); f.set(b1);
    overRuns(f, T, C, HW, (a, off, w, i) => {
      ld(f, a, at.dy + off, w); f.tee(h).get(acc[i]).op('f64x2.add').set(acc[i]);
      f.get(h); ld(f, a, at.xhat + off, w); f.op('f64x2.mul').get(acc2[i]).op('f64x2.add').set(acc2[i]);
    });
    hsum(f, a0, a1); f.set(mean);
    hsum(f, b0, b1); f.set(vr);
    s32(at.dgamma, () => { l32(at.dgamma); f.get(vr).op('f64.add'); });
    s32(at.dbeta, () => { l32(at.dbeta); f.get(mean).op('f64.add'); });
  };
  /** dx from Σ dy and Σ dy·x̂ (pushed by `sg`, `sgx`; training) or with μ, σ² constants. */
  const dx = (sg: () => void, sgx: () => void) => {
    f.get('training').op('if');
    l32(at.gamma); l32(at.invStd); f.op('f64.mul').op('f64.const', L).op('f64.div').op('f64x2.splat').set(I);
    sg(); f.op('f64x2.splat').set(M); sgx(); f.op('f64x2.splat').set(G);
    overRuns(f, T, C, HW, (a, off, w) => st(f, a, at.dx + off, w, () => {
      f.get(I).get(k.T); ld(f, a, at.dy + off, w); f.op('f64x2.mul').get(M).op('f64x2.sub');
      ld(f, a, at.xhat + off, w); f.get(G).op('f64x2.mul').op('f64x2.sub').op('f64x2.mul');
    }));
    f.op('else');
    l32(at.gamma); l32(at.invStd); f.op('f64.mul').op('f64x2.splat').set(I);
    overRuns(f, T, C, HW, (a, off, w) => st(f, a, at.dx + off, w, () => { f.get(I); ld(f, a, at.dy + off, w); f.op('f64x2.mul'); }));
    f.end();
  };
  // Shard builds: the channel's two float64 sums at byte 2·kg and 8·C further.
  const sum = (half: 0 | 1) => at.sums + half * 8 * C;
  const loadSum = (half: 0 | 1) => f.get(kg).i32(1).op('i32.shl').op('f64.load', sum(half));
  const storeSum = (half: 0 | 1, value: () => void) => { f.get(kg).i32(1).op('i32.shl'); value(); f.op('f64.store', sum(half)); };
  f.i32(0).set(kp).i32(0).set(kg);
  counted(f, f.local('nk', 'i32'), 'channels', C, () => {
    if (sync && role === 'stats') {
      accumulate(sumX); f.set(mean);
      storeSum(0, () => f.get(mean));
    } else if (sync && role === 'spread') {
      loadSum(0); f.op('f64.const', L).op('f64.div').op('f64x2.splat').set(M);
      accumulate(sumSquares); f.set(vr);
      storeSum(1, () => f.get(vr));
    } else if (sync && role === 'forward') {
      loadSum(0); f.op('f64.const', L).op('f64.div').set(mean);
      loadSum(1); f.op('f64.const', L).op('f64.div').set(vr);
      invFrom();
      normalise();
      running();
    } else if (sync && role === 'backsums') {
      backSums();
      storeSum(0, () => f.get(mean));
      storeSum(1, () => f.get(vr));
    } else if (sync && role === 'backward') {
      dx(() => loadSum(0), () => loadSum(1));
    } else if (role === 'forward') {
      accumulate(sumX); f.op('f64.const', L).op('f64.div').tee(mean).op('f64x2.splat').set(M);
      accumulate(sumSquares); f.op('f64.const', L).op('f64.div').set(vr);
      invFrom();
      normalise();
      running();
    } else if (role === 'infer') {
      l32(at.runningMean); f.set(mean);
      l32(at.runningVar); f.set(vr);
      invFrom();
      normalise();
    } else {
      backSums();
      dx(() => f.get(mean), () => f.get(vr));
    }
    bump(f, kp, HW * 4);
    bump(f, kg, 4);
  });
  return `channel mode: ${C} lines of ${T}x${HW} values${sync ? ` (shard of ${of}: sums exchanged)` : ''}; per channel, loops over the batch and the run, f64x2 4 values per step ` +
    `in 2 accumulators${HW % 4 ? ` + ${HW % 4}-value tail` : ''}; float64 arithmetic as the JS kernel`;
}

export const wasmBn: WasmOpEmitter<BnLayer> = {
  roles: ['forward', 'infer', 'backward'],
  emit(layer: BnLayer, role: WasmRole, name: string, at: Addresses, ctx: WasmContext): WasmKernel {
    const roles: WasmRole[] = ctx.shardOf === undefined ? ['forward', 'infer', 'backward'] : ['stats', 'spread', 'forward', 'infer', 'backsums', 'backward'];
    if (!roles.includes(role)) throw new Error(`bn ${layer.name}: no ${role} kernel`);
    const f = new Func(name, role === 'backward' ? [['training', 'i32']] : []);
    const schedule = layer.mode === 'position'
      ? emitPosition(f, layer, role, ctx.batch, at, ctx.shardOf)
      : emitChannel(f, layer, role, ctx.batch, at, ctx.shardOf);
    return { role, func: f, schedule: `${role}: ${schedule}` };
  },
};
