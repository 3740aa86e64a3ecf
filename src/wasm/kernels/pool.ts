// Max pooling as WebAssembly: forward (y only, inference), path (y and the int32 path: the
// in-map index i'·W_l + j' of each pool's maximum) and backward (clear dx, then
// dx[map][path] += dy). Same results as the interpreter, bit for bit:
//   - taps in scan order (a outer, b inner); a later value replaces the best only when
//     strictly greater, so ties (and -0 before +0) go to the first;
//   - a NaN makes the output NaN and the path names the first NaN of the pool
//     (path: `v > best || (v != v && best == best)`; forward: `v > best || v != v`);
//   - ceil pools clipped at the map's edge have fewer taps: the output rows and columns
//     are cut into regions of equal tap counts, each with its own unrolled window, so
//     there is no bounds test at run time (a pool always starts inside the map).
// Schedule: branch-free (compare + select per tap), every tap a literal memarg offset from
// the window's byte offset; loops over samples·channels (one loop), rows of a region and
// columns of a region, each a count-down loop (straight-line when it runs once). With
// column stride 1 or 2, four outputs of a row at a time in f32x4 (a tap is one load, or the
// even lanes of two loads by i8x16.shuffle; lane masks and v128.bitselect, the path as
// i32x4), the row's last Wr mod 4 outputs (and other strides) scalar. Backward:
// memory.fill of dx, then one loop over maps and an unrolled loop over the map's outputs
// (read-add-write, so overlapping pools accumulate in output order).
// Measured (bench/kernels/wasm-misc.mjs, LeNet p1 2x2/2 over 32x6x28x28, CPU ms per call,
// median of 5 rounds on the shared 2-core machine, load ~8): forward JS 0.113, wasm scalar
// 0.083, wasm f32x4 0.026; path JS 0.151, scalar 0.170, f32x4 0.055; backward JS 0.050,
// wasm 0.022.
import type { PoolLayer } from '../../model/checked.js';
import { Func } from '../asm.js';
import type { Addresses, WasmContext, WasmKernel, WasmOpEmitter, WasmRole } from './types.js';

interface Region { from: number; to: number; taps: number }

/** Output indices [0, n) grouped into runs of equal tap counts (clipped at the map's edge). */
function regions(n: number, size: number, stride: number, inSize: number): Region[] {
  const out: Region[] = [];
  for (let i = 0; i < n; i++) {
    const taps = Math.min(size, inSize - i * stride);
    if (taps < 1) throw new Error(`pool: output ${i} starts off the map`);
    const last = out[out.length - 1];
    if (last && last.taps === taps) last.to = i + 1;
    else out.push({ from: i, to: i + 1, taps });
  }
  return out;
}

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

/** local += step */
function bump(f: Func, l: string, step: number): void {
  if (step !== 0) f.get(l).i32(step).op('i32.add').set(l);
}

function sizes(layer: PoolLayer) {
  return {
    C: layer.input.c, Hl: layer.input.h, Wl: layer.input.w, Hr: layer.output.h, Wr: layer.output.w,
    ph: layer.size.rows, pw: layer.size.cols, sh: layer.stride.rows, sw: layer.stride.cols,
  };
}

/** Column strides whose windows are also computed 4 outputs at a time (f32x4). */
const SIMD_MAX_STRIDE = 2;

/**
 * One output, scalar: the window at byte offset xo (taps as memarg offsets) into y at yo
 * and, with `path`, mo + the chosen tap's in-map offset into path at yo.
 */
function scalarWindow(f: Func, at: Addresses, path: boolean, Wl: number, ta: number, tb: number): void {
  const best = f.local('best', 'f32'), v = f.local('v', 'f32');
  const w = path ? f.local('w', 'i32') : '', c = path ? f.local('c', 'i32') : '';
  f.get('xo').op('f32.load', at.x).set(best);
  if (path) f.i32(0).set(w);
  for (let a = 0; a < ta; a++)
    for (let b = 0; b < tb; b++) {
      if (a === 0 && b === 0) continue;
      const d = a * Wl + b;
      f.get('xo').op('f32.load', at.x + 4 * d).set(v);
      if (path) {
        // v > best || (v is NaN && best is not): the first maximum, the first NaN.
        f.get(v).get(best).op('f32.gt');
        f.get(v).get(v).op('f32.ne').get(best).get(best).op('f32.eq').op('i32.and');
        f.op('i32.or').set(c);
        f.get(v).get(best).get(c).op('select').set(best);
        f.i32(d).get(w).get(c).op('select').set(w);
      } else {
        f.get(v).get(best);
        f.get(v).get(best).op('f32.gt').get(v).get(v).op('f32.ne').op('i32.or');
        f.op('select').set(best);
      }
    }
  f.get('yo').get(best).op('f32.store', at.y);
  if (path) f.get('yo').get('mo').get(w).op('i32.add').op('i32.store', at.path);
}

/**
 * Four outputs of a row at once (column stride 1 or 2), the same rule per lane: each tap
 * is one f32x4 load (stride 1) or the even lanes of two (stride 2, i8x16.shuffle); the
 * lane masks pick with v128.bitselect.
 */
function vectorWindow(f: Func, at: Addresses, path: boolean, Wl: number, sw: number, ta: number, tb: number): void {
  const B = f.local('vbest', 'v128'), V = f.local('vv', 'v128'), M = f.local('vm', 'v128');
  const W = path ? f.local('vw', 'v128') : '';
  const tap = (d: number) => {
    f.get('xo').op('v128.load', at.x + 4 * d);
    if (sw === 2) f.get('xo').op('v128.load', at.x + 4 * d + 16).op('i8x16.shuffle', 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
  };
  tap(0); f.set(B);
  if (path) f.op('v128.const', 'i32x4', 0, 0, 0, 0).set(W);
  for (let a = 0; a < ta; a++)
    for (let b = 0; b < tb; b++) {
      if (a === 0 && b === 0) continue;
      const d = a * Wl + b;
      tap(d); f.set(V);
      f.get(V).get(B).op('f32x4.gt').get(V).get(V).op('f32x4.ne');
      if (path) f.get(B).get(B).op('f32x4.eq').op('v128.and');
      f.op('v128.or').set(M);
      f.get(V).get(B).get(M).op('v128.bitselect').set(B);
      if (path) f.op('v128.const', 'i32x4', d, d, d, d).get(W).get(M).op('v128.bitselect').set(W);
    }
  f.get('yo').get(B).op('v128.store', at.y);
  if (path) {
    f.get('yo').get(W).get('mo').op('i32x4.splat').op('i32x4.add').op('v128.const', 'i32x4', 0, sw, 2 * sw, 3 * sw).op('i32x4.add');
    f.op('v128.store', at.path);
  }
}

function emitWindows(f: Func, layer: PoolLayer, T: number, at: Addresses, path: boolean): string {
  const { C, Hl, Wl, Hr, Wr, ph, pw, sh, sw } = sizes(layer);
  const rows = regions(Hr, ph, sh, Hl);
  const cols = regions(Wr, pw, sw, Wl);
  const xc = f.local('xc', 'i32'), yc = f.local('yc', 'i32');
  const xr = f.local('xr', 'i32'), yr = f.local('yr', 'i32');
  const xo = f.local('xo', 'i32'), yo = f.local('yo', 'i32');
  const mr = path ? f.local('mr', 'i32') : '', mo = path ? f.local('mo', 'i32') : '';
  f.i32(0).set(xc).i32(0).set(yc);
  counted(f, f.local('ntk', 'i32'), 'maps', T * C, () => {
    for (const rr of rows) {
      f.get(xc).i32(rr.from * sh * Wl * 4).op('i32.add').set(xr);
      f.get(yc).i32(rr.from * Wr * 4).op('i32.add').set(yr);
      if (path) f.i32(rr.from * sh * Wl).set(mr);
      counted(f, f.local('ni', 'i32'), 'rows', rr.to - rr.from, () => {
        for (const cr of cols) {
          f.get(xr).i32(cr.from * sw * 4).op('i32.add').set(xo);
          f.get(yr).i32(cr.from * 4).op('i32.add').set(yo);
          if (path) f.get(mr).i32(cr.from * sw).op('i32.add').set(mo);
          const n = cr.to - cr.from;
          const groups = sw <= SIMD_MAX_STRIDE ? Math.floor(n / 4) : 0;
          counted(f, f.local('ng', 'i32'), 'groups', groups, () => {
            vectorWindow(f, at, path, Wl, sw, rr.taps, cr.taps);
            if (path) bump(f, mo, 4 * sw);
            bump(f, xo, 16 * sw);
            bump(f, yo, 16);
          });
          counted(f, f.local('nj', 'i32'), 'cols', n - 4 * groups, () => {
            scalarWindow(f, at, path, Wl, rr.taps, cr.taps);
            if (path) bump(f, mo, sw);
            bump(f, xo, sw * 4);
            bump(f, yo, 4);
          });
        }
        bump(f, xr, sh * Wl * 4);
        bump(f, yr, Wr * 4);
        if (path) bump(f, mr, sh * Wl);
      });
    }
    bump(f, xc, Hl * Wl * 4);
    bump(f, yc, Hr * Wr * 4);
  });
  const fmt = (rs: Region[]) => rs.map((r) => `${r.from}..${r.to - 1}: ${r.taps} tap(s)`).join(', ');
  return `${ph}x${pw} pool, stride ${sh}x${sw}, ${layer.round}; ${sw <= SIMD_MAX_STRIDE ? `f32x4 over 4 outputs of a row${sw === 2 ? ' (even lanes of two loads)' : ''}, scalar for the rest` : 'scalar'}, branch-free compare+select, taps unrolled as literal offsets; ` +
    `${T * C} maps in one loop; rows ${fmt(rows)}; cols ${fmt(cols)}`;
}

function emitBackward(f: Func, layer: PoolLayer, T: number, at: Addresses): string {
  const { C, Hl, Wl, Hr, Wr } = sizes(layer);
  const n = Hr * Wr;
  const U = [8, 4, 2, 1].find((u) => n % u === 0)!;
  const xc = f.local('xc', 'i32'), yo = f.local('yo', 'i32'), a = f.local('a', 'i32');
  f.i32(at.dx).i32(0).i32(T * C * Hl * Wl * 4).op('memory.fill');
  f.i32(0).set(xc).i32(0).set(yo);
  counted(f, f.local('ntk', 'i32'), 'maps', T * C, () => {
    counted(f, f.local('no', 'i32'), 'outs', n / U, () => {
      for (let u = 0; u < U; u++) {
        // dx[xc + path[o]] += dy[o]
        f.get(yo).op('i32.load', at.path + 4 * u).i32(2).op('i32.shl').get(xc).op('i32.add').tee(a);
        f.get(a).op('f32.load', at.dx).get(yo).op('f32.load', at.dy + 4 * u).op('f32.add');
        f.op('f32.store', at.dx);
      }
      bump(f, yo, 4 * U);
    });
    bump(f, xc, Hl * Wl * 4);
  });
  return `memory.fill of dx (${T * C * Hl * Wl} values), then ${T * C} maps of ${n} outputs routed to their path, ${U} per iteration (overlapping pools accumulate)`;
}

export const wasmPool: WasmOpEmitter<PoolLayer> = {
  roles: ['forward', 'path', 'backward'],
  emit(layer: PoolLayer, role: WasmRole, name: string, at: Addresses, ctx: WasmContext): WasmKernel {
    const f = new Func(name);
    let schedule: string;
    if (role === 'forward') schedule = emitWindows(f, layer, ctx.batch, at, false);
    else if (role === 'path') schedule = emitWindows(f, layer, ctx.batch, at, true);
    else if (role === 'backward') schedule = emitBackward(f, layer, ctx.batch, at);
    else throw new Error(`pool ${layer.name}: no ${role} kernel`);
    return { role, func: f, schedule: `${role}: ${schedule}` };
  },
};
