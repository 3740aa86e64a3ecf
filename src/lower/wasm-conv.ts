// The WebAssembly conv kernels' schedule (target wasm): the register blocking of the
// correlation (forward and backward) and of the weight gradient, per variant (plain SIMD:
// mul + add; relaxed SIMD: f32x4.relaxed_madd), and the scratch bytes each kernel needs.
// src/wasm/kernels/conv.ts prints what is chosen here; its header describes the kernels.
import type { ConvLayer } from '../model/checked.js';
import type { KernelRole, WasmKernelPlan } from './plan.js';

/** Register blocking of the correlation (forward, backward). */
export interface CorrBlocking {
  /** Output channels per block. */
  kb: number;
  /** Output rows per block. */
  ph: number;
  /** f32x4 vectors (4 columns each) per block. */
  pv: number;
  /** Loop over the window's taps (one tap per body) instead of unrolling the whole window (the probe's design, kept for comparison). */
  tapLoop?: boolean;
  /** With tapLoop: window columns per loop body (default 1). */
  qUnroll?: number;
}

/** Blocking of the weight gradient. */
export interface GradBlocking {
  /** Kernel rows per pass (pr). */
  band: number;
  /** Kernel columns per pass (all when absent). */
  cols?: number;
  /** Output channels per pass (sharing each input vector load). */
  kc: number;
  /** Loop over the vectors of a row (one vector per body) instead of unrolling them. */
  vLoop: boolean;
}

const ceil4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * Vector registers a block may use: 16 xmm registers. TurboFan keeps the loads of a body in
 * program order and sinks the arithmetic towards its uses, so every vector a body loads is
 * live at once beside the accumulators (which is why the unrolled window spilled, and why
 * the rules below count all of a body's loads). mul + add needs one more register for the
 * product (the VGG grad with 9 accumulators + 3 dy + 3 input vectors ran at 45 GFLOP/s with
 * relaxed madd and 21 with mul + add before this rule).
 */
export const regs = (relaxed: boolean) => (relaxed ? 16 : 15);

/**
 * The blocking of forward and backward. Measured on the 2-core EPYC (Zen 4) this project
 * benchmarks on, Node 20, relaxed madd, batch 32 (bench/kernels/wasm-conv.mjs --tune):
 * the window fully unrolled (the probe's design) reached only 14–19 GFLOP/s whatever the
 * block, because TurboFan's scheduler hoists the loads of a long straight-line body far
 * ahead of their use and spills hundreds of vectors (seen with --print-wasm-code). Looping
 * over the window's taps, one tap per loop body, leaves it nothing to hoist: LeNet c1 forward
 * went from 16.7 to 33–38 GFLOP/s, VGG 32→64 3×3 16×16 from 17–19 to 37–42. Best blocks hold
 * 8 accumulators (4 ch × 2 rows × 1 vec 38.3, 2 × 1 × 4 37.3, 2 × 2 × 2 35.1 on c1; 2 × 1 × 4
 * 42.2, 4 × 2 × 1 40.9 on VGG); 12 accumulators fall back to 21–27 (spills again). LeNet c1
 * backward has one output channel: 1 × 1 × 7 (the whole row) 35.5, 1 × 3 × 2 28.7, and
 * 1 × 2 × 4 (8 accumulators + 8 input vectors: spills) 20. Two or three window columns
 * per loop body (qUnroll) lose again (VGG 32→32 3×3 32×32: 32 → 23; LeNet c2: 40 → 21): the
 * loads of the second tap are hoisted, and the registers run out.
 * The choice below follows a small cost model of that: per tap, a block of a accumulators
 * costs max(a/2 multiply-adds per cycle, loads/3, 4 cycles of madd latency) + loop overhead,
 * summed over the blocks (remainder blocks included) that tile Cout × H × ⌈W/4⌉.
 */
export function corrBlocking(Co: number, H: number, W: number, relaxed: boolean): CorrBlocking {
  const nv = ceil4(W) / 4;
  const tapCycles = (kc: number, nh: number, np: number) => Math.max((kc * nh * np) / 2, (kc + nh * np) / 3, 4) + 0.75;
  const segs = (total: number, b: number): [number, number][] => {
    const out: [number, number][] = [[Math.floor(total / b), b]];
    if (total % b) out.push([1, total % b]);
    return out;
  };
  let best: CorrBlocking = { kb: 1, ph: 1, pv: 1, tapLoop: true };
  let bestCost = Infinity;
  for (let kb = 1; kb <= Math.min(Co, 8); kb++)
    for (let ph = 1; ph <= Math.min(H, 4); ph++)
      for (let pv = 1; pv <= Math.min(nv, 8); pv++) {
        const a = kb * ph * pv;
        if (a > 8 || a + ph * pv + kb > regs(relaxed)) continue; // accumulators + input vectors + splatted weights
        let cost = 0;
        for (const [ck, kc] of segs(Co, kb)) for (const [cr, nh] of segs(H, ph)) for (const [cv, np] of segs(nv, pv))
          cost += ck * cr * cv * tapCycles(kc, nh, np);
        if (cost < bestCost - 1e-9) { bestCost = cost; best = { kb, ph, pv, tapLoop: true }; }
      }
  return best;
}

/**
 * The grad's blocking: kc output channels × a band of pr kernel rows × qb kernel columns per
 * pass, kc·pr·qb accumulators, and one vector per loop body. Measured (relaxed, batch 32, the
 * busy 2-core EPYC): unrolling the row's vectors spilled as the forward did (VGG 32→64 3×3:
 * 24 GFLOP/s unrolled, 40 with one vector per body, kc 1 × 3 rows × 3 columns); on LeNet c1
 * (5×5) a whole band of 5 columns either spills (2 rows: 19) or is latency-bound (1 row, 5
 * accumulators: 25). The same cost model as the forward picks the blocking: per vector step
 * max(accumulators/2, loads/3, 4 cycles of madd latency) + loop overhead, summed over the
 * passes, with accumulators + dy vectors + input vectors + 1 ≤ 16 registers.
 */
export function gradBlocking(Co: number, M: number, N: number, relaxed: boolean): GradBlocking {
  const body = (kc: number, pr: number, qb: number) => Math.max((kc * pr * qb) / 2, (kc * pr + qb) / 3, 4) + 0.75;
  const segs = (total: number, b: number): [number, number][] => {
    const out: [number, number][] = [[Math.floor(total / b), b]];
    if (total % b) out.push([1, total % b]);
    return out;
  };
  let best: GradBlocking = { band: 1, cols: 1, kc: 1, vLoop: true };
  let bestCost = Infinity;
  for (let kc = 1; kc <= Math.min(Co, 4); kc++)
    for (let pr = 1; pr <= M; pr++)
      for (let qb = 1; qb <= N; qb++) {
        if (kc * pr * qb + kc * pr + qb + 1 > regs(relaxed)) continue;
        let cost = 0;
        for (const [ck, k] of segs(Co, kc)) for (const [cp, p] of segs(M, pr)) for (const [cq, q] of segs(N, qb))
          cost += ck * cp * cq * (body(k, p, q) + 0.5); // + per-pass overhead (sums, border steps)
        if (cost < bestCost - 1e-9) { bestCost = cost; best = { band: pr, cols: qb, kc, vLoop: true }; }
      }
  return best;
}

/**
 * Scratch bytes of a conv kernel: zero-padded maps of Hp = H + M − 1 rows × Wp = ⌈W/4⌉·4 + N − 1
 * columns (the layout src/wasm/kernels/conv.ts copies into: the last, partial output vector's
 * loads stay inside the row). Forward: the C_l input maps of one sample; backward: the C_r
 * sensitivity maps of one sample; grad: one input channel of every sample.
 */
export function wasmConvScratchBytes(layer: ConvLayer, role: KernelRole, batch: number): number {
  const plane = (layer.input.h + layer.kernel.rows - 1) * (ceil4(layer.input.w) + layer.kernel.cols - 1);
  if (role === 'forward') return layer.input.c * plane * 4;
  if (role === 'backward') return layer.output.c * plane * 4;
  if (role === 'grad') return batch * plane * 4;
  return 0;
}

/** The wasm schedule of one conv kernel, both variants. */
export function planWasmConv(layer: ConvLayer, role: KernelRole, batch: number): WasmKernelPlan {
  const scratchBytes = wasmConvScratchBytes(layer, role, batch);
  if (role === 'grad') {
    const grad = (relaxed: boolean) => ({ kind: 'conv-grad' as const, ...gradBlocking(layer.output.c, layer.kernel.rows, layer.kernel.cols, relaxed) });
    return { plain: grad(false), relaxed: grad(true), scratchBytes };
  }
  if (role !== 'forward' && role !== 'backward') throw new Error(`cnnc: wasm conv ${layer.name}: no role ${role}`);
  // The correlation's output channels are C_r forward, C_l backward (channels transposed).
  const Co = role === 'forward' ? layer.output.c : layer.input.c;
  const corr = (relaxed: boolean) => ({ kind: 'conv-corr' as const, ...corrBlocking(Co, layer.input.h, layer.input.w, relaxed) });
  return { plain: corr(false), relaxed: corr(true), scratchBytes };
}
