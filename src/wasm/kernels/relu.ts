// ReLU as WebAssembly: one flat f32x4 loop over the whole T·C·H·W block, exactly the
// interpreter's `x > 0 || x is NaN ? x : 0` (and `x > 0 ? dy : x is NaN ? NaN : 0`
// backward), bit for bit up to NaN payloads:
//   forward  y = f32x4.max(x, 0): NaN for NaN (max propagates it), +0 for -0 and -Infinity
//            (max orders -0 below +0), +Infinity stays, every positive value unchanged;
//   backward dx = (dy AND (x > 0 as a lane mask)) OR (x AND (x ≠ x as a lane mask)): dy
//            where x > 0 (NaN, -0 and NaN payloads of dy kept bit for bit), x's NaN where x
//            is NaN, +0 where x is ±0 or negative.
// Schedule: the main loop does UNROLL vectors (UNROLL·16 bytes) per iteration with every
// address a memarg offset from one byte counter; the leftover whole vectors follow
// straight-line, then a last 1–3 elements are computed on a full vector (the buffers may be
// over-read by 16 bytes) and stored lane by lane (never over-written).
// Measured (bench/kernels/wasm-misc.mjs, LeNet relu1 at T = 32: 150528 elements, CPU ms per
// call, median of 5 rounds on the shared 2-core machine, load ~8): forward JS 0.25-0.26,
// wasm 0.012; backward JS 0.33-0.36, wasm 0.022 (about memory speed already).
import type { ReluLayer } from '../../model/checked.js';
import { Func } from '../asm.js';
import type { Addresses, WasmContext, WasmKernel, WasmOpEmitter, WasmRole } from './types.js';

/** Vectors per loop iteration. */
const UNROLL = 8;

type Body = (f: Func, addr: string | null, off: number) => void;

/**
 * Emits `value` for every vector of an n-element block and stores it at `outAt`: `value`
 * gets the i32 local holding the block's byte counter (null where the address is a
 * literal) and the byte offset to add as memarg offset, and leaves one v128 on the stack.
 */
function flat(f: Func, n: number, value: Body, outAt: number): void {
  const vectors = Math.floor(n / 4);
  const iterations = Math.floor(vectors / UNROLL);
  const o = f.local('o', 'i32');
  if (iterations > 0) {
    f.i32(0).set(o);
    f.op('loop', 'L');
    for (let u = 0; u < UNROLL; u++) {
      f.get(o);
      value(f, o, u * 16);
      f.op('v128.store', outAt + u * 16);
    }
    f.get(o).i32(UNROLL * 16).op('i32.add').tee(o).i32(iterations * UNROLL * 16).op('i32.lt_u').op('br_if', 'L');
    f.end();
  }
  for (let v = iterations * UNROLL; v < vectors; v++) {
    f.i32(0);
    value(f, null, v * 16);
    f.op('v128.store', outAt + v * 16);
  }
  const rest = n - vectors * 4;
  if (rest > 0) {
    const r = f.local('r', 'v128');
    const b = vectors * 16;
    value(f, null, b);
    f.set(r);
    if (rest >= 2) f.i32(0).get(r).op('v128.store64_lane', outAt + b, 0);
    if (rest !== 2) f.i32(0).get(r).op('v128.store32_lane', outAt + b + (rest === 3 ? 8 : 0), rest === 3 ? 2 : 0);
  }
}

export const wasmRelu: WasmOpEmitter<ReluLayer> = {
  roles: ['forward', 'backward'],
  emit(layer: ReluLayer, role: WasmRole, name: string, at: Addresses, ctx: WasmContext): WasmKernel {
    const n = ctx.batch * layer.input.c * layer.input.h * layer.input.w;
    const f = new Func(name);
    const zero = () => f.op('v128.const', 'f32x4', 0, 0, 0, 0);
    const addr = (a: string | null) => (a === null ? f.i32(0) : f.get(a));
    if (role === 'forward') {
      // max(x, +0): x if x > 0, NaN if x is NaN, else +0.
      flat(f, n, (g, a, off) => { addr(a); g.op('v128.load', at.x + off); zero(); g.op('f32x4.max'); }, at.y);
    } else if (role === 'backward') {
      const xv = f.local('xv', 'v128');
      flat(f, n, (g, a, off) => {
        addr(a); g.op('v128.load', at.dy + off);
        addr(a); g.op('v128.load', at.x + off); g.tee(xv); zero(); g.op('f32x4.gt');
        g.op('v128.and');
        g.get(xv).get(xv).get(xv).op('f32x4.ne').op('v128.and');
        g.op('v128.or');
      }, at.dx);
    } else {
      throw new Error(`relu ${layer.name}: no ${role} kernel`);
    }
    const vectors = Math.floor(n / 4);
    return {
      role,
      func: f,
      schedule: `${role}: f32x4 over ${n} elements, ${UNROLL} vectors per iteration (${Math.floor(vectors / UNROLL)} iterations, ${vectors % UNROLL} vector(s) after${n % 4 ? `, ${n % 4} element(s) stored by lane` : ''})`,
    };
  },
};
