// Conv kernels for the WebAssembly SIMD target: forward, backward (input sensitivities) and
// grad (weight gradient), every size, stride and address a literal.
//
// Semantics (src/interp/ops/conv.ts): maps keep their size H×W; kernel M×N, anchor (m, n)
// (any integers, also outside the window):
//   forward   y[t][k][i][j]   = Σ_{k',p,q} w[k][k'][p][q] · x[t][k'][i−m+p][j−n+q]   (writes y)
//   backward  dx = the same correlation of dy with w[k][k'][M−1−p][N−1−q] (channels
//             transposed) and anchor (M−1−m, N−1−n)                                   (writes dx)
//   grad      dw[k][k'][p][q] += Σ_{t,i,j} dy[t][k][i][j] · x[t][k'][i−m+p][j−n+q]   (adds into dw)
// with 0 off the map. With bias=true forward adds b[k] (its accumulators start from
// splat(b[k]), as the interpreter's sums start from b[k]) and grad also adds
// Σ_{t,i,j} dy[t][k][i][j] into db[k] (f32x4 sums over each channel's map, then horizontal).
//
// Forward and backward share one generator ("correlation"): each input map is copied into a
// zero-padded scratch (rows −m … H−1+M−1−m, columns −n … ⌈W/4⌉·4−1+N−1−n, so the
// vector loads of the last, partial output vector stay inside the row), and a body without
// any bounds test computes a register block of kb output channels × ph rows × pv f32x4
// vectors of 4 adjacent output columns; the accumulators live across the whole Cin·M·N
// reduction, weights come from v128.load32_splat (the backward kernel's rotated, transposed
// weight is just other strides: no weight copy), input rows from unaligned v128.load at
// literal offsets from pointer locals. The reduction is a loop of one tap per body (input
// channel, window row, window column), not the probe's fully unrolled window: TurboFan
// hoists the loads of a long straight-line body and spills, which halved the speed. The
// blockings (kb, ph, pv; kc, pr, qb) and the scratch size are the plan's (chosen by a cost
// model in src/lower/wasm-conv.ts, with the measurements behind it). Partial last vectors are stored with store64_lane /
// store32_lane, so nothing past a row is ever written.
//
// Grad: "row rolling" (the probe's scheme): for kc output channels, one input channel k'
// and a band of pr kernel rows × qb kernel columns, the padded input rows are visited once
// each; one input vector x[ih][4v+q] feeds the dy vectors of the up-to-pr output rows it
// touches, so a vector step does kc·pr·qb multiply-adds for qb + kc·pr loads. The
// accumulators live across all samples and rows (one vector per loop body) and are summed
// horizontally at the end, then ADDED into dw. The scratch holds input channel k' of every
// sample, padded as above. Products with the partial last dy vector are masked (v128.and
// after the multiply), so lanes past W add exactly nothing, even when the input holds an
// Infinity there.
//
// Like the JS target's padded kernels, zero padding is multiplied, not skipped: an infinite
// weight (forward, backward) or dy (grad) meets the padding's zeros as NaN, where the
// interpreter skips the term. Infinities and NaNs in the data (x, dy for backward) propagate
// as in the interpreter.
import type { ConvLayer } from '../../model/checked.js';
import type { CorrBlocking, GradBlocking, WasmSchedule } from '../../lower/types.js';
import { Func } from '../asm.js';
import type { Addresses, WasmContext, WasmKernel, WasmOpEmitter, WasmRole } from './types.js';

export type { CorrBlocking, GradBlocking };

/** One correlation: y[t][k][i][j] = Σ_{c,p,q} W(k,c,p,q) · x[t][c][i−m+p][j−n+q]. */
interface Corr {
  T: number; Ci: number; Co: number; H: number; W: number; M: number; N: number; m: number; n: number;
  /** Byte addresses of input, weights, output, scratch. */
  X: number; Wt: number; Y: number; S: number;
  /** Forward of a biased layer: byte address of b (accumulators start from b[k]); null otherwise. */
  B: number | null;
  /** Weight element index = w0 + k·wk + c·wc + p·wp + q·wq (all affine). */
  wk: number; wc: number; wp: number; wq: number; w0: number;
}

const ceil4 = (n: number) => Math.ceil(n / 4) * 4;

function padGeometry(H: number, W: number, M: number, N: number) {
  const Hp = H + M - 1;
  const Wp = ceil4(W) + N - 1;
  return { Hp, Wp, plane: Hp * Wp };
}

function sizes(layer: ConvLayer) {
  return {
    Cl: layer.input.c, Cr: layer.output.c, H: layer.input.h, W: layer.input.w,
    M: layer.kernel.rows, N: layer.kernel.cols, m: layer.anchor.row, n: layer.anchor.col,
  };
}

function corrOf(layer: ConvLayer, role: 'forward' | 'backward', at: Addresses, T: number): Corr {
  const { Cl, Cr, H, W, M, N, m, n } = sizes(layer);
  const need = (k: string) => {
    const v = at[k];
    if (v === undefined) throw new Error(`wasm conv ${layer.name} ${role}: no address for ${k}`);
    return v;
  };
  if (role === 'forward') {
    return {
      T, Ci: Cl, Co: Cr, H, W, M, N, m, n, X: need('x'), Wt: need('w'), Y: need('y'), S: need('scratch'),
      B: layer.bias ? need('b') : null,
      wk: Cl * M * N, wc: M * N, wp: N, wq: 1, w0: 0,
    };
  }
  // v[k'][k][p'][q'] = w[k][k'][M−1−p'][N−1−q']: output channel k' of the backward pass,
  // input channel k; index = (k·Cl + k')·M·N + (M−1−p')·N + (N−1−q').
  return {
    T, Ci: Cr, Co: Cl, H, W, M, N, m: M - 1 - m, n: N - 1 - n, X: need('dy'), Wt: need('w'), Y: need('dx'), S: need('scratch'), B: null,
    wk: M * N, wc: Cl * M * N, wp: -N, wq: -1, w0: M * N - 1,
  };
}

/** Emits `count` iterations of body over local L = start, start+step, … (straight when count is 1). */
function repeat(f: Func, L: string, start: number, count: number, step: number, body: () => void): void {
  if (count <= 0) return;
  f.i32(start).set(L);
  if (count === 1) { body(); return; }
  const label = `L_${L}`;
  f.op('loop', label);
  body();
  f.get(L).i32(step).op('i32.add').tee(L).i32(start + count * step).op('i32.lt_s').op('br_if', label);
  f.end();
}

/** Copies rows of each map of one sample (or one channel of each sample) into the padded scratch. */
function copyPadded(
  f: Func, count: number, srcStart: string, srcStep: number, dstStart: number, dstStep: number,
  H: number, W: number, m: number, n: number, Hp: number, Wp: number, tag: string,
): void {
  // Source rows r whose padded row r+m is in [0, Hp); columns j whose padded column j+n is in [0, Wp).
  const r0 = Math.max(0, -m), r1 = Math.min(H, Hp - m);
  const j0 = Math.max(0, -n), j1 = Math.min(W, Wp - n);
  if (r1 <= r0 || j1 <= j0) return;
  const s = f.local(`cs${tag}`, 'i32'), d = f.local(`cd${tag}`, 'i32'), r = f.local(`cr${tag}`, 'i32'), c = f.local(`cc${tag}`, 'i32');
  const rows = r1 - r0;
  f.get(srcStart).i32((r0 * W + j0) * 4).op('i32.add').set(s);
  f.i32(dstStart + ((r0 + m) * Wp + j0 + n) * 4).set(d);
  f.i32(count).set(c);
  f.op('loop', `L_${c}`);
  f.i32(rows).set(r);
  f.op('loop', `L_${r}`);
  // The row by f32x4 loads and stores (memory.copy is a call per row), its last 1–3 columns by
  // lane stores so the padding right of it stays zero; the load may over-read the source row.
  const len = j1 - j0;
  for (let v = 0; v < Math.floor(len / 4); v++) f.get(d).get(s).op('v128.load', 16 * v).op('v128.store', 16 * v);
  const tail = len % 4, o = 16 * Math.floor(len / 4);
  if (tail >= 2) f.get(d).get(s).op('v128.load64_zero', o).op('v128.store64_lane', o, 0);
  if (tail === 1) f.get(d).get(s).op('f32.load', o).op('f32.store', o);
  if (tail === 3) f.get(d).get(s).op('f32.load', o + 8).op('f32.store', o + 8);
  f.get(s).i32(W * 4).op('i32.add').set(s);
  f.get(d).i32(Wp * 4).op('i32.add').set(d);
  f.get(r).i32(1).op('i32.sub').tee(r).op('br_if', `L_${r}`);
  f.end();
  f.get(s).i32(srcStep - rows * W * 4).op('i32.add').set(s);
  f.get(d).i32(dstStep - rows * Wp * 4).op('i32.add').set(d);
  f.get(c).i32(1).op('i32.sub').tee(c).op('br_if', `L_${c}`);
  f.end();
}

/** acc = acc + x·w (mul + add, or relaxed madd). */
function madd(f: Func, acc: string, x: string, w: string, relaxed: boolean): void {
  if (relaxed) f.get(x).get(w).get(acc).op('f32x4.relaxed_madd').set(acc);
  else f.get(acc).get(x).get(w).op('f32x4.mul').op('f32x4.add').set(acc);
}

/** Stores the first `lanes` (1..4) lanes of local v at addr + off. */
function storeLanes(f: Func, addr: string, off: number, v: string, lanes: number): void {
  if (lanes === 4) { f.get(addr).get(v).op('v128.store', off); return; }
  if (lanes >= 2) f.get(addr).get(v).op('v128.store64_lane', off, 0);
  if (lanes === 1) f.get(addr).get(v).op('v128.store32_lane', off, 0);
  if (lanes === 3) f.get(addr).get(v).op('v128.store32_lane', off + 8, 2);
}

/** Unroll the input-channel loop when the whole reduction is at most this many taps. */
const UNROLL_TAPS = 64;

function emitCorr(f: Func, g: Corr, b: CorrBlocking, relaxed: boolean): void {
  const { T, Ci, Co, H, W, M, N, m, n } = g;
  const { Hp, Wp, plane } = padGeometry(H, W, M, N);
  const nv = ceil4(W) / 4;
  const rem = W % 4;
  const kb = Math.min(b.kb, Co), ph = Math.min(b.ph, H), pv = Math.min(b.pv, nv);
  const t = f.local('t', 'i32'), k = f.local('k', 'i32'), i = f.local('i', 'i32'), j = f.local('j', 'i32');
  const xt = f.local('xt', 'i32'), yt = f.local('yt', 'i32');
  const xp = f.local('xp', 'i32'), wp = f.local('wp', 'i32'), yp = f.local('yp', 'i32'), c = f.local('c', 'i32');
  const wv = f.local('wv', 'v128');
  const acc = (kk: number, r: number, v: number) => f.local(`a${kk}_${r}_${v}`, 'v128');
  const xv = (v: number) => f.local(`x${v}`, 'v128');
  const unroll = Ci * M * N <= UNROLL_TAPS;

  // The padding is the same for every sample: zero the scratch once, then only the interior is written.
  f.i32(g.S).i32(0).i32(Ci * plane * 4).op('memory.fill');

  const block = (kc: number, nh: number, np: number, partial: boolean) => {
    // xp = scratch + (i·Wp + j)·4: padded row i+p, column j+q hold input row i−m+p, column j−n+q.
    f.get(i).i32(Wp).op('i32.mul').get(j).op('i32.add').i32(4).op('i32.mul').i32(g.S).op('i32.add').set(xp);
    f.get(k).i32(g.wk * 4).op('i32.mul').i32(g.Wt).op('i32.add').set(wp);
    if (g.B === null) {
      for (let kk = 0; kk < kc; kk++) for (let r = 0; r < nh; r++) for (let v = 0; v < np; v++)
        f.op('v128.const', 'i32x4', 0, 0, 0, 0).set(acc(kk, r, v));
    } else {
      // Biased: every accumulator of channel k+kk starts from splat(b[k+kk]).
      const bp = f.local('bp', 'i32');
      f.get(k).i32(4).op('i32.mul').set(bp);
      for (let kk = 0; kk < kc; kk++) {
        f.get(bp).op('v128.load32_splat', g.B + 4 * kk).set(acc(kk, 0, 0));
        for (let r = 0; r < nh; r++) for (let v = 0; v < np; v++) if (r + v > 0) f.get(acc(kk, 0, 0)).set(acc(kk, r, v));
      }
    }
    const taps = (xo: number, wo: number) => {
      for (let q = 0; q < N; q++) {
        for (let ir = 0; ir < nh + M - 1; ir++) {
          for (let v = 0; v < np; v++) f.get(xp).op('v128.load', xo + (ir * Wp + 4 * v + q) * 4).set(xv(v));
          for (let p = 0; p < M; p++) {
            const r = ir - p;
            if (r < 0 || r >= nh) continue;
            for (let kk = 0; kk < kc; kk++) {
              const widx = g.w0 + kk * g.wk + p * g.wp + q * g.wq;
              f.get(wp).op('v128.load32_splat', wo + widx * 4).set(wv);
              for (let v = 0; v < np; v++) madd(f, acc(kk, r, v), xv(v), wv, relaxed);
            }
          }
        }
      }
    };
    if (b.tapLoop) {
      // Loops over the window's rows and columns: a body of one tap (np·nh input vectors,
      // kc weights, kc·nh·np multiply-adds) gives TurboFan's scheduler nothing to hoist, so
      // nothing spills (see corrBlocking in src/lower/wasm-conv.ts).
      const xr = f.local('xr', 'i32'), wr = f.local('wr', 'i32'), pc = f.local('pc', 'i32'), qc = f.local('qc', 'i32');
      if (Ci > 1) { f.i32(Ci).set(c); f.op('loop', 'L_c'); }
      f.get(xp).set(xr);
      f.get(wp).i32(g.w0 * 4).op('i32.add').set(wr);
      f.i32(M).set(pc);
      f.op('loop', 'L_p');
      const qu = Math.max(1, Math.min(N, b.qUnroll ?? 1)); // window columns per body
      const tap = (q: number) => {
        for (let r = 0; r < nh; r++) for (let v = 0; v < np; v++) f.get(xr).op('v128.load', (r * Wp + 4 * v + q) * 4).set(xv(r * np + v));
        for (let kk = 0; kk < kc; kk++) {
          // wr may step backwards (backward role): keep the offset non-negative
          const wo = (kk * g.wk + q * g.wq) * 4 + (g.wq < 0 ? (qu - 1) * 4 : 0);
          f.get(wr).op('v128.load32_splat', wo).set(wv);
          for (let r = 0; r < nh; r++) for (let v = 0; v < np; v++) madd(f, acc(kk, r, v), xv(r * np + v), wv, relaxed);
        }
      };
      const qLoops = Math.floor(N / qu), qRem = N % qu;
      if (g.wq < 0) f.get(wr).i32(-(qu - 1) * 4).op('i32.add').set(wr);
      if (qLoops > 1) { f.i32(qLoops).set(qc); f.op('loop', 'L_q'); }
      for (let q = 0; q < qu; q++) tap(q);
      f.get(xr).i32(4 * qu).op('i32.add').set(xr);
      f.get(wr).i32(g.wq * 4 * qu).op('i32.add').set(wr);
      if (qLoops > 1) { f.get(qc).i32(1).op('i32.sub').tee(qc).op('br_if', 'L_q'); f.end(); }
      for (let q = 0; q < qRem; q++) tap(q);
      if (g.wq < 0) f.get(wr).i32((qu - 1) * 4).op('i32.add').set(wr);
      f.get(xr).i32((Wp - qLoops * qu) * 4).op('i32.add').set(xr);
      f.get(wr).i32((g.wp - qLoops * qu * g.wq) * 4).op('i32.add').set(wr);
      f.get(pc).i32(1).op('i32.sub').tee(pc).op('br_if', 'L_p');
      f.end();
      if (Ci > 1) {
        f.get(xp).i32(plane * 4).op('i32.add').set(xp);
        f.get(wp).i32(g.wc * 4).op('i32.add').set(wp);
        f.get(c).i32(1).op('i32.sub').tee(c).op('br_if', 'L_c');
        f.end();
      }
    } else if (unroll) {
      for (let cc = 0; cc < Ci; cc++) taps(cc * plane * 4, cc * g.wc * 4);
    } else {
      f.i32(Ci).set(c);
      f.op('loop', 'L_c');
      taps(0, 0);
      f.get(xp).i32(plane * 4).op('i32.add').set(xp);
      f.get(wp).i32(g.wc * 4).op('i32.add').set(wp);
      f.get(c).i32(1).op('i32.sub').tee(c).op('br_if', 'L_c');
      f.end();
    }
    // yp = y[t][k][i][j]
    f.get(k).i32(H * W).op('i32.mul').get(i).i32(W).op('i32.mul').op('i32.add').get(j).op('i32.add')
      .i32(4).op('i32.mul').get(yt).op('i32.add').set(yp);
    for (let kk = 0; kk < kc; kk++) for (let r = 0; r < nh; r++) for (let v = 0; v < np; v++)
      storeLanes(f, yp, (kk * H * W + r * W + 4 * v) * 4, acc(kk, r, v), partial && v === np - 1 ? rem : 4);
  };

  // Column segments: full blocks of pv vectors, then a tail block; the row's last vector is
  // partial when W is not a multiple of 4, and its block is emitted on its own.
  const nfull = Math.floor(nv / pv), vr = nv % pv;
  const colSegs: { start: number; count: number; np: number; partial: boolean }[] = [];
  if (vr > 0) colSegs.push({ start: 0, count: nfull, np: pv, partial: false }, { start: nfull * pv * 4, count: 1, np: vr, partial: rem > 0 });
  else if (rem > 0) colSegs.push({ start: 0, count: nfull - 1, np: pv, partial: false }, { start: (nfull - 1) * pv * 4, count: 1, np: pv, partial: true });
  else colSegs.push({ start: 0, count: nfull, np: pv, partial: false });
  const rowSegs = [{ start: 0, count: Math.floor(H / ph), nh: ph }, { start: Math.floor(H / ph) * ph, count: H % ph > 0 ? 1 : 0, nh: H % ph }];
  const kSegs = [{ start: 0, count: Math.floor(Co / kb), kc: kb }, { start: Math.floor(Co / kb) * kb, count: Co % kb > 0 ? 1 : 0, kc: Co % kb }];

  repeat(f, t, 0, T, 1, () => {
    f.get(t).i32(Ci * H * W * 4).op('i32.mul').i32(g.X).op('i32.add').set(xt);
    copyPadded(f, Ci, xt, H * W * 4, g.S, plane * 4, H, W, m, n, Hp, Wp, '');
    f.get(t).i32(Co * H * W * 4).op('i32.mul').i32(g.Y).op('i32.add').set(yt);
    for (const ks of kSegs) repeat(f, k, ks.start, ks.count, ks.kc, () => {
      for (const rs of rowSegs) repeat(f, i, rs.start, rs.count, rs.nh, () => {
        for (const cs of colSegs) repeat(f, j, cs.start, cs.count, cs.np * 4, () => block(ks.kc, rs.nh, cs.np, cs.partial));
      });
    });
  });
}

function emitGrad(f: Func, layer: ConvLayer, at: Addresses, T: number, relaxed: boolean, gb: GradBlocking): string {
  const { Cl: Ci, Cr: Co, H, W, M, N, m, n } = sizes(layer);
  const need = (key: string) => {
    const v = at[key];
    if (v === undefined) throw new Error(`wasm conv ${layer.name} grad: no address for ${key}`);
    return v;
  };
  const X = need('x'), DY = need('dy'), DW = need('dw'), S = need('scratch');
  const { Hp, Wp, plane } = padGeometry(H, W, M, N);
  const nv = ceil4(W) / 4, rem = W % 4;
  const pr = Math.min(M, gb.band), qb = Math.min(N, gb.cols ?? N), kb = Math.min(Co, gb.kc), vLoop = gb.vLoop;
  const c = f.local('c', 'i32'), k = f.local('k', 'i32'), t = f.local('t', 'i32'), s = f.local('s', 'i32');
  const xs = f.local('xs', 'i32'), xk = f.local('xk', 'i32'), dk = f.local('dk', 'i32'), xq = f.local('xq', 'i32'), dq = f.local('dq', 'i32');
  const wp = f.local('wp', 'i32');
  const xv = f.local('xv', 'v128');
  const acc = (kk: number, d: number, q: number) => f.local(`a${kk}_${d}_${q}`, 'v128');
  const dv = (kk: number, d: number) => f.local(`d${kk}_${d}`, 'v128');
  const gx = f.local('gx', 'i32'), gd = f.local('gd', 'i32'), gv = f.local('gv', 'i32');

  f.i32(S).i32(0).i32(T * plane * 4).op('memory.fill');

  // One step: padded input row p0+s (pointer xb + xo), dy rows s−d for the valid d (pointer db + dOff(d)).
  // One step: padded input row p0+s (pointer xb + xo) against the dy rows s−d of the valid d
  // (pointer db + dOff(d)), for kc output channels; the full vectors of the row in a loop
  // (one vector per body: TurboFan then has nothing to hoist and spill) or unrolled.
  const step = (kc: number, q0: number, nq: number, ds: number[], xb: string, xo: number, db: string, dOff: (d: number) => number) => {
    const vec = (xB: string, xO: number, dB: string, dO: number, partial: boolean) => {
      for (let kk = 0; kk < kc; kk++) for (const d of ds) f.get(dB).op('v128.load', dO + dOff(d) + kk * H * W * 4).set(dv(kk, d));
      for (let q = 0; q < nq; q++) {
        f.get(xB).op('v128.load', xO + (q0 + q) * 4).set(xv);
        for (let kk = 0; kk < kc; kk++) for (const d of ds) {
          if (!partial) { madd(f, acc(kk, d, q), xv, dv(kk, d), relaxed); continue; }
          const mask = [0, 1, 2, 3].map((l) => (l < rem ? -1 : 0));
          f.get(acc(kk, d, q)).get(xv).get(dv(kk, d)).op('f32x4.mul').op('v128.const', 'i32x4', ...mask).op('v128.and')
            .op('f32x4.add').set(acc(kk, d, q));
        }
      }
    };
    const full = rem > 0 ? nv - 1 : nv;
    if (vLoop && full >= 2) {
      f.get(xb).i32(xo).op('i32.add').set(gx);
      f.get(db).set(gd);
      f.i32(full).set(gv);
      f.op('loop', 'L_gv');
      vec(gx, 0, gd, 0, false);
      f.get(gx).i32(16).op('i32.add').set(gx);
      f.get(gd).i32(16).op('i32.add').set(gd);
      f.get(gv).i32(1).op('i32.sub').tee(gv).op('br_if', 'L_gv');
      f.end();
    } else {
      for (let v = 0; v < full; v++) vec(xb, xo + 16 * v, db, 16 * v, false);
    }
    if (rem > 0) vec(xb, xo + 16 * full, db, 16 * full, true);
  };

  const pass = (p0: number, np: number, q0: number, nq: number, kc: number) => {
    for (let kk = 0; kk < kc; kk++) for (let d = 0; d < np; d++) for (let q = 0; q < nq; q++) f.op('v128.const', 'i32x4', 0, 0, 0, 0).set(acc(kk, d, q));
    repeat(f, t, 0, T, 1, () => {
      f.get(t).i32(plane * 4).op('i32.mul').get(xs).op('i32.add').set(xk);
      f.get(t).i32(Co * H * W * 4).op('i32.mul').get(k).i32(H * W * 4).op('i32.mul').op('i32.add').i32(DY).op('i32.add').set(dk);
      const steps = H + np - 1;
      const border = (sv: number) => {
        const ds: number[] = [];
        for (let d = 0; d < np; d++) if (sv - d >= 0 && sv - d < H) ds.push(d);
        step(kc, q0, nq, ds, xk, ((p0 + sv) * Wp) * 4, dk, (d) => (sv - d) * W * 4);
      };
      const full0 = np - 1, full1 = H; // steps [full0, full1) have every d valid
      const all = [...Array(np).keys()];
      if (full1 > full0) {
        for (let sv = 0; sv < full0; sv++) border(sv);
        if (full1 - full0 === 1) {
          step(kc, q0, nq, all, xk, ((p0 + full0) * Wp) * 4, dk, (d) => (full0 - d) * W * 4);
        } else {
          f.get(xk).i32((p0 + full0) * Wp * 4).op('i32.add').set(xq);
          f.get(dk).set(dq); // dy row full0 − (np−1) = 0
          f.i32(full1 - full0).set(s);
          f.op('loop', 'L_s');
          step(kc, q0, nq, all, xq, 0, dq, (d) => (np - 1 - d) * W * 4);
          f.get(xq).i32(Wp * 4).op('i32.add').set(xq);
          f.get(dq).i32(W * 4).op('i32.add').set(dq);
          f.get(s).i32(1).op('i32.sub').tee(s).op('br_if', 'L_s');
          f.end();
        }
        for (let sv = full1; sv < steps; sv++) border(sv);
      } else {
        for (let sv = 0; sv < steps; sv++) border(sv);
      }
    });
    // dw[k][c][p0+d][q] += horizontal sum
    for (let kk = 0; kk < kc; kk++) for (let d = 0; d < np; d++) for (let q = 0; q < nq; q++) {
      const a = acc(kk, d, q), off = (kk * Ci * M * N + (p0 + d) * N + q0 + q) * 4;
      f.get(wp);
      f.get(wp).op('f32.load', off);
      f.get(a).op('f32x4.extract_lane', 0).get(a).op('f32x4.extract_lane', 1).op('f32.add');
      f.get(a).op('f32x4.extract_lane', 2).get(a).op('f32x4.extract_lane', 3).op('f32.add');
      f.op('f32.add').op('f32.add').op('f32.store', off);
    }
  };

  if (layer.bias) emitBiasGrad(f, T, Co, H * W, DY, need('db'));

  repeat(f, c, 0, Ci, 1, () => {
    // x[t][c] of every sample into the scratch, sample after sample.
    f.get(c).i32(H * W * 4).op('i32.mul').i32(X).op('i32.add').set(xs);
    copyPadded(f, T, xs, Ci * H * W * 4, S, plane * 4, H, W, m, n, Hp, Wp, '');
    f.i32(S).set(xs);
    for (const [start, count, kc] of [[0, Math.floor(Co / kb), kb], [Math.floor(Co / kb) * kb, Co % kb ? 1 : 0, Co % kb]]) {
      repeat(f, k, start, count, kc, () => {
        f.get(k).i32(Ci).op('i32.mul').get(c).op('i32.add').i32(M * N * 4).op('i32.mul').i32(DW).op('i32.add').set(wp);
        for (let p0 = 0; p0 < M; p0 += pr) for (let q0 = 0; q0 < N; q0 += qb) pass(p0, Math.min(pr, M - p0), q0, Math.min(qb, N - q0), kc);
      });
    }
  });
  return `grad: per ${kb} output channel(s) x 1 input channel, window in bands of ${pr} row(s) x ${qb} column(s): ${kb}x${pr}x${qb} f32x4 accumulators over all samples and rows (row-rolling: one input vector feeds ${pr} dy rows), ${vLoop ? 'one vector per loop body, ' : ''}horizontal sum added into dw; input channel of every sample zero-padded to ${Hp}x${Wp} in scratch; ${relaxed ? 'relaxed madd' : 'mul+add'}${layer.bias ? '; db: each channel\'s dy summed in f32x4 over every sample\'s map, added into db' : ''}`;
}

/**
 * db[k] += Σ_{t,i,j} dy[t][k][i][j]: channel k's map of sample t is HW contiguous floats,
 * summed 4 at a time into one f32x4 (the last HW mod 4 one by one into an f32), over every
 * sample, then summed horizontally and added into db[k].
 */
function emitBiasGrad(f: Func, T: number, Co: number, HW: number, DY: number, DB: number): void {
  const bk = f.local('bk', 'i32'), bt = f.local('bt', 'i32'), bp = f.local('bp', 'i32'), bv = f.local('bv', 'i32');
  const sv = f.local('bsv', 'v128'), ss = f.local('bss', 'f32');
  const vecs = Math.floor(HW / 4), rest = HW % 4;
  repeat(f, bk, 0, Co, 1, () => {
    f.op('v128.const', 'i32x4', 0, 0, 0, 0).set(sv);
    f.f32(0).set(ss);
    f.get(bk).i32(HW * 4).op('i32.mul').i32(DY).op('i32.add').set(bp); // dy[0][k][0][0]
    repeat(f, bt, 0, T, 1, () => {
      if (vecs > 0) {
        f.i32(vecs).set(bv);
        f.op('loop', 'L_bv');
        f.get(sv).get(bp).op('v128.load', 0).op('f32x4.add').set(sv);
        f.get(bp).i32(16).op('i32.add').set(bp);
        f.get(bv).i32(1).op('i32.sub').tee(bv).op('br_if', 'L_bv');
        f.end();
      }
      for (let l = 0; l < rest; l++) f.get(ss).get(bp).op('f32.load', 4 * l).op('f32.add').set(ss);
      f.get(bp).i32((Co * HW - 4 * vecs) * 4).op('i32.add').set(bp); // dy[t+1][k][0][0]
    });
    f.get(bk).i32(4).op('i32.mul').set(bp);
    f.get(bp);
    f.get(bp).op('f32.load', DB);
    f.get(sv).op('f32x4.extract_lane', 0).get(sv).op('f32x4.extract_lane', 1).op('f32.add');
    f.get(sv).op('f32x4.extract_lane', 2).get(sv).op('f32x4.extract_lane', 3).op('f32.add');
    f.op('f32.add').get(ss).op('f32.add');
    f.op('f32.add').op('f32.store', DB);
  });
}

/** The blocking to print: forward and backward need `blocking`, grad needs `grad` (the plan's, or a benchmark's). */
export interface ConvEmitOptions {
  /** The blocking of forward / backward. */
  blocking?: CorrBlocking;
  /** The grad's blocking. */
  grad?: GradBlocking;
}

export function emitConv(layer: ConvLayer, role: WasmRole, name: string, at: Addresses, ctx: WasmContext, opt: ConvEmitOptions): WasmKernel {
  const f = new Func(name);
  if (role === 'forward' || role === 'backward') {
    const g = corrOf(layer, role, at, ctx.batch);
    const b = opt.blocking;
    if (!b) throw new Error(`wasm conv ${layer.name} ${role}: no blocking given (the plan's KernelPlan.wasm)`);
    emitCorr(f, g, b, ctx.relaxed);
    const { Hp, Wp } = padGeometry(g.H, g.W, g.M, g.N);
    const schedule = `${role}: ${g.M}x${g.N} window, anchor (${g.m},${g.n})${role === 'backward' ? ' (rotated, channels transposed)' : ''}; each sample's maps zero-padded to ${g.Ci}x${Hp}x${Wp} in scratch; register block ${Math.min(b.kb, g.Co)} channel(s) x ${b.ph} row(s) x ${b.pv} f32x4 vector(s), ${b.tapLoop ? 'one tap per loop body' : `window ${g.Ci * g.M * g.N <= UNROLL_TAPS ? 'and channels ' : ''}unrolled`}; ${ctx.relaxed ? 'relaxed madd' : 'mul+add'}`;
    return { role, func: f, schedule };
  }
  if (role === 'grad') {
    if (!opt.grad) throw new Error(`wasm conv ${layer.name} grad: no blocking given (the plan's KernelPlan.wasm)`);
    const schedule = emitGrad(f, layer, at, ctx.batch, ctx.relaxed, opt.grad);
    return { role, func: f, schedule };
  }
  throw new Error(`wasm conv ${layer.name}: no role ${role}`);
}

/** The plan's schedule of one conv kernel as emitConv's options. */
function convOptions(layer: ConvLayer, role: WasmRole, schedule: WasmSchedule | null | undefined): ConvEmitOptions {
  if (schedule?.kind === 'conv-corr' && (role === 'forward' || role === 'backward')) return { blocking: schedule };
  if (schedule?.kind === 'conv-grad' && role === 'grad') return { grad: schedule };
  throw new Error(`wasm conv ${layer.name} ${role}: the plan's schedule is ${schedule ? schedule.kind : 'missing'}`);
}

export const wasmConv: WasmOpEmitter<ConvLayer> = {
  roles: ['forward', 'backward', 'grad'],
  emit: (layer, role, name, at, ctx, schedule) => emitConv(layer, role, name, at, ctx, convOptions(layer, role, schedule)),
};
