// The WebAssembly full kernels' schedule (target wasm): register blocking per role, the same
// for both variants. src/wasm/kernels/full.ts prints it; its header describes the kernels.
//
// Blocking chosen (bench/kernels/wasm-full.mjs, batch 32, one core of a 2-core AMD EPYC on
// Node 20.20, load average 6-8 from other jobs; GFLOP/s = 2·MAC/time, CPU-time medians):
// eight f32x4 accumulators per block, reduction not unrolled. Eight accumulators plus the
// 6 vectors loaded per step fit x64's 16 vector registers; 9 (3×3) fit only with relaxed
// madd (no temporary for the product), 12 or 16 spill and run at half speed; unrolling the
// reduction ×2 lost 20-40 % (register pressure). 2×4 and 4×2 are within noise of each other.
//   forward TB×OB = 2×4, backward TB×IV = 4×2, grad OB×IV = 4×2:
//   shape (K→O)   forward  backward  grad    JS target (generated/lenet.js, 4×4 f64 tiles)
//   784→120        45.6     42-45    41-44    4.2 / 6.8 / 6.6
//   120→84         35-37    37       36-37    —
//   84→10          14.6     14.3     13-15    —
//   120→10         13-15    13.8     13.1     2.8 / 3.5 / 3.5
// (mul+add and relaxed madd measure alike: both reach the core's ~46 GFLOP/s f32x4 peak on
// 784→120; the small layers are bound by per-call and per-block overhead, a few µs a call.)
import type { FullLayer } from '../model/checked.js';
import type { KernelRole, WasmKernelPlan, WasmSchedule } from './plan.js';

/** Register blocking of the three kernels. */
export interface FullBlocking {
  /** forward: samples × outputs per block, reduction unroll. */
  fwd: { tb: number; ob: number; u: number };
  /** backward: samples × vectors of i per block, reduction (over o) unroll. */
  bwd: { tb: number; iv: number; u: number };
  /** grad: outputs × vectors of i per block, reduction (over t) unroll. */
  grad: { ob: number; iv: number; u: number };
}

export const defaultFullBlocking: FullBlocking = {
  fwd: { tb: 2, ob: 4, u: 1 },
  bwd: { tb: 4, iv: 2, u: 1 },
  grad: { ob: 4, iv: 2, u: 1 },
};

/** The wasm schedule of one full kernel (both variants alike: see the measurements above; no scratch). */
export function planWasmFull(layer: FullLayer, role: KernelRole): WasmKernelPlan {
  const b = defaultFullBlocking;
  let s: WasmSchedule;
  if (role === 'forward') s = { kind: 'full-forward', ...b.fwd };
  else if (role === 'backward') s = { kind: 'full-backward', ...b.bwd };
  else if (role === 'grad') s = { kind: 'full-grad', ...b.grad };
  else throw new Error(`cnnc: wasm full ${layer.name}: no role ${role}`);
  return { plain: s, relaxed: { ...s }, scratchBytes: 0 };
}
