// The SGD step and the clearing of gradients, as WebAssembly over the module's memory.
// emitSgd: one function (lr: f32, momentum: f32) that, for every learnable tensor (p, its
// gradient g and its velocity v at literal byte addresses, n float32 each), does what the JS
// target's $sgd does element by element, in the same order:
//   v = momentum·v + g;  p −= lr·v
// four elements at a time (f32x4; with ctx.relaxed the multiply-adds are relaxed_madd /
// relaxed_nmadd), the last n mod 4 elements scalar. The JS version computes each line in
// float64 and rounds once on store; here each multiply and add rounds to float32 (or the
// fused form rounds once), so results agree within a float32 rounding or two.
// emitZero: memory.fill of each region (the gradients, before a backward pass that does not
// accumulate).
import { Func } from '../asm.js';
import type { WasmContext } from './types.js';

export interface SgdTensor {
  /** Byte addresses of the parameters, their gradient and their velocity. */
  p: number;
  g: number;
  v: number;
  /** Element count (float32). */
  n: number;
}

export function emitSgd(name: string, tensors: readonly SgdTensor[], ctx: WasmContext): Func {
  const f = new Func(name, [['lr', 'f32'], ['momentum', 'f32']]);
  const i = f.local('i', 'i32');
  const lr = f.local('lrv', 'v128'), mom = f.local('mv', 'v128'), v = f.local('v', 'v128');
  const s = f.local('s', 'f32');
  f.get('lr').op('f32x4.splat').set(lr).get('momentum').op('f32x4.splat').set(mom);
  tensors.forEach((t, k) => {
    const n4 = Math.floor(t.n / 4);
    const vector = (): void => {
      // v = momentum·v + g
      if (ctx.relaxed) f.get(mom).get(i).op('v128.load', t.v).get(i).op('v128.load', t.g).op('f32x4.relaxed_madd');
      else f.get(mom).get(i).op('v128.load', t.v).op('f32x4.mul').get(i).op('v128.load', t.g).op('f32x4.add');
      f.set(v).get(i).get(v).op('v128.store', t.v);
      // p = p − lr·v
      f.get(i);
      if (ctx.relaxed) f.get(lr).get(v).get(i).op('v128.load', t.p).op('f32x4.relaxed_nmadd');
      else f.get(i).op('v128.load', t.p).get(lr).get(v).op('f32x4.mul').op('f32x4.sub');
      f.op('v128.store', t.p);
    };
    if (n4 === 1) { f.i32(0).set(i); vector(); }
    else if (n4 > 1) {
      const L = `L${k}`;
      f.i32(0).set(i).op('loop', L);
      vector();
      f.get(i).i32(16).op('i32.add').tee(i).i32(16 * n4).op('i32.lt_u').op('br_if', L);
      f.end();
    }
    for (let e = 4 * n4; e < t.n; e++) {
      const o = 4 * e;
      f.i32(0).get('momentum').i32(0).op('f32.load', t.v + o).op('f32.mul').i32(0).op('f32.load', t.g + o).op('f32.add')
        .tee(s).op('f32.store', t.v + o);
      f.i32(0).i32(0).op('f32.load', t.p + o).get('lr').get(s).op('f32.mul').op('f32.sub').op('f32.store', t.p + o);
    }
  });
  return f;
}

/** One function that sets every region's bytes to 0 (memory.fill). */
export function emitZero(name: string, regions: readonly { at: number; bytes: number }[]): Func {
  const f = new Func(name);
  for (const r of regions) if (r.bytes > 0) f.i32(r.at).i32(0).i32(r.bytes).op('memory.fill');
  return f;
}
